"""GET /api/v1/reports/{YYYY-MM}.xlsx and .pdf: the month's leaderboard report, for the county and secretaries."""

from io import BytesIO

from flask import send_file
from flask.views import MethodView

from app.api_base import Blueprint
from app.auth.current import actor
from app.db import utcnow
from app.reports.files import MIMETYPES, month_files
from app.schemas import PERIOD_IN_PATH, ScopeQuery

blp = Blueprint("reports", __name__, url_prefix="/api/v1", description="月度积分通报（Excel、PDF）")


@blp.route("/reports/<period>.<any(xlsx, pdf):kind>", parameters=PERIOD_IN_PATH)
class Report(MethodView):
    @blp.doc(operationId="getMonthReport")
    @blp.arguments(ScopeQuery, location="query")
    @blp.response(
        200, description="xlsx：党员、单位、社区排名，季度报到，结对覆盖，走访统计六张表；pdf：A4，封面、前 20 名、图表"
    )
    def get(self, args, period, kind):
        [(name, data)] = month_files(actor(), period, kind, now=utcnow(), **args).items()
        return send_file(BytesIO(data), mimetype=MIMETYPES[kind], as_attachment=True, download_name=name)
