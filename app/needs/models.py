"""A resident's need (需求 / 微心愿), the steps it went through, and the members who serve it."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime
from app.extensions import Model
from ledger.words import NEED_STATUSES, NEED_STEPS

CONTENT_MAX = 500
NAME_MAX = 40
PHONE_MAX = 20
NOTE_MAX = 200  # a done note, a refusal's reason, a rating's comment: a line, not a report
CHANNELS = ("desk", "public")
HOWS = ("assigned", "claimed")


def _one_of(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Need(Model):
    """One resident's need in one community; `resident_name` and `resident_phone` are private (DOMAIN rule 6)."""

    __tablename__ = "needs"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))
    category_id: Mapped[int] = mapped_column(ForeignKey("service_categories.id"))
    content: Mapped[str] = mapped_column(String(CONTENT_MAX))
    resident_name: Mapped[str] = mapped_column(String(NAME_MAX))
    resident_phone: Mapped[str] = mapped_column(String(PHONE_MAX))
    channel: Mapped[str] = mapped_column(String(10))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    status: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    done_note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    rating: Mapped[int | None]
    rating_comment: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    refused_reason: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Keyed SHA-256 of the resident's rating code; the code is shown once and never stored.
    code_hash: Mapped[str] = mapped_column(String(64))
    # Wrong codes tried since `code_failed_at`: an 8-digit code holds only with a per-need limit.
    code_failures: Mapped[int] = mapped_column(default=0)
    code_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (
        CheckConstraint(_one_of("status", NEED_STATUSES), name="status"),
        CheckConstraint(_one_of("channel", CHANNELS), name="channel"),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating"),
        # The per-phone daily limit counts here.
        Index("ix_needs_phone_created", "resident_phone", "created_at"),
        Index("ix_needs_community_status", "community_id", "status"),
    )


class NeedStep(Model):
    """One change of a need: what, when, by which account (None: the resident or the system), for which member."""

    __tablename__ = "need_steps"
    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id"), index=True)
    step: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    __table_args__ = (CheckConstraint(_one_of("step", NEED_STEPS), name="step"),)


class NeedServer(Model):
    """A member serving a need: assigned by their unit's secretary, or claimed from their phone."""

    __tablename__ = "need_servers"
    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    how: Mapped[str] = mapped_column(String(10))
    by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (
        UniqueConstraint("need_id", "member_id"),
        CheckConstraint(_one_of("how", HOWS), name="how"),
    )
