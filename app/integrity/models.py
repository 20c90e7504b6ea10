"""One row per `ledger verify` run, from the command line or the nightly job, so the office sees the last one."""

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime
from app.extensions import Model

HOWS = ("cli", "scheduler")
FAILURE_MAX = 2000


class VerifyRun(Model):
    __tablename__ = "verify_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ok: Mapped[bool]
    records: Mapped[int] = mapped_column(default=0)  # 0 for a failed run: it stops at the first failure
    failure: Mapped[str | None] = mapped_column(Text)  # the first record, status, balance or seal that failed
    how: Mapped[str] = mapped_column(String(20))
    __table_args__ = (Index("ix_verify_runs_started_at", "started_at"),)
