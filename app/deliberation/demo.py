"""The demo county's 议事日: each community's days for the last three months, this one and the next, two
part-time committee members, a few recorded at each past day, and two agenda items (one carried through
to 议评): a handful of rows per community, through the same operations as the desk."""

from datetime import date, datetime

from sqlalchemy import func, select

from app.auth.models import Account
from app.db import transaction
from app.deliberation import operations, queries
from app.deliberation.models import AgendaItem, AgendaStep, CommitteeTerm, DeliberationAttendance, DeliberationDay
from app.extensions import db
from app.members.models import Member
from app.org.models import Community
from ledger import periods

COMMITTEE = 2  # part-time committee members per community
PRESENT = 4  # members recorded at each past day, committee members first
STEPS = (
    ("deliberated", "议事会上居民代表、兼职委员共同商议，形成实施方案", None),
    ("implemented", "结对单位牵头落实，社区跟进", None),
    ("evaluated", "居民代表评议", "satisfied"),
)


def _rows() -> int:
    return sum(
        db.session.scalar(select(func.count()).select_from(model)) or 0
        for model in (DeliberationDay, DeliberationAttendance, AgendaItem, AgendaStep, CommitteeTerm)
    )


def _secretaries() -> dict[int, Account]:
    """Each community's first secretary: the desk's acts in the demo are theirs."""
    found: dict[int, Account] = {}
    for account in db.session.scalars(select(Account).where(Account.role == "secretary").order_by(Account.id)):
        if account.community_id is not None:
            found.setdefault(account.community_id, account)
    return found


def _terms(secretary: Account, community_id: int, year: int, now: datetime) -> None:
    if db.session.scalar(select(CommitteeTerm.id).where(CommitteeTerm.community_id == community_id)) is not None:
        return
    members = db.session.scalars(
        select(Member.id).where(Member.community_id == community_id, Member.active).order_by(Member.id).limit(COMMITTEE)
    )
    for member_id in members:
        operations.add_term(secretary, member_id, community_id, date(year, 1, 1), date(year, 12, 31), now)


def _attendance(secretary: Account, community_id: int, today: date, now: datetime) -> None:
    held = db.session.scalars(
        select(DeliberationDay).where(DeliberationDay.community_id == community_id, DeliberationDay.held_on <= today)
    ).all()
    recorded = set(
        db.session.scalars(
            select(DeliberationAttendance.day_id).where(DeliberationAttendance.day_id.in_([d.id for d in held]))
        )
    )
    # The same few each time, committee members first: residents all, so on every past day's roll too.
    present = [r["member_id"] for r in queries.roll(community_id, today)[:PRESENT]]
    for day in held:
        if day.id not in recorded:
            operations.record_attendance(secretary, day.id, present, now)


def _items(secretary: Account, community: Community, day_id: int | None, now: datetime) -> None:
    if db.session.scalar(select(AgendaItem.id).where(AgendaItem.community_id == community.id)) is not None:
        return
    done = operations.add_item(
        secretary, community.id, "小区楼道照明改造", "楼道灯损坏多处，老人夜间出行不便", "居民代表", now
    )
    for stage, note, result in STEPS:
        operations.advance(secretary, done.id, note, now, result=result, day_id=day_id, to=stage)
    operations.add_item(secretary, community.id, "增设电动车集中充电点", "飞线充电隐患，居民建议集中充电", None, now)


def add_demo(now: datetime) -> int:
    """Adds what is missing of the demo's deliberation rows to the county `flask demo` loaded; returns
    how many rows were added (none on a second run)."""
    today = periods.local(now).date()
    month = periods.month_of(now)
    # One unit of work: the operations below join it, so the demo commits once, not once per act.
    with transaction():
        before = _rows()
        for period in [*periods.months_up_to(month, 4), periods.next_month(month)]:
            operations.ensure_days(period, now)
        secretaries = _secretaries()
        for community in db.session.scalars(select(Community).order_by(Community.id)).all():
            secretary = secretaries.get(community.id)
            if secretary is None:
                continue
            _terms(secretary, community.id, today.year, now)
            _attendance(secretary, community.id, today, now)
            last = db.session.scalar(
                select(DeliberationDay.id)
                .where(DeliberationDay.community_id == community.id, DeliberationDay.held_on <= today)
                .order_by(DeliberationDay.held_on.desc())
            )
            _items(secretary, community, last, now)
        return _rows() - before
