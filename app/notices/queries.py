"""Reads of a member's inbox: their notices newest first, one notice, how many are unread."""

from sqlalchemy import func, select

from app.auth.models import Account
from app.errors import NotFound
from app.extensions import db
from app.notices.models import InboxItem, Notice


def _inbox(member_id: int):
    return (
        select(InboxItem, Notice, Account.name.label("sender"))
        .join(Notice, Notice.id == InboxItem.notice_id)
        .join(Account, Account.id == Notice.sender_id)
        .where(InboxItem.member_id == member_id)
    )


def _row(item: InboxItem, notice: Notice, sender: str) -> dict:
    return {
        "id": notice.id,
        "title": notice.title,
        "body": notice.body,
        "sender": sender,
        "community_id": notice.community_id,
        "unit_id": notice.unit_id,
        "event_id": notice.event_id,
        "created_at": notice.created_at,
        "read_at": item.read_at,
        "read": item.read_at is not None,
    }


def my_notices(member_id: int, *, limit: int = 50, offset: int = 0, unread_only: bool = False) -> list[dict]:
    """通知: the notices sent to the member, newest first."""
    query = _inbox(member_id)
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


def unread_count(member_id: int) -> int:
    return db.session.execute(
        select(func.count()).select_from(InboxItem).where(InboxItem.member_id == member_id, InboxItem.read_at.is_(None))
    ).scalar_one()
