"""Reading the organisation tree: streets → communities → grids → buildings, and units, for the county
office; and the public names a picker offers."""

from collections import defaultdict

from sqlalchemy import func, select

from app.extensions import db
from app.members.models import Member
from app.org.models import Building, Community, Grid, Region, Unit


def regions() -> list[Region]:
    return list(db.session.scalars(select(Region).where(Region.kind != "county").order_by(Region.id)))


def communities() -> list[Community]:
    return list(db.session.scalars(select(Community).order_by(Community.region_id, Community.id)))


def grids() -> list[Grid]:
    return list(db.session.scalars(select(Grid).order_by(Grid.community_id, Grid.id)))


def buildings() -> list[Building]:
    return list(db.session.scalars(select(Building).order_by(Building.grid_id, Building.id)))


def units() -> list[Unit]:
    return list(db.session.scalars(select(Unit).order_by(Unit.id)))


def tree() -> dict:
    """The whole tree in five reads: each street with its communities, each community with its grids (and
    their buildings and member counts) and the units whose organisations report to it; units reporting to
    no community apart."""
    members: dict[int | None, int] = {
        grid_id: count
        for grid_id, count in db.session.execute(
            select(Member.grid_id, func.count()).where(Member.active).group_by(Member.grid_id)
        ).tuples()
    }
    by_grid = defaultdict(list)
    for building in buildings():
        by_grid[building.grid_id].append({"id": building.id, "name": building.name})
    by_community = defaultdict(list)
    for grid in grids():
        by_community[grid.community_id].append(
            {
                "id": grid.id,
                "name": grid.name,
                "community_id": grid.community_id,
                "members": members.get(grid.id, 0),
                "buildings": by_grid[grid.id],
            }
        )
    unit_rows = [
        {"id": u.id, "name": u.name, "kind": u.kind, "party_org": u.party_org, "community_id": u.community_id}
        for u in units()
    ]
    units_of = defaultdict(list)
    for unit in unit_rows:
        units_of[unit["community_id"]].append(unit)
    in_region = defaultdict(list)
    for community in communities():
        in_region[community.region_id].append(
            {
                "id": community.id,
                "name": community.name,
                "region_id": community.region_id,
                "address": community.address,
                "grids": by_community[community.id],
                "units": units_of[community.id],
            }
        )
    return {
        "regions": [{"id": r.id, "name": r.name, "kind": r.kind, "communities": in_region[r.id]} for r in regions()],
        "units": unit_rows,
        "unattached_units": units_of[None],
    }


def community_choices() -> list[tuple[int, str]]:
    """Every community as (id, name), by name: public, as on the board."""
    return list(db.session.execute(select(Community.id, Community.name).order_by(Community.name)).tuples())


def unit_choices() -> list[tuple[int, str]]:
    """Every work unit as (id, name), by name."""
    return list(db.session.execute(select(Unit.id, Unit.name).order_by(Unit.name, Unit.id)).tuples())


def choices() -> dict:
    """{"units": [{"id", "name"}], "communities": [{"id", "name", "grids": [{"id", "name"}]}]}, by name."""
    communities: dict[int, dict] = {}
    for cid, cname, gid, gname in db.session.execute(
        select(Community.id, Community.name, Grid.id, Grid.name)
        .outerjoin(Grid, Grid.community_id == Community.id)
        .order_by(Community.name, Community.id, Grid.id)
    ):
        community = communities.setdefault(cid, {"id": cid, "name": cname, "grids": []})
        if gid is not None:
            community["grids"].append({"id": gid, "name": gname})
    return {"units": [{"id": i, "name": n} for i, n in unit_choices()], "communities": list(communities.values())}
