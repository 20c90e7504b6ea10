"""/api/v1/periods: a month's state, its close, and what still waits for audit before the deadline."""

from flask.views import MethodView
from marshmallow import fields

from app.api_base import Blueprint
from app.auth.current import actor
from app.db import utcnow
from app.periods import operations, queries
from app.schemas import PERIOD_IN_PATH, Schema, ScopeQuery

blp = Blueprint("periods", __name__, url_prefix="/api/v1", description="月度结账")


class PeriodState(Schema):
    period = fields.String()
    closed = fields.Boolean()
    closed_at = fields.String(allow_none=True, metadata={"description": "ISO 8601，北京时间"})
    seal = fields.String(allow_none=True)


class Closed(Schema):
    period = fields.String()
    closed = fields.Boolean()


class CommunityPending(Schema):
    community_id = fields.Integer()
    community = fields.String()
    pending = fields.Integer()


class PendingView(Schema):
    period = fields.String()
    closed = fields.Boolean()
    deadline = fields.String(metadata={"description": "审核截止日期 YYYY-MM-DD（次月的审核日）"})
    message = fields.String()
    pending = fields.Integer()
    communities = fields.List(fields.Nested(CommunityPending))


@blp.route("/periods/<period>", parameters=PERIOD_IN_PATH)
class PeriodResource(MethodView):
    @blp.doc(operationId="getPeriod")
    @blp.response(200, PeriodState)
    def get(self, period):
        return queries.period_status(period)


@blp.route("/periods/<period>/close", parameters=PERIOD_IN_PATH)
class Close(MethodView):
    @blp.doc(operationId="closePeriod")
    @blp.response(200, Closed)
    def post(self, period):
        closing = operations.close_month_as(actor(), period, utcnow())
        return {"period": closing.period, "closed": True}


@blp.route("/periods/<period>/pending", parameters=PERIOD_IN_PATH)
class Pending(MethodView):
    @blp.doc(operationId="listPendingAtClose")
    @blp.arguments(ScopeQuery, location="query")
    @blp.response(200, PendingView)
    def get(self, args, period):
        return queries.pending_by_community(actor(), period, **args)
