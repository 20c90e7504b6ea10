"""GET /api/v1/rankings: the public monthly ranking (实时通报), open to anyone."""

from flask import jsonify
from flask.views import MethodView
from marshmallow import fields

from app.api_base import Blueprint
from app.db import utcnow
from app.rankings import queries
from app.schemas import CODE_MAX, MONTH, Schema, ScopeQuery, Text
from ledger import periods

blp = Blueprint("rankings", __name__, url_prefix="/api/v1", description="积分排行榜（公开）")


class RankingQuery(ScopeQuery):
    period = Text(max=CODE_MAX, metadata={**MONTH, "description": "YYYY-MM，默认本月"})
    by = Text(max=CODE_MAX, load_default="member", metadata={"description": "member | unit | community"})
    metric = Text(max=CODE_MAX, load_default="total", metadata={"description": "total | per_member（单位、社区）"})
    # Bounds are the query's to check: it answers invalid_page, as clients rely on.
    limit = fields.Integer(load_default=queries.DEFAULT_LIMIT)
    offset = fields.Integer(load_default=0)


class RankingRow(Schema):
    rank = fields.Integer()
    name = fields.String()
    unit = fields.String(allow_none=True)
    community = fields.String(allow_none=True)
    points = fields.Raw(metadata={"type": "number", "description": "总分为整数；人均为两位小数"})
    members = fields.Integer(metadata={"description": "单位、社区的在册党员数"})


class Ranking(Schema):
    period = fields.String()
    closed = fields.Boolean()
    total = fields.Integer(metadata={"description": "排名的总行数"})
    rows = fields.List(fields.Nested(RankingRow))


_ROW_FIELDS = tuple(RankingRow().fields)


def ranking_json(answer: dict) -> dict:
    """What `Ranking().dump(answer)` gives, built as plain dicts: marshmallow's dump of a page of rows cost
    about as much as the page's query. The rows' values are already what their fields dump (ints, text,
    None); a row's missing field (a member's `members`) stays missing, as marshmallow leaves it."""
    return {
        "period": answer["period"],
        "closed": answer["closed"],
        "total": answer["total"],
        "rows": [{name: row[name] for name in _ROW_FIELDS if name in row} for row in answer["rows"]],
    }


def ranking_args(args: dict) -> dict:
    """The query as `queries.ranking` takes it; the month defaults to the current one (Asia/Shanghai)."""
    return {**args, "period": args.get("period") or periods.month_of(utcnow())}


@blp.route("/rankings")
class Rankings(MethodView):
    @blp.doc(operationId="getRankings")
    @blp.arguments(RankingQuery, location="query")
    @blp.response(200, Ranking)
    def get(self, args):
        # A Response passes @blp.response by, which still documents the schema.
        return jsonify(ranking_json(queries.ranking(**ranking_args(args))))
