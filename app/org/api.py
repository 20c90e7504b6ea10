"""/api/v1/org: the organisation tree, read and edited by the county office (admins)."""

from flask.views import MethodView
from marshmallow import fields, validate

from app.api_base import Blueprint
from app.auth import scope
from app.auth.current import actor
from app.org import operations, queries
from app.org.operations import ADDRESS_MAX, NAME_MAX, PARTY_ORG_MAX, REGION_KINDS, UNIT_KINDS
from app.schemas import ID_PATH, Id, Schema

blp = Blueprint("org", __name__, url_prefix="/api/v1", description="组织架构：街道乡镇、社区、网格、楼栋、单位")


def _admin():
    account = actor()
    scope.require(scope.is_admin(account), "只有县委组织部管理员可以查看和修改组织架构", code="not_allowed")
    return account


def _name(required: bool = True):
    return fields.String(required=required, validate=validate.Length(max=NAME_MAX), metadata={"maxLength": NAME_MAX})


class RegionIn(Schema):
    name = _name()
    kind = fields.String(required=True, validate=validate.OneOf(list(REGION_KINDS)))


class RegionPatch(Schema):
    name = _name(False)
    kind = fields.String(validate=validate.OneOf(list(REGION_KINDS)))


class RegionOut(Schema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.String()


class CommunityIn(Schema):
    name = _name()
    region_id = Id(required=True, metadata={"description": "所属街道或乡镇"})
    address = fields.String(allow_none=True, validate=validate.Length(max=ADDRESS_MAX))


class CommunityPatch(Schema):
    name = _name(False)
    region_id = Id()
    address = fields.String(validate=validate.Length(max=ADDRESS_MAX))


class CommunityOut(Schema):
    id = fields.Integer()
    name = fields.String()
    region_id = fields.Integer()
    address = fields.String(allow_none=True)


class GridIn(Schema):
    name = _name()
    community_id = Id(required=True)


class GridPatch(Schema):
    name = _name(False)
    community_id = Id(metadata={"description": "移到另一个社区：仅当该网格还没有党员和住户时"})


class GridOut(Schema):
    id = fields.Integer()
    name = fields.String()
    community_id = fields.Integer()


class BuildingIn(Schema):
    name = _name()
    grid_id = Id(required=True)


class BuildingPatch(Schema):
    name = _name()


class BuildingOut(Schema):
    id = fields.Integer()
    name = fields.String()
    grid_id = fields.Integer()


class UnitIn(Schema):
    name = _name()
    kind = fields.String(load_default="organ", validate=validate.OneOf(list(UNIT_KINDS)))
    party_org = fields.String(allow_none=True, validate=validate.Length(max=PARTY_ORG_MAX))
    community_id = Id(allow_none=True, metadata={"description": "单位党组织报到的社区（双报到）"})


class UnitPatch(Schema):
    name = _name(False)
    kind = fields.String(validate=validate.OneOf(list(UNIT_KINDS)))
    party_org = fields.String(validate=validate.Length(max=PARTY_ORG_MAX))
    community_id = Id(allow_none=True, metadata={"description": "null：不再报到任何社区"})


class UnitOut(Schema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.String()
    party_org = fields.String(allow_none=True)
    community_id = fields.Integer(allow_none=True)


class BuildingNode(Schema):
    id = fields.Integer()
    name = fields.String()


class GridNode(GridOut):
    members = fields.Integer(metadata={"description": "住在该网格的在职党员人数"})
    buildings = fields.List(fields.Nested(BuildingNode))


class CommunityNode(CommunityOut):
    grids = fields.List(fields.Nested(GridNode))
    units = fields.List(fields.Nested(UnitOut), metadata={"description": "党组织报到该社区的单位"})


class RegionNode(RegionOut):
    communities = fields.List(fields.Nested(CommunityNode))


class Tree(Schema):
    regions = fields.List(fields.Nested(RegionNode))
    units = fields.List(fields.Nested(UnitOut))
    unattached_units = fields.List(fields.Nested(UnitOut), metadata={"description": "尚未报到社区的单位"})


class Regions(Schema):
    regions = fields.List(fields.Nested(RegionOut))


class Communities(Schema):
    communities = fields.List(fields.Nested(CommunityOut))


class Grids(Schema):
    grids = fields.List(fields.Nested(GridOut))


class Buildings(Schema):
    buildings = fields.List(fields.Nested(BuildingOut))


class Units(Schema):
    units = fields.List(fields.Nested(UnitOut))


@blp.route("/org/tree")
class OrgTree(MethodView):
    @blp.doc(operationId="getOrgTree")
    @blp.response(200, Tree)
    def get(self):
        """The whole tree: streets → communities → grids → buildings, each community's reporting units."""
        _admin()
        return queries.tree()


def _resource(path, plural, words, read, add, update, body_in, patch_in, out, listing, add_id, edit_id, list_id):
    """One collection (GET, POST) and one item (PATCH) per level of the tree, each its own operation."""

    class Collection(MethodView):
        @blp.doc(operationId=list_id, summary=f"List the {words}")
        @blp.response(200, listing)
        def get(self):
            _admin()
            return {plural: read()}

        @blp.doc(
            operationId=add_id,
            summary=f"Add one of the {words}",
            description="409 `name_taken` for a name already used where it must be unique.",
        )
        @blp.arguments(body_in)
        @blp.response(201, out)
        def post(self, body):
            return add(_admin(), **body)

    class Item(MethodView):
        @blp.doc(operationId=edit_id, summary=f"Edit one of the {words}", description="Only the fields sent change.")
        @blp.arguments(patch_in)
        @blp.response(200, out)
        def patch(self, body, row_id):
            return update(_admin(), row_id, **body)

    # The class names are the endpoints' names: one per level.
    Collection.__name__ = f"{plural.title()}Collection"
    Item.__name__ = f"{plural.title()}Item"
    blp.route(f"/org/{path}")(Collection)
    blp.route(f"/org/{path}/<{ID_PATH}:row_id>")(Item)


_resource(
    "regions", "regions", "streets and townships", queries.regions, operations.add_region,
    operations.update_region, RegionIn, RegionPatch, RegionOut, Regions, "addRegion", "editRegion", "listRegions",
)  # fmt: skip
_resource(
    "communities", "communities", "communities", queries.communities, operations.add_community,
    operations.update_community, CommunityIn, CommunityPatch, CommunityOut, Communities, "addCommunity",
    "editCommunity", "listCommunities",
)  # fmt: skip
_resource(
    "grids", "grids", "grids", queries.grids, operations.add_grid, operations.update_grid, GridIn, GridPatch,
    GridOut, Grids, "addGrid", "editGrid", "listGrids",
)  # fmt: skip
_resource(
    "buildings", "buildings", "buildings", queries.buildings, operations.add_building, operations.update_building,
    BuildingIn, BuildingPatch, BuildingOut, Buildings, "addBuilding", "editBuilding", "listBuildings",
)  # fmt: skip
_resource(
    "units", "units", "work units", queries.units, operations.add_unit, operations.update_unit, UnitIn, UnitPatch,
    UnitOut, Units, "addUnit", "editUnit", "listUnits",
)  # fmt: skip
