"""Writes on events (活动): publishing and editing one, rotating its printed code, signing up (报名) and cancelling."""

import logging
from datetime import datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.action_log.operations import record
from app.auth import scope
from app.catalogue.models import ServiceCategory
from app.checkins.models import Checkin
from app.db import lock, transaction
from app.errors import NotFound, Refusal
from app.events.models import Event, Signup
from app.extensions import db
from app.org.models import Community
from app.text import visible
from ledger import periods

log = logging.getLogger(__name__)

CHECKIN_OPENS_BEFORE = timedelta(minutes=30)
# How far the check-in window may reach beyond the event itself: a scan belongs to the event's own day.
WINDOW_MARGIN = timedelta(hours=2)
GEOFENCE = ("latitude", "longitude", "radius_m")


def managed_event(actor, event_id: int, *, for_update: bool = False) -> Event:
    """An event its community's secretary or an admin may run (codes, poster, proxy check-ins)."""
    event = lock(Event, event_id) if for_update else db.session.get(Event, event_id)
    if event is None:
        raise NotFound("活动")
    scope.require(scope.manages_community(actor, event.community_id), "只有本社区书记或管理员可以管理该活动")
    return event


def _check_category(category: str) -> None:
    # The catalogue is the county's data; a county that has not loaded one yet is not held to it.
    names = set(db.session.scalars(select(ServiceCategory.name)))
    if names and category not in names:
        raise Refusal("unknown_category", f"服务项目「{category}」不在本县服务目录中")


def _check_times(values: dict) -> None:
    if values["ends_at"] <= values["starts_at"]:
        raise Refusal("invalid_times", "结束时间应晚于开始时间")
    if values["checkin_closes_at"] <= values["checkin_opens_at"]:
        raise Refusal("invalid_times", "签到截止时间应晚于签到开始时间")


def _check_window(values: dict, now: datetime | None) -> None:
    """An event happens on one day, today or later (unless `now` is None: its start is not being set), and
    its scans with it: points cannot be earned into a month already over, nor for years from one printed code."""
    day = periods.local(values["starts_at"]).date()
    if now is not None and day < periods.local(now).date():
        raise Refusal("invalid_window", "活动开始日期不能早于今天（北京时间）")
    if values["ends_at"] > datetime.combine(day + timedelta(days=1), time(), tzinfo=periods.TZ):
        raise Refusal("invalid_window", "活动须在开始当天结束（北京时间）")
    if (
        values["checkin_opens_at"] < values["starts_at"] - WINDOW_MARGIN
        or values["checkin_closes_at"] > values["ends_at"] + WINDOW_MARGIN
    ):
        raise Refusal("invalid_window", "签到时间须在活动开始前2小时至活动结束后2小时之内")


def _check_geofence(values: dict) -> None:
    given = [values.get(k) is not None for k in GEOFENCE]
    if any(given) and not all(given):
        raise Refusal("invalid_geofence", "签到范围须同时给出纬度、经度和半径，或都不给")


def default_window(starts_at: datetime, ends_at: datetime) -> dict:
    """The check-in window of an event that names none: from 30 minutes before its start to its end."""
    return {"checkin_opens_at": starts_at - CHECKIN_OPENS_BEFORE, "checkin_closes_at": ends_at}


def _settled(values: dict, now: datetime, *, moved: bool) -> dict:
    """The event's values as stored: the title trimmed, the check-in window defaulted, every rule held.
    `moved`: whether the event's start is new (a new event, or an edit that moves it), which must then
    lie today or later; an edit that leaves a past event's start alone only fixes its words."""
    values = dict(values)
    if not visible(values["title"]):
        raise Refusal("invalid_request", "请填写活动名称")
    values["title"] = values["title"].strip()
    for key, default in default_window(values["starts_at"], values["ends_at"]).items():
        values[key] = values.get(key) or default
    _check_times(values)
    _check_window(values, now if moved else None)
    _check_geofence(values)
    _check_category(values["category"])
    return values


def _flush_unique() -> None:
    try:
        db.session.flush()
    except IntegrityError:
        # The one unique rule on events: one return day per community per starting time.
        raise Refusal("event_exists", "该社区在这一时间已有回家日活动", status=409) from None


def _target(event: Event) -> str:
    return f"活动#{event.id} {event.title}"


@transaction()
def create_event(actor, values: dict, now: datetime) -> Event:
    """发布活动: a secretary in their own community, an admin anywhere."""
    community_id = values["community_id"]
    scope.require(scope.manages_community(actor, community_id), "只能在本社区发布活动")
    if db.session.get(Community, community_id) is None:
        raise NotFound("社区")
    event = Event(**_settled(values, now, moved=True), created_by=actor.id, created_at=now)
    db.session.add(event)
    _flush_unique()
    record(actor, "event.create", _target(event), community_id=community_id, kind=event.kind)
    log.info("event %s created in community %s by account %s", event.id, community_id, actor.id)
    return event


# What an edit may change: everything but the community, which the event's codes, check-ins and points
# belong to.
EDITABLE = (
    "title",
    "category",
    "kind",
    "place",
    "starts_at",
    "ends_at",
    "checkin_opens_at",
    "checkin_closes_at",
    "latitude",
    "longitude",
    "radius_m",
    "capacity",
)
# Once members have checked in, their entries were priced by the event's kind and category and dated by its
# day (the month they count in): those stay as they are.
FIXED_BY_CHECKINS = {"kind": "活动类型", "category": "服务项目"}


def _check_checkins_kept(event: Event, values: dict) -> None:
    """An edit never strands a check-in already made: the day, kind and category stay, and every check-in
    stays inside the new window (a 代签到 may come after it closes, within its own grace)."""
    checkins = select(func.count()).select_from(Checkin).where(Checkin.event_id == event.id)
    if not db.session.scalar(checkins):
        return
    for key, words in FIXED_BY_CHECKINS.items():
        if values[key] != getattr(event, key):
            raise Refusal("event_has_checkins", f"已有党员签到，不能再修改{words}", status=409)
    if periods.local(values["starts_at"]).date() != periods.local(event.starts_at).date():
        raise Refusal("event_has_checkins", "已有党员签到，不能把活动改到另一天", status=409)
    stranded = db.session.scalar(
        checkins.where(
            (Checkin.created_at < values["checkin_opens_at"])
            | ((Checkin.method != "proxy") & (Checkin.created_at > values["checkin_closes_at"]))
        )
    )
    if stranded:
        raise Refusal(
            "checkins_outside_window",
            f"有{stranded}人的签到时间会落在新的签到时间之外，请调整签到开始或截止时间",
            status=409,
        )


@transaction()
def update_event(actor, event_id: int, changes: dict, now: datetime) -> Event:
    """修改活动: the given fields over the event's own, held to the rules of a new one (the window within its
    day); a missing check-in time goes back to its default. Returns the event as it now stands."""
    event = managed_event(actor, event_id, for_update=True)
    values = {key: getattr(event, key) for key in EDITABLE}
    values.update({key: value for key, value in changes.items() if key in EDITABLE})
    for key, default in default_window(event.starts_at, event.ends_at).items():
        # A window left as its default follows the event's times when they move.
        if key not in changes and getattr(event, key) == default:
            values[key] = None
    moved = values["starts_at"] != event.starts_at
    values = _settled(values, now, moved=moved)
    _check_checkins_kept(event, values)
    changed = sorted(key for key in EDITABLE if values[key] != getattr(event, key))
    if not changed:
        return event
    for key in changed:
        setattr(event, key, values[key])
    _flush_unique()
    record(actor, "event.update", _target(event), changed=changed)
    log.info("event %s changed (%s) by account %s", event.id, ", ".join(changed), actor.id)
    return event


@transaction()
def rotate_key(actor, event_id: int) -> Event:
    """作废旧码: every code printed before now answers token_revoked; the next print carries the new key."""
    event = managed_event(actor, event_id, for_update=True)
    event.key_version += 1
    record(actor, "event.rotate_key", _target(event), key_version=event.key_version)
    log.info("event %s printed code rotated to key %s by account %s", event.id, event.key_version, actor.id)
    return event


def _open_for_signups(account, event_id: int, now: datetime) -> Event:
    # The event row's lock makes counting and inserting one step: capacity is never overbooked.
    event = lock(Event, event_id)
    if event is None:
        raise NotFound("活动")
    scope.require(scope.may_join(account, event), "只能报名本社区的活动和各社区的服务活动", code="not_allowed")
    if now >= event.starts_at:
        raise Refusal("signup_closed", "活动已开始，报名已截止", status=409)
    return event


def _signup_of(event_id: int, member_id: int) -> Signup | None:
    return db.session.scalars(select(Signup).where(Signup.event_id == event_id, Signup.member_id == member_id)).first()


def sign_up(account, event_id: int, now: datetime) -> tuple[int, bool]:
    """报名, first come first served: (the sign-up's id, whether it is new)."""
    with transaction():
        event = _open_for_signups(account, event_id, now)
        existing = _signup_of(event.id, account.member_id)
        if existing is not None:
            return existing.id, False
        if event.capacity is not None:
            taken = db.session.execute(
                select(func.count()).select_from(Signup).where(Signup.event_id == event.id)
            ).scalar_one()
            if taken >= event.capacity:
                raise Refusal("event_full", "名额已满", status=409)
        signup = Signup(event_id=event.id, member_id=account.member_id, created_at=now)
        db.session.add(signup)
        db.session.flush()
        signup_id = signup.id
    return signup_id, True


def cancel_signup(account, event_id: int, now: datetime) -> int | None:
    """取消报名 before the event starts; the place goes to the next member. The cancelled sign-up's id, or
    None when there was nothing to cancel."""
    with transaction():
        event = _open_for_signups(account, event_id, now)
        signup = _signup_of(event.id, account.member_id)
        if signup is None:
            return None
        signup_id = signup.id
        db.session.delete(signup)
    return signup_id
