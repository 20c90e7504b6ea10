"""Household visits (入户走访, 四必访): one per member, household and day."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow
from app.extensions import Model

NOTE_MAX = 500  # characters: a note says what was found, it is no file store


class Visit(Model):
    __tablename__ = "visits"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    visited_on: Mapped[date] = mapped_column(Date, index=True)
    note: Mapped[str | None] = mapped_column(Text)  # private, like the household's flags
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (
        UniqueConstraint("member_id", "household_id", "visited_on"),
        UniqueConstraint("member_id", "idempotency_key"),
    )
