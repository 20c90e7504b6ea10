"""Reads of the deliberation days, agenda items and committee terms; and what the year-end record takes."""

import calendar
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from app.auth import scope
from app.auth.models import Account
from app.deliberation.models import (
    STAGES,
    AgendaItem,
    AgendaStep,
    CommitteeTerm,
    DeliberationAttendance,
    DeliberationDay,
)
from app.errors import NotFound, Refusal
from app.extensions import db
from app.members.models import Member
from app.org.models import Community, Unit
from ledger import periods


def for_record(member_ids, year: int) -> dict[int, dict]:
    """年度报到服务记实 of 议事日, per member: `attended`, the deliberation days of `year` the secretary
    recorded them at; `days`, the days they were due at as a part-time committee member (the days of a
    community held within one of their terms there), null when they served no term that year; `terms`,
    their terms overlapping the year, `{"community", "start", "end"}` with ISO dates, oldest first.
    One query per table, whatever the number of members."""
    ids = sorted(set(member_ids))
    if not ids:
        return {}
    first, last = date(year, 1, 1), date(year, 12, 31)
    attended: dict[int, int] = dict(
        db.session.execute(
            select(DeliberationAttendance.member_id, func.count())
            .join(DeliberationDay, DeliberationDay.id == DeliberationAttendance.day_id)
            .where(DeliberationAttendance.member_id.in_(ids), DeliberationDay.held_on.between(first, last))
            .group_by(DeliberationAttendance.member_id)
        )
        .tuples()
        .all()
    )
    terms = db.session.execute(
        select(
            CommitteeTerm.member_id,
            CommitteeTerm.community_id,
            Community.name,
            CommitteeTerm.starts_on,
            CommitteeTerm.ends_on,
        )
        .join(Community, Community.id == CommitteeTerm.community_id)
        .where(CommitteeTerm.member_id.in_(ids), CommitteeTerm.starts_on <= last, CommitteeTerm.ends_on >= first)
        .order_by(CommitteeTerm.member_id, CommitteeTerm.starts_on, CommitteeTerm.id)
    ).all()
    held: dict[int, list[date]] = defaultdict(list)
    if terms:
        for community_id, on in db.session.execute(
            select(DeliberationDay.community_id, DeliberationDay.held_on).where(
                DeliberationDay.community_id.in_(sorted({t.community_id for t in terms})),
                DeliberationDay.held_on.between(first, last),
            )
        ):
            held[community_id].append(on)
    record: dict[int, dict] = {i: {"attended": attended.get(i, 0), "days": None, "terms": []} for i in ids}
    due: dict[int, set[tuple[int, date]]] = defaultdict(set)
    for t in terms:
        record[t.member_id]["terms"].append(
            {"community": t.name, "start": t.starts_on.isoformat(), "end": t.ends_on.isoformat()}
        )
        # A set: two terms in one community (one ended early, one begun anew) never count a day twice.
        due[t.member_id] |= {(t.community_id, on) for on in held[t.community_id] if t.starts_on <= on <= t.ends_on}
    for member_id, days in due.items():
        record[member_id]["days"] = len(days)
    return record


def _manager(actor, community_id: int | None) -> None:
    scope.require(
        scope.manages_community(actor, community_id), "只有该社区的书记或管理员可以查看议事日", code="not_allowed"
    )


def community_of(actor, community_id: int | None) -> int:
    """The community a call is about: the one named (which must be the caller's), else a community
    secretary's own; an admin must name one."""
    if community_id is None:
        community_id = actor.community_id if actor.role == "secretary" else None
        if community_id is None:
            _manager(actor, None)
            raise Refusal("community_required", "请指定社区（community_id）")
    _manager(actor, community_id)
    if db.session.get(Community, community_id) is None:
        raise NotFound("社区")
    return community_id


def _serving(community_id: int, on: date):
    return select(CommitteeTerm.member_id).where(
        CommitteeTerm.community_id == community_id, CommitteeTerm.starts_on <= on, CommitteeTerm.ends_on >= on
    )


def _may_attend(community_id: int, on: date):
    """Who may be at a community's deliberation day: its residents, the members of the work units paired
    with it (双报到), and those serving on its committee that day."""
    paired_units = select(Unit.id).where(Unit.community_id == community_id)
    return or_(
        Member.community_id == community_id,
        Member.unit_id.in_(paired_units),
        Member.id.in_(_serving(community_id, on)),
    )


def eligible_ids(community_id: int, member_ids: Iterable[int], on: date) -> set[int]:
    """Of `member_ids`, those who may be recorded at the community's deliberation day held `on`."""
    ids = set(member_ids)
    if not ids:
        return set()
    return set(
        db.session.scalars(select(Member.id).where(Member.id.in_(ids), Member.active, _may_attend(community_id, on)))
    )


def roll(community_id: int, on: date, present: Iterable[int] = ()) -> list[dict]:
    """The attendance list of a day: its part-time committee members first, then the residents, then the
    paired units' members, each by name; and who is recorded present, listed even if they have since
    left the roll, so that saving the list again keeps them."""
    serving = set(db.session.scalars(_serving(community_id, on)))
    present = set(present)
    rows = db.session.execute(
        select(Member.id, Member.name, Member.community_id, Unit.name)
        .join(Unit, Unit.id == Member.unit_id)
        .where(or_(Member.active & _may_attend(community_id, on), Member.id.in_(present)))
    ).all()

    def kind(member_id: int, home: int) -> int:
        return 0 if member_id in serving else 1 if home == community_id else 2

    listed = [
        {
            "member_id": m,
            "name": name,
            "unit": unit,
            "committee": m in serving,
            "resident": home == community_id,
            "present": m in present,
            "order": kind(m, home),
        }
        for m, name, home, unit in rows
    ]
    return sorted(listed, key=lambda r: (r["order"], r["name"], r["member_id"]))


def _day_row(day: DeliberationDay, community: str, present: list[int]) -> dict:
    year, month = periods.parse_month(day.period)
    return {
        "id": day.id,
        "community_id": day.community_id,
        "community": community,
        "period": day.period,
        "on": day.held_on,
        "first_working_day": periods.first_working_day(year, month),
        "moved": day.moved_at is not None,
        "moved_at": day.moved_at,
        "member_ids": present,
    }


def days(actor, community_id: int | None = None, month: str | None = None) -> list[dict]:
    """议事日 of a community (an admin naming none: every community), oldest first, with who attended."""
    if month is not None:
        periods.parse_month(month)
    query = select(DeliberationDay, Community.name).join(Community, Community.id == DeliberationDay.community_id)
    if community_id is not None or actor.role != "admin":
        query = query.where(DeliberationDay.community_id == community_of(actor, community_id))
    if month is not None:
        query = query.where(DeliberationDay.period == month)
    found = db.session.execute(query.order_by(DeliberationDay.held_on, DeliberationDay.community_id)).all()
    present: dict[int, list[int]] = defaultdict(list)
    if found:
        for day_id, member_id in db.session.execute(
            select(DeliberationAttendance.day_id, DeliberationAttendance.member_id)
            .where(DeliberationAttendance.day_id.in_([d.id for d, _ in found]))
            .order_by(DeliberationAttendance.member_id)
        ):
            present[day_id].append(member_id)
    return [_day_row(day, name, present[day.id]) for day, name in found]


def one_day(actor, day_id: int) -> dict:
    found = db.session.get(DeliberationDay, day_id)
    if found is None:
        raise NotFound("议事日")
    _manager(actor, found.community_id)
    return next(d for d in days(actor, found.community_id, found.period) if d["id"] == day_id)


def _item_row(item: AgendaItem) -> dict:
    return {
        "id": item.id,
        "community_id": item.community_id,
        "title": item.title,
        "detail": item.detail,
        "raised_by": item.raised_by,
        "stage": item.stage,
        "result": item.result,
        "created_at": item.created_at,
    }


def items(actor, community_id: int | None = None, stage: str | None = None) -> list[dict]:
    """议题 of a community, newest first; each with the time of its latest step."""
    community_id = community_of(actor, community_id)
    latest = select(AgendaStep.item_id, func.max(AgendaStep.at).label("at")).group_by(AgendaStep.item_id).subquery()
    query = (
        select(AgendaItem, latest.c.at)
        .join(latest, latest.c.item_id == AgendaItem.id)
        .where(AgendaItem.community_id == community_id)
    )
    if stage is not None:
        query = query.where(AgendaItem.stage == stage)
    found = db.session.execute(query.order_by(AgendaItem.id.desc())).all()
    return [_item_row(item) | {"updated_at": at} for item, at in found]


def item(actor, item_id: int, on: date | None = None) -> dict:
    """One agenda item with its history: every step, who took it, when, at which day, with its note;
    given `on`, also the community's days held by then (`days`), for naming the next step's."""
    found = db.session.get(AgendaItem, item_id)
    if found is None:
        raise NotFound("议题")
    _manager(actor, found.community_id)
    held = aliased(DeliberationDay)
    steps = db.session.execute(
        select(AgendaStep, Account.name, held.held_on)
        .join(Account, Account.id == AgendaStep.account_id)
        .outerjoin(held, held.id == AgendaStep.day_id)
        .where(AgendaStep.item_id == item_id)
        .order_by(AgendaStep.id)
    ).all()
    row = _item_row(found) | {
        "community": found.community.name,
        "updated_at": steps[-1][0].at,
        "next_stage": STAGES[STAGES.index(found.stage) + 1] if found.stage != STAGES[-1] else None,
        "steps": [
            {
                "stage": s.stage,
                "account_id": s.account_id,
                "by": by,
                "at": s.at,
                "note": s.note,
                "day_id": s.day_id,
                "day_on": held_on,
                "result": s.result,
            }
            for s, by, held_on in steps
        ],
    }
    if on is not None:
        row["days"] = [d for d in days(actor, found.community_id) if d["on"] <= on]
    return row


def committee(actor, community_id: int | None, on: date) -> list[dict]:
    """兼职委员 of a community: every term, those serving `on` first, then the coming, then the past."""
    community_id = community_of(actor, community_id)
    found = db.session.execute(
        select(CommitteeTerm, Member.name, Unit.name)
        .join(Member, Member.id == CommitteeTerm.member_id)
        .join(Unit, Unit.id == Member.unit_id)
        .where(CommitteeTerm.community_id == community_id)
    ).all()

    def state(t: CommitteeTerm) -> str:
        return "serving" if t.starts_on <= on <= t.ends_on else "coming" if t.starts_on > on else "ended"

    rows = [
        {
            "id": t.id,
            "member_id": t.member_id,
            "name": name,
            "unit": unit,
            "community_id": t.community_id,
            "start": t.starts_on,
            "end": t.ends_on,
            "state": state(t),
            "serving": state(t) == "serving",
            "ended_early": t.ended_at is not None,
        }
        for t, name, unit in found
    ]
    order = {"serving": 0, "coming": 1, "ended": 2}
    return sorted(rows, key=lambda r: (order[r["state"]], r["start"], r["id"]))


def one_term(actor, term_id: int, on: date) -> dict:
    found = db.session.get(CommitteeTerm, term_id)
    if found is None:
        raise NotFound("兼职委员任期")
    return next(r for r in committee(actor, found.community_id, on) if r["id"] == term_id)


def desk(actor, community_id: int | None, on: date) -> dict:
    """/desk/deliberation: this month's day (of `on`'s month) with its attendance list, the agenda items
    by stage, the committee's terms, the community's days to name a step's, and who may serve."""
    community_id = community_of(actor, community_id)
    month = periods.month_of_date(on)
    held = days(actor, community_id)
    this_month = next((d for d in held if d["period"] == month), None)
    listed = items(actor, community_id)
    return {
        "community_id": community_id,
        "community": db.session.scalar(select(Community.name).where(Community.id == community_id)),
        "month": month,
        # The bounds of the move form's date input: the month's first and last days.
        "month_bounds": (on.replace(day=1), on.replace(day=calendar.monthrange(on.year, on.month)[1])),
        "day": this_month,
        "roll": roll(
            community_id, this_month["on"] if this_month else on, this_month["member_ids"] if this_month else ()
        ),
        "days": [d for d in held if d["on"] <= on],
        "stages": {stage: [i for i in listed if i["stage"] == stage] for stage in STAGES},
        "terms": committee(actor, community_id, on),
        "candidates": roll(community_id, on),
    }
