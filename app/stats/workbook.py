"""The stats workbook (统计报表): one sheet per community, grid and work unit, Chinese headers, a total row."""

from openpyxl.styles import Font

from app.spreadsheets import Workbook
from app.stats.queries import measured_by_members, stats_rows, total
from ledger.words import VISIT_CATEGORIES

SHEETS = (("community", "按社区", "社区"), ("grid", "按网格", "网格"), ("unit", "按单位", "单位"))
PERCENT = "0.0%"


def _columns(by: str, target_based: bool) -> list[tuple[str, str]]:
    """(header, field) of a sheet; the coverage base says what the rate is measured against."""
    base = "应联户数（党员数×目标）" if target_based else "住户数"
    leading = [("所属社区", "community")] if by == "grid" else []
    return leading + [
        ("在册党员数", "members"),
        ("已报到党员数", "reported"),
        ("报到率", "reporting_rate"),
        ("已结对住户数", "paired_households"),
        (base, "coverage_base"),
        ("群众覆盖率", "coverage_rate"),
        *[(f"走访{VISIT_CATEGORIES[c]}", f"visits.{c}") for c in VISIT_CATEGORIES],
        ("结对未达标党员数", "below_target"),
    ]


def _value(row: dict, field: str):
    if field.startswith("visits."):
        return row["visits"][field.split(".", 1)[1]]
    return row.get(field)


def _sheet(book: Workbook, by: str, title: str, noun: str, rows: list[dict], unit_id) -> None:
    sheet = book.create_sheet(title)
    target_based = measured_by_members(by, unit_id)
    columns = _columns(by, target_based)
    sheet.append([noun] + [header for header, _ in columns])
    for row in rows:
        sheet.append([row["name"]] + [_value(row, field) for _, field in columns])
    summed = total(rows, capped=target_based)
    sheet.append(["合计"] + [None if field == "community" else _value(summed, field) for _, field in columns])
    for cell in sheet[1] + sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for index, (_, field) in enumerate(columns, start=2):
        if field.endswith("_rate"):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = PERCENT
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 24


def stats_workbook(actor, period: str, *, community_id=None, unit_id=None, grid_id=None) -> bytes:
    """The workbook of GET /stats.xlsx, under the same scope rules as GET /stats."""
    rows_by = stats_rows(actor, period, community_id=community_id, unit_id=unit_id, grid_id=grid_id)
    book = Workbook()
    book.remove(book.active)
    for by, title, noun in SHEETS:
        _sheet(book, by, title, noun, rows_by[by], unit_id)
    book.properties.title = f"{period} 在职党员报到统计"  # type: ignore[attr-defined]  # openpyxl-stubs omits Workbook.properties
    return book.to_bytes()
