"""The recorded outcome of each closed quarter's reporting duty (每季度至少报到服务1次)."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime
from app.extensions import Model


class QuarterOutcome(Model):
    __tablename__ = "quarter_outcomes"
    quarter: Mapped[str] = mapped_column(String(7), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    met: Mapped[bool]
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
