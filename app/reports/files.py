"""The month's report as files: the workbook and the PDF, named as they are saved or downloaded."""

from datetime import datetime

from app.reports.pdf import month_pdf
from app.reports.queries import month_report
from app.reports.workbook import month_workbook

RENDER = {"xlsx": month_workbook, "pdf": month_pdf}
MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}


def file_name(period: str, kind: str) -> str:
    return f"积分通报-{period}.{kind}"


def month_files(account, period: str, *kinds: str, community_id=None, unit_id=None, now: datetime) -> dict[str, bytes]:
    """{file name: bytes} for each kind asked (both by default), within the account's scope."""
    report = month_report(account, period, community_id=community_id, unit_id=unit_id, now=now)
    return {file_name(period, kind): RENDER[kind](report) for kind in kinds or tuple(RENDER)}
