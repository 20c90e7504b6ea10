"""议事日 (deliberation days), their attendance, agenda items (议题) and part-time committee members (兼职委员)."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime
from app.extensions import Model

TITLE_MAX = 100
DETAIL_MAX = 1000
NOTE_MAX = 500
RAISED_BY_MAX = 50
# 提议 → 商议 → 践议 → 议评, Yongchun's four steps: forward only, one at a time.
STAGES = ("proposed", "deliberated", "implemented", "evaluated")
STAGE_WORDS = {"proposed": "提议", "deliberated": "商议", "implemented": "践议", "evaluated": "议评"}
RESULTS = ("satisfied", "basically_satisfied", "unsatisfied")
RESULT_WORDS = {"satisfied": "满意", "basically_satisfied": "基本满意", "unsatisfied": "不满意"}


class DeliberationDay(Model):
    """One community's 议事日 of one month: made on the month's first working day, movable within it."""

    __tablename__ = "deliberation_days"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    period: Mapped[str] = mapped_column(String(7))
    held_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    moved_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    moved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    community = relationship("Community")
    __table_args__ = (UniqueConstraint("community_id", "period"), Index("ix_deliberation_days_held_on", "held_on"))


class DeliberationAttendance(Model):
    """Who the secretary recorded as present at a deliberation day (never claimed by the member)."""

    __tablename__ = "deliberation_attendance"
    day_id: Mapped[int] = mapped_column(ForeignKey("deliberation_days.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True, index=True)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AgendaItem(Model):
    """议题: a matter a community deliberates, at the stage its latest step reached."""

    __tablename__ = "agenda_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    detail: Mapped[str | None] = mapped_column(String(DETAIL_MAX))
    raised_by: Mapped[str] = mapped_column(String(RAISED_BY_MAX))
    stage: Mapped[str] = mapped_column(String(12))
    result: Mapped[str | None] = mapped_column(String(20))
    created_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    community = relationship("Community")
    steps = relationship("AgendaStep", order_by="AgendaStep.id", back_populates="item")
    __table_args__ = (
        CheckConstraint("stage IN ('proposed', 'deliberated', 'implemented', 'evaluated')", name="stage"),
    )


class AgendaStep(Model):
    """One step of an agenda item, kept for its history: who took it, when, at which day, with a note."""

    __tablename__ = "agenda_steps"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id"))
    stage: Mapped[str] = mapped_column(String(12))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    day_id: Mapped[int | None] = mapped_column(ForeignKey("deliberation_days.id"))
    result: Mapped[str | None] = mapped_column(String(20))
    item = relationship("AgendaItem", back_populates="steps")
    account = relationship("Account")
    # One row per stage of an item: a second advance racing the first cannot write the stage twice.
    __table_args__ = (UniqueConstraint("item_id", "stage"),)


class CommitteeTerm(Model):
    """兼职委员: an in-service member's term on a community's committee, start and end dates inclusive."""

    __tablename__ = "committee_terms"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    member = relationship("Member")
    community = relationship("Community")
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="ends_after_start"),)
