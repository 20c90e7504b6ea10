"""The hall's screen under load: 200 members in a community, 10 screens polling its live list, check-ins
arriving meanwhile. Prints the SQL statements per refresh (counted by a SQLAlchemy event listener) and the
time per refresh (perf_counter over every refresh), through the whole Flask app as the browser calls it.

SQLite in a throw-away file by default; DATABASE_URL=postgresql+psycopg://... runs it in a throw-away
database created on that server (and dropped after)."""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, text  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from config import TestConfig  # noqa: E402
from tests.factories import PASSWORD, Make, check_in  # noqa: E402


def _database(folder: str):
    """(url, cleanup): a throw-away database for the run."""
    url = os.environ.get("DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        return f"sqlite:///{folder}/bench.sqlite3", lambda: None
    from tests.conftest import _postgres_database

    os.environ["TEST_DATABASE_URL"] = url
    admin, name, throwaway = _postgres_database()

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return throwaway, drop


def _percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--screens", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=60, help="polls per screen (one every 5 s in the hall)")
    parser.add_argument("--arrivals", type=int, default=3, help="check-ins arriving every --every rounds")
    parser.add_argument("--every", type=int, default=3, help="rounds between arrivals (the others answer 304)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url, cleanup = _database(folder)
        try:
            run(url, args)
        finally:
            cleanup()


def run(url: str, args) -> None:
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config["SQLALCHEMY_DATABASE_URI"] = url
    app = create_app(config)
    with app.app_context():
        db.create_all()
        engine = db.engine
    make = Make(app)
    community = make.community(name="桃源社区")
    members = [make.member(community, with_account=False) for _ in range(args.members)]
    event_row = make.event(community, title="十二月回家日")
    secretary = make.secretary(community)

    screens = []
    for _ in range(args.screens):
        client = app.test_client()
        assert client.post("/login", data={"phone": secretary.phone, "password": PASSWORD}).status_code == 302
        screens.append({"client": client, "etag": None})
    path = f"/events/{event_row.id}/screen/roll.json"

    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, sql, *_a: statements.append(sql))
    times = {200: [], 304: []}
    counts, list_reads, cpu_times = [], [], []
    arriving = iter(members)
    one_refresh: list[str] = []
    for round_ in range(args.rounds):
        for _ in range(args.arrivals if round_ % args.every == 0 else 0):
            member = next(arriving, None)
            if member is not None:
                check_in(app, member, event_row)
        for screen in screens:
            statements.clear()
            headers = {"If-None-Match": screen["etag"]} if screen["etag"] else {}
            started, cpu = time.perf_counter(), time.process_time()
            response = screen["client"].get(path, headers=headers)
            elapsed = time.perf_counter() - started
            cpu_times.append((time.process_time() - cpu) * 1000)
            assert response.status_code in (200, 304), response.status_code
            screen["etag"] = response.headers.get("ETag", screen["etag"])
            times[response.status_code].append(elapsed * 1000)
            counts.append(len(statements))
            list_reads.append(sum("members" in sql for sql in statements))
            one_refresh = list(statements)

    everything = times[200] + times[304]
    print(
        f"database: {engine.dialect.name}; {args.members} members, {args.screens} screens, {len(everything)} refreshes"
    )
    print(
        f"SQL statements per refresh: {min(counts)}–{max(counts)} (median {statistics.median(counts)}), "
        f"of which reading the list: {max(list_reads)}"
    )
    for sql in one_refresh:
        print("  ", " ".join(sql.split())[:110])
    print(
        f"time per refresh: median {statistics.median(everything):.2f} ms, p95 {_percentile(everything, 0.95):.2f} ms"
    )
    print(f"  of it on this process's CPU (less the host's other load): median {statistics.median(cpu_times):.2f} ms")
    for status, label in ((200, "200 (the list changed)"), (304, "304 (nothing changed)")):
        if times[status]:
            print(f"  {label}: {len(times[status])} refreshes, median {statistics.median(times[status]):.2f} ms")


if __name__ == "__main__":
    main()
