"""The last `ledger verify` run, for the office's home."""

from sqlalchemy import select

from app.extensions import db
from app.integrity.models import VerifyRun


def last_run() -> VerifyRun | None:
    return db.session.scalars(select(VerifyRun).order_by(VerifyRun.started_at.desc(), VerifyRun.id.desc())).first()
