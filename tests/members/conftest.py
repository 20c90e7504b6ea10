"""A small county for the members import and register: two communities with grids, two work units."""
import pytest
from openpyxl import Workbook

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
