"""Reads of notices: a member's inbox (newest first, one notice, how many unread), and the notices a
secretary's community or unit has been sent, with how many have read each."""

from sqlalchemy import false, func, or_, select

from app.auth import scope
from app.auth.models import Account
from app.errors import NotFound
from app.events.models import Event
from app.extensions import db
from app.notices.models import InboxItem, Notice
from app.org.models import Community, Unit


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
