"""Notices (通知) from a community's or a work unit's secretary, or the county, and each member's inbox.

The inbox (`inbox_items`) is every message a member has been sent, one row per recipient with its
read time; a notice is its first kind, and reminders and flags will be kinds beside it."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime
from app.extensions import Model

TITLE_MAX = 100
BODY_MAX = 2000
INBOX_KINDS = ("notice",)


class Notice(Model):
    """What was sent, by whom, to the members of one community or of one work unit (maybe about an event)."""

    __tablename__ = "notices"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text)
    sender_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    recipients: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sender = relationship("Account")
    __table_args__ = (CheckConstraint("(community_id IS NULL) != (unit_id IS NULL)", name="one_scope"),)


class InboxItem(Model):
    """One message in one member's inbox: unread until `read_at`."""

    __tablename__ = "inbox_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    kind: Mapped[str] = mapped_column(String(20))
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notice: Mapped[Notice | None] = relationship()
    __table_args__ = (
        UniqueConstraint("member_id", "notice_id"),
        # The inbox, newest first, and its unread count on every home page.
        Index("ix_inbox_items_member_created", "member_id", "created_at"),
        # How many have read a notice, on the desk's list of notices sent.
        Index("ix_inbox_items_notice_read", "notice_id", "read_at"),
    )
