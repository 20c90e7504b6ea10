"""Reads of an inbox: a member's messages (notices, reminders, flags) newest first, one message, how many are
unread; a secretary's desk inbox; and the notices a secretary's community or unit has been sent, with how
many have read each."""

from sqlalchemy import false, func, or_, select

from app.auth import scope
from app.auth.models import Account
from app.errors import NotFound
from app.events.models import Event
from app.extensions import db
from app.notices.models import INBOX_KINDS, InboxItem, Notice
from app.org.models import Community, Unit

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


def sent_notices(actor, *, community_id=None, unit_id=None, limit: int = 50, offset: int = 0) -> list[dict]:
    """发出的通知, newest first: those to a secretary's community or unit (both, for a secretary of both,
    when they name neither), any for an admin; each with its addressees' name and how many have read it."""
    query = (
        select(
            Notice,
            Account.name,
            func.coalesce(Community.name, Unit.name),
            Event.title,
            select(func.count())
            .where(InboxItem.notice_id == Notice.id, InboxItem.read_at.is_not(None))
            .scalar_subquery(),
        )
        .join(Account, Account.id == Notice.sender_id)
        .outerjoin(Community, Community.id == Notice.community_id)
        .outerjoin(Unit, Unit.id == Notice.unit_id)
        .outerjoin(Event, Event.id == Notice.event_id)
    )
    if community_id is not None or unit_id is not None:
        scope.require_scope(actor, community_id=community_id, unit_id=unit_id)
        if community_id is not None:
            query = query.where(Notice.community_id == community_id)
        if unit_id is not None:
            query = query.where(Notice.unit_id == unit_id)
    elif not scope.is_admin(actor):
        scope.require(actor.role == "secretary", "仅社区或单位书记、管理员可查看")
        mine = [Notice.community_id == actor.community_id] if actor.community_id is not None else []
        mine += [Notice.unit_id == actor.unit_id] if actor.unit_id is not None else []
        query = query.where(or_(false(), *mine))
    rows = db.session.execute(query.order_by(Notice.created_at.desc(), Notice.id.desc()).limit(limit).offset(offset))
    return [
        {
            "id": notice.id,
            "title": notice.title,
            "body": notice.body,
            "sender": sender,
            "community_id": notice.community_id,
            "unit_id": notice.unit_id,
            "to": to,
            "event_id": notice.event_id,
            "event": event,
            "recipients": notice.recipients,
            "read": read,
            "created_at": notice.created_at,
        }
        for notice, sender, to, event, read in rows
    ]


def publish_targets(actor) -> list[dict]:
    """Whom the actor may publish to, as a form offers them: a secretary their community and their unit,
    an admin every community and unit. `value` is `community:<id>` or `unit:<id>`."""
    communities = select(Community.id, Community.name).order_by(Community.id)
    units = select(Unit.id, Unit.name).order_by(Unit.id)
    if not scope.is_admin(actor):
        communities = communities.where(Community.id == actor.community_id)
        units = units.where(Unit.id == actor.unit_id)
    return [{"value": f"community:{i}", "label": f"{name}的党员"} for i, name in db.session.execute(communities)] + [
        {"value": f"unit:{i}", "label": f"{name}的党员"} for i, name in db.session.execute(units)
    ]


def desk_inbox(account, *, limit: int = DESK_SHOWN) -> dict:
    """The desk's inbox: the flags and reminders sent to a secretary (or an admin) as such, newest first."""
    rows = db.session.execute(
        _inbox(account_id=account.id).order_by(InboxItem.created_at.desc(), InboxItem.id.desc()).limit(limit)
    )
    return {"items": [_row(*row) for row in rows], "unread": unread_count(account_id=account.id)}
