"""The charts of the reports, drawn once with reportlab: into the PDF as they are, and onto a page as SVG
(rendered on the server, so a page's chart needs no script and matches the printed one)."""

import hashlib
import re
from collections.abc import Sequence

from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm

RED = colors.HexColor("#b71c1c")
CHART_WIDTH, CHART_HEIGHT = 160 * mm, 70 * mm
# A page's browser has its own CJK fonts; the PDF's registered name means nothing to it. Single quotes: the
# list stands inside an attribute's double quotes.
PAGE_FONTS = "'Noto Sans CJK SC', 'WenQuanYi Zen Hei', 'Microsoft YaHei', sans-serif"
_STYLE = re.compile(r' style="([^"]*)"')


def _title(drawing: Drawing, font: str, text: str) -> None:
    drawing.add(String(CHART_WIDTH / 2, CHART_HEIGHT - 12, text, fontName=font, fontSize=12, textAnchor="middle"))


def bar_chart(font: str, title: str, labels: list[str], values: Sequence[float], *, percent: bool = False) -> Drawing:
    """One bar per label; `percent` for rates from 0 to 1 (the axis then reads 0%–100%)."""
    drawing = Drawing(CHART_WIDTH, CHART_HEIGHT)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40, 45, CHART_WIDTH - 60, CHART_HEIGHT - 75
    chart.data = [values or [0]]
    chart.categoryAxis.categoryNames = labels or ["—"]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 30 if len(labels) > 8 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(labels) > 8 else "n"
    chart.valueAxis.valueMin = 0
    if percent:
        chart.valueAxis.valueMax = 1
        chart.valueAxis.valueStep = 0.25
        chart.valueAxis.labelTextFormat = lambda v: f"{v:.0%}"
    chart.bars[0].fillColor = RED
    drawing.add(chart)
    _title(drawing, font, title)
    return drawing


def line_chart(font: str, title: str, history: list[tuple[str, int]]) -> Drawing:
    """A line over months: `history` is (label, value) oldest first."""
    drawing = Drawing(CHART_WIDTH, CHART_HEIGHT)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 50, 30, CHART_WIDTH - 70, CHART_HEIGHT - 60
    chart.data = [[points for _, points in history]]
    chart.categoryAxis.categoryNames = [month for month, _ in history]
    chart.categoryAxis.labels.fontName = font
    chart.valueAxis.valueMin = min(0, *(points for _, points in history))
    chart.lines[0].strokeColor = RED
    chart.lines[0].strokeWidth = 2
    drawing.add(chart)
    _title(drawing, font, title)
    return drawing


def histogram(points: list[int], bins: int = 8) -> tuple[list[str], list[int]]:
    """Members per band of points, in equal bands from the lowest score to the highest."""
    if not points:
        return [], []
    low, high = min(points), max(points)
    width = max((high - low + bins) // bins, 1)
    counts = [0] * bins
    for p in points:
        counts[min((p - low) // width, bins - 1)] += 1
    labels = [
        f"{low + i * width}" if width == 1 else f"{low + i * width}–{low + (i + 1) * width - 1}" for i in range(bins)
    ]
    used = max(i for i, n in enumerate(counts) if n) + 1
    return labels[:used], counts[:used]


def _presentation_attributes(style: re.Match) -> str:
    """An inline style as SVG presentation attributes (fill="…"), which a page's CSP (style-src 'self')
    lets through: it drops every style="" attribute, which left the bars black and the labels unsized."""
    declarations = (part.split(":", 1) for part in style.group(1).split(";") if ":" in part)
    return "".join(f' {name.strip()}="{value.strip()}"' for name, value in declarations)


def svg(drawing: Drawing, font: str, description: str) -> str:
    """The drawing as an inline <svg> element for a page: scalable to its box, named for screen readers
    by `description` (role=img), with the PDF's font name swapped for fonts a browser has. Its styles
    become SVG presentation attributes: the pages' CSP (style-src 'self') drops every style attribute."""
    text = renderSVG.drawToString(drawing)
    start = text.index("<svg")
    text = _STYLE.sub(_presentation_attributes, text[start:])
    text = text.replace(f'font-family="{font}"', f'font-family="{PAGE_FONTS}"')
    width, height = drawing.width, drawing.height
    opening_end = text.index(">")
    label = description.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    # Several charts share a page: each keeps a clip path of its own.
    clip = "clip-" + hashlib.sha1(text.encode()).hexdigest()[:10]
    text = text.replace('id="clip"', f'id="{clip}"').replace("url(#clip)", f"url(#{clip})")
    text = text.replace("<title>...</title>", f"<title>{label}</title>").replace("<desc>...</desc>", "")
    opening = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-label="{label}" class="chart" preserveAspectRatio="xMidYMid meet"'
    )
    return opening + text[opening_end:]
