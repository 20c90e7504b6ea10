"""/api/v1/stats and /api/v1/stats.xlsx: 报到率, 群众覆盖率 and the four must-visits, for a month or a quarter."""

from io import BytesIO

from flask import send_file
from flask.views import MethodView
from marshmallow import fields

from app.api_base import Blueprint
from app.auth.current import actor
from app.schemas import CODE_MAX, MONTH_OR_QUARTER, Id, Schema, ScopeQuery, Text
from app.stats import queries, workbook
from ledger.words import VISIT_CATEGORIES

blp = Blueprint("stats", __name__, url_prefix="/api/v1", description="报到率、群众覆盖率与走访统计")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class StatsQuery(ScopeQuery):
    period = Text(required=True, max=CODE_MAX, metadata=MONTH_OR_QUARTER)
    grid_id = Id(strict=False)


class StatsResponse(Schema):
    period = fields.String()
    members = fields.Integer()
    reported = fields.Integer()
    reporting_rate = fields.Float()
    paired_households = fields.Integer()
    coverage_base = fields.Integer(metadata={"description": "覆盖率的分母：住户数，单位为党员数×目标户数"})
    coverage_rate = fields.Float()
    visits = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata={"description": "、".join(VISIT_CATEGORIES)}
    )
    below_target = fields.Integer()


@blp.route("/stats")
class Stats(MethodView):
    @blp.doc(operationId="getStats")
    @blp.arguments(StatsQuery, location="query")
    @blp.response(200, StatsResponse)
    def get(self, query):
        """The figures of a community, grid or unit (its secretary, an admin), or of the county (an admin)."""
        return queries.stats(actor(), **query)


@blp.route("/stats.xlsx")
class StatsWorkbook(MethodView):
    @blp.doc(operationId="getStatsWorkbook")
    @blp.arguments(StatsQuery, location="query")
    @blp.response(200, content_type=XLSX, description="按社区、按网格、按单位三张表，末行合计")
    def get(self, query):
        """The same figures as a workbook, one row per community, grid and unit in the caller's scope."""
        return send_file(
            BytesIO(workbook.stats_workbook(actor(), **query)),
            mimetype=XLSX,
            as_attachment=True,
            download_name=f"stats-{query['period']}.xlsx",
        )
