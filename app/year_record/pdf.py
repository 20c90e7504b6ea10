"""The year-end record as A4 pages: one member a page (a long section flows on to the next, never over
what follows), a unit's or community's members in name order after a cover line; the CJK font embedded
as in the month's report, whose styles and tables these pages share."""

from functools import cache
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer

from app.background import Progress
from app.printing.fonts import cjk_font
from app.reports.charts import RED
from app.reports.pdf import header_table, styles
from ledger import periods
from ledger.words import VISIT_CATEGORIES

QUARTER_WORDS = ("一季度", "二季度", "三季度", "四季度")
MET_WORDS = {True: "已完成", False: "未完成", None: "—"}


def met_words(duty: dict) -> str:
    """A quarter's duty in words: a quarter under way and not yet met is still going on, not missed."""
    return "进行中" if duty["met"] is False and not duty["ended"] else MET_WORDS[duty["met"]]


WIDTH = 180.0  # mm inside the margins


def title_words(record: dict) -> str:
    return f"{record['year']}年度在职党员回社区报到服务记实"


def as_of_words(record: dict) -> str:
    day = record["as_of"]
    return f"截至{day.year}年{day.month}月{day.day}日" if day else f"{record['year']}年全年"


def made_words(record: dict) -> str:
    return f"{record['made_at']:%Y-%m-%d %H:%M}"


@cache
def _styles(font: str) -> dict:
    """The month report's styles and this record's own, made once: a unit's PDF is thousands of pages."""
    base = styles(font)
    body = base["body"]
    return base | {
        "year-title": ParagraphStyle("year-title", fontName=font, fontSize=18, leading=26, alignment=1, textColor=RED),
        "as-of": ParagraphStyle("as-of", parent=body, alignment=1),
        "note": ParagraphStyle("note", parent=body, fontSize=9, leading=13, spaceBefore=2 * mm),
        "pledge": ParagraphStyle("pledge", parent=body, leftIndent=4 * mm, spaceBefore=3),
        "progress": ParagraphStyle("progress", parent=body, fontSize=10, leading=15, leftIndent=10 * mm),
        "review": ParagraphStyle("review", parent=body, spaceBefore=6),
    }


def _section(font: str, heading: str, *flowables) -> KeepTogether:
    # A heading never ends a page without the table it heads.
    return KeepTogether([Paragraph(heading, _styles(font)["h2"]), *flowables])


def _member_page(font: str, record: dict, m: dict) -> list:
    style = _styles(font)
    checkins, duty, kinds = m["checkins"], m["duty"], record["visit_kinds"]
    quarter_widths: list[float] = [50, *([26] * 5)]
    months = list(m["points"]["months"].values())
    return [
        Paragraph(title_words(record), style["year-title"]),
        Paragraph(as_of_words(record), style["as-of"]),
        Spacer(1, 4 * mm),
        header_table(
            font,
            ["姓名", "工作单位", "报到社区", "网格"],
            # Paragraphs, so that a long unit's or community's name wraps inside its cell.
            [[Paragraph(escape(v), style["body"]) for v in (m["name"], m["unit"], m["community"], m["grid"] or "—")]],
            [30, 60, 50, 40],
        ),
        _section(
            font,
            "报到服务（按季度）",
            header_table(
                font,
                ["", *QUARTER_WORDS, "全年"],
                [
                    ["报到次数（各社区）", *(c["any"] for c in checkins), sum(c["any"] for c in checkins)],
                    ["其中在本人报到社区", *(c["home"] for c in checkins), sum(c["home"] for c in checkins)],
                    [
                        "季度报到任务",
                        *(met_words(d) for d in duty),
                        f"{sum(d['met'] is True for d in duty)} 个季度",
                    ],
                ],
                quarter_widths,
            ),
            Paragraph(
                "报到次数不含被驳回的签到。季度报到任务：每季度至少到本人报到社区报到服务 1 次；"
                "已存档的季度按存档结果，其余按当前台账计算；“进行中”为尚未结束、尚未报到的季度，“—”为尚未开始的季度。",
                style["note"],
            ),
        ),
        _visits(font, kinds, m["visits"]),
        _section(
            font,
            "积分（已入账，按月）",
            header_table(
                font,
                ["1–6月", *(f"{i}月" for i in range(1, 7))],
                [["积分", *months[:6]]],
                [36, *([24] * 6)],
            ),
            Spacer(1, 2 * mm),
            header_table(
                font,
                ["7–12月", *(f"{i}月" for i in range(7, 13)), "全年"],
                [["积分", *months[6:], m["points"]["total"]]],
                [36, *([20] * 6), 24],
            ),
        ),
        _section(
            font,
            "服务群众订单与议事日",
            Paragraph(f"全年办结的群众需求订单（本人参与服务）：{m['orders_served']} 件", style["body"]),
            Paragraph(_deliberation_words(m["deliberation"]), style["body"]),
            *(
                Paragraph(f"兼职委员：{escape(t['community'])}，{t['start']} 至 {t['end']}", style["body"])
                for t in m["deliberation"]["terms"]
            ),
        ),
        *_pledges(font, m["pledges"]),
    ]


def _visits(font: str, kinds: tuple[str, ...], visits: dict) -> KeepTogether:
    """By category where the record has them; a unit's copy counts visits in all, one line as the orders'."""
    if not kinds:
        line = f"全年入户走访（不含被驳回的）：{visits['total']} 次"
        return _section(font, "入户走访", Paragraph(line, _styles(font)["body"]))
    return _section(
        font,
        "入户走访（按类别）",
        header_table(
            font,
            [*(VISIT_CATEGORIES[k] for k in kinds), "合计"],
            [[*(visits[k] for k in kinds), visits["total"]]],
            [WIDTH / (len(kinds) + 1)] * (len(kinds) + 1),
        ),
    )


def _deliberation_words(d: dict) -> str:
    due = f"，任兼职委员期间应出席 {d['days']} 次" if d["days"] is not None else ""
    return f"出席议事日：{d['attended']} 次{due}"


def _pledges(font: str, pledges: dict) -> list:
    """承诺、践诺、评诺, last on the page: a long list flows on to the member's next page, line by line."""
    style = _styles(font)
    item, step = style["pledge"], style["progress"]
    flow: list = [Paragraph("承诺践诺评诺", style["h2"])]
    if not pledges["pledges"]:
        flow.append(Paragraph("本年度未填写承诺。", style["body"]))
    for n, p in enumerate(pledges["pledges"], start=1):
        flow.append(Paragraph(f"{n}. 〔{escape(p['category'])}〕{escape(p['text'])}", item))
        for s in p["progress"]:
            linked = f"（{escape(s['linked']['words'])}）" if s["linked"] else ""
            flow.append(Paragraph(f"{s['on']:%Y-%m-%d} 践诺：{escape(s['note'])}{linked}", step))
    review = pledges["review"]
    if review is None:
        flow.append(Paragraph("评诺：尚未评议。", style["body"]))
    else:
        at = periods.local(review["at"])
        comment = f"；{escape(review['comment'])}" if review["comment"] else ""
        flow.append(
            Paragraph(
                f"评诺：{review['grade_words']}{comment}（{escape(review['by'])}，{at:%Y-%m-%d}）",
                style["review"],
            )
        )
    return flow


def _frame(record: dict):
    """The foot of every page: who issued it, when it was made, the page number."""

    def draw(canvas, doc):
        font = cjk_font()
        canvas.saveState()
        canvas.setFont(font, 9)
        canvas.drawString(
            15 * mm, 10 * mm, f"{record['county']}委组织部 · {title_words(record)} · 生成于 {made_words(record)}"
        )
        canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    return draw


class _Laid(Flowable):
    """Nothing on the page: laid out after a member's last line, it tells `progress` that member is done.
    Pages are laid out and drawn as the document builds, the slow part, so this is how far the build is."""

    def __init__(self, progress: Progress, done: int, total: int) -> None:
        super().__init__()
        self.progress, self.done, self.total = progress, done, total

    def wrap(self, *_):
        return 0, 0

    def draw(self) -> None:
        self.progress(self.done, self.total)


def year_pdf(record: dict, progress: Progress | None = None) -> bytes:
    """The record's members, each from a new page; a unit's or community's first page is its cover line.
    `progress(done, total)` hears of each member as their pages are laid out."""
    font = cjk_font()
    style = _styles(font)
    story: list = []
    if record["scope"]:
        story += [
            Spacer(1, 60 * mm),
            Paragraph(title_words(record), style["title"]),
            Spacer(1, 8 * mm),
            Paragraph(
                f"{escape(record['scope'])} · {record['year']}年 · 党员 {len(record['members'])} 人 · 生成于 {made_words(record)}",
                style["subtitle"],
            ),
            Paragraph(as_of_words(record), style["subtitle"]),
        ]
    total = len(record["members"])
    for done, m in enumerate(record["members"], start=1):
        if story:
            story.append(PageBreak())
        story += _member_page(font, record, m)
        if progress is not None:
            story.append(_Laid(progress, done, total))
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=f"{record['scope'] or ''}{title_words(record)}",
        author=record["county"],
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
    )
    doc.build(story, onFirstPage=_frame(record), onLaterPages=_frame(record))
    return out.getvalue()
