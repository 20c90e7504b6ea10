"""Notices (通知) from a community's or a work unit's secretary, or the county, and each member's inbox.

The inbox (`inbox_items`) is every message a member or an account has been sent, one row per recipient
with its read time: a notice (its words are the notice's), a reminder (提醒) or a flag (a secretary is
told of something to act on), the last two carrying their own words, link and dedupe key."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime
from app.extensions import Model

TITLE_MAX = 100
BODY_MAX = 2000
INBOX_KINDS = ("notice", "reminder", "flag")
DEDUPE_MAX = 120
LINK_MAX = 200


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
    """One message in one inbox: a member's (what a member is told as a member) or an account's (what a
    secretary is told as a secretary, on the desk); unread until `read_at`."""

    __tablename__ = "inbox_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    kind: Mapped[str] = mapped_column(String(20))
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))
    title: Mapped[str | None] = mapped_column(String(TITLE_MAX))
    body: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(LINK_MAX))
    # What the message is about, e.g. "return_day-3d:event:12": a job run twice finds it and adds nothing.
    dedupe: Mapped[str | None] = mapped_column(String(DEDUPE_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notice: Mapped[Notice | None] = relationship()
    __table_args__ = (
        UniqueConstraint("member_id", "notice_id"),
        UniqueConstraint("member_id", "dedupe"),
        UniqueConstraint("account_id", "dedupe"),
        CheckConstraint("(member_id IS NULL) != (account_id IS NULL)", name="one_recipient"),
        CheckConstraint(
            "(kind = 'notice' AND notice_id IS NOT NULL) OR (kind IN ('reminder', 'flag') AND notice_id IS NULL"
            " AND title IS NOT NULL AND body IS NOT NULL)",
            name="kind_words",
        ),
        # The inbox, newest first, and its unread count on every home page.
        Index("ix_inbox_items_member_created", "member_id", "created_at"),
        # How many have read a notice, on the desk's list of notices sent.
        Index("ix_inbox_items_notice_read", "notice_id", "read_at"),
        Index("ix_inbox_items_account_created", "account_id", "created_at"),
    )
