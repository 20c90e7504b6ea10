"""Reading the organisation tree: the public names a picker offers."""

from sqlalchemy import select

from app.extensions import db
from app.org.models import Community, Unit


def community_choices() -> list[tuple[int, str]]:
    """Every community as (id, name), by name: public, as on the board."""
    return list(db.session.execute(select(Community.id, Community.name).order_by(Community.name)).tuples())


def unit_choices() -> list[tuple[int, str]]:
    """Every work unit as (id, name), by name."""
    return list(db.session.execute(select(Unit.id, Unit.name).order_by(Unit.name)).tuples())
