"""活动打卡: a member's scan of an event's code, and a secretary's 代签到 for a member with no smartphone.

A check-in counts once per member per event (DOMAIN rule 2): the unique (event, member) constraint
decides, by INSERT ... ON CONFLICT DO NOTHING under the member's row lock, never by a check-then-insert.
Only a new row earns a ledger entry. Each public operation here owns its transaction.

A scan may be judged as of another moment than its arrival: an offline scan (`scanned_at`, the time the
phone kept it) and a screen code seen while its member was still logging in (`code_seen_at`, which only the
/c page vouches for, by its signed grace). Both are bounded here, once, for the API and the page alike."""

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Row, String, bindparam, select, text
from sqlalchemy.orm import aliased

from app.auth import caller, scope
from app.auth.caller import Bearer, Caller
from app.auth.models import Account
from app.checkins.models import Checkin
from app.db import UTCDateTime, transaction
from app.errors import Forbidden, NotFound, Refusal
from app.events import codes
from app.events.models import Event
from app.events.operations import managed_event
from app.extensions import db
from app.hot_statements import HotStatement
from app.idempotency import require_same_target
from app.members.models import Member
from app.points.models import EntryStatus
from app.points.operations import LOCKED_MEMBER, append_entry, priced, priced_insert, pricing_params
from app.text import visible
from ledger import periods

log = logging.getLogger(__name__)

PROXY_GRACE = timedelta(days=7)
# How long a phone may keep an offline scan before the server hears of it.
OFFLINE_LIMIT = timedelta(hours=2)
# How long a screen code seen on opening /c still serves a member who first had to log in (a first login on
# a slow phone took 50 s, longer than the code's 45 s).
LOGIN_GRACE = timedelta(minutes=5)
EARTH_RADIUS_M = 6_371_008.8

# What a scan reads, in one round trip: who scans (app.auth.caller), the event's columns the checks need, the
# member's check-in at it with its ledger entry if there is one, and the member's check-in under the request's
# Idempotency-Key with its entry if that is a retry (the /c page sends one with every tap). Core, not the ORM: on
# the return day it runs on every scan. Read from the account, so that an unknown event still reads the caller
# (its columns all NULL).
_Replayed = aliased(Checkin)
_ReplayedEntry = aliased(EntryStatus)
_SCAN = HotStatement(
    caller.joined(
        select(
            *caller.COLUMNS,
            Event.id,
            Event.community_id,
            Event.created_by,
            Event.kind,
            Event.category,
            Event.starts_at,
            Event.checkin_opens_at,
            Event.checkin_closes_at,
            Event.latitude,
            Event.longitude,
            Event.radius_m,
            Event.key_version,
            Checkin.id.label("checkin_id"),
            Checkin.by_account_id,
            EntryStatus.entry_id,
            EntryStatus.state,
            _Replayed.id.label("replayed_id"),
            _Replayed.event_id.label("replayed_event_id"),
            _Replayed.by_account_id.label("replayed_by"),
            _ReplayedEntry.entry_id.label("replayed_entry_id"),
            _ReplayedEntry.state.label("replayed_state"),
        )
    )
    .outerjoin(Event, Event.id == bindparam("event_id"))
    .outerjoin(Checkin, (Checkin.event_id == Event.id) & (Checkin.member_id == Account.member_id))
    .outerjoin(EntryStatus, (EntryStatus.source == "checkin") & (EntryStatus.source_id == Checkin.id))
    .outerjoin(
        _Replayed,
        (_Replayed.member_id == Account.member_id)
        & (_Replayed.idempotency_key == bindparam("idempotency_key", type_=String())),
    )
    .outerjoin(_ReplayedEntry, (_ReplayedEntry.source == "checkin") & (_ReplayedEntry.source_id == _Replayed.id))
    .where(Account.id == bindparam("account_id"))
)
# A text statement, which SQLAlchemy compiles once: it has no cache key for the dialects' INSERT ... ON CONFLICT,
# and built afresh it cost more than the rest of the scan. The same SQL on SQLite and PostgreSQL.
_COLUMNS = "event_id, member_id, method, by_account_id, reason, latitude, longitude, idempotency_key, created_at"
_VALUES = ":method, :by_account_id, :reason, :latitude, :longitude, :idempotency_key, :created_at"


def _insert(prefix: str, member: str):
    return text(
        f"{prefix}INSERT INTO checkins ({_COLUMNS}) VALUES (:event_id, {member}, {_VALUES}) "
        "ON CONFLICT DO NOTHING RETURNING id"
    ).bindparams(bindparam("created_at", type_=UTCDateTime()))


_INSERT = HotStatement(_insert("", ":member_id"))
# The same, taking the member's lock and reading what its entry's pricing needs in the same round trip (PostgreSQL).
_LOCK_INSERT_AND_PRICE = priced(_insert(LOCKED_MEMBER, "(SELECT id FROM locked)"))
_INSERT_KEYS = ("method", "by_account_id", "reason", "latitude", "longitude", "idempotency_key", "created_at")


@dataclass(frozen=True)
class Outcome:
    checkin_id: int
    event_id: int
    member_id: int
    status: str  # the ledger entry's state: posted or pending
    entry_id: int
    new: bool
    by: int | None = None


class OutsideWindow(Refusal):
    def __init__(self, message: str = "不在签到时间内"):
        super().__init__("outside_window", message, status=409)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance by the haversine formula."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def _outcome(checkin: Checkin, new: bool) -> Outcome:
    entry = db.session.scalars(
        select(EntryStatus).where(EntryStatus.source == "checkin", EntryStatus.source_id == checkin.id)
    ).one()
    return Outcome(
        checkin.id, checkin.event_id, checkin.member_id, entry.state, entry.entry_id, new, checkin.by_account_id
    )


def _existing(event_id: int, member_id: int) -> Checkin | None:
    return db.session.scalars(
        select(Checkin).where(Checkin.event_id == event_id, Checkin.member_id == member_id)
    ).first()


def runs_event(account: Account | Caller, event: Event | Row) -> bool:
    """Whether the account checking in manages the event itself (its community's secretary, or whoever made it):
    then its points wait for someone else's audit, so nobody earns points alone."""
    return scope.secretary_of_community(account, event.community_id) or event.created_by == account.id


def _record(event: Event | Row, member_id: int, now: datetime, *, for_audit: bool, **values) -> Outcome:
    """Insert the check-in unless one exists; a new one gets its ledger entry in the same transaction,
    left pending when `for_audit`."""
    # An offline scan's check-in keeps the time it was made (given in `values`), before its ledger entry's.
    values.setdefault("created_at", now)
    params = {key: values.get(key) for key in _INSERT_KEYS} | {"event_id": event.id, "member_id": member_id}
    natural_period = periods.month_of(event.starts_at)
    pricing = pricing_params(member_id, natural_period, "checkin", event.kind, event.category, now)
    checkin_id, known = priced_insert(member_id, _LOCK_INSERT_AND_PRICE, _INSERT, params, pricing)
    if checkin_id is None:
        # Lost to a concurrent scan or a retry of this event: answer with that one. Otherwise the key was
        # taken meanwhile by a scan of another event.
        existing = _existing(event.id, member_id)
        require_same_target(existing is not None)
        assert existing is not None  # refused just above otherwise
        return _outcome(existing, new=False)
    entry = append_entry(
        member_id,
        natural_period=natural_period,
        source="checkin",
        source_id=checkin_id,
        now=now,
        kind=event.kind,
        category=event.category,
        force_pending=for_audit,
        known=known,
    )
    log.info("member %s checked in at event %s (%s)", member_id, event.id, values["method"])
    return Outcome(checkin_id, event.id, member_id, entry.state, entry.id, True, values.get("by_account_id"))


def check_code(
    event: Event | Row, claim: codes.Claim, at: datetime, *, offline: bool = False, code_seen_at: datetime | None = None
) -> None:
    """Whether the code lets a member check in at `at`. A screen code seen at `code_seen_at` (before its
    expiry) serves for LOGIN_GRACE after. An offline scan is outside the window whatever makes it late."""
    if claim.type == codes.PRINTED and claim.key_version != event.key_version:
        raise Refusal("token_revoked", "该签到码已作废，请扫描现场最新的签到码", status=410)
    if claim.type == codes.SCREEN and not _screen_code_valid(claim, at, code_seen_at):
        if offline:
            raise OutsideWindow("扫码时该签到码已过期，未能签到")
        raise Refusal("token_expired", "该签到码已过期，请扫描大屏上的最新签到码", status=410)
    if at < event.checkin_opens_at:
        raise OutsideWindow("扫码时签到尚未开始" if offline else "签到尚未开始")
    if at > event.checkin_closes_at:
        raise OutsideWindow("扫码时签到已结束" if offline else "签到已结束")


def _screen_code_valid(claim: codes.Claim, at: datetime, code_seen_at: datetime | None) -> bool:
    assert claim.expires_at is not None  # every screen code has one
    if at < claim.expires_at:
        return True
    return code_seen_at is not None and code_seen_at < claim.expires_at and at - code_seen_at <= LOGIN_GRACE


def _scan_time(now: datetime, scanned_at: datetime | None) -> datetime:
    """The moment a scan is judged at: its arrival, or the time the phone kept it, within OFFLINE_LIMIT."""
    if scanned_at is None:
        return now
    if scanned_at > now:
        raise OutsideWindow("扫码时间晚于服务器当前时间，请检查手机时间")
    if now - scanned_at > OFFLINE_LIMIT:
        raise OutsideWindow("离线保存的签到超过2小时才提交，已不能签到")
    return scanned_at


def _check_place(event: Event | Row, latitude: float | None, longitude: float | None) -> None:
    if event.radius_m is None:
        return
    if latitude is None or longitude is None:
        raise Refusal("out_of_area", "本活动须在现场签到，请允许获取位置后重试", status=422)
    assert event.latitude is not None and event.longitude is not None  # a geofence is set whole (GEOFENCE)
    if distance_m(latitude, longitude, event.latitude, event.longitude) > event.radius_m:
        raise Refusal("out_of_area", "您不在活动现场范围内，请到现场签到", status=422)


def check_in(
    account: Account | Caller | Bearer,
    token: str,
    *,
    now: datetime,
    signing_key: str,
    scanned_at: datetime | None = None,
    code_seen_at: datetime | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    idempotency_key: str | None = None,
) -> Outcome:
    """A member's scan: once per event, whichever code (signed with `signing_key`), however often retried,
    judged as of `scanned_at` when the phone kept it offline. A Bearer is taken at its word once the scan's
    own read has found its account current."""
    if isinstance(account, Account):
        account = Caller.of(account)
    with transaction():
        account, event, claim = _scanned_event(account, token, signing_key, idempotency_key)
        member_id = account.member_id
        assert member_id is not None  # refused by _scanned_event otherwise
        # A retried request is answered as the first one was, even after its screen code has expired or its
        # offline scan has grown old: whichever code of the same event it carries.
        if event.replayed_id is not None:
            require_same_target(event.replayed_event_id == claim.event_id)
            return Outcome(
                event.replayed_id,
                event.replayed_event_id,
                member_id,
                event.replayed_state,
                event.replayed_entry_id,
                False,
                event.replayed_by,
            )
        if event.id is None:
            raise codes.InvalidToken()
        if event.checkin_id is not None:
            return Outcome(
                event.checkin_id, event.id, member_id, event.state, event.entry_id, False, event.by_account_id
            )
        at = _scan_time(now, scanned_at)
        check_code(event, claim, at, offline=scanned_at is not None, code_seen_at=code_seen_at)
        _check_place(event, latitude, longitude)
        return _record(
            event,
            member_id,
            now,
            for_audit=runs_event(account, event),
            method=claim.type,
            created_at=at,
            latitude=latitude,
            longitude=longitude,
            idempotency_key=idempotency_key or None,
        )


def _scanned_event(
    account: Caller | Bearer, token: str, signing_key: str, idempotency_key: str | None
) -> tuple[Caller, Row, codes.Claim]:
    """Who scans, checked; the scanned event's row, with the member's check-in at it if any; the code's claim."""
    if isinstance(account, Caller):
        _may_check_in(account)
    if idempotency_key and "\x00" in idempotency_key:
        # Only a forged form sends one (a header cannot); PostgreSQL could not even look it up.
        raise Refusal("invalid_idempotency_key", "Idempotency-Key 不能包含空字符")
    claim = codes.read(signing_key, token)
    row = _SCAN.run(
        {"event_id": claim.event_id, "account_id": account.id, "idempotency_key": idempotency_key or None}
    ).first()
    if isinstance(account, Bearer):
        account = _may_check_in(caller.admitted_member(caller.verified(account, row)))
    return account, row, claim


def _may_check_in(account: Caller) -> Caller:
    if not scope.may_check_in(account):
        raise Forbidden("该账号不能签到（不是在职党员账号或已停用）", code="not_allowed")
    return account


@transaction()
def proxy_check_in(actor, event_id: int, member_id: int, reason: str, now: datetime) -> Outcome:
    """代签到 by the event's secretary or an admin: recorded with who and why, and always left for audit."""
    event = managed_event(actor, event_id)
    if not visible(reason):
        raise Refusal("reason_required", "代签到须填写原因")
    reason = reason.strip()
    member = db.session.get(Member, member_id)
    if member is None:
        raise NotFound("党员")
    existing = _existing(event.id, member.id)
    if existing is not None:
        return _outcome(existing, new=False)
    if not event.checkin_opens_at <= now <= event.ends_at + PROXY_GRACE:
        raise OutsideWindow("代签到须在签到开始后、活动结束7天内进行")
    return _record(event, member.id, now, for_audit=True, method="proxy", by_account_id=actor.id, reason=reason)
