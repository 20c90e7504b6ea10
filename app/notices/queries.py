"""Reads of an inbox: a member's messages (notices, reminders, flags) newest first, one message, how many are
unread; and a secretary's desk inbox."""

from sqlalchemy import func, select

from app.auth.models import Account
from app.errors import NotFound
from app.extensions import db
from app.notices.models import INBOX_KINDS, InboxItem, Notice

# Who a reminder or a flag is from: the ledger itself, not a person.
SYSTEM_SENDER = "积分台账提醒"
DESK_SHOWN = 20


def _inbox(member_id: int | None = None, *, account_id: int | None = None, kinds=INBOX_KINDS):
    recipient = InboxItem.member_id == member_id if member_id is not None else InboxItem.account_id == account_id
    return (
        select(InboxItem, Notice, Account.name.label("sender"))
        .outerjoin(Notice, Notice.id == InboxItem.notice_id)
        .outerjoin(Account, Account.id == Notice.sender_id)
        .where(recipient, InboxItem.kind.in_(kinds))
    )


def _row(item: InboxItem, notice: Notice | None, sender: str | None) -> dict:
    """A notice keeps its own id (the `data-notice-id` hook and the API's); a reminder or flag has only its item."""
    return {
        "id": notice.id if notice else None,
        "item_id": item.id,
        "kind": item.kind,
        "title": notice.title if notice else item.title,
        "body": notice.body if notice else item.body,
        "link": item.link,
        "sender": sender or SYSTEM_SENDER,
        "community_id": notice.community_id if notice else None,
        "unit_id": notice.unit_id if notice else None,
        "event_id": notice.event_id if notice else None,
        "created_at": notice.created_at if notice else item.created_at,
        "read_at": item.read_at,
        "read": item.read_at is not None,
    }


def my_notices(
    member_id: int, *, limit: int = 50, offset: int = 0, unread_only: bool = False, kinds=INBOX_KINDS
) -> list[dict]:
    """通知与提醒: the messages sent to the member (of the given kinds: all unless said), newest first."""
    query = _inbox(member_id, kinds=kinds)
    if unread_only:
        query = query.where(InboxItem.read_at.is_(None))
    rows = db.session.execute(
        query.order_by(InboxItem.created_at.desc(), InboxItem.id.desc()).limit(limit).offset(offset)
    )
    return [_row(*row) for row in rows]


def my_notice(member_id: int, notice_id: int) -> dict:
    row = db.session.execute(_inbox(member_id).where(InboxItem.notice_id == notice_id)).first()
    if row is None:
        raise NotFound("通知")
    return _row(*row)


def inbox_item(item_id: int, *, member_id: int | None = None, account_id: int | None = None) -> dict:
    """One reminder or flag of the member's (or the account's) own; NotFound for anyone else's."""
    row = db.session.execute(
        _inbox(member_id, account_id=account_id, kinds=("reminder", "flag")).where(InboxItem.id == item_id)
    ).first()
    if row is None:
        raise NotFound("消息")
    return _row(*row)


def unread_count(member_id: int | None = None, *, account_id: int | None = None, kinds=INBOX_KINDS) -> int:
    recipient = InboxItem.member_id == member_id if member_id is not None else InboxItem.account_id == account_id
    return db.session.execute(
        select(func.count())
        .select_from(InboxItem)
        .where(recipient, InboxItem.kind.in_(kinds), InboxItem.read_at.is_(None))
    ).scalar_one()


def desk_inbox(account, *, limit: int = DESK_SHOWN) -> dict:
    """The desk's inbox: the flags and reminders sent to a secretary (or an admin) as such, newest first."""
    rows = db.session.execute(
        _inbox(account_id=account.id).order_by(InboxItem.created_at.desc(), InboxItem.id.desc()).limit(limit)
    )
    return {"items": [_row(*row) for row in rows], "unread": unread_count(account_id=account.id)}
