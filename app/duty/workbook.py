"""A quarter's reporting duty as a workbook (季度报到): one row per member in scope, the missing first."""

from datetime import datetime

from openpyxl.styles import Font

from app.duty.queries import duty_report
from app.spreadsheets import Workbook


def duty_workbook(actor, quarter: str, now: datetime, *, community_id=None, unit_id=None) -> bytes:
    """The workbook of /desk/duty.xlsx, under the same scope rule as GET /api/v1/duty."""
    report = duty_report(actor, quarter, community_id=community_id, unit_id=unit_id, now=now)
    book = Workbook()
    sheet = book.active
    sheet.title = f"{quarter}报到"
    sheet.append(["姓名", "手机号", "工作单位", "居住社区", "本季度报到"])
    # The secretary calls the missing ones: they come first, in the list's own order.
    for m in sorted(report["members"], key=lambda m: m["met"]):
        sheet.append([m["name"], m["phone"], m["unit"], m["community"], "已报到" if m["met"] else "未报到"])
    sheet.append([])
    sheet.append(["报到率", f"{report['reporting_rate']:.1%}", f"{report['met']}/{report['total']}人"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDE", (12, 16, 24, 16, 12), strict=True):
        sheet.column_dimensions[column].width = width
    return book.to_bytes()
