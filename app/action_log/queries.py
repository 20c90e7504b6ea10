"""Reading the action log, newest first, for the county office."""

from sqlalchemy import func, select

from app.action_log.models import ActionLogEntry
from app.extensions import db


def page(*, action: str | None = None, account_id: int | None = None, limit: int = 50, offset: int = 0):
    """One page of the log, newest first, and how many rows match in all."""
    query = select(ActionLogEntry)
    if action:
        query = query.where(ActionLogEntry.action == action)
    if account_id is not None:
        query = query.where(ActionLogEntry.account_id == account_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(
        query.order_by(ActionLogEntry.at.desc(), ActionLogEntry.id.desc()).limit(limit).offset(offset)
    ).all()
    return rows, total or 0
