"""The year-end record as files, named as they are saved or downloaded: a unit's PDF and workbook, a
member's PDF. The API, the desk, the office and the command line all take them from here."""

import re
from datetime import datetime

from app.background import Progress
from app.year_record.pdf import year_pdf
from app.year_record.queries import member_record, unit_record
from app.year_record.workbook import year_workbook

RENDER = {"pdf": year_pdf, "xlsx": year_workbook}


def _safe(name: str) -> str:
    # A unit's name becomes part of a file name on any system: no path separators or reserved marks.
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name)[:60]


def unit_file(record: dict, kind: str, progress: Progress | None = None) -> tuple[str, bytes]:
    """The unit's record as one kind of file, and its name; `progress` hears of each member."""
    stem = f"年度记实-{record['year']}-{record['unit_id']}-{_safe(record['scope'])}"
    return f"{stem}.{kind}", RENDER[kind](record, progress)


def unit_files(account, year, unit_id: int, *kinds: str, now: datetime) -> dict[str, bytes]:
    """{file name: bytes} for each kind asked (both by default) of the unit's record."""
    record = unit_record(account, year, unit_id, now=now)
    return dict(unit_file(record, kind) for kind in kinds or tuple(RENDER))


def member_file(account, year, member_id: int, *, now: datetime) -> tuple[str, bytes]:
    record = member_record(account, year, member_id, now=now)
    return f"年度记实-{record['year']}-党员{member_id}.pdf", year_pdf(record)
