"""Reads of pledges (承诺践诺评诺): a member's year, the desk's list, the check-ins and visits a progress may
link to, and the year-end record's part, each in one query per table."""

from datetime import date, datetime

from sqlalchemy import and_, func, select

from app.auth import scope
from app.auth.models import Account
from app.checkins.models import Checkin
from app.errors import Forbidden, NotFound, Refusal
from app.events.models import Event
from app.extensions import db
from app.members.models import Member
from app.members.queries import in_scope
from app.pledges.models import GRADES, Pledge, PledgeProgress, PledgeReview
from app.visits.models import Visit
from ledger import periods
from ledger.words import VISIT_CATEGORIES


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The local calendar year, half-open [start, end) in UTC."""
    return periods.bounds(f"{year:04d}-01")[0], periods.bounds(f"{year:04d}-12")[1]


def review_window(year: int) -> tuple[datetime, datetime]:
    """评诺 is given from 1 December of the year to the end of March of the next (local), half-open in UTC."""
    return periods.bounds(f"{year:04d}-12")[0], periods.bounds(f"{year + 1:04d}-03")[1]


def why_not_review(actor, member_id: int, year: int, now: datetime) -> Refusal | None:
    """Why `actor` may not review the member's year now (None: they may): nobody their own, only the
    secretary of the member's community or unit or an admin, only within the window."""
    member = db.session.get(Member, member_id)
    if member is None:
        return NotFound("党员")
    if actor.member_id is not None and actor.member_id == member.id:
        return Forbidden("不能评议本人的承诺", code="own_review")
    if not scope.oversees(actor, community_id=member.community_id, unit_id=member.unit_id):
        return Forbidden("只有该党员所在社区或单位的书记、管理员可以评议", code="not_allowed")
    opens, closes = review_window(year)
    if not opens <= now < closes:
        return Refusal("review_closed", f"{year}年的评诺在{year}年12月1日至{year + 1}年3月31日进行", status=409)
    return None


def _date_words(on: date) -> str:
    return f"{on.year}年{on.month}月{on.day}日"


def checkin_words(title: str, starts_at: datetime) -> str:
    return f"活动签到：{title}（{_date_words(periods.local(starts_at).date())}）"


def visit_words(category: str, visited_on: date) -> str:
    # The category alone: the household's address is private to the member and the community (DOMAIN rule 6).
    return f"入户走访：{VISIT_CATEGORIES.get(category, category)}（{_date_words(visited_on)}）"


def _review_row(review: PledgeReview, by: str) -> dict:
    return {
        "grade": review.grade,
        "grade_words": GRADES[review.grade],
        "comment": review.comment,
        "by": by,
        "by_account_id": review.by_account_id,
        "at": review.at,
    }


def _years(member_ids: list[int], year: int) -> dict[int, dict]:
    """Every named member's pledges (oldest first, each with its progress by date), the reviews of the year
    in the order given, and the one that counts (the last given): three queries, whatever the number of members."""
    years: dict[int, dict] = {m: {"pledges": [], "reviews": [], "review": None} for m in member_ids}
    if not member_ids:
        return years
    pledges: dict[int, dict] = {}
    for p in db.session.scalars(
        select(Pledge).where(Pledge.member_id.in_(member_ids), Pledge.year == year).order_by(Pledge.id)
    ):
        pledges[p.id] = {
            "id": p.id,
            "member_id": p.member_id,
            "year": p.year,
            "category": p.category,
            "text": p.text,
            "created_at": p.created_at,
            "updated_at": p.updated_at,
            "progress": [],
        }
        years[p.member_id]["pledges"].append(pledges[p.id])
    progress = db.session.execute(
        select(PledgeProgress, Event.title, Event.starts_at, Visit.category, Visit.visited_on)
        .join(Pledge, Pledge.id == PledgeProgress.pledge_id)
        .outerjoin(Checkin, Checkin.id == PledgeProgress.checkin_id)
        .outerjoin(Event, Event.id == Checkin.event_id)
        .outerjoin(Visit, Visit.id == PledgeProgress.visit_id)
        .where(Pledge.member_id.in_(member_ids), Pledge.year == year)
        .order_by(PledgeProgress.done_on, PledgeProgress.id)
    )
    for step, title, starts_at, category, visited_on in progress:
        linked = None
        if step.checkin_id is not None:
            linked = {"kind": "checkin", "id": step.checkin_id, "words": checkin_words(title, starts_at)}
        elif step.visit_id is not None:
            linked = {"kind": "visit", "id": step.visit_id, "words": visit_words(category, visited_on)}
        pledges[step.pledge_id]["progress"].append(
            {"id": step.id, "on": step.done_on, "note": step.note, "linked": linked, "created_at": step.created_at}
        )
    reviews = db.session.execute(
        select(PledgeReview, Account.name)
        .join(Account, Account.id == PledgeReview.by_account_id)
        .where(PledgeReview.member_id.in_(member_ids), PledgeReview.year == year)
        .order_by(PledgeReview.id)
    )
    for review, by in reviews:
        years[review.member_id]["reviews"].append(_review_row(review, by))
        years[review.member_id]["review"] = years[review.member_id]["reviews"][-1]
    return years


def for_record(member_ids, year: int) -> dict[int, dict]:
    """The pledges part of the year-end record (年度报到服务记实), for each member named:
    `{"pledges": [{"category", "text", "progress": [{"on", "note", "linked"}]}], "review": {"grade",
    "grade_words", "comment", "by", "at"} | None}`. `linked` is None or `{"kind": "checkin"|"visit", "id",
    "words"}`, `words` a Chinese line naming the event or the visit's category and the date; `by` is the
    reviewer's name, `at` an aware UTC datetime. No scope check: the record's own query checks who asks."""
    years = _years(list(dict.fromkeys(member_ids)), year)
    return {
        member_id: {
            "pledges": [
                {
                    "category": p["category"],
                    "text": p["text"],
                    "progress": [{"on": s["on"], "note": s["note"], "linked": s["linked"]} for s in p["progress"]],
                }
                for p in y["pledges"]
            ],
            "review": None
            if y["review"] is None
            else {key: y["review"][key] for key in ("grade", "grade_words", "comment", "by", "at")},
        }
        for member_id, y in years.items()
    }


def member_year(actor, member_id: int, year: int) -> dict:
    """One member's pledges of a year, with progress, the review that counts and every revision: for the
    member themself, their community's or unit's secretary, an admin (403 for anyone else)."""
    member = db.session.get(Member, member_id)
    if member is None:
        raise NotFound("党员")
    scope.require(scope.sees_member(actor, member), "只有本人、所在社区或单位的书记、管理员可以查看承诺", "not_allowed")
    return {"member_id": member.id, "name": member.name, "year": year} | _years([member.id], year)[member.id]


def pledge(pledge_id: int) -> dict:
    """One pledge as the API answers it, after a write the caller was allowed."""
    found = db.session.get(Pledge, pledge_id)
    if found is None:
        raise NotFound("承诺")
    return next(p for p in _years([found.member_id], found.year)[found.member_id]["pledges"] if p["id"] == pledge_id)


def link_choices(member_id: int, year: int) -> dict:
    """What a progress of `year` may link to: the member's own check-ins (by the event's day) and visits."""
    start, end = year_bounds(year)
    checkins = db.session.execute(
        select(Checkin.id, Event.title, Event.starts_at)
        .join(Event, Event.id == Checkin.event_id)
        .where(Checkin.member_id == member_id, Event.starts_at >= start, Event.starts_at < end)
        .order_by(Event.starts_at.desc(), Checkin.id.desc())
    )
    visits = db.session.execute(
        select(Visit.id, Visit.category, Visit.visited_on)
        .where(
            Visit.member_id == member_id, Visit.visited_on >= date(year, 1, 1), Visit.visited_on <= date(year, 12, 31)
        )
        .order_by(Visit.visited_on.desc(), Visit.id.desc())
    )
    return {
        "checkins": [{"id": c.id, "words": checkin_words(c.title, c.starts_at)} for c in checkins],
        "visits": [{"id": v.id, "words": visit_words(v.category, v.visited_on)} for v in visits],
    }


def desk_list(
    actor, year: int, *, community_id=None, unit_id=None, unreviewed: bool = False, limit: int = 50, offset: int = 0
) -> dict:
    """The members in a secretary's scope (their community or unit, as named) with the year's count of
    pledges and of progress and the grade that counts (None: not reviewed), by name; `unreviewed` keeps
    those without a review."""
    scope.require_scope(actor, community_id=community_id, unit_id=unit_id)
    pledged = (
        select(Pledge.member_id, func.count(Pledge.id).label("n"))
        .where(Pledge.year == year)
        .group_by(Pledge.member_id)
        .subquery()
    )
    progressed = (
        select(Pledge.member_id, func.count(PledgeProgress.id).label("n"))
        .join(PledgeProgress, PledgeProgress.pledge_id == Pledge.id)
        .where(Pledge.year == year)
        .group_by(Pledge.member_id)
        .subquery()
    )
    latest = (
        select(PledgeReview.member_id, func.max(PledgeReview.id).label("id"))
        .where(PledgeReview.year == year)
        .group_by(PledgeReview.member_id)
        .subquery()
    )
    query = in_scope(
        select(Member.id, Member.name, pledged.c.n, progressed.c.n, PledgeReview.grade, PledgeReview.at)
        .outerjoin(pledged, pledged.c.member_id == Member.id)
        .outerjoin(progressed, progressed.c.member_id == Member.id)
        .outerjoin(latest, latest.c.member_id == Member.id)
        .outerjoin(PledgeReview, and_(PledgeReview.id == latest.c.id))
        .where(Member.active.is_(True)),
        community_id=community_id,
        unit_id=unit_id,
    )
    if unreviewed:
        query = query.where(latest.c.id.is_(None))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.execute(query.order_by(Member.name, Member.id).limit(limit).offset(offset))
    return {
        "members": [
            {
                "member_id": r[0],
                "name": r[1],
                "pledges": r[2] or 0,
                "progress": r[3] or 0,
                "grade": r[4],
                "grade_words": GRADES.get(r[4] or "", None),
                "reviewed_at": r[5],
            }
            for r in rows
        ],
        "total": total,
    }


def progress_step(step_id: int) -> dict:
    """One progress as the API answers it, after the member marked it."""
    step = db.session.get(PledgeProgress, step_id)
    if step is None:
        raise NotFound("践诺")
    return next(s for s in pledge(step.pledge_id)["progress"] if s["id"] == step_id)
