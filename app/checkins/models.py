"""Check-ins (活动打卡): one per member per event, held by the database."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow
from app.extensions import Model


class Checkin(Model):
    __tablename__ = "checkins"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Looked up by event or by member through the two unique constraints' indexes, which lead with them: every
    # index more is one more write on each of the return day's scans.
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    method: Mapped[str] = mapped_column(String(20))  # printed | screen | proxy
    by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))  # 代签到: who did it
    reason: Mapped[str | None] = mapped_column(String(200))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (
        UniqueConstraint("event_id", "member_id"),
        UniqueConstraint("member_id", "idempotency_key"),
    )
