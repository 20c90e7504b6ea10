"""Reads for the check-in page: what a scanned code names and whether it will work, before the member taps."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.auth import scope
from app.auth.caller import Caller
from app.checkins import operations
from app.checkins.models import Checkin
from app.errors import Forbidden, Refusal
from app.events import codes
from app.events.models import Event
from app.extensions import db
from app.points.models import EntryStatus


@dataclass(frozen=True)
class Preview:
    """What the page shows before the tap: the event, and what a tap now would meet."""

    event: Event | None
    refusal: Refusal | None = None  # the tap would be refused: said before it, not after
    opens_at: datetime | None = None  # check-in has not opened yet: the tap works from then on
    entry: EntryStatus | None = None  # already checked in: that check-in's ledger entry
    elsewhere: bool = False  # another community's event: it earns points but not the quarterly duty


def event_for_token(token: str, signing_key: str) -> Event | None:
    """The event an authentic code (signed with `signing_key`) names, for showing its title; None for a bad code."""
    try:
        claim = codes.read(signing_key, token)
    except Refusal:
        return None
    return db.session.get(Event, claim.event_id)


def is_elsewhere(account, event: Event | None) -> bool:
    return event is not None and account.member is not None and account.member.community_id != event.community_id


def preview(account, token: str, now: datetime, *, signing_key: str, code_seen_at: datetime | None = None) -> Preview:
    """The scan as the operation would judge it now, short of the phone's position (asked for on the tap)."""
    try:
        claim = codes.read(signing_key, token)
    except Refusal as refusal:
        return Preview(None, refusal)
    event = db.session.get(Event, claim.event_id)
    if event is None:
        return Preview(None, codes.InvalidToken())
    elsewhere = is_elsewhere(account, event)
    if not scope.may_check_in(Caller.of(account)):
        return Preview(event, Forbidden("该账号不能签到（不是在职党员账号或已停用）", code="not_allowed"))
    entry = checkin_entry(event.id, account.member_id)
    if entry is not None:
        return Preview(event, entry=entry, elsewhere=elsewhere)
    try:
        operations.check_code(event, claim, now, code_seen_at=code_seen_at)
    except operations.OutsideWindow as refusal:
        if now < event.checkin_opens_at:
            return Preview(event, opens_at=event.checkin_opens_at, elsewhere=elsewhere)
        return Preview(event, refusal, elsewhere=elsewhere)
    except Refusal as refusal:
        return Preview(event, refusal, elsewhere=elsewhere)
    return Preview(event, elsewhere=elsewhere)


def checkin_entry(event_id: int, member_id: int) -> EntryStatus | None:
    """The ledger entry of the member's check-in at the event, if they have checked in."""
    return db.session.scalars(
        select(EntryStatus)
        .join(Checkin, EntryStatus.source_id == Checkin.id)
        .where(EntryStatus.source == "checkin", Checkin.event_id == event_id, Checkin.member_id == member_id)
    ).first()


def entry(entry_id: int) -> EntryStatus:
    return db.session.get_one(EntryStatus, entry_id)
