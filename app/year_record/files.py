"""The year-end record as files, named as they are saved or downloaded: a unit's PDF and workbook, a
member's PDF. The API, the desk, the office and the command line all take them from here; within a request
only for a unit small enough to build in one (IN_REQUEST_MEMBERS)."""

import re
from datetime import datetime

from app.background import Progress
from app.errors import Refusal
from app.year_record.pdf import year_pdf
from app.year_record.queries import member_record, unit_record, unit_size
from app.year_record.workbook import year_workbook

RENDER = {"pdf": year_pdf, "xlsx": year_workbook}

# Measured on the 2-core host, one core's CPU: a member's PDF page takes about 5 ms on the demo's data (300
# members 1.6 s, 1,200 members 5.8 s) and up to 12 ms for a page full of pledges and their progress (5 × 10
# marks), their workbook row 0.3 ms, reading the record 0.2 ms. 300 members is then at most about 4 s within
# the request, far inside gunicorn's 30 s worker timeout even on a loaded host, where 2,000 members once took
# 27 s; a larger unit's file is the background job's (app.year_record.operations.start_unit_file).
IN_REQUEST_MEMBERS = 300


class UseBackgroundJob(Refusal):
    """A unit too large for its file to be built within the request: the background job builds it."""

    status = 409

    def __init__(self, members: int):
        super().__init__(
            "use_background_job",
            f"该单位有 {members} 名党员，文件较大，请在“年度记实”页面点击生成（后台生成，完成后下载）",
        )
        self.members = members

    @property
    def page_words(self) -> str:
        """What a page that sends the secretary to its buttons says instead (a GET never starts a job)."""
        return f"该单位有 {self.members} 名党员，文件较大，不能直接下载：请点击下方的“生成”按钮，后台生成完成后下载。"


def _safe(name: str) -> str:
    # A unit's name becomes part of a file name on any system: no path separators or reserved marks.
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name)[:60]


def unit_file(record: dict, kind: str, progress: Progress | None = None) -> tuple[str, bytes]:
    """The unit's record as one kind of file, and its name; `progress` hears of each member."""
    stem = f"年度记实-{record['year']}-{record['unit_id']}-{_safe(record['scope'])}"
    return f"{stem}.{kind}", RENDER[kind](record, progress)


def unit_file_in_request(account, year, unit_id: int, kind: str, *, now: datetime) -> tuple[str, bytes]:
    """The unit's file of `kind` and its name, built within the request (the API's, the desk's and the office's
    GET): for a unit of more than IN_REQUEST_MEMBERS members a 409 `use_background_job`, decided on a count
    before anything else is read."""
    members = unit_size(account, year, unit_id, now=now)
    if members > IN_REQUEST_MEMBERS:
        raise UseBackgroundJob(members)
    return unit_file(unit_record(account, year, unit_id, now=now), kind)


def unit_files(account, year, unit_id: int, *kinds: str, now: datetime) -> dict[str, bytes]:
    """{file name: bytes} for each kind asked (both by default) of the unit's record, whatever its size: the
    command line's, which no request's timeout limits."""
    record = unit_record(account, year, unit_id, now=now)
    return dict(unit_file(record, kind) for kind in kinds or tuple(RENDER))


def member_file(account, year, member_id: int, *, now: datetime) -> tuple[str, bytes]:
    record = member_record(account, year, member_id, now=now)
    return f"年度记实-{record['year']}-党员{member_id}.pdf", year_pdf(record)
