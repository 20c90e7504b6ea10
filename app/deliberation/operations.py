"""议事日: making each month's days, moving one, recording who attended; agenda items and their steps;
part-time committee members' terms. The one write path, for the API, the desk and the scheduler alike."""

import logging
from datetime import date, datetime

from sqlalchemy import delete, select

from app.action_log.operations import record
from app.auth import scope
from app.db import insert, lock, transaction
from app.deliberation.models import (
    DETAIL_MAX,
    NOTE_MAX,
    RAISED_BY_MAX,
    RESULT_WORDS,
    RESULTS,
    STAGE_WORDS,
    STAGES,
    TITLE_MAX,
    AgendaItem,
    AgendaStep,
    CommitteeTerm,
    DeliberationAttendance,
    DeliberationDay,
)
from app.deliberation.queries import eligible_ids
from app.errors import NotFound, Refusal
from app.extensions import db
from app.members.models import Member
from app.org.models import Community
from app.text import person_text
from ledger import periods

log = logging.getLogger(__name__)


def today(now: datetime) -> date:
    """The date on the China clock: a day, a term, a month are local."""
    return periods.local(now).date()


@transaction()
def ensure_days(period: str, now: datetime) -> int:
    """The month's 议事日 in every community that lacks one, on its first working day; returns how many
    were new. A day a secretary has moved keeps its date: the community already has the month's day."""
    year, month = periods.parse_month(period)
    on = periods.first_working_day(year, month)
    rows = [
        {"community_id": c, "period": period, "held_on": on, "created_at": now}
        for c in db.session.scalars(select(Community.id).order_by(Community.id))
    ]
    if not rows:
        return 0
    # RETURNING, not rowcount, which psycopg reports as -1 for an INSERT … ON CONFLICT of many rows.
    made = db.session.scalars(
        insert(DeliberationDay)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["community_id", "period"])
        .returning(DeliberationDay.id)
    ).all()
    return len(made)


def require_manager(actor, community_id: int | None) -> None:
    scope.require(
        scope.manages_community(actor, community_id), "只有该社区的书记或管理员可以管理议事日", code="not_allowed"
    )


def _day(actor, day_id: int) -> DeliberationDay:
    day = lock(DeliberationDay, day_id)
    if day is None:
        raise NotFound("议事日")
    require_manager(actor, day.community_id)
    return day


def move_day(actor, day_id: int, on: date, now: datetime) -> DeliberationDay:
    """改期: a secretary moves the day to another date of the same month; the job never moves it back."""
    with transaction():
        day = _day(actor, day_id)
        if periods.month_of_date(on) != day.period:
            year, month = periods.parse_month(day.period)
            raise Refusal("not_in_month", f"议事日只能在本月（{year}年{month}月）内调整", status=409)
        if on == day.held_on:
            return day
        before, day.held_on, day.moved_by, day.moved_at = day.held_on, on, actor.id, now
        record(
            actor,
            "deliberation.move_day",
            f"议事日#{day.id} {day.community.name} {day.period}",
            before=before.isoformat(),
            after=on.isoformat(),
        )
    log.info("deliberation day %s moved to %s by account %s", day_id, on, actor.id)
    return day


def record_attendance(actor, day_id: int, member_ids, now: datetime) -> DeliberationDay:
    """出席登记: the secretary's list of who was there replaces the one before. Only the community's own
    residents, the members of the units paired with it and its part-time committee members may be on it;
    a day still to come has no attendance."""
    wanted = set(member_ids)
    with transaction():
        day = _day(actor, day_id)
        if day.held_on > today(now):
            raise Refusal("day_not_come", "议事日还没到，不能登记出席", status=409)
        present = set(
            db.session.scalars(select(DeliberationAttendance.member_id).where(DeliberationAttendance.day_id == day.id))
        )
        # Who was recorded stays recordable: a member who has since moved away was still there that day.
        strangers = wanted - present - eligible_ids(day.community_id, wanted - present, day.held_on)
        if strangers:
            raise Refusal(
                "not_eligible",
                "不是本社区居民、结对单位党员或兼职委员，不能登记出席：党员编号 "
                + "、".join(map(str, sorted(strangers))),
                status=409,
            )
        added, removed = wanted - present, present - wanted
        if not added and not removed:
            return day
        if removed:
            db.session.execute(
                delete(DeliberationAttendance).where(
                    DeliberationAttendance.day_id == day.id, DeliberationAttendance.member_id.in_(removed)
                )
            )
        if added:
            db.session.execute(
                insert(DeliberationAttendance)
                .values(
                    [{"day_id": day.id, "member_id": m, "recorded_by": actor.id, "recorded_at": now} for m in added]
                )
                .on_conflict_do_nothing(index_elements=["day_id", "member_id"])
            )
        record(
            actor,
            "deliberation.attendance",
            f"议事日#{day.id} {day.community.name} {day.held_on.isoformat()}",
            present=len(wanted),
            added=sorted(added),
            removed=sorted(removed),
        )
    return day


def add_item(
    actor, community_id: int, title: str | None, detail: str | None, raised_by: str | None, now: datetime
) -> AgendaItem:
    """提议: a new agenda item, raised by a member or resident named in words, else by the secretary."""
    title = person_text(title, "议题名称", TITLE_MAX)
    detail = person_text(detail, "议题内容", DETAIL_MAX, required=False)
    raised_by = person_text(raised_by, "提议人", RAISED_BY_MAX, required=False) or actor.name
    with transaction():
        require_manager(actor, community_id)
        if db.session.get(Community, community_id) is None:
            raise NotFound("社区")
        item = AgendaItem(
            community_id=community_id,
            title=title,
            detail=detail,
            raised_by=raised_by,
            stage="proposed",
            created_by=actor.id,
            created_at=now,
        )
        db.session.add(item)
        db.session.flush()
        db.session.add(AgendaStep(item_id=item.id, stage="proposed", account_id=actor.id, at=now))
        record(
            actor, "deliberation.item_add", f"议题#{item.id} {title}", community_id=community_id, raised_by=raised_by
        )
    return item


def advance(
    actor,
    item_id: int,
    note: str | None,
    now: datetime,
    *,
    result: str | None = None,
    day_id: int | None = None,
    to: str | None = None,
) -> AgendaItem:
    """The item's next step (提议 → 商议 → 践议 → 议评), with a note and, if given, the day it was taken at.
    Forward only and one step at a time: `to`, when given, must be that next step (a form sent twice
    asks for a step already taken, and is refused, 409). The 议评 carries its result."""
    note = person_text(note, "说明", NOTE_MAX)
    with transaction():
        item = lock(AgendaItem, item_id)
        if item is None:
            raise NotFound("议题")
        require_manager(actor, item.community_id)
        if item.stage == STAGES[-1]:
            raise Refusal("already_evaluated", "该议题已完成议评，不能再推进", status=409)
        step = STAGES[STAGES.index(item.stage) + 1]
        if to is not None and to != step:
            raise Refusal(
                "not_next_stage",
                f"该议题当前为“{STAGE_WORDS[item.stage]}”，下一步只能是“{STAGE_WORDS[step]}”",
                status=409,
            )
        if step == "evaluated" and result not in RESULTS:
            raise Refusal("result_required", "议评须选择评议结果：" + "、".join(RESULT_WORDS.values()))
        if step != "evaluated" and result is not None:
            raise Refusal("result_not_allowed", "只有议评一步有评议结果")
        if day_id is not None:
            day = db.session.get(DeliberationDay, day_id)
            if day is None or day.community_id != item.community_id:
                raise Refusal("wrong_day", "所选议事日不是该议题所在社区的议事日", status=409)
            if day.held_on > today(now):
                raise Refusal("day_not_come", "所选议事日还没到", status=409)
        item.stage, item.result = step, result
        db.session.add(
            AgendaStep(
                item_id=item.id, stage=step, account_id=actor.id, at=now, note=note, day_id=day_id, result=result
            )
        )
        record(actor, "deliberation.advance", f"议题#{item.id} {item.title}", stage=step, result=result, day_id=day_id)
    log.info("agenda item %s advanced to %s by account %s", item_id, step, actor.id)
    return item


def add_term(actor, member_id: int, community_id: int, starts_on: date, ends_on: date, now: datetime) -> CommitteeTerm:
    """兼职委员: an in-service member's term on a community's committee. Two terms of the same member in
    the same community never overlap (409)."""
    if ends_on < starts_on:
        raise Refusal("invalid_term", "任期结束日期不能早于开始日期")
    with transaction():
        require_manager(actor, community_id)
        # Serialises the terms of one community, so two overlapping terms sent at once cannot both pass.
        community = lock(Community, community_id)
        if community is None:
            raise NotFound("社区")
        member = db.session.get(Member, member_id)
        if member is None:
            raise NotFound("党员")
        if not member.active:
            raise Refusal("member_inactive", f"{member.name}已不在册，不能担任兼职委员", status=409)
        overlap = db.session.scalar(
            select(CommitteeTerm.id).where(
                CommitteeTerm.member_id == member_id,
                CommitteeTerm.community_id == community_id,
                CommitteeTerm.starts_on <= ends_on,
                CommitteeTerm.ends_on >= starts_on,
            )
        )
        if overlap is not None:
            raise Refusal("term_overlap", f"{member.name}在本社区已有与此重叠的任期", status=409)
        term = CommitteeTerm(
            member_id=member_id,
            community_id=community_id,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=actor.id,
            created_at=now,
        )
        db.session.add(term)
        db.session.flush()
        record(
            actor,
            "deliberation.committee_add",
            f"兼职委员#{term.id} {member.name} · {community.name}",
            member_id=member_id,
            start=starts_on.isoformat(),
            end=ends_on.isoformat(),
        )
    return term


def end_term(actor, term_id: int, now: datetime) -> CommitteeTerm:
    """提前结束任期: the term ends today; the row stays, so the record keeps who served and when."""
    day = today(now)
    with transaction():
        term = lock(CommitteeTerm, term_id)
        if term is None:
            raise NotFound("兼职委员任期")
        require_manager(actor, term.community_id)
        if term.ends_on < day:
            raise Refusal("term_ended", "该任期已经结束", status=409)
        if term.starts_on > day:
            raise Refusal("term_not_started", "该任期尚未开始，不能提前结束", status=409)
        if term.ends_on == day:
            return term
        before, term.ends_on, term.ended_by, term.ended_at = term.ends_on, day, actor.id, now
        record(
            actor,
            "deliberation.committee_end",
            f"兼职委员#{term.id} {term.member.name} · {term.community.name}",
            member_id=term.member_id,
            planned_end=before.isoformat(),
            end=day.isoformat(),
        )
    return term
