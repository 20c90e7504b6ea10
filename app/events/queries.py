"""Reads on events: the lists a community sees, one event with its counts, and its check-in codes."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from app.auth import scope
from app.checkins.models import Checkin
from app.errors import NotFound
from app.events import codes
from app.events.models import Event, Signup
from app.events.operations import managed_event
from app.extensions import db
from ledger import periods


def _default_community(actor) -> int | None:
    if actor.community_id is not None:
        return actor.community_id
    return actor.member.community_id if actor.member is not None else None


def list_events(actor, *, community_id: int | None, kind: str | None, month: str | None) -> list[Event]:
    """A community's events, oldest first; without a community, the caller's own (an admin: every one)."""
    if community_id is None and not scope.is_admin(actor):
        community_id = _default_community(actor)
    if community_id is not None or not scope.is_admin(actor):
        scope.require(scope.sees_community(actor, community_id), "只能查看本社区的活动")
    query = select(Event).order_by(Event.starts_at, Event.id)
    if community_id is not None:
        query = query.where(Event.community_id == community_id)
    if kind is not None:
        query = query.where(Event.kind == kind)
    if month is not None:
        periods.parse_month(month)  # a quarter is not a month here
        start, end = periods.bounds(month)
        query = query.where(Event.starts_at >= start, Event.starts_at < end)
    return list(db.session.scalars(query))


def event_detail(actor, event_id: int) -> dict:
    """The event with how many have checked in, and for those who run it, how many signed up."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise NotFound("活动")
    scope.require(scope.sees_community(actor, event.community_id), "只能查看本社区的活动")
    detail = {column.key: getattr(event, column.key) for column in Event.__table__.columns}
    detail["checked_in"] = db.session.scalar(select(func.count()).select_from(Checkin)
                                             .where(Checkin.event_id == event.id))
    if scope.manages_community(actor, event.community_id):
        detail["signups"] = db.session.scalar(select(func.count()).select_from(Signup)
                                              .where(Signup.event_id == event.id))
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
