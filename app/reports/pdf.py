"""The month's leaderboard report as an A4 PDF: a title page, the top lists and three charts, in Chinese
with the CJK font embedded (app.printing.fonts), so a county office prints it the same anywhere."""

from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.printing.fonts import cjk_font
from app.reports.charts import RED, bar_chart, histogram, line_chart
from ledger.words import month_words

TOP = 20


def styles(font: str) -> dict:
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=26, leading=36, alignment=1, textColor=RED),
        "subtitle": ParagraphStyle("subtitle", fontName=font, fontSize=16, leading=26, alignment=1),
        "h2": ParagraphStyle("h2", fontName=font, fontSize=15, leading=22, spaceBefore=8, spaceAfter=6),
        "body": ParagraphStyle("body", fontName=font, fontSize=11, leading=17),
    }


def header_table(font: str, headers: list[str], rows: list[list], widths: list[float]) -> Table:
    table = Table([headers] + rows, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 10),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#fbe9e7")),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
                ("ALIGN", (-1, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    return table


def _figure_cell(font: str, label: str, value: str) -> list[Paragraph]:
    return [
        Paragraph(value, ParagraphStyle("figure", fontName=font, fontSize=30, leading=38, alignment=1, textColor=RED)),
        Paragraph(label, ParagraphStyle("label", fontName=font, fontSize=13, leading=20, alignment=1)),
    ]


def _cover(font: str, report: dict, month: str, state: str) -> list:
    """The first page as an official reads it from across the desk: who, which month, for whom, and the
    headline figures in large type, filling the page (the red band and the footer are drawn on it)."""
    style = styles(font)
    members, totals = report["members"], report["totals"]
    figures = [
        ("上榜党员（人）", f"{len(members)}"),
        ("入账积分合计（分）", f"{sum(r['points'] for r in members)}"),
        ("在册党员（人）", f"{totals['members']}"),
        (f"{report['quarter']} 季度报到率", f"{report['duty_rate']:.1%}"),
        ("群众覆盖率", f"{totals['coverage_rate']:.1%}"),
        ("走访群众（次）", f"{sum(totals['visits'].values())}"),
    ]
    cells = [_figure_cell(font, label, value) for label, value in figures]
    grid = Table([cells[0:2], cells[2:4], cells[4:6]], colWidths=[85 * mm, 85 * mm], rowHeights=[34 * mm] * 3)
    grid.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, RED),
                ("INNERGRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#e0b4b4")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    big = ParagraphStyle("cover-title", fontName=font, fontSize=34, leading=46, alignment=1, textColor=RED)
    return [
        Spacer(1, 38 * mm),
        # A Paragraph reads its text as markup: a name is escaped, so "<" or "&" in one is shown, not parsed.
        Paragraph(escape(report["county"]), style["subtitle"]),
        Spacer(1, 4 * mm),
        Paragraph(f"{month}", big),
        Paragraph("在职党员回社区报到积分通报", big),
        Spacer(1, 6 * mm),
        Paragraph(f"范围：{escape(report['scope'])}", style["subtitle"]),
        Paragraph(f"状态：{state}", style["subtitle"]),
        Spacer(1, 12 * mm),
        grid,
    ]


def _cover_page(county: str, made_on):
    """Draws what frames the cover: a red band across the top and the issuer and date at the foot."""

    def draw(canvas, doc):
        width, height = A4
        font = cjk_font()
        canvas.saveState()
        canvas.setFillColor(RED)
        canvas.rect(0, height - 28 * mm, width, 28 * mm, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont(font, 20)
        canvas.drawCentredString(width / 2, height - 18 * mm, "在职党员回社区报到积分台账")
        canvas.setFillColor(colors.black)
        canvas.setFont(font, 14)
        canvas.drawCentredString(width / 2, 30 * mm, f"{county}委组织部")
        canvas.drawCentredString(width / 2, 22 * mm, f"{made_on.year}年{made_on.month}月{made_on.day}日")
        canvas.setStrokeColor(RED)
        canvas.setLineWidth(2)
        canvas.line(20 * mm, 40 * mm, width - 20 * mm, 40 * mm)
        canvas.restoreState()

    return draw


def month_pdf(report: dict) -> bytes:
    font = cjk_font()
    style = styles(font)
    month = month_words(report["period"])
    state = "已结账（最终排名）" if report["closed"] else "未结账（实时排名，仍会变动）"
    members = report["members"]
    story = [
        *_cover(font, report, month, state),
        PageBreak(),
        Paragraph(f"党员积分前 {TOP} 名", style["h2"]),
        header_table(
            font,
            ["名次", "姓名", "单位", "社区", "积分"],
            [[r["rank"], r["name"], r["unit"], r["community"], r["points"]] for r in members[:TOP]],
            [15, 30, 55, 45, 20],
        ),
    ]
    for noun, rows in (("单位", report["units"]), ("社区", report["communities"])):
        story += [
            Paragraph(f"{noun}积分前 {TOP} 名", style["h2"]),
            header_table(
                font,
                ["名次", noun, "党员数", "积分"],
                [[r["rank"], r["name"], r["members"], r["points"]] for r in rows[:TOP]],
                [15, 95, 30, 25],
            ),
        ]
    labels, counts = histogram([r["points"] for r in members])
    story += [
        PageBreak(),
        Paragraph("图表", style["h2"]),
        bar_chart(font, "党员积分分布（人数）", labels, counts),
        Spacer(1, 6 * mm),
        bar_chart(
            font,
            "各社区本月报到率",
            [c["name"] for c in report["coverage"]],
            [c["reporting_rate"] for c in report["coverage"]],
            percent=True,
        ),
        Spacer(1, 6 * mm),
        line_chart(font, "近六个月入账积分合计", report["history"]),
    ]
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=f"{report['county']}{month}积分通报",
        author=report["county"],
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
    )
    doc.build(story, onFirstPage=_cover_page(report["county"], report["made_on"]))
    return out.getvalue()
