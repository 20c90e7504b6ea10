"""Writing pledges (承诺), marking progress (践诺) and reviewing (评诺): the one write path."""

import logging
from datetime import date, datetime

from sqlalchemy import func, select

from app.action_log.operations import record
from app.catalogue.queries import category_names
from app.checkins.models import Checkin
from app.db import lock, transaction
from app.errors import Forbidden, NotFound, Refusal
from app.events.models import Event
from app.extensions import db
from app.members.models import Member
from app.pledges.models import COMMENT_MAX, GRADES, PLEDGES_PER_YEAR, TEXT_MAX, Pledge, PledgeProgress, PledgeReview
from app.pledges.queries import why_not_review, year_bounds
from app.text import person_text
from app.visits.models import Visit
from ledger import periods

log = logging.getLogger(__name__)


def _this_year(now: datetime) -> int:
    return periods.local(now).year


def writable_year(year: int, now: datetime) -> bool:
    """Pledges are written for this year, and for the next from December, when the branch plans ahead."""
    this = _this_year(now)
    return year == this or (year == this + 1 and periods.local(now).month == 12)


def _check_year(year: int, now: datetime) -> None:
    this = _this_year(now)
    if not writable_year(year, now):
        raise Refusal("year_closed", f"只能填写{this}年的承诺（12月起也可填写下一年的）", status=409)


def _reviewed(member_id: int, year: int) -> bool:
    return (
        db.session.scalar(select(PledgeReview.id).where(PledgeReview.member_id == member_id, PledgeReview.year == year))
        is not None
    )


def _check_open(member_id: int, year: int) -> None:
    if _reviewed(member_id, year):
        raise Refusal("already_reviewed", f"{year}年的承诺已经评议，不能再修改", status=409)


def _category(name: str | None) -> str:
    if name not in category_names():
        raise Refusal("invalid_category", "请从县里的服务项目类别中选择承诺类别")
    assert name is not None
    return name


def _own_pledge(account, pledge_id: int) -> Pledge:
    pledge = lock(Pledge, pledge_id)
    # Another member's pledge is answered as none: its existence is private too.
    if pledge is None or pledge.member_id != account.member_id:
        raise NotFound("承诺")
    _check_open(pledge.member_id, pledge.year)
    return pledge


def add_pledge(account, year: int, category: str | None, text: str | None, now: datetime) -> Pledge:
    """承诺: a line of the member's pledges for `year`, at most PLEDGES_PER_YEAR of them, until reviewed."""
    text = person_text(text, "承诺内容", TEXT_MAX)
    with transaction():
        _check_year(year, now)
        # One member's writes in turn, so two at once cannot both pass the count.
        lock(Member, account.member_id)
        _check_open(account.member_id, year)
        count = db.session.scalar(
            select(func.count(Pledge.id)).where(Pledge.member_id == account.member_id, Pledge.year == year)
        )
        if (count or 0) >= PLEDGES_PER_YEAR:
            raise Refusal("too_many_pledges", f"每年至多{PLEDGES_PER_YEAR}条承诺", status=409)
        pledge = Pledge(
            member_id=account.member_id,
            year=year,
            category=_category(category),
            text=text,
            created_at=now,
            updated_at=now,
        )
        db.session.add(pledge)
        db.session.flush()
    log.info("pledge %s added by member %s for %s", pledge.id, account.member_id, year)
    return pledge


def edit_pledge(account, pledge_id: int, category: str | None, text: str | None, now: datetime) -> Pledge:
    """Change a pledge's category or text (None keeps it), until the year is reviewed."""
    text = person_text(text, "承诺内容", TEXT_MAX) if text is not None else None
    with transaction():
        pledge = _own_pledge(account, pledge_id)
        if category is not None:
            pledge.category = _category(category)
        if text is not None:
            pledge.text = text
        pledge.updated_at = now
    return pledge


def remove_pledge(account, pledge_id: int) -> int:
    """Remove a pledge and its progress, until the year is reviewed; answers the id removed."""
    with transaction():
        pledge = _own_pledge(account, pledge_id)
        db.session.query(PledgeProgress).filter(PledgeProgress.pledge_id == pledge.id).delete()
        db.session.delete(pledge)
    log.info("pledge %s removed by member %s", pledge_id, account.member_id)
    return pledge_id


def _check_link(member_id: int, year: int, checkin_id: int | None, visit_id: int | None) -> None:
    """A progress links to one check-in or visit of the member's own, in the pledge's year."""
    if checkin_id is not None and visit_id is not None:
        raise Refusal("one_link", "一条践诺只能关联一次签到或一次走访")
    start, end = year_bounds(year)
    if checkin_id is not None:
        found = db.session.execute(
            select(Checkin.member_id, Event.starts_at)
            .join(Event, Event.id == Checkin.event_id)
            .where(Checkin.id == checkin_id)
        ).first()
        if found is None or found.member_id != member_id:
            raise Forbidden("只能关联本人的签到", code="not_yours")
        if not start <= found.starts_at < end:
            raise Refusal("outside_year", f"只能关联{year}年的签到", status=422)
    if visit_id is not None:
        visit = db.session.get(Visit, visit_id)
        if visit is None or visit.member_id != member_id:
            raise Forbidden("只能关联本人的走访", code="not_yours")
        if visit.visited_on.year != year:
            raise Refusal("outside_year", f"只能关联{year}年的走访", status=422)


def mark_progress(
    account,
    pledge_id: int,
    on: date,
    note: str | None,
    now: datetime,
    *,
    checkin_id: int | None = None,
    visit_id: int | None = None,
) -> PledgeProgress:
    """践诺: what the member did towards a pledge, on a day of its year not yet to come, with at most one
    check-in or visit of their own, until the year is reviewed."""
    note = person_text(note, "践诺情况", TEXT_MAX)
    with transaction():
        pledge = _own_pledge(account, pledge_id)
        if on > periods.local(now).date():
            raise Refusal("future_date", "践诺日期不能晚于今天", status=409)
        if on.year != pledge.year:
            raise Refusal("outside_year", f"践诺日期应在{pledge.year}年内", status=422)
        _check_link(account.member_id, pledge.year, checkin_id, visit_id)
        step = PledgeProgress(
            pledge_id=pledge.id, done_on=on, note=note, checkin_id=checkin_id, visit_id=visit_id, created_at=now
        )
        db.session.add(step)
        db.session.flush()
    log.info("progress %s on pledge %s by member %s", step.id, pledge_id, account.member_id)
    return step


def review(actor, member_id: int, year: int, grade: str, comment: str | None, now: datetime) -> PledgeReview:
    """评诺: a grade and a comment on a member's year, by the secretary of their community or unit or an admin,
    from 1 December to the end of March; never one's own. Given again, it is a revision: a new row, kept
    beside the earlier ones, and the last counts."""
    if grade not in GRADES:
        raise Refusal("invalid_grade", "评议等次应为优秀、良好、一般或较差")
    comment = person_text(comment, "评议意见", COMMENT_MAX)
    with transaction():
        member = lock(Member, member_id)
        if member is None:
            raise NotFound("党员")
        refusal = why_not_review(actor, member_id, year, now)
        if refusal is not None:
            raise refusal
        revision = _reviewed(member_id, year)
        given = PledgeReview(
            member_id=member_id, year=year, grade=grade, comment=comment, by_account_id=actor.id, at=now
        )
        db.session.add(given)
        db.session.flush()
        record(
            actor,
            "pledge.review",
            f"党员#{member.id} {member.name} · {year}年承诺",
            member_id=member.id,
            year=year,
            grade=grade,
            comment=comment,
            revision=revision,
        )
    log.info("pledges of member %s for %s reviewed %s by account %s", member_id, year, grade, actor.id)
    return given
