"""Load a county of 100,000 members into PostgreSQL, serve it with gunicorn, and time the ranking API."""

import argparse
import http.client
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.db import utcnow  # noqa: E402
from ledger import periods  # noqa: E402

GOAL = 3.0  # issue 19: an uncached ranking page of 100,000 members within 3x /healthz


def create_schema(url: str) -> None:
    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        db.create_all()
        db.engine.dispose()


def _copy(cur, table: str, columns: str, rows) -> None:
    with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def load(dsn: str, *, members: int, entries: int, communities: int, units: int, months: list[str]) -> None:
    """Members, the org tree they join, and balances adding up to `entries` posted entries over `months`."""
    rng = random.Random(7)
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO regions (id, name, kind) VALUES (1, '永春县', 'county'), (2, '桃城镇', 'township')")
        _copy(cur, "communities", "id, name, region_id", ((c, f"社区{c:03d}", 2) for c in range(1, communities + 1)))
        _copy(
            cur,
            "units",
            "id, name, kind, community_id",
            ((u, f"单位{u:04d}", "organ", rng.randint(1, communities)) for u in range(1, units + 1)),
        )
        _copy(
            cur,
            "members",
            "id, name, phone, unit_id, community_id, active, created_at",
            (
                (
                    m,
                    f"党员{m:06d}",
                    f"13{m:09d}",
                    rng.randint(1, units),
                    rng.randint(1, communities),
                    True,
                    "2026-01-01",
                )
                for m in range(1, members + 1)
            ),
        )
        per_month = entries // len(months)
        for period in months:
            # Some members earn nothing in a month; the rest share the month's entries (3 to 5 points each).
            earners = rng.sample(range(1, members + 1), int(members * 0.9))
            counts = [0] * len(earners)
            for _ in range(per_month):
                counts[rng.randrange(len(earners))] += 1
            _copy(
                cur,
                "balances",
                "member_id, period, posted, pending, posted_entries",
                ((m, period, n * rng.choice((3, 5)), 0, n) for m, n in zip(earners, counts, strict=True) if n),
            )
        for table in ("communities", "units", "members"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    with psycopg.connect(dsn, autocommit=True) as conn:
        # What autovacuum does on a live server soon after a bulk load: the visibility map, then statistics.
        # Without the CHECKPOINT, VACUUM marked no page all-visible (relallvisible 0) and every index-only
        # scan read the heap for each row, 5,050 heap fetches for the page at offset 5,000; most likely it
        # could not set the rows' hint bits before their asynchronous commit was flushed (README.md).
        conn.execute("CHECKPOINT")
        conn.execute("VACUUM")
        conn.execute("ANALYZE")


def _loaded(dsn: str) -> bool:
    with psycopg.connect(dsn) as conn:
        return bool(conn.execute("SELECT to_regclass('members') IS NOT NULL").fetchone()[0]) and bool(
            conn.execute("SELECT EXISTS (SELECT 1 FROM members)").fetchone()[0]
        )


def _timed(conn: http.client.HTTPConnection, path: str) -> float:
    start = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    elapsed = (time.perf_counter() - start) * 1000
    if response.status != 200:
        raise SystemExit(f"{path}: HTTP {response.status}")
    return elapsed


def _figures(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def serve(url: str, port: int, workers: int, tree: Path) -> subprocess.Popen:
    # One client timing one request after another is no abuse: the limiter still runs, but never trips.
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-secret", "RATELIMIT_ANONYMOUS": "1000000 per minute"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=tree,
        env=env,
    )
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not come up")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=3_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--port", type=int, default=8917)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="keep a county an earlier run loaded into the database")
    parser.add_argument(
        "--against",
        metavar="TREE",
        help="another checkout (e.g. /work/main), served beside this one on --port + 1 and timed in turn with it",
    )
    args = parser.parse_args()
    month = periods.month_of(utcnow())
    months = [month]
    while len(months) < 6:
        months.insert(0, periods.prev_month(months[0]))
    url = make_url(args.database_url)
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)

    started = time.perf_counter()
    if not (args.reuse and _loaded(dsn)):
        create_schema(args.database_url)
        load(dsn, members=args.members, entries=args.entries, communities=24, units=800, months=months)
    with psycopg.connect(dsn) as conn:
        ranked = conn.execute(
            "SELECT count(*), sum(posted_entries) FROM balances WHERE period = %s", (month,)
        ).fetchone()
        total = conn.execute("SELECT sum(posted_entries) FROM balances").fetchone()[0]
    print(
        f"loaded {args.members:,} members, {total:,} posted entries' worth of balances over {len(months)} months "
        f"({ranked[0]:,} members ranked in {month}) in {time.perf_counter() - started:.1f}s"
    )

    trees = {"this tree": ROOT}
    if args.against:
        trees["against"] = Path(args.against).resolve()
    servers = [serve(args.database_url, args.port + n, args.workers, tree) for n, tree in enumerate(trees.values())]
    try:
        samples = _measure(
            [http.client.HTTPConnection("127.0.0.1", args.port + n, timeout=30) for n in range(len(trees))],
            month,
            args.requests,
        )
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)

    print(f"\n{args.requests} sequential requests each, gunicorn with {args.workers} worker(s), keep-alive client:")
    load_average = " ".join(open("/proc/loadavg").read().split()[:3])
    for (name, tree), figures in zip(trees.items(), samples, strict=True):
        print(f"\n{name}: {tree}")
        _report(figures, load_average)
    if args.against:
        print()
        for series in ("uncached", "units", "cached", "health"):
            this, other = (_figures(figures[series])[0] for figures in samples)
            print(f"{LABELS[series]:42}against / this tree {other / this:5.2f}  ({other:.2f} / {this:.2f} ms)")


LABELS = {
    "uncached": "county page, uncached (count cached)",
    "units": "a unit's first page, cold",
    "cached": "county page, cached",
    "health": "/healthz",
}


def _measure(conns: list[http.client.HTTPConnection], month: str, requests: int) -> list[dict]:
    """Each series timed on every server in turn, request by request, so that they share the machine's load."""
    figures: list[dict] = [{series: [] for series in LABELS} for _ in conns]

    def each(series: str, path: str) -> None:
        for conn, samples in zip(conns, figures, strict=True):
            samples[series].append(_timed(conn, path))

    page = f"/api/v1/rankings?period={month}&by=member&limit=50"
    for _ in range(20):  # warm the connections and the code paths
        for conn in conns:
            _timed(conn, "/healthz")
    for conn, samples in zip(conns, figures, strict=True):
        samples["cold"] = _timed(conn, f"{page}&offset=0")
    # Uncached: every request asks a page not asked before (the cache is keyed by the query); the count
    # of ranked members, shared by every page of the list, stays cached for RANKING_CACHE_SECONDS.
    pages = list(range(1, requests + 1))
    random.Random(1).shuffle(pages)
    for p in pages:
        each("uncached", f"{page}&offset={p * 50}")
    # Cold: nothing cached at all, each request a different work unit's ranking (800 units).
    for unit in range(1, requests + 1):
        each("units", f"{page}&unit_id={unit}")
    for conn in conns:
        _timed(conn, page)
    for _ in range(requests):
        each("cached", page)
    for _ in range(requests):
        each("health", "/healthz")
    return figures


def _report(figures: dict, load_average: str) -> None:
    print(f"{'':42}{'median ms':>10}{'p99 ms':>10}{'median / healthz':>18}")
    base = _figures(figures["health"])[0]
    for series, name in LABELS.items():
        median, p99 = _figures(figures[series])
        print(f"{name:42}{median:10.2f}{p99:10.2f}{median / base:18.1f}")
    cold = figures["cold"]
    print(f"{'first county page after start, cold':42}{cold:10.2f}{'':10}{cold / base:18.1f}   (1 request)")
    ratio = _figures(figures["uncached"])[0] / base
    print(
        f"goal: an uncached county page within {GOAL}x /healthz: {ratio:.1f}x, {'met' if ratio <= GOAL else 'not met'}"
        f" (load average {load_average}, {os.cpu_count()} CPUs)"
    )


if __name__ == "__main__":
    main()
