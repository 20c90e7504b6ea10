"""Load the burst's county: the demo's structure, N member accounts with a cheap password hash, and events open now.

Run with DATABASE_URL and SECRET_KEY set (the server's). Writes into OUT:
  accounts.tsv   member_id, phone, password: one member account per line
  events.tsv     pool, event_id, printed token: the code on each event's poster, minted as the app mints it
Pools are disjoint sets of events, so every phase of the bench scans pairs no phase scanned before."""

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.db import transaction, utcnow  # noqa: E402
from app.demo import county as structure  # noqa: E402
from app.demo import people
from app.events import codes  # noqa: E402
from app.events.models import Event  # noqa: E402
from app.extensions import db  # noqa: E402
from app.members.models import Member  # noqa: E402

PASSWORD = "burst-1234"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument(
        "--pool", action="append", default=[], metavar="NAME=EVENTS", help="a pool of events, e.g. burst=8 (repeatable)"
    )
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    pools = [(name, int(count)) for name, count in (p.split("=") for p in args.pool)]
    started = time.monotonic()
    # The hash carries its own cost parameters, so the server checks it as cheaply as it was made: the
    # bench must time check-ins, not the 1,000 logins that come before them.
    password_hash = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    now = utcnow()
    app = create_app()
    with app.app_context():
        with transaction():
            county = structure.build(args.members, password_hash, now)
            newcomers = people.add_members(county, list(range(args.members)), password_hash, now)
            # The months before, as the demo writes them (check-ins, visits, audits, through the ledger's bulk write
            # path): a return day comes to a database that has a history, not to empty tables.
            history = people.fill(county, newcomers, now)
        events = []
        with transaction():
            for name, count in pools:
                for _ in range(count):
                    place = county.communities[len(events) % len(county.communities)]
                    # Return days, open now; a minute apart so the one-return-day-per-start index holds.
                    starts = now - timedelta(minutes=30) + timedelta(minutes=len(events))
                    events.append(
                        (
                            name,
                            {
                                "community_id": place.id,
                                "title": f"压测回家日 {len(events) + 1}",
                                "category": "政策宣传",
                                "kind": "return_day",
                                "place": f"{place.name}党群服务中心",
                                "starts_at": starts,
                                "ends_at": now + timedelta(hours=3),
                                "checkin_opens_at": now - timedelta(hours=1),
                                "checkin_closes_at": now + timedelta(hours=3),
                                "key_version": 1,
                                "created_by": place.secretary_id,
                                "created_at": now,
                            },
                        )
                    )
            ids = db.session.scalars(
                insert(Event).returning(Event.id, sort_by_parameter_order=True), [row for _, row in events]
            ).all()
        secret = app.config["SECRET_KEY"]
        args.out.mkdir(parents=True, exist_ok=True)
        phones = dict(db.session.execute(select(Member.id, Member.phone)).all())
        with open(args.out / "accounts.tsv", "w") as f:
            for m in newcomers:
                f.write(f"{m.id}\t{phones[m.id]}\t{PASSWORD}\n")
        with open(args.out / "events.tsv", "w") as f:
            for (pool, _), event_id in zip(events, ids, strict=True):
                f.write(f"{pool}\t{event_id}\t{codes.printed(secret, event_id, 1)}\n")
        # Statistics, as a database in service has them (autovacuum keeps them): the statements a worker prepares
        # are planned once on them, and plans made for empty tables would be timed instead.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
        db.engine.dispose()
    print(
        f"loaded {len(newcomers)} members with {history} ledger entries of history and {len(events)} events "
        f"in {time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
