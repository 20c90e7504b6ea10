"""The month's leaderboard workbook (.xlsx): one sheet each for members, units, communities, quarterly
duty, pairing coverage, visits and residents' needs (群众点单), with Chinese headers and a frozen header row."""

from collections.abc import Iterable

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app.needs.workbook import needs_table
from app.spreadsheets import Workbook
from ledger.words import VISIT_CATEGORIES, month_words

PERCENT = "0.0%"


def _width(value) -> int:
    # A Chinese character takes about two Latin columns in Excel.
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def add_sheet(
    book: Workbook,
    title: str,
    headers: list[str],
    rows: Iterable[list],
    *,
    total: list | None = None,
    percent: tuple[int, ...] = (),
) -> None:
    sheet = book.create_sheet(title)
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    if total is not None:
        sheet.append(total)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in percent:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = PERCENT
    sheet.freeze_panes = "A2"
    for index, column in enumerate(sheet.iter_cols(values_only=True), start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = min(max(_width(v) for v in column) + 2, 40)


def _group_sheet(book, title: str, noun: str, rows: list[dict]) -> None:
    add_sheet(
        book,
        title,
        ["名次", noun, "在册党员数", "积分", "人均积分"],
        [
            [
                r["rank"],
                r["name"],
                r["members"],
                r["points"],
                round(r["points"] / r["members"], 2) if r["members"] else 0,
            ]
            for r in rows
        ],
        total=["合计", None, sum(r["members"] for r in rows), sum(r["points"] for r in rows), None],
    )


def month_workbook(report: dict) -> bytes:
    book = Workbook()
    book.remove(book.active)
    members = report["members"]
    add_sheet(
        book,
        "党员排名",
        ["名次", "姓名", "单位", "社区", "积分"],
        [[r["rank"], r["name"], r["unit"], r["community"], r["points"]] for r in members],
        total=["合计", f"{len(members)} 人", None, None, sum(r["points"] for r in members)],
    )
    _group_sheet(book, "单位排名", "单位", report["units"])
    _group_sheet(book, "社区排名", "社区", report["communities"])
    duty = report["duty"]
    add_sheet(
        book,
        "季度报到",
        ["姓名", "社区", "单位", f"{report['quarter']} 报到服务"],
        [[m["name"], m["community"], m["unit"], "已报到" if m["met"] else "未报到"] for m in duty],
        total=["报到率", f"{sum(m['met'] for m in duty)}/{len(duty)}", None, report["duty_rate"]],
        percent=(4,),
    )
    coverage, totals = report["coverage"], report["totals"]
    fields = ("members", "paired_households", "coverage_base", "coverage_rate", "below_target")
    add_sheet(
        book,
        "结对覆盖",
        ["社区", "在册党员数", "已结对住户数", "住户数（或应联户数）", "群众覆盖率", "结对未达标党员数"],
        [[c["name"], *(c[f] for f in fields)] for c in coverage],
        total=["合计", *(totals[f] for f in fields)],
        percent=(5,),
    )
    add_sheet(
        book,
        "走访统计",
        ["社区", *(VISIT_CATEGORIES[c] for c in VISIT_CATEGORIES), "合计"],
        [[c["name"], *(c["visits"][k] for k in VISIT_CATEGORIES), sum(c["visits"].values())] for c in coverage],
        total=["合计", *(totals["visits"][k] for k in VISIT_CATEGORIES), sum(totals["visits"].values())],
    )
    headers, needs, needs_total = needs_table(report["needs"])
    add_sheet(book, "群众点单", headers, needs, total=needs_total)
    book.properties.title = f"{report['county']}{month_words(report['period'])}在职党员积分通报"  # type: ignore[attr-defined]  # openpyxl-stubs omits Workbook.properties
    return book.to_bytes()
