"""Pledges fixtures: a county with a catalogue, two communities and a unit with their secretaries (A's is
also one of its members), members with a check-in and a visit each, and the clock set to 10 December 2026
(Beijing), inside the year and inside its review window."""

from datetime import date

import pytest

from app.catalogue.models import ServiceCategory
from app.extensions import db
from app.visits.models import Visit
from tests.factories import check_in, local

NOW = local(2026, 12, 10, 10, 0)
YEAR = 2026


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The API and the pages read the clock through utcnow(); the rules here are judged as of NOW."""
    for module in ("app.pledges.api", "app.pledges.pages", "app.desk.pledges"):
        monkeypatch.setattr(f"{module}.utcnow", lambda: NOW, raising=False)
    return NOW


def _visit(app, member, household, on):
    with app.app_context():
        visit = Visit(member_id=member.id, household_id=household.id, category="hardship", visited_on=on)
        db.session.add(visit)
        db.session.commit()
        return visit.id


@pytest.fixture
def town(app, make):
    with app.app_context():
        db.session.add_all([ServiceCategory(name="政策宣传", position=1), ServiceCategory(name="义诊", position=2)])
        db.session.commit()
    a, b = make.community("桃源社区"), make.community("东山社区")
    unit, other_unit = make.unit("县教育局"), make.unit("县卫健局")
    zhang = make.member(a, unit, name="张明")
    li = make.member(a, other_unit, name="李华")
    wang = make.member(b, other_unit, name="王芳")
    sec_member = make.member(a, other_unit, name="陈书记", with_account=False)
    november = make.event(a, title="十一月回家日", starts_at=local(2026, 11, 29, 9, 0))
    last_year = make.event(a, title="去年回家日", starts_at=local(2025, 12, 28, 9, 0))
    household = make.household(a, zhang)
    for member in (zhang, li):
        check_in(app, member, november)
    check_in(app, zhang, last_year)
    return {
        "a": a,
        "b": b,
        "unit": unit,
        "zhang": zhang,
        "li": li,
        "wang": wang,
        "sec_member": sec_member,
        "secretary": make.secretary(a, member=sec_member),
        "other_secretary": make.secretary(b),
        "unit_secretary": make.secretary(unit=unit),
        "admin": make.admin(),
        "november": november,
        "last_year": last_year,
        "visit": _visit(app, zhang, household, date(2026, 10, 8)),
        "old_visit": _visit(app, zhang, household, date(2025, 10, 8)),
        "li_visit": _visit(app, li, make.household(a, li), date(2026, 10, 9)),
    }


def checkin_of(app, member, event) -> int:
    from sqlalchemy import select

    from app.checkins.models import Checkin

    with app.app_context():
        return db.session.scalar(select(Checkin.id).where(Checkin.member_id == member.id, Checkin.event_id == event.id))
