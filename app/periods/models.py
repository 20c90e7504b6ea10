"""Closed months: the seal over every chain head (the ranking they froze is the rankings' own table)."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime
from app.extensions import Model


class Period(Model):
    """A month (YYYY-MM) that has been closed. An open month has no row."""

    __tablename__ = "periods"
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    seal: Mapped[str] = mapped_column(String(64))
    prev_seal: Mapped[str] = mapped_column(String(64))


class SealHead(Model):
    """One chain head as it stood when its month was sealed."""

    __tablename__ = "seal_heads"
    period: Mapped[str] = mapped_column(ForeignKey("periods.period"), primary_key=True)
    chain: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))
