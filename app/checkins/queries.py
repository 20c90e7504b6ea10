"""Reads for the check-in page: what a scanned code names and whether it will work, before the member taps."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, bindparam, select

from app.auth import scope
from app.auth.caller import Caller
from app.checkins import operations
from app.checkins.models import Checkin
from app.errors import Forbidden, Refusal
from app.events import codes
from app.events.models import Event
from app.hot_statements import HotStatement
from app.points.models import EntryStatus, LedgerRecord


@dataclass(frozen=True)
class Preview:
    """What the page shows before the tap: the event, and what a tap now would meet."""

    event: Row | None  # the columns of scanned()
    refusal: Refusal | None = None  # the tap would be refused: said before it, not after
    opens_at: datetime | None = None  # check-in has not opened yet: the tap works from then on
    entry: Row | None = None  # already checked in: that check-in's ledger entry (its state and points)
    elsewhere: bool = False  # another community's event: it earns points but not the quarterly duty


def scanned(token: str, signing_key: str, member_id: int | None) -> tuple[Row | None, Row | None]:
    """The event an authentic code (signed with `signing_key`) names, and the ledger entry (its state, points, and
    why it earned none past a cap) of
    the member's check-in at it if they have checked in, in one read; (None, None) for a bad code or an unknown
    event. Rows, not entities: every scan's page asks it twice (the page, the tap's answer), and loading them into
    the ORM cost three times the read."""
    try:
        claim = codes.read(signing_key, token)
    except Refusal:
        return None, None
    row = _SCANNED.run({"event_id": claim.event_id, "member_id": member_id}).first()
    if row is None:
        return None, None
    return row, (row if row.state is not None else None)


# What the page shows of the event (_event.html) and judges the code by (operations.check_code), and of the entry:
# a check-in's record has a reason only when a cap left it at 0 points (app.points.operations.CAPPED).
_SCANNED = HotStatement(
    select(
        Event.id,
        Event.community_id,
        Event.title,
        Event.place,
        Event.starts_at,
        Event.ends_at,
        Event.checkin_opens_at,
        Event.checkin_closes_at,
        Event.key_version,
        Event.radius_m,
        EntryStatus.state,
        EntryStatus.points,
        LedgerRecord.reason,
    )
    .outerjoin(Checkin, (Checkin.event_id == Event.id) & (Checkin.member_id == bindparam("member_id")))
    .outerjoin(EntryStatus, (EntryStatus.source == "checkin") & (EntryStatus.source_id == Checkin.id))
    .outerjoin(LedgerRecord, LedgerRecord.id == EntryStatus.entry_id)
    .where(Event.id == bindparam("event_id"))
)


def is_elsewhere(home: int | None, event: Row | None) -> bool:
    return event is not None and home is not None and home != event.community_id


def preview(
    account: Caller, token: str, now: datetime, *, signing_key: str, code_seen_at: datetime | None = None
) -> Preview:
    """The scan as the operation would judge it now, short of the phone's position (asked for on the tap)."""
    try:
        claim = codes.read(signing_key, token)
    except Refusal as refusal:
        return Preview(None, refusal)
    event, entry = scanned(token, signing_key, account.member_id)
    if event is None:
        return Preview(None, codes.InvalidToken())
    elsewhere = is_elsewhere(account.home_community_id, event)
    if not scope.may_check_in(account):
        return Preview(event, Forbidden("该账号不能签到（不是在职党员账号或已停用）", code="not_allowed"))
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
