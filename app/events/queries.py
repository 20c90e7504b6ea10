"""Reads on events: the lists a community sees, one event with its counts, its check-in codes, and the
hall screen's live list."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, false, func, not_, select, true, union_all

from app.auth import scope
from app.catalogue.queries import category_names
from app.checkins.models import Checkin
from app.errors import NotFound
from app.events import codes
from app.events.models import Event, Signup
from app.events.operations import managed_event
from app.extensions import db
from app.leave.models import LeaveRequest
from app.members.models import Member
from app.members.queries import list_members
from app.org.models import Community
from app.points.models import EntryStatus
from ledger import periods


def list_events(
    actor, *, community_id: int | None, kind: str | None, month: str | None, after: datetime | None = None
) -> list[Event]:
    """Events oldest first: a community's, or without one the caller's own (an admin: every one).

    Members also see the service events of every community of the county (the alliance brings members
    of many units to a community's service): without a community named, their own community's events and
    every service event; naming another community, its service events. `after`: only events not yet over."""
    query = select(Event).order_by(Event.starts_at, Event.id)
    if community_id is not None:
        if not scope.sees_community(actor, community_id):
            scope.require(actor.member_id is not None, "只能查看本社区的活动")
            query = query.where(Event.kind == "service")
        query = query.where(Event.community_id == community_id)
    elif not scope.is_admin(actor):
        own = {c for c in (actor.community_id, actor.member.community_id if actor.member else None) if c is not None}
        scope.require(bool(own), "只能查看本社区的活动")
        mine = Event.community_id.in_(own)
        query = query.where(mine | (Event.kind == "service") if actor.member_id is not None else mine)
    if kind is not None:
        query = query.where(Event.kind == kind)
    if month is not None:
        periods.parse_month(month)  # a quarter is not a month here
        start, end = periods.bounds(month)
        query = query.where(Event.starts_at >= start, Event.starts_at < end)
    if after is not None:
        query = query.where(Event.ends_at > after)
    return list(db.session.scalars(query))


def event_detail(actor, event_id: int) -> dict:
    """The event with how many have checked in, and for those who run it, how many signed up."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise NotFound("活动")
    scope.require(scope.sees_event(actor, event), "只能查看本社区的活动和各社区的服务活动")
    detail = {column.key: getattr(event, column.key) for column in Event.__table__.columns}
    detail["checked_in"] = db.session.scalar(
        select(func.count()).select_from(Checkin).where(Checkin.event_id == event.id)
    )
    if scope.manages_community(actor, event.community_id):
        detail["signups"] = db.session.scalar(
            select(func.count()).select_from(Signup).where(Signup.event_id == event.id)
        )
    return detail


@dataclass(frozen=True)
class Code:
    event: Event
    token: str
    expires_at: datetime | None = None


def printed_code(actor, event_id: int, signing_key: str) -> Code:
    """The code for the poster, under the event's current key."""
    event = managed_event(actor, event_id)
    return Code(event, codes.printed(signing_key, event.id, event.key_version))


def screen_code(actor, event_id: int, now: datetime, signing_key: str) -> Code:
    """A code for the hall's screen that expires within the minute, so a photo passed around soon dies."""
    event = managed_event(actor, event_id)
    seconds = current_app.config["ROTATING_TOKEN_SECONDS"]
    expires_at = (now + timedelta(seconds=seconds)).replace(microsecond=0)
    return Code(event, codes.screen(signing_key, event.id, expires_at), expires_at)


def screen_roll(actor, event_id: int) -> dict:
    """签到名单 for the hall's screen (its secretary, an admin): every active member of the event's community,
    checked in or not, on approved leave or not, then the members of other communities who checked in here
    (the alliance brings members of many units); each part in a stable order, so names do not jump about
    on the screen as people arrive. Names only, as on the public board.

    One statement however many members: the screen asks every few seconds, from several screens at once."""
    event = managed_event(actor, event_id)
    own = and_(Member.community_id == event.community_id, Member.active)
    residents = (
        select(
            Member.id,
            Member.name,
            true().label("own_community"),
            Checkin.created_at,
            LeaveRequest.id.is_not(None).label("on_leave"),
        )
        .outerjoin(Checkin, and_(Checkin.member_id == Member.id, Checkin.event_id == event.id))
        .outerjoin(
            LeaveRequest,
            and_(
                LeaveRequest.member_id == Member.id,
                LeaveRequest.event_id == event.id,
                LeaveRequest.state == "approved",
            ),
        )
        .where(own)
    )
    visitors = (
        select(Member.id, Member.name, false(), Checkin.created_at, false())
        .join(Checkin, Checkin.member_id == Member.id)
        .where(Checkin.event_id == event.id, not_(own))
    )
    both = union_all(residents, visitors).subquery()
    rows = db.session.execute(select(both).order_by(both.c.own_community.desc(), both.c.id)).all()
    members = [
        {
            "member_id": member_id,
            "name": name,
            "own_community": bool(own_community),
            "checked_in": came is not None,
            "checked_in_at": came,
            "on_leave": bool(on_leave) and came is None,
        }
        for member_id, name, own_community, came, on_leave in rows
    ]
    return {
        "event_id": event.id,
        "title": event.title,
        "checked_in_count": sum(m["checked_in"] for m in members),
        "expected": sum(m["own_community"] for m in members),
        "on_leave_count": sum(m["on_leave"] for m in members),
        "members": members,
    }


def upcoming_for_member(account, now: datetime) -> list[dict]:
    """活动 as a member's page lists them: the events list not yet over, with the places left, whether the
    member has signed up, and the community's name (a service event may be another community's)."""
    events = list_events(account, community_id=None, kind=None, month=None, after=now)
    ids = [e.id for e in events]
    taken = (
        dict(
            db.session.execute(
                select(Signup.event_id, func.count()).where(Signup.event_id.in_(ids)).group_by(Signup.event_id)
            )
            .tuples()
            .all()
        )
        if ids
        else {}
    )
    mine = (
        set(
            db.session.scalars(
                select(Signup.event_id).where(Signup.event_id.in_(ids), Signup.member_id == account.member_id)
            )
        )
        if ids
        else set()
    )
    names = (
        dict(
            db.session.execute(
                select(Community.id, Community.name).where(Community.id.in_({e.community_id for e in events}))
            )
            .tuples()
            .all()
        )
        if ids
        else {}
    )
    return [
        {
            "event": e,
            "community": names.get(e.community_id),
            "signups": taken.get(e.id, 0),
            "places_left": None if e.capacity is None else max(e.capacity - taken.get(e.id, 0), 0),
            "signed_up": e.id in mine,
            "started": now >= e.starts_at,
            "own_community": account.member is not None and e.community_id == account.member.community_id,
        }
        for e in events
    ]


def next_return_day(community_id: int, now: datetime) -> Event | None:
    """The community's next return day not yet over (回家日), for the member's home page."""
    return db.session.scalars(
        select(Event)
        .where(Event.community_id == community_id, Event.kind == "return_day", Event.ends_at > now)
        .order_by(Event.starts_at)
        .limit(1)
    ).first()


def signed_up(member_id: int, event_id: int) -> bool:
    return (
        db.session.scalar(select(Signup.id).where(Signup.event_id == event_id, Signup.member_id == member_id))
        is not None
    )


def publishable_communities(actor) -> list[Community]:
    """The communities an account may publish events in: an admin every one, a secretary their own."""
    query = select(Community).order_by(Community.name)
    if not scope.is_admin(actor):
        query = query.where(Community.id == actor.community_id)
    return list(db.session.scalars(query))


def _counts(column, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    return dict(db.session.execute(select(column, func.count()).where(column.in_(ids)).group_by(column)).tuples().all())


PAST_SHOWN = 100


def desk_list(actor, *, community_id: int | None, now: datetime) -> dict:
    """The desk's events: from this month on, soonest first, then the past ones, latest first (the last
    PAST_SHOWN); each with its check-ins and sign-ups counted and its community named."""
    events = list_events(actor, community_id=community_id, kind=None, month=None)
    ids = [e.id for e in events]
    checked_in, signups = _counts(Checkin.event_id, ids), _counts(Signup.event_id, ids)
    names = dict(
        db.session.execute(
            select(Community.id, Community.name).where(Community.id.in_({e.community_id for e in events}))
        )
        .tuples()
        .all()
    )

    def row(e: Event) -> dict:
        return {
            "event": e,
            "community": names.get(e.community_id),
            "checked_in": checked_in.get(e.id, 0),
            "signups": signups.get(e.id, 0),
        }

    month_start = periods.bounds(periods.month_of(now))[0]
    past = [e for e in events if e.starts_at < month_start]
    return {
        "current": [row(e) for e in events if e.starts_at >= month_start],
        "past": [row(e) for e in past[::-1][:PAST_SHOWN]],
    }


def event_desk(actor, event_id: int, *, q: str | None = None) -> dict:
    """One event as its secretary runs it: its figures, who signed up, who checked in (with how: scanned or
    by proxy, and where the entry stands), and, searching `q`, the members a proxy check-in may pick
    (the member register's own search: the event's community for its secretary, the county for an admin)."""
    managed_event(actor, event_id)
    detail = event_detail(actor, event_id)
    signups = db.session.execute(
        select(Member.id, Member.name, Member.phone, Signup.created_at)
        .join(Member, Member.id == Signup.member_id)
        .where(Signup.event_id == event_id)
        .order_by(Signup.created_at, Signup.id)
    ).all()
    checkins = db.session.execute(
        select(Member.id, Member.name, Checkin.created_at, Checkin.method, Checkin.reason, EntryStatus.state)
        .join(Member, Member.id == Checkin.member_id)
        .outerjoin(EntryStatus, (EntryStatus.source == "checkin") & (EntryStatus.source_id == Checkin.id))
        .where(Checkin.event_id == event_id)
        .order_by(Checkin.created_at, Checkin.id)
    ).all()
    found = None
    if q is not None and q.strip():
        community_id = None if scope.is_admin(actor) else detail["community_id"]
        found = list_members(actor, community_id=community_id, q=q, limit=20)
    return {
        "event": detail,
        "community": db.session.get(Community, detail["community_id"]),
        "signups": [{"member_id": r[0], "name": r[1], "phone": r[2], "at": r[3]} for r in signups],
        "checkins": [
            {"member_id": r[0], "name": r[1], "at": r[2], "proxy": r[3] == "proxy", "reason": r[4], "state": r[5]}
            for r in checkins
        ],
        "found": found,
    }


def form_choices(actor) -> dict:
    """What the event form offers: the communities the account may publish in, and the catalogue's categories.
    A work unit's secretary runs no community's events, so has no form to fill."""
    communities = publishable_communities(actor)
    scope.require(bool(communities), "只有社区书记和组织部可以发布活动")
    return {"communities": communities, "categories": category_names()}
