"""/api/v1/rules, /api/v1/settings and /api/v1/catalogue: the county's points rules, settings and service
catalogue, read and changed by the county office (admins)."""

from flask.views import MethodView
from marshmallow import fields, validate

from app.api_base import Blueprint
from app.auth import scope
from app.auth.current import actor
from app.catalogue import operations, queries
from app.catalogue.operations import CATEGORY_MAX, ITEM_MAX, RULE_NAME_MAX
from app.db import utcnow
from app.schemas import ID_PATH, MONTH, LocalDateTime, Schema

blp = Blueprint("catalogue", __name__, url_prefix="/api/v1", description="积分规则、县级设置与服务项目")


def _position() -> fields.Integer:
    return fields.Integer(validate=validate.Range(min=0, max=10000), metadata={"description": "新的位置，0 为第一个"})


def _admin():
    account = actor()
    scope.require(scope.is_admin(account), "只有县委组织部管理员可以查看和修改积分规则", code="not_allowed")
    return account


class RuleVersion(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    source = fields.String()
    match = fields.String(allow_none=True)
    points = fields.Integer()
    needs_audit = fields.Boolean()
    cap_month = fields.Integer(allow_none=True)
    valid_from = LocalDateTime()
    valid_to = LocalDateTime(allow_none=True)
    state = fields.String(metadata={"description": "past、current 或 future"})


class RuleOut(Schema):
    code = fields.String()
    current = fields.Nested(RuleVersion, allow_none=True)
    versions = fields.List(fields.Nested(RuleVersion))


class Rules(Schema):
    rules = fields.List(fields.Nested(RuleOut))


class RuleChange(Schema):
    from_month = fields.String(
        required=True,
        validate=validate.Length(max=7),
        metadata={**MONTH, "description": "从该月1日起生效（北京时间），须晚于今天"},
    )
    points = fields.Integer(required=True, validate=validate.Range(min=-1000, max=1000))
    needs_audit = fields.Boolean()
    cap_month = fields.Integer(
        allow_none=True,
        validate=validate.Range(min=0, max=10000),
        metadata={"description": "该规则每月上限；null 为不设上限，不填则沿用现行版本"},
    )
    name = fields.String(validate=validate.Length(max=RULE_NAME_MAX))


class Settings(Schema):
    month_cap = fields.Integer(allow_none=True, metadata={"description": "每名党员每月积分上限；null 为不设上限"})
    audit_day = fields.Integer()
    visit_max_age_days = fields.Integer()
    pairing_target = fields.Integer()
    return_day_start = fields.String()
    return_day_end = fields.String()


class SettingsChange(Schema):
    month_cap = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=10000))
    audit_day = fields.Integer(validate=validate.Range(min=1, max=28))
    visit_max_age_days = fields.Integer(validate=validate.Range(min=1, max=366))
    pairing_target = fields.Integer(validate=validate.Range(min=1, max=100))
    return_day_start = fields.String(
        validate=validate.Regexp(r"^([01][0-9]|2[0-3]):[0-5][0-9]$"), metadata={"maxLength": 5}
    )


class ItemOut(Schema):
    id = fields.Integer()
    name = fields.String()
    position = fields.Integer()


class CategoryOut(ItemOut):
    items = fields.List(fields.Nested(ItemOut))


class Catalogue(Schema):
    categories = fields.List(fields.Nested(CategoryOut))


class CategoryIn(Schema):
    name = fields.String(required=True, validate=validate.Length(max=CATEGORY_MAX))


class CategoryPatch(Schema):
    name = fields.String(validate=validate.Length(max=CATEGORY_MAX))
    position = _position()


class ItemIn(Schema):
    name = fields.String(required=True, validate=validate.Length(max=ITEM_MAX))


class ItemPatch(Schema):
    name = fields.String(validate=validate.Length(max=ITEM_MAX))
    position = _position()


def _category(category) -> dict:
    return {"id": category.id, "name": category.name, "position": category.position, "items": []}


@blp.route("/rules")
class RuleList(MethodView):
    @blp.doc(operationId="listRules")
    @blp.response(200, Rules)
    def get(self):
        """Every points rule with its versions, oldest first, and the one in force now."""
        _admin()
        return {"rules": queries.rules(utcnow())}


@blp.route("/rules/<string(maxlength=60):code>/versions")
class RuleVersions(MethodView):
    @blp.doc(operationId="changeRule")
    @blp.arguments(RuleChange)
    @blp.response(201, RuleVersion)
    def post(self, body, code):
        """A new version of a rule from the first day of a future month (Beijing time); entries already
        written keep their points. 409 `not_in_future` for this month or earlier, `later_version_exists`."""
        now = utcnow()
        version = operations.change_rule(_admin(), code, **body, now=now)
        return queries.rule_version(version, now)


@blp.route("/settings")
class SettingsView(MethodView):
    @blp.doc(operationId="getSettings")
    @blp.response(200, Settings)
    def get(self):
        """The county's settings: month cap, audit day, visit age, pairing target, return-day hours."""
        _admin()
        return queries.settings()

    @blp.doc(operationId="editSettings")
    @blp.arguments(SettingsChange)
    @blp.response(200, Settings)
    def patch(self, body):
        """Change some settings, each within its bounds; only the fields sent change."""
        operations.update_settings(_admin(), **body)
        return queries.settings()


@blp.route("/catalogue")
class CatalogueView(MethodView):
    @blp.doc(operationId="getCatalogue")
    @blp.response(200, Catalogue)
    def get(self):
        """The service catalogue (服务项目): categories and their items, in order."""
        _admin()
        return {"categories": queries.catalogue()}


@blp.route("/catalogue/categories")
class Categories(MethodView):
    @blp.doc(operationId="addCategory")
    @blp.arguments(CategoryIn)
    @blp.response(201, CategoryOut)
    def post(self, body):
        """Add a category at the end. 409 `name_taken`."""
        return _category(operations.add_category(_admin(), **body))


@blp.route(f"/catalogue/categories/<{ID_PATH}:category_id>")
class Category(MethodView):
    @blp.doc(operationId="editCategory")
    @blp.arguments(CategoryPatch)
    @blp.response(200, CategoryOut)
    def patch(self, body, category_id):
        """Rename a category (its events follow) or move it to `position`."""
        return _category(operations.update_category(_admin(), category_id, **body))

    @blp.doc(operationId="deleteCategory")
    @blp.response(204)
    def delete(self, category_id):
        """Delete an unused, empty category; 409 `category_in_use` when events use it (rename it instead)."""
        operations.delete_category(_admin(), category_id)


@blp.route(f"/catalogue/categories/<{ID_PATH}:category_id>/items")
class Items(MethodView):
    @blp.doc(operationId="addServiceItem")
    @blp.arguments(ItemIn)
    @blp.response(201, ItemOut)
    def post(self, body, category_id):
        """Add an item at the end of a category. 409 `name_taken` within the category."""
        return operations.add_item(_admin(), category_id=category_id, **body)


@blp.route(f"/catalogue/items/<{ID_PATH}:item_id>")
class Item(MethodView):
    @blp.doc(operationId="editServiceItem")
    @blp.arguments(ItemPatch)
    @blp.response(200, ItemOut)
    def patch(self, body, item_id):
        """Rename an item or move it to `position` within its category."""
        return operations.update_item(_admin(), item_id, **body)
