"""Fill DATABASE_URL with a ledger of about N records (default 1,000,000) whose projections and seals hold.

Each member's history is written as the write path writes it, four months of it, three of them closed and
sealed; its entry_status and balances rows are ledger.replay's; rows go in with Core executemany in big batches."""

import os
import sys
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from multiprocessing import get_context

from sqlalchemy import text

from app import create_app
from app.extensions import db
from app.members.models import Member
from app.models import Community, Region, Unit
from app.periods.models import Period, SealHead
from app.points.models import Balance, EntryStatus, LedgerRecord
from app.points.records import AUDIT_KEYS, ENTRY_KEYS
from ledger import chain, periods
from ledger.balances import reversal_points
from ledger.replay import balances as replay_balances
from ledger.replay import replay
from ledger.states import State

MONTHS = ("2026-08", "2026-09", "2026-10", "2026-11")
CLOSED = MONTHS[:-1]
COLUMNS = tuple(dict.fromkeys(ENTRY_KEYS + AUDIT_KEYS))
BATCH = 50_000
UNITS, COMMUNITIES = 200, 24


def at(period: str, day: int, minute: int) -> datetime:
    start, _ = periods.bounds(period)
    return start + timedelta(days=day, hours=1, minutes=minute)


def member_history(member: int) -> tuple[list[dict], dict[str, chain.Head]]:
    """About twenty records: check-ins, audited visits, a rejection, a reversal, carries at month close."""
    records: list[dict] = []
    heads = {}
    head = chain.Head(member)

    def write(record: dict) -> int:
        nonlocal head
        head = chain.advance(head, record)
        records.append(record)
        return record["seq"]

    def entry(
        month: str, points: int, rule: str, source: str, source_id: int, state: str, now: datetime, **reversal
    ) -> int:
        return write(
            chain.entry_record(
                head,
                period=month,
                points=points,
                rule=rule,
                source=source,
                source_id=source_id,
                state=state,
                now=now,
                **reversal,
            )
        )

    def audit(seq: int, decision: str, month: str, now: datetime, reason: str | None = None, actor_id: int | None = 1):
        write(
            chain.audit_record(
                head, entry_seq=seq, decision=decision, actor_id=actor_id, reason=reason, period=month, now=now
            )
        )

    for month_no, month in enumerate(MONTHS):
        first = 10 if month_no else 0  # the previous month closes on the 6th
        entry(month, 5, "checkin.return_day", "checkin", member * 10 + month_no, "posted", at(month, first, 0))
        visit = entry(month, 3, "visit.hardship", "visit", member * 10 + month_no, "pending", at(month, first + 1, 0))
        audit(visit, "approve", month, at(month, first + 2, 0))
        later = entry(
            month, 1, "visit.routine", "visit", member * 10 + month_no + 5, "pending", at(month, first + 3, 0)
        )
        if (member + month_no) % 3 == 0:
            audit(later, "reject", month, at(month, first + 4, 0), reason="走访记录不实")
        if (member + month_no) % 7 == 0:
            # A reversal as the write path posts one: the original's rule, the secretary as its source.
            entry(
                month,
                reversal_points(3),
                "visit.hardship",
                "manual",
                1,
                "posted",
                at(month, first + 5, 0),
                reverses_seq=visit,
                reason="重复登记",
            )
        if month in CLOSED:
            # Still-pending entries are carried to the next month by the close, then the heads are sealed.
            to = periods.next_month(month)
            for seq, standing in replay(records).items():
                if standing.state is State.PENDING and standing.period == month:
                    audit(seq, "carry", to, at(to, 5, 0), reason=f"{month} 月结时尚未审核，顺延至 {to}", actor_id=None)
            heads[month] = head
    return records, heads


def rows_of(records: list[dict], member: int):
    """The member's ledger_records, entry_status and balances rows; record ids are the parent's to number."""
    entries = replay(records)
    statuses = []
    for record in records:
        if record["kind"] != "entry":
            continue
        created = datetime.strptime(record["created_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        standing = entries[record["seq"]]
        statuses.append(
            {
                "member_id": member,
                "seq": record["seq"],
                "period": standing.period,
                "state": standing.state.value,
                "points": standing.points,
                "rule": record["rule"],
                "source": record["source"],
                "source_id": record["source_id"],
                "reversed_by": standing.reversed_by,
                "created_at": created,
                "updated_at": created,
            }
        )
    balances = [
        {
            "member_id": member,
            "period": period,
            "posted": b.posted,
            "pending": b.pending,
            "posted_entries": b.posted_entries,
        }
        for period, b in replay_balances(entries.values()).items()
    ]
    # One executemany wants every column in every row: an entry's audit columns are NULL and vice versa.
    return [{k: record.get(k) for k in COLUMNS} for record in records], statuses, balances


def members_rows(first: int, count: int) -> list[tuple]:
    """Rows of members first..first+count-1, ids left for the parent to number; run in a worker process."""
    out = []
    for member in range(first, first + count):
        records, heads = member_history(member)
        out.append((member, *rows_of(records, member), heads))
    return out


def main(target: int) -> None:
    app = create_app()
    started = time.perf_counter()
    with app.app_context():
        db.drop_all()
        db.create_all()
        with db.engine.begin() as conn:
            county = conn.execute(
                Region.__table__.insert().returning(Region.id), {"name": "永春县", "kind": "county"}
            ).scalar()
            conn.execute(
                Community.__table__.insert(),
                [{"id": c, "name": f"社区{c}", "region_id": county} for c in range(1, COMMUNITIES + 1)],
            )
            conn.execute(
                Unit.__table__.insert(), [{"id": u, "name": f"单位{u}", "kind": "organ"} for u in range(1, UNITS + 1)]
            )
        pending = {"records": [], "statuses": [], "balances": []}
        seal_heads = {month: [] for month in CLOSED}
        members, next_id, written = [], 1, 0

        def flush(conn):
            options = {"insertmanyvalues_page_size": 3000}
            if members:
                conn.execute(Member.__table__.insert().execution_options(**options), members)
                members.clear()
            for name, table in (("records", LedgerRecord), ("statuses", EntryStatus), ("balances", Balance)):
                if pending[name]:
                    conn.execute(table.__table__.insert().execution_options(**options), pending[name])
                    pending[name].clear()

        chunk = 500
        with db.engine.begin() as conn, get_context("fork").Pool(os.cpu_count()) as pool:
            # Members are played in worker processes; this one numbers and inserts the rows.
            starts = range(1, target // 10, chunk)  # more members than needed: a member writes about twenty
            for histories in pool.imap(partial(members_rows, count=chunk), starts):
                for member, records, statuses, balances, heads in histories:
                    members.append(
                        {
                            "id": member,
                            "name": f"党员{member}",
                            "phone": f"1{member:010d}",
                            "unit_id": member % UNITS + 1,
                            "community_id": member % COMMUNITIES + 1,
                            "active": True,
                            "created_at": datetime(2026, 1, 1, tzinfo=UTC),
                        }
                    )
                    ids = {}
                    for record in records:
                        record["id"] = ids[record["seq"]] = next_id
                        next_id += 1
                    for status in statuses:
                        status["entry_id"] = ids[status["seq"]]
                    written += len(records)
                    pending["records"] += records
                    pending["statuses"] += statuses
                    pending["balances"] += balances
                    for month, head in heads.items():
                        seal_heads[month].append(head)
                if len(pending["records"]) >= BATCH:
                    flush(conn)
                    print(f"\r  {written:,} records", end="", file=sys.stderr, flush=True)
                if written >= target:
                    pool.terminate()
                    break
            flush(conn)
            previous = ""
            for month in CLOSED:
                seal = chain.seal(month, seal_heads[month], previous)
                conn.execute(
                    Period.__table__.insert(),
                    {
                        "period": month,
                        "closed_at": at(periods.next_month(month), 5, 0),
                        "seal": seal,
                        "prev_seal": previous,
                    },
                )
                conn.execute(
                    SealHead.__table__.insert().execution_options(insertmanyvalues_page_size=3000),
                    [{"period": month, "chain": h.chain, "seq": h.seq, "hash": h.hash} for h in seal_heads[month]],
                )
                previous = seal
            if conn.dialect.name == "postgresql":
                for table, column in (
                    ("ledger_records", "id"),
                    ("members", "id"),
                    ("communities", "id"),
                    ("units", "id"),
                ):
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), (SELECT max({column}) FROM {table}))"
                        )
                    )
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
    print(
        f"\r  {written:,} records for {len(seal_heads[CLOSED[0]]):,} members in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get("RECORDS", 1_000_000)))
