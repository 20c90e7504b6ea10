"""/stats (统计报表): the figures of GET /api/v1/stats for a month or a quarter and a scope, the reporting rate
of its grids (or communities) as a chart drawn on the server beside a table of the same figures, the
residents' needs of the scope (GET /api/v1/needs/figures) with their parts, and the downloads a page
links: the stats workbook and the month's report, with the session cookie alone."""

from io import BytesIO

from flask import Blueprint, render_template, request, send_file

from app.db import utcnow
from app.desk.access import desk_actor
from app.needs import figures as need_figures
from app.org.queries import choices
from app.printing.fonts import cjk_font
from app.reports.charts import bar_chart, svg
from app.reports.files import MIMETYPES, month_files
from app.stats import queries, workbook
from app.stats.api import XLSX
from ledger import periods
from ledger.words import VISIT_CATEGORIES, month_words

bp = Blueprint("desk_stats", __name__)

PARTS = {"grid": "网格", "community": "社区"}


def _period_words(period: str) -> str:
    if periods.period_kind(period) == "quarter":
        year, quarter = period.split("-Q")
        return f"{year}年第{quarter}季度"
    return month_words(period)


def _scope(account) -> dict:
    """?community_id= / ?unit_id=, a secretary's own community or unit when they name neither."""
    community_id = request.args.get("community_id", type=int)
    unit_id = request.args.get("unit_id", type=int)
    if account.role == "secretary" and community_id is None and unit_id is None:
        community_id, unit_id = account.community_id, account.unit_id
    return {"community_id": community_id, "unit_id": unit_id}


def _period_choices(now_month: str, chosen: str) -> list[tuple[str, str]]:
    months = periods.months_up_to(now_month, 12)[::-1]
    quarters = sorted({periods.quarter_of_month(m) for m in months}, reverse=True)
    offered = [(m, month_words(m)) for m in months] + [(q, _period_words(q)) for q in quarters]
    if chosen not in dict(offered):
        offered.insert(0, (chosen, _period_words(chosen)))
    return offered


def _chart(by: str, parts: list[dict], words: str) -> str:
    font = cjk_font()
    noun = PARTS[by]
    labels = [p["name"] for p in parts]
    rates = [p["reporting_rate"] for p in parts]
    drawing = bar_chart(font, f"{words}各{noun}报到率", labels, rates, percent=True)
    told = "，".join(f"{label} {rate:.0%}" for label, rate in zip(labels, rates, strict=True)) or "暂无数据"
    return svg(drawing, font, f"{words}各{noun}报到率柱状图：{told}")


@bp.get("/stats")
def stats():
    account = desk_actor()
    this_month = periods.month_of(utcnow())
    period = request.args.get("period") or this_month
    where = _scope(account)
    overview = queries.overview(account, period, **where)
    words = _period_words(period)
    report_months = [period] if periods.period_kind(period) == "month" else periods.months_of(period)
    return render_template(
        "desk/stats.html",
        period=period,
        words=words,
        where=where,
        overview=overview,
        noun=PARTS[overview["by"]],
        chart=_chart(overview["by"], overview["parts"], words),
        # 群众点单: the same scope's residents' needs (GET /api/v1/needs/figures), a section of its own.
        needs=need_figures.overview(account, period, **where),
        visit_words=VISIT_CATEGORIES,
        period_choices=_period_choices(this_month, period),
        report_months=[m for m in report_months if m <= this_month],
        picker=choices() if account.role == "admin" else None,
    )


@bp.get("/stats.xlsx")
def stats_sheet():
    """The workbook of GET /api/v1/stats.xlsx, with the session cookie."""
    account = desk_actor()
    period = request.args.get("period") or periods.month_of(utcnow())
    data = workbook.stats_workbook(account, period, **_scope(account))
    return send_file(BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=f"stats-{period}.xlsx")


@bp.get("/stats/reports/<period>.<any(xlsx, pdf):kind>")
def month_report(period, kind):
    """The month's report of GET /api/v1/reports/{YYYY-MM}.xlsx|pdf, with the session cookie."""
    account = desk_actor()
    [(name, data)] = month_files(account, period, kind, now=utcnow(), **_scope(account)).items()
    return send_file(BytesIO(data), mimetype=MIMETYPES[kind], as_attachment=True, download_name=name)
