"""Ledger fixtures: entries written through the real write path (check-ins, visits, audit decisions)."""

from datetime import date, timedelta

import pytest

from app.auth.models import Account
from app.checkins.models import Checkin
from app.db import transaction, utcnow
from app.extensions import db
from app.points import operations
from app.visits.models import Visit
from ledger import periods


class Ledger:
    """Writes points the way the check-in and visit operations do, each call its own transaction."""

    def __init__(self, app, make):
        self.app = app
        self.make = make

    def checkin(self, member, event, now=None) -> int:
        now = now or utcnow()
        with self.app.app_context(), transaction():
            checkin = Checkin(event_id=event.id, member_id=member.id, method="printed", created_at=now)
            db.session.add(checkin)
            db.session.flush()
            return operations.append_entry(
                member.id,
                natural_period=periods.month_of(event.starts_at),
                source="checkin",
                source_id=checkin.id,
                now=now,
                kind=event.kind,
            ).id

    def visit(self, member, community, category="hardship", now=None, visited_on=None) -> int:
        now = now or utcnow()
        visited_on = visited_on or periods.local(now).date()
        household = self.make.household(community, member=member, **{category: True} if category != "routine" else {})
        with self.app.app_context(), transaction():
            visit = Visit(
                member_id=member.id, household_id=household.id, category=category, visited_on=visited_on, created_at=now
            )
            db.session.add(visit)
            db.session.flush()
            return operations.append_entry(
                member.id,
                natural_period=periods.month_of_date(visited_on),
                source="visit",
                source_id=visit.id,
                now=now,
                category=category,
            ).id

    def decide(self, account, entry_id, decision="approve", reason=None, now=None):
        with self.app.app_context(), transaction():
            operations.decide(db.session.get(Account, account.id), entry_id, decision, reason, now or utcnow())

    def reverse(self, account, entry_id, reason="重复登记", now=None) -> int:
        with self.app.app_context(), transaction():
            return operations.reverse(db.session.get(Account, account.id), entry_id, reason, now or utcnow()).entry_id


@pytest.fixture
def ledger(app, make):
    return Ledger(app, make)


def last_month() -> str:
    return periods.prev_month(periods.month_of(utcnow()))


def day_in(period: str) -> date:
    start, _ = periods.bounds(period)
    return periods.local(start + timedelta(days=10)).date()
