"""/office: the admin's home (组织部后台首页): months open and closed, entries pending county-wide, this
quarter's reporting rate by community as the PDF's chart and as a table, the last ledger check."""

from flask import Blueprint, render_template
from markupsafe import Markup

from app.db import utcnow
from app.office import queries
from app.office.access import office_actor
from app.printing.fonts import cjk_font
from app.reports.charts import bar_chart, svg

bp = Blueprint("office_home", __name__)


def _rate_chart(home: dict) -> Markup:
    font = cjk_font()
    title = f"{home['quarter_words']}各社区报到率"
    drawing = bar_chart(
        font, title, [r["name"] for r in home["rates"]], [r["reporting_rate"] for r in home["rates"]], percent=True
    )
    # The SVG is drawn on the server from our own figures; community names are escaped by reportlab.
    return Markup(svg(drawing, font, title))  # noqa: S704


@bp.get("/office")
def home():
    office_actor()
    home = queries.home(utcnow())
    return render_template("office/home.html", home=home, chart=_rate_chart(home))
