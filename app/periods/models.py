"""Closed months: the seal over every chain head, and the ranking snapshot that no later entry moves."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime
from app.extensions import db


class Period(db.Model):
    """A month (YYYY-MM) that has been closed. An open month has no row."""

    __tablename__ = "periods"
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    seal: Mapped[str] = mapped_column(String(64))
    prev_seal: Mapped[str] = mapped_column(String(64))


class SealHead(db.Model):
    """One chain head as it stood when its month was sealed."""

    __tablename__ = "seal_heads"
    period: Mapped[str] = mapped_column(ForeignKey("periods.period"), primary_key=True)
    chain: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))


class RankingRow(db.Model):
    """A closed month's ranking, as published. `subject` is a member, unit or community id per `by`."""

    __tablename__ = "ranking_rows"
    period: Mapped[str] = mapped_column(ForeignKey("periods.period"), primary_key=True)
    by: Mapped[str] = mapped_column(String(10), primary_key=True)
    subject_id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str | None] = mapped_column(String(100))
    community: Mapped[str | None] = mapped_column(String(100))
    unit_id: Mapped[int | None]
    community_id: Mapped[int | None]
    points: Mapped[int]
    members: Mapped[int] = mapped_column(default=0)
    __table_args__ = (Index("ix_ranking_rows_period_by_points", "period", "by", "points"),)
