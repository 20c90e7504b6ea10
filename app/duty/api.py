"""/api/v1/duty and /api/v1/duty/missing: who has reported to their community this quarter (报到率)."""

from flask.views import MethodView
from marshmallow import fields

from app.api_base import Blueprint
from app.auth.current import actor
from app.db import utcnow
from app.duty import queries
from app.schemas import CODE_MAX, QUARTER, Schema, ScopeQuery, Text

blp = Blueprint("duty", __name__, url_prefix="/api/v1", description="季度报到服务（报到率）")


class DutyQuery(ScopeQuery):
    quarter = Text(required=True, max=CODE_MAX, metadata=QUARTER)


class DutyMember(Schema):
    member_id = fields.Integer()
    name = fields.String()
    phone = fields.String(metadata={"description": "手机号，便于书记打电话提醒"})
    community_id = fields.Integer()
    community = fields.String()
    unit_id = fields.Integer()
    unit = fields.String()
    met = fields.Boolean()


class DutyResponse(Schema):
    quarter = fields.String()
    community_id = fields.Integer(allow_none=True)
    community = fields.String(allow_none=True)
    unit_id = fields.Integer(allow_none=True)
    unit = fields.String(allow_none=True)
    members = fields.List(fields.Nested(DutyMember))
    reporting_rate = fields.Float()
    met = fields.Integer()
    total = fields.Integer()
    days_left = fields.Integer(metadata={"description": "本季度剩余天数（含今天）"})


@blp.route("/duty")
class Duty(MethodView):
    @blp.doc(operationId="getDuty")
    @blp.arguments(DutyQuery, location="query")
    @blp.response(200, DutyResponse)
    def get(self, query):
        """Every member in scope and whether they met the quarter's duty (a secretary of it, an admin)."""
        return queries.duty_report(
            actor(),
            query["quarter"],
            community_id=query.get("community_id"),
            unit_id=query.get("unit_id"),
            now=utcnow(),
        )


@blp.route("/duty/missing")
class DutyMissing(MethodView):
    @blp.doc(operationId="listDutyMissing")
    @blp.arguments(DutyQuery, location="query")
    @blp.response(200, DutyResponse)
    def get(self, query):
        """The members in scope who have not yet reported this quarter, and the days left to do it."""
        return queries.duty_report(
            actor(),
            query["quarter"],
            community_id=query.get("community_id"),
            unit_id=query.get("unit_id"),
            now=utcnow(),
            missing_only=True,
        )
