"""Reads of the deliberation days, agenda items and committee terms; and what the year-end record takes."""

from collections import defaultdict
from datetime import date

from sqlalchemy import func, select

from app.deliberation.models import CommitteeTerm, DeliberationAttendance, DeliberationDay
from app.extensions import db
from app.org.models import Community


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
    attended = dict(
        db.session.execute(
            select(DeliberationAttendance.member_id, func.count())
            .join(DeliberationDay, DeliberationDay.id == DeliberationAttendance.day_id)
            .where(DeliberationAttendance.member_id.in_(ids), DeliberationDay.held_on.between(first, last))
            .group_by(DeliberationAttendance.member_id)
        ).all()
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
                DeliberationDay.community_id.in_({t.community_id for t in terms}),
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
