"""The rankings' own table: a closed month's ranking as published, which no later entry moves."""

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model


class RankingRow(Model):
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
