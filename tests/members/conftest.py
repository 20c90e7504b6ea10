"""A small county for the members import and register: two communities with grids, two work units."""

import zipfile
from xml.sax.saxutils import escape

import pytest
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from app.members.importer import COLUMNS


@pytest.fixture
def county(make):
    return {
        "桃东社区": make.community("桃东社区"),
        "五里街社区": make.community("五里街社区"),
        "县教育局": make.unit("县教育局"),
        "县人民医院": make.unit("县人民医院"),
    }


@pytest.fixture
def write_xlsx(tmp_path):
    """write_xlsx(rows, header=COLUMNS) -> the path of a workbook holding them (cells keep their Python types)."""

    def write(rows, header=COLUMNS, name="members.xlsx"):
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(list(header))
        for row in rows:
            sheet.append(list(row))
        path = tmp_path / name
        workbook.save(path)
        return path

    return write


@pytest.fixture
def write_csv(tmp_path):
    def write(rows, bom=False, header=COLUMNS, name="members.csv"):
        lines = [",".join(header)] + [",".join("" if c is None else str(c) for c in row) for row in rows]
        path = tmp_path / name
        path.write_text(("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n", encoding="utf-8")
        return path

    return write


_PARTS = {
    "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>",
    "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>",
    "xl/workbook.xml": '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="党员名单" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>",
}


def _cell(row: int, column: int, value) -> str:
    ref = f"{get_column_letter(column)}{row}"
    if value is None:
        return ""
    if isinstance(value, int):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'


@pytest.fixture
def write_raw_xlsx(tmp_path):
    """write_raw_xlsx(rows, dimension=None, after="") -> the path of an .xlsx written as XML straight into a
    zip, as other programs write them (or as a forger would): the sheet's stated `dimension`, if any, is
    whatever it is told, and `after` is raw XML placed after the rows (a text, or texts written one by
    one). The header row is COLUMNS."""

    def write(rows, dimension=None, after="", name="raw.xlsx"):
        path = tmp_path / name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for part, xml in _PARTS.items():
                archive.writestr(part, xml)
            with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
                sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
                if dimension:
                    sheet.write(f'<dimension ref="{dimension}"/>'.encode())
                sheet.write(b"<sheetData>")
                for number, row in enumerate([COLUMNS, *rows], start=1):
                    cells = "".join(_cell(number, column, v) for column, v in enumerate(row, start=1))
                    sheet.write(f'<row r="{number}">{cells}</row>'.encode())
                for xml in [after] if isinstance(after, str) else after:
                    sheet.write(xml.encode())
                sheet.write(b"</sheetData></worksheet>")
        return path

    return write
