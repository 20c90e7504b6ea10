"""The outbox (发送队列): each message that also goes beyond the site, by SMS or a WeChat template message."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime
from app.extensions import Model

CHANNELS = ("sms", "wechat")
STATES = ("pending", "sent", "failed")
TEXT_MAX = 500
DEDUPE_MAX = 160


class OutboxMessage(Model):
    """One message to one phone (or account): pending until a sender takes it, then sent, or failed with why."""

    __tablename__ = "outbox_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    channel: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A reminder for a day already past is noise: not sent after this, failed as expired.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    # Unique: the job that queued it, run again, queues nothing.
    dedupe: Mapped[str | None] = mapped_column(String(DEDUPE_MAX), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (
        CheckConstraint("phone IS NOT NULL OR account_id IS NOT NULL", name="has_recipient"),
        CheckConstraint("channel IN ('sms', 'wechat')", name="channel"),
        CheckConstraint("state IN ('pending', 'sent', 'failed')", name="state"),
        # What is due: the deliverer's one scan.
        Index("ix_outbox_messages_state_next", "state", "next_attempt_at"),
    )
