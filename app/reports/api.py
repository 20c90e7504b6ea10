"""GET /api/v1/reports/{YYYY-MM}.xlsx and .pdf: the month's leaderboard report, for the county and secretaries."""
from io import BytesIO

from flask import send_file
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from app.auth.current import actor
from app.db import utcnow
from app.reports.files import MIMETYPES, month_files
from app.schemas import Schema

blp = Blueprint("reports", __name__, url_prefix="/api/v1", description="月度积分通报（Excel、PDF）")


class ReportScope(Schema):
    community_id = fields.Integer()
    unit_id = fields.Integer()


def _download(period: str, kind: str, args: dict):
    [(name, data)] = month_files(actor(), period, kind, now=utcnow(), **args).items()
    return send_file(BytesIO(data), mimetype=MIMETYPES[kind], as_attachment=True, download_name=name)


@blp.route("/reports/<period>.xlsx")
class Workbook(MethodView):
    @blp.arguments(ReportScope, location="query")
    @blp.response(200, content_type=MIMETYPES["xlsx"], description="一个工作簿：党员、单位、社区排名，季度报到，结对覆盖，走访统计")
    def get(self, args, period):
        return _download(period, "xlsx", args)


@blp.route("/reports/<period>.pdf")
class Pdf(MethodView):
    @blp.arguments(ReportScope, location="query")
    @blp.response(200, content_type=MIMETYPES["pdf"], description="A4 PDF：封面、前 20 名、图表")
    def get(self, args, period):
        return _download(period, "pdf", args)
