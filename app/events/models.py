"""Community events (活动), the return day among them, and sign-ups (报名)."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import Model
from app.org.models import Community

EVENT_KINDS = ("return_day", "service")


class Event(Model):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    title: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(50))  # a ServiceCategory name
    kind: Mapped[str] = mapped_column(String(20))
    place: Mapped[str | None] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    checkin_opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    checkin_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    radius_m: Mapped[int | None]
    capacity: Mapped[int | None]
    # Bumped by "作废旧码": every code printed with an older version answers token_revoked.
    key_version: Mapped[int] = mapped_column(default=1)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    community: Mapped[Community] = relationship()
    __table_args__ = (
        Index("ix_events_community_starts", "community_id", "starts_at"),
        # The scheduler creates one return day per community per day, however often it runs.
        Index(
            "uq_events_return_day",
            "community_id",
            "starts_at",
            unique=True,
            sqlite_where=text("kind = 'return_day'"),
            postgresql_where=text("kind = 'return_day'"),
        ),
    )


class Signup(Model):
    __tablename__ = "signups"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (UniqueConstraint("event_id", "member_id"),)
