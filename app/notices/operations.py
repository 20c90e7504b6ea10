"""Publishing a notice to a community's or a work unit's members, putting reminders and flags into inboxes,
and reading them: the one write path of notices and the inbox."""

import logging
from datetime import datetime

from sqlalchemy import insert, literal, select, update

from app.action_log.operations import record
from app.auth import scope
from app.db import UTCDateTime, transaction
from app.db import insert as upsert
from app.errors import NotFound, Refusal
from app.events.models import Event
from app.extensions import db
from app.members.models import Member
from app.notices.models import BODY_MAX, LINK_MAX, TITLE_MAX, InboxItem, Notice
from app.org.models import Community, Unit
from app.text import person_text

log = logging.getLogger(__name__)


def _recipients(community_id: int | None, unit_id: int | None):
    where = Member.community_id == community_id if community_id is not None else Member.unit_id == unit_id
    return select(Member.id).where(where, Member.active)


def _check_scope(actor, community_id: int | None, unit_id: int | None) -> None:
    if (community_id is None) == (unit_id is None):
        raise Refusal("invalid_scope", "请指定一个社区或一个单位（community_id 或 unit_id，二选一）")
    if community_id is not None:
        scope.require(scope.oversees(actor, community_id=community_id), "只能向本社区党员发通知")
        if db.session.get(Community, community_id) is None:
            raise NotFound("社区")
    else:
        scope.require(scope.oversees(actor, unit_id=unit_id), "只能向本单位党员发通知")
        if db.session.get(Unit, unit_id) is None:
            raise NotFound("单位")


def publish(
    actor,
    *,
    title: str,
    body: str,
    community_id: int | None = None,
    unit_id: int | None = None,
    event_id: int | None = None,
    now: datetime,
) -> Notice:
    """发通知: into the inbox of every active member of the community (or the unit), each once."""
    title = person_text(title, "通知标题", TITLE_MAX)
    body = person_text(body, "通知内容", BODY_MAX)
    with transaction():
        _check_scope(actor, community_id, unit_id)
        if event_id is not None:
            event = db.session.get(Event, event_id)
            if event is None:
                raise NotFound("活动")
            if community_id is not None and event.community_id != community_id:
                raise Refusal("event_elsewhere", "该活动不属于这个社区")
        notice = Notice(
            title=title,
            body=body,
            sender_id=actor.id,
            community_id=community_id,
            unit_id=unit_id,
            event_id=event_id,
            created_at=now,
        )
        db.session.add(notice)
        db.session.flush()
        recipients = _recipients(community_id, unit_id).add_columns(
            literal("notice"), literal(notice.id), literal(now, UTCDateTime)
        )
        # Counted from RETURNING: on PostgreSQL the rowcount of this INSERT ... SELECT came back as -1.
        notice.recipients = len(
            db.session.execute(
                insert(InboxItem)
                .from_select(["member_id", "kind", "notice_id", "created_at"], recipients)
                .returning(InboxItem.id)
            ).all()
        )
        to = {"community_id": community_id} if community_id is not None else {"unit_id": unit_id}
        record(
            actor, "notice.publish", f"通知#{notice.id} {title}", recipients=notice.recipients, event_id=event_id, **to
        )
    log.info("notice %s published by account %s to %s members", notice.id, actor.id, notice.recipients)
    return notice


def mark_read(member_id: int, notice_id: int, now: datetime) -> InboxItem:
    """已读: the member's copy of the notice, read from now on (a second reading keeps the first time)."""
    with transaction():
        db.session.execute(
            update(InboxItem)
            .where(InboxItem.member_id == member_id, InboxItem.notice_id == notice_id, InboxItem.read_at.is_(None))
            .values(read_at=now)
        )
        item = db.session.scalars(
            select(InboxItem).where(InboxItem.member_id == member_id, InboxItem.notice_id == notice_id)
        ).first()
        if item is None:
            raise NotFound("通知")
    return item


def deliver(messages: list[dict], now: datetime) -> int:
    """Reminders and flags into inboxes: each dict names `member_id` or `account_id`, `kind`, `title`, `body`,
    `dedupe` and maybe `link`. A message whose recipient already has its dedupe key is skipped; returns how
    many are new. Joins the caller's transaction."""
    if not messages:
        return 0
    rows = [
        {
            "member_id": m.get("member_id"),
            "account_id": m.get("account_id"),
            "kind": m["kind"],
            "title": m["title"][:TITLE_MAX],
            "body": m["body"][:BODY_MAX],
            "link": m["link"][:LINK_MAX] if m.get("link") else None,
            "dedupe": m["dedupe"],
            "created_at": now,
        }
        for m in messages
    ]
    added = 0
    with transaction():
        # In slices: one statement's bound parameters are limited (SQLite 32,766).
        for at in range(0, len(rows), 500):
            added += len(
                db.session.execute(
                    upsert(InboxItem).values(rows[at : at + 500]).on_conflict_do_nothing().returning(InboxItem.id)
                ).all()
            )
    return added


def mark_item_read(item_id: int, now: datetime, *, member_id: int | None = None, account_id: int | None = None) -> None:
    """已读: a reminder or flag of the member's (or the account's) own; a second reading keeps the first time."""
    recipient = InboxItem.member_id == member_id if member_id is not None else InboxItem.account_id == account_id
    with transaction():
        item = db.session.scalars(
            select(InboxItem).where(InboxItem.id == item_id, recipient, InboxItem.kind != "notice")
        ).first()
        if item is None:
            raise NotFound("消息")
        if item.read_at is None:
            item.read_at = now
