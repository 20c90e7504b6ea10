"""The ledger's write path on a real database: entries, decisions, reversals and carries keep the chain
and the balances true."""

from datetime import UTC, datetime

import pytest

from app.auth.models import Account
from app.db import transaction
from app.errors import Forbidden
from app.extensions import db
from app.points import operations
from app.points.models import Balance, EntryStatus
from ledger.errors import AlreadyReversed, IllegalTransition

NOW = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)


def _visit_entry(member_id):
    with transaction():
        row = operations.append_entry(
            member_id, natural_period="2026-11", source="visit", source_id=1, now=NOW, category="hardship"
        )
    return row.id


def _balance(member_id, period="2026-11"):
    b = db.session.get(Balance, (member_id, period))
    db.session.refresh(b)
    return b.posted, b.pending


def test_a_visit_entry_waits_for_audit_then_posts(app, make):
    community = make.community()
    member = make.member(community)
    secretary = make.secretary(community)
    with app.app_context():
        entry_id = _visit_entry(member.id)
        assert _balance(member.id) == (0, 3)
        with transaction():
            operations.decide(db.session.get(Account, secretary.id), entry_id, "approve", None, NOW)
        assert _balance(member.id) == (3, 0)
        with transaction():
            again = operations.decide(db.session.get(Account, secretary.id), entry_id, "approve", None, NOW)
        assert again.state == "posted" and _balance(member.id) == (3, 0)


def test_a_posted_entry_cannot_be_rejected_only_reversed_once(app, make):
    community = make.community()
    member = make.member(community)
    secretary = make.secretary(community)
    with app.app_context():
        entry_id = _visit_entry(member.id)
        actor = db.session.get(Account, secretary.id)
        with transaction():
            operations.decide(actor, entry_id, "approve", None, NOW)
        with pytest.raises(IllegalTransition), transaction():
            operations.decide(actor, entry_id, "reject", "错了", NOW)
        with transaction():
            reversal = operations.reverse(actor, entry_id, "重复登记", NOW)
        assert reversal.points == -3 and _balance(member.id) == (0, 0)
        with pytest.raises(AlreadyReversed), transaction():
            operations.reverse(actor, entry_id, "再来一次", NOW)
        assert db.session.query(EntryStatus).count() == 2


def test_nobody_audits_their_own_points(app, make):
    community = make.community()
    member = make.member(community)
    with app.app_context():
        entry_id = _visit_entry(member.id)
        account = db.session.get(Account, member.account.id)
        account.role = "secretary"
        account.community_id = community.id
        db.session.commit()
        with pytest.raises(Forbidden), transaction():
            operations.decide(account, entry_id, "approve", None, NOW)
