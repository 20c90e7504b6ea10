"""The member list as a workbook (党员名册), as the desk lists it: one row per member in scope."""

from datetime import datetime

from openpyxl.styles import Font

from app.members.queries import list_members
from app.spreadsheets import Workbook

# A county's register is a few thousand; the import refuses more than 50,000 rows, so no export needs more.
ROWS_MAX = 50_000
COLUMNS = (
    ("姓名", "name"),
    ("手机号", "phone"),
    ("工作单位", "unit"),
    ("居住社区", "community"),
    ("网格", "grid"),
    ("本月积分", "points_month"),
)


def members_workbook(actor, now: datetime, *, community_id=None, unit_id=None, q=None) -> bytes:
    """The workbook of /desk/members.xlsx, under the list's own scope rule (403 outside the caller's)."""
    listed = list_members(actor, community_id=community_id, unit_id=unit_id, q=q, limit=ROWS_MAX, figures_at=now)
    book = Workbook()
    sheet = book.active
    sheet.title = "党员名册"
    sheet.append([header for header, _ in COLUMNS] + ["本季度报到"])
    for m in listed["members"]:
        sheet.append([m[field] for _, field in COLUMNS] + ["已报到" if m["duty_met"] else "未报到"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    for column, width in zip("ABCDEFG", (12, 16, 24, 16, 12, 10, 12), strict=True):
        sheet.column_dimensions[column].width = width
    return book.to_bytes()
