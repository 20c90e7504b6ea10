"""The rankings' one write: freezing a month's ranking when the month closes (DOMAIN rule 5)."""

from sqlalchemy import insert

from app.extensions import db
from app.rankings.models import RankingRow
from app.rankings.queries import standings


def freeze(period: str) -> None:
    """Store the month's standings as its published ranking. Part of the month close's unit of work, whose
    ledger gate keeps every entry out meanwhile: it opens no transaction of its own."""
    rows = [{"period": period, "by": by, **row} for by, group in standings(period).items() for row in group]
    if rows:
        db.session.execute(insert(RankingRow), rows)
