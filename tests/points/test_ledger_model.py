"""The tested model is the model that runs: random histories through the real operations on a real database;
the replay of what they stored is what they stored beside it, verify passes, and a changed field is named."""

from datetime import UTC, datetime, timedelta
from itertools import groupby

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update

from app.db import transaction
from app.errors import Refusal
from app.extensions import db
from app.periods.models import Period, SealHead
from app.periods.operations import close_month
from app.points import operations
from app.points.models import Balance, EntryStatus, LedgerRecord
from app.points.records import reading, record, records_query
from app.points.verify import LedgerBroken, verify
from app.rankings.models import RankingRow
from ledger.balances import Balance as Tally
from ledger.replay import balances, replay

MONTHS = ("2026-10", "2026-11", "2026-12")
# Past every month above, so each may close; reversals land in 2027-01, which never closes here.
NOW = datetime(2027, 1, 10, 2, tzinfo=UTC)
# (source, kind, category, force_pending): scans post at once, visits and proxy check-ins await audit.
WRITES = {
    "scan": ("checkin", "return_day", None, False),
    "proxy": ("checkin", "service", None, True),
    "visit": ("visit", None, "hardship", False),
    "routine": ("visit", None, "routine", False),
}

members = st.integers(0, 2)
picks = st.integers(0, 50)
appends = st.tuples(st.just("append"), members, st.sampled_from(MONTHS), st.sampled_from(sorted(WRITES)))
decisions = st.tuples(st.just("decide"), picks, st.sampled_from(["approve", "reject"]))
# Appends and decisions are drawn more often than closes, so histories have something to close.
histories = st.lists(
    st.one_of(
        appends,
        appends,
        decisions,
        decisions,
        st.tuples(st.just("reverse"), picks),
        st.tuples(st.just("close"), st.sampled_from(MONTHS)),
    ),
    max_size=30,
)


class History:
    """Plays operations on the test's database, and says beforehand which refusal each one must meet."""

    def __init__(self, app, make, ledger):
        self.app, self.ledger = app, ledger
        community = make.community()
        self.members = [make.member(community) for _ in range(3)]
        self.secretary = make.secretary(community=community)

    def reset(self):
        with self.app.app_context(), transaction():
            for model in (RankingRow, SealHead, Period, Balance, EntryStatus, LedgerRecord):
                db.session.execute(delete(model))

    def statuses(self):
        with self.app.app_context():
            return db.session.scalars(select(EntryStatus).order_by(EntryStatus.entry_id)).all()

    def closed(self):
        with self.app.app_context():
            return set(db.session.scalars(select(Period.period)))

    def snapshot(self):
        with self.app.app_context():
            return [
                db.session.execute(select(*model.__table__.c).order_by(*model.__table__.primary_key)).all()
                for model in (LedgerRecord, EntryStatus, Balance, Period)
            ]

    def target(self, pick):
        statuses = self.statuses()
        return statuses[pick % len(statuses)] if statuses else None

    def expected_refusal(self, op):
        """The code the rules give `op` in the ledger as it stands (None: it goes through), judged from the
        stored rows; False when it has nothing to act on."""
        if op[0] == "append":
            return None
        if op[0] == "close":
            closed = self.closed()
            last = max(closed, default=None)
            if op[1] in closed:
                return None
            if last is not None and op[1] < last:
                return "later_month_closed"
            later = [s.period for s in self.statuses() if last is None or s.period > last]
            return "earlier_month_open" if later and min(later) < op[1] else None
        status = self.target(op[1])
        if status is None:
            return False
        if op[0] == "decide":
            return (
                "illegal_transition"
                if (status.state, op[2]) in {("posted", "reject"), ("rejected", "approve")}
                else None
            )
        if status.state != "posted" or status.source == "manual":  # only reversals are written as manual here
            return "not_reversible"
        return "already_reversed" if status.reversed_by is not None else None

    def run(self, op, now):
        if op[0] == "append":
            member = self.members[op[1]]
            source, kind, category, force_pending = WRITES[op[3]]
            with self.app.app_context(), transaction():
                operations.append_entry(
                    member.id,
                    natural_period=op[2],
                    source=source,
                    source_id=None,
                    now=now,
                    kind=kind,
                    category=category,
                    force_pending=force_pending,
                )
        elif op[0] == "close":
            with self.app.app_context():
                close_month(op[1], None, now)
        elif op[0] == "decide":
            self.ledger.decide(self.secretary, self.target(op[1]).entry_id, op[2], "审核意见", now)
        else:
            self.ledger.reverse(self.secretary, self.target(op[1]).entry_id, "冲正", now)

    def balances_of(self, period):
        with self.app.app_context():
            return db.session.execute(
                select(Balance.member_id, Balance.posted, Balance.pending)
                .where(Balance.period == period)
                .order_by(Balance.member_id)
            ).all()


@pytest.fixture
def history(app, make, ledger):
    return History(app, make, ledger)


def stored_records(app):
    with app.app_context(), reading(db.engine) as conn:
        return conn.execute(records_query()).all()


def tampered(key, value):
    """Another value of the column's type, within its length."""
    if key in ("points", "source_id", "reverses_seq", "entry_seq", "actor_id"):
        return (value or 0) + 1
    if key == "period":
        return "2020-01"
    if key == "kind":
        return "audit" if value == "entry" else "entry"
    if key in ("hash", "prev_hash"):
        return "0" * 64 if value != "0" * 64 else "1" * 64
    return (value or "") + "改"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(histories, st.data())
def test_any_history_of_real_operations_replays_to_its_projections_verifies_and_names_a_changed_field(
    app, history, ops, data
):
    history.reset()  # the database is the test's; each example starts with an empty ledger
    frozen = {}
    for i, op in enumerate(ops):
        expected = history.expected_refusal(op)
        if expected is False:
            continue
        event(f"{op[0]}: {expected or 'done'}")
        now = NOW + timedelta(minutes=i)
        if expected is None:
            history.run(op, now)
            if op[0] == "close":
                frozen.setdefault(op[1], history.balances_of(op[1]))
            continue
        before = history.snapshot()
        with pytest.raises(Refusal) as caught:
            history.run(op, now)
        assert caught.value.code == expected and caught.value.message
        assert history.snapshot() == before

    # (a) the replay of the stored records is what the write path stored beside them
    rows = stored_records(app)
    entries, rebuilt = {}, {}
    for chain, group in groupby((record(row) for row in rows), key=lambda r: r["chain"]):
        replayed = replay(list(group))
        entries.update(
            {(chain, seq): (e.state.value, e.period, e.points, e.reversed_by) for seq, e in replayed.items()}
        )
        rebuilt.update({(chain, period): b for period, b in balances(replayed.values()).items()})
    with app.app_context():
        assert {
            (s.member_id, s.seq): (s.state, s.period, s.points, s.reversed_by)
            for s in db.session.scalars(select(EntryStatus))
        } == entries
        assert {
            (b.member_id, b.period): Tally(b.posted, b.pending, b.posted_entries)
            for b in db.session.scalars(select(Balance))
            if b.posted or b.pending or b.posted_entries
        } == rebuilt
        # (b) the untouched ledger verifies
        assert verify(db.engine)["records"] == len(rows)
    # (c) a closed month's balances never move again
    for period, closed in frozen.items():
        assert history.balances_of(period) == closed
    # (d) one changed field of one stored record fails verify at that very record. The chain and seq columns
    # are where a record stands, not what it says: moving one is a gap or a split, ledger.chain's own tests.
    if not rows:
        return
    row = rows[data.draw(st.integers(0, len(rows) - 1), label="record")]
    stored = record(row)
    key = data.draw(st.sampled_from(sorted(set(stored) - {"chain", "seq"})), label="column")
    with app.app_context(), transaction():
        db.session.execute(
            update(LedgerRecord).where(LedgerRecord.id == row.id).values({key: tampered(key, stored[key])})
        )
    with app.app_context(), pytest.raises(LedgerBroken) as caught:
        verify(db.engine)
    assert f"记录 chain={stored['chain']} seq={stored['seq']} id={row.id} " in str(caught.value)
