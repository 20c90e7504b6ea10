"""A work unit whose members did a year's worth in 2026: check-ins at home and elsewhere (one rejected),
visits (one rejected), a quarter whose duty outcome was recorded when it closed, a served need, pledges
with progress and a review, and 议事日 attended as a part-time committee member. The other packages' rows
are written straight into their tables: their own tests hold their write paths."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from app.auth.models import Account
from app.catalogue.models import ServiceCategory
from app.db import transaction
from app.deliberation.models import CommitteeTerm, DeliberationAttendance, DeliberationDay
from app.extensions import db
from app.needs.models import Need, NeedServer
from app.pledges.models import Pledge, PledgeProgress, PledgeReview
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


def served_need(app, member, community, closed_at) -> None:
    with app.app_context():
        category = db.session.scalars(db.select(ServiceCategory).limit(1)).first()
        if category is None:
            category = ServiceCategory(name="助老服务")
            db.session.add(category)
            db.session.flush()
        need = Need(
            community_id=community.id,
            category_id=category.id,
            content="帮老人修水管",
            resident_name="陈阿姨",
            resident_phone="13900000000",
            channel="desk",
            status="closed",
            created_at=closed_at - timedelta(days=2),
            closed_at=closed_at,
            code_hash="0" * 64,
        )
        db.session.add(need)
        db.session.flush()
        db.session.add(NeedServer(need_id=need.id, member_id=member.id, how="claimed", at=closed_at))
        db.session.commit()


def pledges(app, member, reviewer) -> None:
    at = local(YEAR, 12, 1, 10)
    with app.app_context():
        texts = ["每季度入户走访联系户一次", "参加一次义诊服务"]
        rows = [
            Pledge(member_id=member.id, year=YEAR, category="政策宣传", text=t, created_at=at, updated_at=at)
            for t in texts
        ]
        db.session.add_all(rows)
        db.session.flush()
        db.session.add_all(
            [
                PledgeProgress(pledge_id=rows[0].id, done_on=date(YEAR, 4, 2), note="走访困难户", created_at=at),
                PledgeProgress(pledge_id=rows[0].id, done_on=date(YEAR, 6, 9), note="再次走访", created_at=at),
                PledgeReview(
                    member_id=member.id, year=YEAR, grade="good", comment="践诺扎实", by_account_id=reviewer.id, at=at
                ),
            ]
        )
        db.session.commit()


def committee(app, member, community, secretary) -> None:
    at = local(YEAR, 1, 2, 10)
    with app.app_context():
        days = [
            DeliberationDay(
                community_id=community.id, period=f"{YEAR}-{m:02d}", held_on=date(YEAR, m, d), created_at=at
            )
            for m, d in ((3, 2), (4, 1), (5, 1))
        ]
        db.session.add_all(days)
        db.session.add(
            CommitteeTerm(
                member_id=member.id,
                community_id=community.id,
                starts_on=date(YEAR, 1, 1),
                ends_on=date(YEAR, 12, 31),
                created_by=secretary.id,
                created_at=at,
            )
        )
        db.session.flush()
        for day in days[:2]:
            db.session.add(
                DeliberationAttendance(day_id=day.id, member_id=member.id, recorded_by=secretary.id, recorded_at=at)
            )
        db.session.commit()


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
    served_need(app, zhang, home, local(YEAR, 9, 3, 15))
    served_need(app, zhang, home, local(YEAR - 1, 12, 30, 15))  # last year's: not this record's
    pledges(app, zhang, community_secretary)
    committee(app, zhang, home, community_secretary)
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
