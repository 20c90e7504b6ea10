"""A work unit whose members did a year's worth in 2026: check-ins at home and elsewhere (one rejected),
visits (one rejected), a quarter whose duty outcome was recorded when it closed."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from app.auth.models import Account
from app.db import transaction
from app.extensions import db
from app.points import operations
from app.visits.operations import log_visit
from tests.factories import check_in, local

YEAR = 2026


@dataclass
class County:
    unit: object
    other_unit: object
    home: object
    elsewhere: object
    members: list
    outsider: object
    unit_secretary: object
    community_secretary: object
    other_secretary: object
    admin: object


def visit(app, member, household, category, on: date, *, reject_by=None) -> None:
    now = local(on.year, on.month, on.day, 20)
    with app.app_context():
        answer, _ = log_visit(member.id, household.id, category, on, None, None, now)
        if reject_by is not None:
            with transaction():
                operations.decide(
                    db.session.get(Account, reject_by.id),
                    answer["entry_id"],
                    "reject",
                    "未核实",
                    now + timedelta(hours=1),
                )


@pytest.fixture
def county(app, make, runner):
    home, elsewhere = make.community("桃城社区"), make.community("石鼓社区")
    unit, other_unit = make.unit("县财政局"), make.unit("县教育局")
    # Made out of name order, so the unit's PDF and rows show they are sorted.
    li = make.member(elsewhere, unit, name="李四")
    zhang = make.member(home, unit, name="张三")
    outsider = make.member(home, other_unit, name="王五")
    community_secretary = make.secretary(home)
    at_home = [make.event(home, starts_at=local(YEAR, m, 20, 9)) for m in (2, 5, 8)]
    away = make.event(elsewhere, kind="service", starts_at=local(YEAR, 3, 8, 9))
    for event in at_home:
        check_in(app, zhang, event)
    check_in(app, zhang, away)
    rejected = make.event(home, starts_at=local(YEAR, 10, 18, 9))
    check_in(app, zhang, rejected, decision="reject", secretary=community_secretary)
    household = make.household(home, member=zhang, hardship=True)
    visit(app, zhang, household, "hardship", date(YEAR, 4, 2))
    visit(app, zhang, household, "routine", date(YEAR, 6, 9))
    visit(app, zhang, household, "sickness", date(YEAR, 7, 1), reject_by=community_secretary)
    # Q1 is recorded as closed without 李四; his check-in there, entered later, does not rewrite it.
    assert runner.invoke(args=["duty", "record", f"{YEAR}-Q1"]).exit_code == 0
    check_in(app, li, away)
    return County(
        unit=unit,
        other_unit=other_unit,
        home=home,
        elsewhere=elsewhere,
        members=[zhang, li],
        outsider=outsider,
        unit_secretary=make.secretary(unit=unit),
        community_secretary=community_secretary,
        other_secretary=make.secretary(unit=other_unit),
        admin=make.admin(),
    )
