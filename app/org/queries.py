"""Reads of the organisation tree for pickers: the work units, and the communities with their grids."""

from sqlalchemy import select

from app.extensions import db
from app.org.models import Community, Grid, Unit


def choices() -> dict:
    """{"units": [{"id", "name"}], "communities": [{"id", "name", "grids": [{"id", "name"}]}]}, by name."""
    units = db.session.execute(select(Unit.id, Unit.name).order_by(Unit.name, Unit.id)).all()
    communities: dict[int, dict] = {}
    for cid, cname, gid, gname in db.session.execute(
        select(Community.id, Community.name, Grid.id, Grid.name)
        .outerjoin(Grid, Grid.community_id == Community.id)
        .order_by(Community.name, Community.id, Grid.id)
    ):
        community = communities.setdefault(cid, {"id": cid, "name": cname, "grids": []})
        if gid is not None:
            community["grids"].append({"id": gid, "name": gname})
    return {"units": [{"id": i, "name": n} for i, n in units], "communities": list(communities.values())}
