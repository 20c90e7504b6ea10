"""GET /api/v1/needs/figures (a secretary in scope, an admin) and GET /api/v1/needs/unit-ranking (public):
the figures of residents' needs (群众点单) and the work units ranked by done orders per member."""

from flask.views import MethodView
from marshmallow import fields

from app.api_base import Blueprint
from app.auth.current import actor
from app.needs import figures
from app.schemas import CODE_MAX, MONTH_OR_QUARTER, Schema, ScopeQuery, Text

blp = Blueprint("needs_figures", __name__, url_prefix="/api/v1", description="群众点单统计与单位办单排名")


class FiguresQuery(ScopeQuery):
    period = Text(required=True, max=CODE_MAX, metadata=MONTH_OR_QUARTER)


class Figures(Schema):
    period = fields.String()
    received = fields.Integer(metadata={"description": "本期收到的需求数（群众点单）"})
    dispatched = fields.Integer(metadata={"description": "其中已派单给单位或开放认领的数目"})
    done = fields.Integer(metadata={"description": "本期办结的需求数（含已评价、已关闭）"})
    median_days_to_done = fields.Float(
        allow_none=True, metadata={"description": "本期办结需求从收到到办结的天数中位数，一位小数；无则为 null"}
    )
    average_rating = fields.Float(
        allow_none=True, metadata={"description": "本期群众评价的平均星级，两位小数；无则为 null"}
    )
    rated = fields.Integer(metadata={"description": "本期评价数"})


class RankingQuery(Schema):
    period = Text(required=True, max=CODE_MAX, metadata=MONTH_OR_QUARTER)


class UnitRankingRow(Schema):
    rank = fields.Integer(metadata={"description": "并列同名次，下一名次跳过"})
    unit = fields.String()
    orders = fields.Integer(metadata={"description": "本期办结的需求数（派给本单位或本单位党员服务的）"})
    members = fields.Integer(metadata={"description": "单位在册党员数"})
    per_member = fields.Float(metadata={"description": "人均办结数，两位小数"})


class UnitRanking(Schema):
    period = fields.String()
    rows = fields.List(fields.Nested(UnitRankingRow))


@blp.route("/needs/figures")
class NeedFigures(MethodView):
    @blp.doc(operationId="getNeedFigures")
    @blp.arguments(FiguresQuery, location="query")
    @blp.response(200, Figures)
    def get(self, query):
        """A community's or unit's figures (its secretary, an admin), or the county's (an admin). A unit's
        orders are those dispatched to it and those its members serve."""
        return figures.scoped_figures(actor(), **query)


@blp.route("/needs/unit-ranking")
class NeedUnitRanking(MethodView):
    @blp.doc(operationId="getNeedUnitRanking")
    @blp.arguments(RankingQuery, location="query")
    @blp.response(200, UnitRanking)
    def get(self, query):
        """Every work unit ranked by its done orders per member, open to anyone (as the public board)."""
        return figures.unit_ranking(query["period"])
