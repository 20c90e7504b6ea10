"""Editing the organisation tree (组织架构): streets and townships, communities, grids, buildings and work
units, by the county organisation department; the one write path of the tree, each act in the action log."""

from sqlalchemy import exists, select

from app.action_log.operations import record
from app.auth import scope
from app.db import lock, transaction
from app.errors import NotFound, Refusal
from app.extensions import db
from app.members.models import Member
from app.org.models import Building, Community, Grid, Region, Unit
from app.pairing.models import Household
from app.text import person_text

NAME_MAX = 100
PARTY_ORG_MAX = 100
ADDRESS_MAX = 200
REGION_KINDS = {"street": "街道", "township": "乡镇"}
UNIT_KINDS = {"organ": "机关", "enterprise": "企业", "institution": "事业单位"}


class NameTaken(Refusal):
    status = 409

    def __init__(self, words: str, name: str):
        super().__init__("name_taken", f"已有名为“{name}”的{words}，请换一个名称")


def _admin(actor) -> None:
    scope.require(scope.is_admin(actor), "只有县委组织部管理员可以修改组织架构", code="not_allowed")


def _get(model, id_: int | None, words: str):
    row = lock(model, id_) if id_ is not None else None
    if row is None:
        raise NotFound(words)
    return row


def _name(value: str | None, words: str) -> str:
    return person_text(value, f"{words}名称", NAME_MAX)


def _unique(model, name: str, words: str, *, self_id: int | None = None, **within) -> None:
    """Names are unique where the model says (a community county-wide, a grid within its community…)."""
    query = select(model.id).where(model.name == name, *(getattr(model, k) == v for k, v in within.items()))
    if self_id is not None:
        query = query.where(model.id != self_id)
    if db.session.scalars(query).first() is not None:
        raise NameTaken(words, name)


def _kind(value: str | None, kinds: dict[str, str], words: str) -> str:
    if value is None or value not in kinds:
        raise Refusal("invalid_kind", f"{words}只能是" + "、".join(kinds.values()))
    return value


def _county() -> Region:
    county = db.session.scalars(select(Region).where(Region.kind == "county").limit(1)).first()
    if county is None:
        raise Refusal("no_county", "尚未建立县级组织（请先载入县的基本数据）", status=409)
    return county


def _street(region_id: int) -> Region:
    region = _get(Region, region_id, "街道或乡镇")
    if region.kind == "county":
        raise Refusal("invalid_region", "社区须属于一个街道或乡镇")
    return region


@transaction()
def add_region(actor, *, name: str | None, kind: str | None) -> Region:
    """A street (街道) or township (乡镇) under the county."""
    _admin(actor)
    kind = _kind(kind, REGION_KINDS, "类型")
    name = _name(name, "街道或乡镇")
    county = _county()
    _unique(Region, name, "街道或乡镇", parent_id=county.id)
    region = Region(name=name, kind=kind, parent_id=county.id)
    db.session.add(region)
    db.session.flush()
    record(actor, "org.region_add", f"{REGION_KINDS[kind]}#{region.id} {name}")
    return region


@transaction()
def update_region(actor, region_id: int, *, name: str | None = None, kind: str | None = None) -> Region:
    _admin(actor)
    region = _get(Region, region_id, "街道或乡镇")
    before = region.name
    if name is not None:
        name = _name(name, "街道或乡镇")
        _unique(Region, name, "街道或乡镇", self_id=region.id, parent_id=region.parent_id)
        region.name = name
    if kind is not None and region.kind != "county":
        region.kind = _kind(kind, REGION_KINDS, "类型")
    record(actor, "org.region_edit", f"区域#{region.id} {region.name}", before=before, kind=region.kind)
    return region


@transaction()
def add_community(actor, *, name: str | None, region_id: int, address: str | None = None) -> Community:
    _admin(actor)
    name = _name(name, "社区")
    region = _street(region_id)
    _unique(Community, name, "社区")
    community = Community(
        name=name, region_id=region.id, address=person_text(address, "地址", ADDRESS_MAX, required=False)
    )
    db.session.add(community)
    db.session.flush()
    record(actor, "org.community_add", f"社区#{community.id} {name}", region=region.name)
    return community


@transaction()
def update_community(
    actor, community_id: int, *, name: str | None = None, region_id: int | None = None, address: str | None = None
) -> Community:
    """Rename a community, give it an address, or move it to another street (its grids and people go with it)."""
    _admin(actor)
    community = _get(Community, community_id, "社区")
    before = community.name
    if name is not None:
        name = _name(name, "社区")
        _unique(Community, name, "社区", self_id=community.id)
        community.name = name
    if region_id is not None:
        community.region_id = _street(region_id).id
    if address is not None:
        community.address = person_text(address, "地址", ADDRESS_MAX, required=False)
    record(actor, "org.community_edit", f"社区#{community.id} {community.name}", before=before)
    return community


@transaction()
def add_grid(actor, *, community_id: int, name: str | None) -> Grid:
    _admin(actor)
    community = _get(Community, community_id, "社区")
    name = _name(name, "网格")
    _unique(Grid, name, "网格（本社区内）", community_id=community.id)
    grid = Grid(community_id=community.id, name=name)
    db.session.add(grid)
    db.session.flush()
    record(actor, "org.grid_add", f"网格#{grid.id} {community.name}{name}")
    return grid


def _grid_in_use(grid_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(exists().where(Member.grid_id == grid_id) | exists().where(Household.grid_id == grid_id))
        )
    )


@transaction()
def update_grid(actor, grid_id: int, *, name: str | None = None, community_id: int | None = None) -> Grid:
    """Rename a grid, or move it to another community: only while no member or household lives in it, since
    a member's grid and residence community must agree and moving them is the roster's business."""
    _admin(actor)
    grid = _get(Grid, grid_id, "网格")
    before = grid.name
    new_name = _name(name, "网格") if name is not None else grid.name
    target = grid.community_id
    if community_id is not None and community_id != grid.community_id:
        target = _get(Community, community_id, "社区").id
        if _grid_in_use(grid.id):
            raise Refusal(
                "grid_in_use", "该网格已有党员或住户，不能移到其他社区；请先在名册中调整他们的网格", status=409
            )
    _unique(Grid, new_name, "网格（本社区内）", self_id=grid.id, community_id=target)
    grid.name, grid.community_id = new_name, target
    record(actor, "org.grid_edit", f"网格#{grid.id} {grid.name}", before=before, community_id=grid.community_id)
    return grid


@transaction()
def add_building(actor, *, grid_id: int, name: str | None) -> Building:
    _admin(actor)
    grid = _get(Grid, grid_id, "网格")
    name = _name(name, "楼栋")
    _unique(Building, name, "楼栋（本网格内）", grid_id=grid.id)
    building = Building(grid_id=grid.id, name=name)
    db.session.add(building)
    db.session.flush()
    record(actor, "org.building_add", f"楼栋#{building.id} {grid.name}{name}")
    return building


@transaction()
def update_building(actor, building_id: int, *, name: str | None) -> Building:
    _admin(actor)
    building = _get(Building, building_id, "楼栋")
    before = building.name
    name = _name(name, "楼栋")
    _unique(Building, name, "楼栋（本网格内）", self_id=building.id, grid_id=building.grid_id)
    building.name = name
    record(actor, "org.building_edit", f"楼栋#{building.id} {building.name}", before=before)
    return building


def _reporting_community(community_id: int | None) -> int | None:
    return None if community_id is None else _get(Community, community_id, "社区").id


@transaction()
def add_unit(
    actor, *, name: str | None, kind: str = "organ", party_org: str | None = None, community_id: int | None = None
) -> Unit:
    """A work unit (机关企事业单位) with its Party organisation and the community it reports to (双报到)."""
    _admin(actor)
    name = _name(name, "单位")
    _unique(Unit, name, "单位")
    unit = Unit(
        name=name,
        kind=_kind(kind, UNIT_KINDS, "单位类型"),
        party_org=person_text(party_org, "党组织名称", PARTY_ORG_MAX, required=False),
        community_id=_reporting_community(community_id),
    )
    db.session.add(unit)
    db.session.flush()
    record(actor, "org.unit_add", f"单位#{unit.id} {name}", community_id=unit.community_id)
    return unit


_UNSET = object()


@transaction()
def update_unit(
    actor,
    unit_id: int,
    *,
    name: str | None = None,
    kind: str | None = None,
    party_org: str | None = None,
    community_id=_UNSET,
) -> Unit:
    """Edit a unit; `community_id=None` says its organisation reports to no community (yet)."""
    _admin(actor)
    unit = _get(Unit, unit_id, "单位")
    before = unit.name
    if name is not None:
        name = _name(name, "单位")
        _unique(Unit, name, "单位", self_id=unit.id)
        unit.name = name
    if kind is not None:
        unit.kind = _kind(kind, UNIT_KINDS, "单位类型")
    if party_org is not None:
        unit.party_org = person_text(party_org, "党组织名称", PARTY_ORG_MAX, required=False)
    if community_id is not _UNSET:
        unit.community_id = _reporting_community(community_id)
    record(actor, "org.unit_edit", f"单位#{unit.id} {unit.name}", before=before, community_id=unit.community_id)
    return unit
