"""Pledges (承诺践诺评诺): a member's pledges for a year, the progress they mark, and the secretary's review."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime
from app.extensions import Model

TEXT_MAX = 200  # a pledge and a progress note: a few lines, not an essay
COMMENT_MAX = 300
PLEDGES_PER_YEAR = 10
# 评诺's grades; the ledger keeps its points words, these belong to the appraisal.
GRADES = {"excellent": "优秀", "good": "良好", "fair": "一般", "poor": "较差"}


class Pledge(Model):
    """承诺: one line of a member's pledges for a year, under a category of the service catalogue."""

    __tablename__ = "pledges"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    year: Mapped[int]
    # The category's name as it was when written: the catalogue may rename or drop it later, the pledge stands.
    category: Mapped[str] = mapped_column(String(50))
    text: Mapped[str] = mapped_column(String(TEXT_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (Index("ix_pledges_member_year", "member_id", "year"),)


class PledgeProgress(Model):
    """践诺: what the member did towards a pledge, on a day, linked at most to one check-in or visit of theirs."""

    __tablename__ = "pledge_progress"
    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id", ondelete="CASCADE"), index=True)
    done_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(TEXT_MAX))
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("checkins.id"))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (CheckConstraint("checkin_id IS NULL OR visit_id IS NULL", name="one_link"),)


class PledgeReview(Model):
    """评诺: a grade and a comment on a member's year. A revision is a new row; the latest counts."""

    __tablename__ = "pledge_reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    year: Mapped[int]
    grade: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(String(COMMENT_MAX))
    by_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (
        Index("ix_pledge_reviews_member_year", "member_id", "year"),
        CheckConstraint("grade IN ('excellent', 'good', 'fair', 'poor')", name="grade"),
    )
