"""Inside one process: a check-in's database round trips, its CPU and wall time in a loop, what one statement
costs by each road (psycopg, SQLAlchemy Core, the ORM), and with --profile a cProfile of the loop.

Drives the real app through its WSGI interface (Flask's test client: no HTTP server, no concurrency): the API's
check-in and the /c page's two requests (open, tap) that a member's phone makes,
against the bench's database, with the events of one pool of events.tsv. Run with DATABASE_URL and
SECRET_KEY set:  inside.py OUT POOL [--loop N] [--profile N]"""

import argparse
import cProfile
import io
import pstats
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402

from app.auth import tokens  # noqa: E402
from app.auth.models import Account  # noqa: E402
from app.extensions import db  # noqa: E402
from app.members.models import Member  # noqa: E402
from bench.burst.counting_wsgi import app, trips  # noqa: E402

SAMPLES = 20
STATEMENTS = 2000


def _bearers(member_ids: list[int]) -> dict[int, str]:
    """Bearer tokens minted as POST /auth/token mints them (the logins are not what is measured here)."""
    with app.app_context():
        accounts = db.session.query(Account).filter(Account.member_id.in_(member_ids)).all()
        minted = {a.member_id: tokens.issue(a)[0] for a in accounts}
        db.session.remove()
    return minted


def _scan(client, bearer: str, token: str):
    return client.post("/api/v1/checkins", json={"token": token}, headers={"Authorization": f"Bearer {bearer}"})


def _page_clients(accounts: list[tuple[int, str, str]]) -> list:
    """A test client per member, logged in through /login as a phone is (CSRF is not checked in this process:
    one HMAC a form, the same on every page)."""
    app.config["WTF_CSRF_ENABLED"] = False
    clients = []
    for _member, phone, password in accounts:
        client = app.test_client()
        assert client.post("/login", data={"phone": phone, "password": password}).status_code in (302, 303)
        clients.append(client)
    return clients


def _pages(accounts: list[tuple[int, str, str]], token: str) -> None:
    """The /c page's two requests, the way most members check in on the return day: round trips, then CPU."""
    clients = _page_clients(accounts)
    opened, tapped = [], []
    for n, client in enumerate(clients[:SAMPLES]):
        opened.append(_trips_of(lambda c=client: c.get(f"/c/{token}")))
        tapped.append(_trips_of(lambda c=client, n=n: c.post(f"/c/{token}", data={"idempotency_key": f"s{n}"})))
    _show("GET /c/<token>, the scan page", opened)
    _show("POST /c/<token>, the tap, a new check-in", tapped)
    timed = clients[SAMPLES:]
    cpu_open = cpu_tap = wall_open = wall_tap = 0.0
    statuses = Counter()
    for n, client in enumerate(timed):
        wall, cpu = _timed([lambda c=client: statuses.update([c.get(f"/c/{token}").status_code])])
        wall_open, cpu_open = wall_open + wall, cpu_open + cpu
        wall, cpu = _timed([lambda c=client, n=n: statuses.update([_tap(c, token, f"t{n}")])])
        wall_tap, cpu_tap = wall_tap + wall, cpu_tap + cpu
    k = len(timed)
    print(f"\n== {k} members' scans through the /c page one after another in one process (statuses {dict(statuses)}):")
    print(f"  /c page, GET: {wall_open / k * 1000:.2f} ms wall, {cpu_open / k * 1000:.2f} ms CPU in the app process")
    print(f"  /c page, POST: {wall_tap / k * 1000:.2f} ms wall, {cpu_tap / k * 1000:.2f} ms CPU in the app process")


def _tap(client, token: str, key: str) -> str:
    answer = client.post(f"/c/{token}", data={"idempotency_key": key})
    return "checked_in" if b'data-checkin-status="checked_in"' in answer.data else str(answer.status_code)


def _trips_of(call) -> list[str]:
    call()
    return list(trips)


def _show(title: str, samples: list[list[str]]) -> None:
    counts = Counter(len(s) for s in samples)
    print(
        f"\n== {title}: {max(counts, key=counts.get)} round trips (over {len(samples)} requests: "
        f"{dict(sorted(counts.items()))})"
    )
    for n, statement in enumerate(samples[-1], 1):
        print(f"  {n:2d}. {statement[:150]}")


def _timed(calls) -> tuple[float, float]:
    """(wall, CPU) seconds for running every call."""
    wall, cpu = time.perf_counter(), time.process_time()
    for call in calls:
        call()
    return time.perf_counter() - wall, time.process_time() - cpu


def _statement_costs(member_id: int) -> None:
    """One indexed one-row read, STATEMENTS times by each road, inside one transaction each road."""
    head = "SELECT seq, hash FROM ledger_records WHERE chain = %s ORDER BY seq DESC LIMIT 1"
    core = select(Member.id, Member.active).where(Member.id == member_id)
    with app.app_context():
        pooled = db.engine.raw_connection()  # held, so the pool cannot hand it to the session meanwhile
        raw = pooled.driver_connection
        roads = {
            "psycopg, SELECT 1 (a bare round trip)": lambda: raw.execute("SELECT 1").fetchall(),
            "psycopg, the chain head read": lambda: raw.execute(head, (member_id,)).fetchall(),
            "SQLAlchemy Core on the session's connection, a member row": lambda: (
                db.session.connection().execute(core).first()
            ),
            "SQLAlchemy text() through the session": lambda: db.session.execute(text("SELECT 1")).scalar(),
            "ORM: session.get(Account) after expire_all (as every request does it)": lambda: (
                db.session.expire_all(),
                db.session.get(Account, 1),
            ),
        }
        print(f"\n== one statement, {STATEMENTS} times by each road (wall and CPU per statement)")
        for title, road in roads.items():
            wall, cpu = _timed([road] * STATEMENTS)
            print(f"  {wall / STATEMENTS * 1e6:7.0f} us wall {cpu / STATEMENTS * 1e6:7.0f} us CPU  {title}")
        raw.rollback()
        pooled.close()
        db.session.rollback()
        db.session.remove()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("pool")
    parser.add_argument("--loop", type=int, default=200, metavar="N")
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    args = parser.parse_args()
    accounts = [line.rstrip("\n").split("\t") for line in open(args.out / "accounts.tsv")]
    members = [int(member) for member, _, _ in accounts]
    events = [
        line.rstrip("\n").split("\t")[2] for line in open(args.out / "events.tsv") if line.startswith(args.pool + "\t")
    ]
    # The pool's last event is the /c page's; the API's scans walk the others.
    pairs = iter([(m, e) for e in events[:-1] for m in members])
    bearers = _bearers(members)
    client = app.test_client()
    first = [next(pairs) for _ in range(SAMPLES)]
    new = [_trips_of(lambda m=m, e=e: _scan(client, bearers[m], e)) for m, e in first]
    again = [_trips_of(lambda m=m, e=e: _scan(client, bearers[m], e)) for m, e in first]
    health = [_trips_of(lambda: client.get("/healthz")) for _ in range(SAMPLES)]
    _show("POST /api/v1/checkins, a new check-in (201)", new)
    _show("POST /api/v1/checkins, the same pair again (200)", again)
    _show("GET /healthz", health)

    loop = [next(pairs) for _ in range(args.loop)]
    statuses = Counter()
    wall, cpu = _timed([lambda m=m, e=e: statuses.update([_scan(client, bearers[m], e).status_code]) for m, e in loop])
    hwall, hcpu = _timed([lambda: client.get("/healthz")] * args.loop)
    print(f"\n== {args.loop} new check-ins one after another in one process (statuses {dict(statuses)}):")
    print(f"  check-in: {wall / args.loop * 1000:.2f} ms wall, {cpu / args.loop * 1000:.2f} ms CPU in the app process")
    print(
        f"  /healthz: {hwall / args.loop * 1000:.2f} ms wall, {hcpu / args.loop * 1000:.2f} ms CPU in the app process"
    )
    _pages([(int(m), phone, password) for m, phone, password in accounts[: SAMPLES + args.loop]], events[-1])
    _statement_costs(members[0])

    if not args.profile:
        return
    loop = [next(pairs) for _ in range(args.profile)]
    # CPU time, not wall: the figure to cut is the app's CPU per request; waits on PostgreSQL or a thread
    # starting would otherwise top the list.
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    statuses = Counter(_scan(client, bearers[m], e).status_code for m, e in loop)
    profiler.disable()
    print(f"\n== cProfile (CPU time) of {len(loop)} new check-ins in one process (statuses {dict(statuses)})")
    for order, limit in (("tottime", 30), ("cumulative", 60)):
        report = io.StringIO()
        pstats.Stats(profiler, stream=report).strip_dirs().sort_stats(order).print_stats(limit)
        body = report.getvalue()
        print(f"\n-- by {order}\n" + body[body.index("   ncalls") :].rstrip())


if __name__ == "__main__":
    main()
