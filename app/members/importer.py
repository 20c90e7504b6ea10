"""Members import (党员名单导入): reading an .xlsx or UTF-8 .csv file and checking it whole; it writes nothing
(members.operations.import_members does, once the file is known good)."""

import csv
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils.datetime import from_excel
from sqlalchemy import select

from app.errors import Refusal
from app.extensions import db
from app.org.models import Community, Grid, Unit
from app.spreadsheets import Workbook

NAME, PHONE, UNIT, COMMUNITY, GRID, ADDRESS, REPORTED_ON = (
    "姓名",
    "手机号",
    "工作单位",
    "居住社区",
    "网格",
    "详细地址",
    "双报到日期",
)
COLUMNS = (NAME, PHONE, UNIT, COMMUNITY, GRID, ADDRESS, REPORTED_ON)
REQUIRED_COLUMNS = COLUMNS[:-1]  # 双报到日期 may be left out of an older sheet
MOBILE = re.compile(r"1[3-9]\d{9}")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
SHEET_TITLE = "党员名单"
# Control characters no workbook can hold: a name with one would make every report of its month fail.
UNWRITABLE = "含有控制字符（无法写入 Excel 通报），请删除后再导入"

# What a file may be, whatever its header or its sheet's stated dimension claims. A county's roster is
# thousands of members; an upload page takes files up to MAX_FILE_BYTES too (the JSON API keeps 1 MB).
MB = 1024 * 1024
MAX_FILE_BYTES = 10 * MB
MAX_UNPACKED_BYTES = 100 * MB  # an .xlsx is a zip of XML: 10 MB of it can unpack to gigabytes
MAX_XML_TAGS = 4_000_000  # about 80 a data row; a full 7-column roster of 50,000 rows has 2.1 million
MAX_ROWS = 50_000  # data rows; blank ones are not rows
MAX_SHEET_ROWS = 1_048_576  # Excel's last row: no program writes past it, and every row read costs time
MAX_LISTED_ROWS = 200  # bad rows named one by one; past them only counted
PROGRESS_EVERY = 1000  # rows read between two calls of a reader's `progress`

# progress(rows read so far, rows the file seems to hold): the second only an estimate, from the sheet's
# stated dimension or the CSV's line count, never less than the first.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Problem:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    reason: str

    def __str__(self) -> str:
        return f"第{self.row}行 [{self.column}] {self.reason}"


class ImportRejected(Refusal):
    """The file has bad rows: nothing was imported. `problems` are those of the first MAX_LISTED_ROWS bad
    rows; `unlisted_rows` counts the bad rows after them."""

    def __init__(self, problems: list[Problem], total: int | None = None, unlisted_rows: int = 0):
        super().__init__("invalid_rows", f"共 {len(problems) if total is None else total} 处错误，未导入任何数据")
        self.problems = problems
        self.unlisted_rows = unlisted_rows


def _refuse_if_overfull(archive: zipfile.ZipFile) -> None:
    """Each part of an .xlsx counted, in bytes and in tags, before openpyxl reads any: a few MB of zip
    can unpack to gigabytes, and openpyxl keeps every element it has parsed until the part ends (all of
    a sheet that states no dimension, as it opens the file)."""
    unpacked = tags = 0
    for part in archive.infolist():
        with archive.open(part) as stream:
            while chunk := stream.read(MB):
                unpacked += len(chunk)
                tags += chunk.count(b"<")
                if unpacked > MAX_UNPACKED_BYTES or tags > MAX_XML_TAGS:
                    raise Refusal(
                        "too_large",
                        f"Excel 文件解压后内容过多，超出一份党员名单（至多 {MAX_ROWS:,} 行）应有的大小，未导入",
                    )


def _open_workbook(file: BinaryIO, name: str):
    """The workbook, read-only, once its parts are known to hold no more than a roster's worth."""
    try:
        with zipfile.ZipFile(file) as archive:
            _refuse_if_overfull(archive)
        # openpyxl reads any binary file object; its stubs name only BufferedReader and BytesIO.
        workbook = load_workbook(file, read_only=True, data_only=True)  # type: ignore[arg-type]
    except Refusal:
        raise
    except Exception as exc:  # openpyxl raises many types for a damaged or mislabelled file
        raise Refusal("bad_file", f"无法读取 Excel 文件：{name}") from exc
    if not workbook.worksheets:
        raise Refusal("bad_file", f"Excel 文件中没有工作表：{name}")
    return workbook


def _guarded(rows: Iterator[Sequence], reason: str) -> Iterator[Sequence]:
    """Rows as they are read, a fault found at any row of the file refused with `reason`."""
    try:
        yield from rows
    except Exception as exc:  # the file is read lazily: a damaged part shows only where it is reached
        raise Refusal("bad_file", reason) from exc


def _sheet_rows(sheet, reason: str) -> tuple[Sequence, Iterator[Sequence], int]:
    """The header and the data rows of a read-only sheet, as many as it holds, as wide as the header's
    columns, and the number of data rows its dimension claims (only to show progress against)."""
    claimed = max((sheet.max_row or 1) - 1, 0)
    # The sheet's stated dimension is only a claim. Larger, openpyxl pads every row, and every missing
    # row up to the last, to its width (a 2 KB file took gigabytes); smaller, it drops the rows past it.
    sheet.reset_dimensions()
    header = next(_guarded(sheet.iter_rows(max_row=1, values_only=True), reason), ())
    width = max((i + 1 for i, h in enumerate(header) if _text(h) in COLUMNS), default=1)
    return header, _guarded(sheet.iter_rows(min_row=2, max_col=width, values_only=True), reason), claimed


@contextmanager
def _table(path: Path) -> Iterator[tuple[Sequence, Iterator[Sequence], int]]:
    """The first sheet's header row, its data rows, read one at a time (Excel keeps numbers and dates
    typed; CSV gives text), and about how many data rows there are."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise Refusal("bad_file", "只支持 .xlsx 或 .csv 文件")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise Refusal("too_large", f"文件超过 {MAX_FILE_BYTES // MB} MB，请分成几个文件导入")
    if suffix == ".xlsx":
        # Opened here, not by openpyxl, which leaves its file open when a workbook fails part-way.
        with path.open("rb") as file:
            workbook = _open_workbook(file, path.name)
            try:
                yield _sheet_rows(workbook.worksheets[0], f"无法读取 Excel 文件：{path.name}")
            finally:
                workbook.close()
    else:
        # utf-8-sig: Excel on Windows saves "CSV UTF-8" with a byte-order mark.
        lines = path.read_bytes().count(b"\n")  # at most 10 MB, counted in milliseconds
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = _guarded(
                csv.reader(f), "无法读取 CSV 文件：须为 UTF-8 编码（Excel 另存为“CSV UTF-8”）的逗号分隔表格"
            )
            yield next(rows, []), rows, max(lines - 1, 0)


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _shown(text: str) -> str:
    """A cell's text as a message quotes it, clipped: one bad cell of a megabyte is not echoed whole."""
    return text if len(text) <= 30 else f"{text[:30]}…"


def _date(value) -> date | None:
    """A date cell, an Excel serial number, or text in a usual Chinese office format."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)):
        try:
            converted = from_excel(value)
        except (ValueError, OverflowError):
            return None
        return converted.date() if isinstance(converted, datetime) else None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class Lookups:
    """Units, communities and grids by name, read once for the whole file; two readings compare equal
    when the organisation tree did not change between them."""

    # Keyed as a row's cells are looked up: a blank cell (None) is simply never found.
    units: dict[str | None, int] = field(default_factory=dict)
    communities: dict[str | None, int] = field(default_factory=dict)
    grids: dict[tuple[int | None, str | None], int] = field(default_factory=dict)

    @classmethod
    def read(cls) -> "Lookups":
        return cls(
            dict(db.session.execute(select(Unit.name, Unit.id)).tuples().all()),
            dict(db.session.execute(select(Community.name, Community.id)).tuples().all()),
            {(c, name): id_ for id_, c, name in db.session.execute(select(Grid.id, Grid.community_id, Grid.name))},
        )


def _record(number: int, row: dict, lookups: Lookups, seen: dict[str, int]) -> tuple[dict, list[Problem]]:
    """One row checked: the member's values, and every problem found in them."""
    problems = []

    def problem(column, reason):
        problems.append(Problem(number, column, reason))

    name, phone, address = _text(row.get(NAME)), _text(row.get(PHONE)), _text(row.get(ADDRESS))
    unit, community, grid = _text(row.get(UNIT)), _text(row.get(COMMUNITY)), _text(row.get(GRID))
    if not name:
        problem(NAME, "不能为空")
    elif len(name) > 50:
        problem(NAME, "超过 50 个字")
    elif ILLEGAL_CHARACTERS_RE.search(name):
        problem(NAME, UNWRITABLE)
    if not phone:
        problem(PHONE, "不能为空")
    elif not MOBILE.fullmatch(phone):
        problem(PHONE, f"「{_shown(phone)}」不是有效的手机号（11 位数字，以 1 开头）")
    elif phone in seen:
        problem(PHONE, f"与第{seen[phone]}行的手机号重复")
    else:
        seen[phone] = number
    unit_id = lookups.units.get(unit)
    if not unit:
        problem(UNIT, "不能为空")
    elif unit_id is None:
        problem(UNIT, f"单位「{_shown(unit)}」不存在")
    community_id = lookups.communities.get(community)
    if not community:
        problem(COMMUNITY, "不能为空")
    elif community_id is None:
        problem(COMMUNITY, f"社区「{_shown(community)}」不存在")
    grid_id = lookups.grids.get((community_id, grid))
    if grid and community_id is not None and grid_id is None:
        problem(GRID, f"网格「{_shown(grid)}」不在「{community}」")
    if not address:
        problem(ADDRESS, "不能为空")
    elif len(address) > 200:
        problem(ADDRESS, "超过 200 个字")
    elif ILLEGAL_CHARACTERS_RE.search(address):
        problem(ADDRESS, UNWRITABLE)
    raw_date = row.get(REPORTED_ON)
    date_text = _text(raw_date)
    reported_on = None if date_text is None else _date(date_text if isinstance(raw_date, str) else raw_date)
    if date_text is not None and reported_on is None:
        problem(REPORTED_ON, f"「{_shown(date_text)}」不是有效日期（如 2024-03-01）")
    return {
        "name": name,
        "phone": phone,
        "unit_id": unit_id,
        "community_id": community_id,
        "grid_id": grid_id,
        "address": address,
        "reported_on": reported_on,
    }, problems


def read(path: Path, lookups: Lookups | None = None, progress: Progress | None = None) -> list[dict]:
    """Every member of the file, or ImportRejected naming the bad rows; a file past the limits is refused
    as soon as that shows, before the rest of it is read. Names are matched against `lookups` (read now
    if not given); `progress` hears how far the reading is, every PROGRESS_EVERY rows."""
    with _table(path) as (header, rows, expected):
        header = [_text(h) for h in header]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise ImportRejected([Problem(1, c, "表头缺少此列") for c in missing])
        lookups = Lookups.read() if lookups is None else lookups
        seen: dict[str, int] = {}
        records: list[dict] = []
        listed: list[Problem] = []
        bad_rows = problems = 0
        for number, cells in enumerate(rows, start=2):
            if progress is not None and number % PROGRESS_EVERY == 0:
                progress(number - 1, max(expected, number - 1))
            if number > MAX_SHEET_ROWS:
                raise Refusal("too_many_rows", f"表格超过 {MAX_SHEET_ROWS:,} 行（Excel 的最大行数），文件有误，未导入")
            if all(_text(c) is None for c in cells):
                continue  # blank rows, often trailing, that Excel keeps
            if len(records) == MAX_ROWS:
                raise Refusal(
                    "too_many_rows", f"文件超过 {MAX_ROWS:,} 行数据，未导入；请分成几个文件，每个至多 {MAX_ROWS:,} 行"
                )
            row = {column: cells[i] for i, column in enumerate(header) if column in COLUMNS and i < len(cells)}
            record, found = _record(number, row, lookups, seen)
            records.append(record)
            if found:
                bad_rows += 1
                problems += len(found)
                if bad_rows <= MAX_LISTED_ROWS:
                    listed += found
    if problems:
        raise ImportRejected(listed, problems, max(bad_rows - MAX_LISTED_ROWS, 0))
    return records


def write_template(path: Path | BinaryIO) -> None:
    """The import template: the header row, and a sheet of instructions with the valid names."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    sheet.append(list(COLUMNS))
    for letter, width in zip("ABCDEFG", (10, 15, 26, 14, 10, 40, 14), strict=True):
        sheet.column_dimensions[letter].width = width
        sheet[f"{letter}1"].font = Font(bold=True)
    for row in range(2, 2001):
        sheet[f"B{row}"].number_format = "@"  # a phone kept as text, not turned into 1.38E+10
        sheet[f"G{row}"].number_format = "yyyy-mm-dd"
    guide = workbook.create_sheet("填写说明")
    for line in (
        ["每行一名在职党员，从第 2 行开始填写；表头（第 1 行）请勿修改。"],
        ["姓名、手机号、工作单位、居住社区、详细地址为必填；网格、双报到日期可不填。"],
        ["手机号：11 位大陆手机号；同一文件中不得重复。已存在的手机号视为同一人，按表中内容更新。"],
        ["工作单位、居住社区须与下列名称完全一致；网格须属于所填居住社区。"],
        ["双报到日期：如 2024-03-01。"],
        ["任一行有误时整个文件不导入，并列出每个错误的行号、列名和原因。"],
        [],
        ["工作单位", "居住社区", "社区下的网格"],
    ):
        guide.append(line)
    units = db.session.scalars(select(Unit.name).order_by(Unit.id)).all()
    communities = db.session.scalars(select(Community).order_by(Community.id)).all()
    for i in range(max(len(units), len(communities))):
        community = communities[i] if i < len(communities) else None
        guide.append(
            [
                units[i] if i < len(units) else None,
                community.name if community else None,
                "、".join(g.name for g in community.grids) if community else None,
            ]
        )
    guide.column_dimensions["A"].width = 30
    guide.column_dimensions["B"].width = 16
    guide.column_dimensions["C"].width = 36
    workbook.save(path)
