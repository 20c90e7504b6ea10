"""The month's leaderboard report as an A4 PDF: a title page, the top lists and three charts, in Chinese
with the CJK font embedded (app.printing.fonts), so a county office prints it the same anywhere."""

from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.printing.fonts import cjk_font
from app.reports.charts import RED, bar_chart, histogram, line_chart
from ledger.words import month_words

TOP = 20


def _styles(font: str) -> dict:
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=26, leading=36, alignment=1, textColor=RED),
        "subtitle": ParagraphStyle("subtitle", fontName=font, fontSize=16, leading=26, alignment=1),
        "h2": ParagraphStyle("h2", fontName=font, fontSize=15, leading=22, spaceBefore=8, spaceAfter=6),
        "body": ParagraphStyle("body", fontName=font, fontSize=11, leading=17),
    }


def _table(font: str, headers: list[str], rows: list[list], widths: list[float]) -> Table:
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


def month_pdf(report: dict) -> bytes:
    font = cjk_font()
    style = _styles(font)
    month = month_words(report["period"])
    state = "已结账（最终排名）" if report["closed"] else "未结账（实时排名，仍会变动）"
    members, totals = report["members"], report["totals"]
    story = [
        Spacer(1, 60 * mm),
        Paragraph(report["county"], style["title"]),
        Paragraph(f"{month}在职党员回社区报到积分通报", style["subtitle"]),
        Paragraph(f"范围：{report['scope']}　状态：{state}", style["subtitle"]),
        Spacer(1, 20 * mm),
        Paragraph(
            f"上榜党员 {len(members)} 人，入账积分合计 {sum(r['points'] for r in members)} 分；"
            f"在册党员 {totals['members']} 人，{report['quarter']} 季度报到率 {report['duty_rate']:.1%}，"
            f"群众覆盖率 {totals['coverage_rate']:.1%}。",
            style["body"],
        ),
        Paragraph(
            f"制表日期：{report['made_on'].year}年{report['made_on'].month}月{report['made_on'].day}日", style["body"]
        ),
        PageBreak(),
        Paragraph(f"党员积分前 {TOP} 名", style["h2"]),
        _table(
            font,
            ["名次", "姓名", "单位", "社区", "积分"],
            [[r["rank"], r["name"], r["unit"], r["community"], r["points"]] for r in members[:TOP]],
            [15, 30, 55, 45, 20],
        ),
    ]
    for noun, rows in (("单位", report["units"]), ("社区", report["communities"])):
        story += [
            Paragraph(f"{noun}积分前 {TOP} 名", style["h2"]),
            _table(
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
    doc.build(story)
    return out.getvalue()
