"""The write path's bulk form (append_histories, the demo's): the same chain, statuses and balances as
append_entry then decide, one by one, and the same refusals."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.auth.models import Account
from app.db import transaction
from app.errors import Forbidden, Refusal
from app.extensions import db
from app.points import operations
from app.points.models import Balance, EntryStatus, LedgerRecord

NOW = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)
CHAIN_FIELDS = ("chain", "hash", "prev_hash", "id")


def _history(secretary, admin) -> list[operations.Activity]:
    """Twelve hardship visits (the rule's cap of 30 stops the last ones), decided; check-ins, one audited."""
    at = [NOW + timedelta(hours=i) for i in range(16)]
    steps = [
        operations.Activity("2026-11", "checkin", 1, at[0], kind="return_day"),
        operations.Activity(
            "2026-11",
            "checkin",
            2,
            at[1],
            kind="service",
            force_pending=True,
            decided=operations.Decided(admin, "approve", None, at[1] + timedelta(days=1)),
        ),
    ]
    for i in range(12):
        decision = "reject" if i == 3 else None if i == 5 else "approve"
        reason = " 记录不完整 " if decision == "reject" else None
        decided = operations.Decided(secretary, decision, reason, at[2 + i] + timedelta(days=2)) if decision else None
        steps.append(operations.Activity("2026-11", "visit", 10 + i, at[2 + i], category="hardship", decided=decided))
    return steps


def _one_by_one(member_id: int, steps: list[operations.Activity]) -> None:
    for step in steps:
        with transaction():
            entry = operations.append_entry(
                member_id,
                natural_period=step.natural_period,
                source=step.source,
                source_id=step.source_id,
                now=step.now,
                kind=step.kind,
                category=step.category,
                force_pending=step.force_pending,
            )
        if step.decided is not None:
            d = step.decided
            operations.decide(d.actor, entry.id, d.decision, d.reason, d.now)


def _written(member_id: int) -> tuple[list, list, list]:
    records = db.session.scalars(select(LedgerRecord).where(LedgerRecord.chain == member_id).order_by(LedgerRecord.seq))
    statuses = db.session.scalars(
        select(EntryStatus).where(EntryStatus.member_id == member_id).order_by(EntryStatus.seq)
    )
    balances = db.session.scalars(select(Balance).where(Balance.member_id == member_id).order_by(Balance.period))
    return (
        [{c.key: getattr(r, c.key) for c in LedgerRecord.__table__.c if c.key not in CHAIN_FIELDS} for r in records],
        [(s.seq, s.period, s.state, s.points, s.rule, s.source, s.source_id, s.reversed_by) for s in statuses],
        [(b.period, b.posted, b.pending, b.posted_entries) for b in balances if b.posted or b.pending],
    )


def test_the_bulk_form_writes_what_append_entry_and_decide_write_one_by_one(app, make, ledger_verifies):
    community = make.community()
    single, bulk = make.member(community), make.member(community)
    secretary, admin = make.secretary(community), make.admin()
    with app.app_context():
        secretary, admin = db.session.get(Account, secretary.id), db.session.get(Account, admin.id)
        steps = _history(secretary, admin)
        _one_by_one(single.id, steps)
        assert operations.append_histories({bulk.id: steps}) == len(steps)
        one, many = _written(single.id), _written(bulk.id)
        assert many == one
        records, statuses, balances = many
        # Ten visits and a check-in decided; the twelfth visit, past the cap, earns nothing and needs no audit.
        assert len(records) == len(steps) + 11
        assert [s[3] for s in statuses if s[4] == "visit.hardship"][-2:] == [3, 0]
        assert balances == [("2026-11", 5 + 3 + 27, 3, 2 + 10)]
    ledger_verifies()


def test_the_bulk_form_writes_only_empty_chains_and_refuses_as_decide_does(app, make):
    community = make.community()
    started, member = make.member(community), make.member(community, with_account=False)
    secretary = make.secretary(community, member=member)
    with app.app_context():
        secretary = db.session.get(Account, secretary.id)
        _one_by_one(started.id, [operations.Activity("2026-11", "checkin", 1, NOW, kind="return_day")])
        with pytest.raises(ValueError, match="empty chains"):
            operations.append_histories({started.id: [operations.Activity("2026-11", "visit", 2, NOW)]})
        elsewhere = db.session.get(Account, make.secretary(make.community()).id)
        for auditor, code in ((secretary, "own_entry"), (elsewhere, "out_of_scope")):
            decided = operations.Decided(auditor, "approve", None, NOW)
            with pytest.raises(Forbidden) as refused:
                operations.append_histories(
                    {member.id: [operations.Activity("2026-11", "visit", 3, NOW, category="hardship", decided=decided)]}
                )
            assert refused.value.code == code
        other = make.member(community)
        silent = operations.Decided(db.session.get(Account, make.secretary(community).id), "reject", " ", NOW)
        with pytest.raises(Refusal, match="原因"):
            operations.append_histories(
                {other.id: [operations.Activity("2026-11", "visit", 4, NOW, category="hardship", decided=silent)]}
            )
        assert db.session.scalars(select(LedgerRecord.chain).distinct()).all() == [started.id]
