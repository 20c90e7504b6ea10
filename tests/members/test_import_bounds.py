"""The import reads every row a file holds and no more: a sheet's stated dimension is not trusted either
way, and a file past the limits is refused with a reason before the rest of it is read."""

import os
import tracemalloc
import zipfile

import pytest

from app.members import importer
from tests.members.test_import import members_by_phone

FIVE = [(f"党员{n}", f"1380000{n:04d}", "县教育局", "桃东社区", "第1网格", f"桃东路{n}号") for n in range(5)]
HEADER = ",".join(importer.COLUMNS)


def import_file(runner, path):
    return runner.invoke(args=["members", "import", str(path)])


def refused(result, reason):
    """Exit 1 with the Chinese reason, and not a row listed."""
    return result.exit_code == 1 and reason in result.output and "第2行" not in result.output


def test_a_sheet_stating_a_smaller_dimension_than_it_holds_imports_every_row(app, runner, county, write_raw_xlsx):
    result = import_file(runner, write_raw_xlsx(FIVE, dimension="A1:G2"))
    assert result.exit_code == 0 and "新增 5 人" in result.output, result.output
    assert sorted(members_by_phone(app)) == [phone for _, phone, *_ in FIVE]


def test_a_sheet_stating_the_whole_grid_is_read_as_the_rows_it_holds(app, county, write_raw_xlsx):
    # 2 KB on disk, claiming 16,384 columns by 1,048,576 rows, with an empty row far below: padded to
    # the claim, as before, the rows in between took 13 GB.
    path = write_raw_xlsx(FIVE, dimension="A1:XFD1048576", after='<row r="100000"/>')
    assert path.stat().st_size < 5_000
    tracemalloc.start()
    try:
        with app.app_context():
            records = importer.read(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [r["phone"] for r in records] == [phone for _, phone, *_ in FIVE]
    assert peak < 20 * 1024 * 1024


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_more_data_rows_than_the_limit_are_refused_before_the_rest_is_read(
    app, runner, county, write_raw_xlsx, tmp_path, kind
):
    # Each row lacks four cells: read whole and listed, as before, that was millions of lines.
    rows = [(f"党员{n}",) for n in range(importer.MAX_ROWS + 1)]
    if kind == "xlsx":
        path = write_raw_xlsx(rows)
    else:
        path = tmp_path / "members.csv"
        path.write_text("\n".join([HEADER, *(name for (name,) in rows)]), encoding="utf-8")
    result = import_file(runner, path)
    assert refused(result, "文件超过 50,000 行数据"), result.output[:500]
    assert len(result.output.splitlines()) <= 2
    assert members_by_phone(app) == {}


def test_as_many_data_rows_as_the_limit_import_and_blank_rows_are_not_counted(
    app, runner, county, write_raw_xlsx, monkeypatch
):
    monkeypatch.setattr(importer, "MAX_ROWS", 5)
    blank = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t> </t></is></c></row>' for n in range(7, 20))
    result = import_file(runner, write_raw_xlsx(FIVE, after=blank))
    assert result.exit_code == 0 and "新增 5 人" in result.output, result.output
    sixth = ("党员5", "13800000005", "县教育局", "桃东社区", None, "桃东路5号")
    assert refused(import_file(runner, write_raw_xlsx([*FIVE, sixth], name="six.xlsx")), "文件超过 5 行数据")


def test_a_file_over_10_mb_is_refused_before_it_is_read(app, runner, county, tmp_path):
    csv_path = tmp_path / "members.csv"
    csv_path.write_text(HEADER + "\n" + "," * (importer.MAX_FILE_BYTES - len(HEADER.encode())), encoding="utf-8")
    xlsx_path = tmp_path / "members.xlsx"
    with zipfile.ZipFile(xlsx_path, "w") as archive:  # stored, not deflated: 10 MB of noise stays 10 MB
        archive.writestr("xl/media/photo.bin", os.urandom(importer.MAX_FILE_BYTES))
    for path in (csv_path, xlsx_path):
        assert path.stat().st_size > importer.MAX_FILE_BYTES
        assert refused(import_file(runner, path), "文件超过 10 MB"), path
    assert members_by_phone(app) == {}


@pytest.mark.parametrize(
    "after",
    [
        ["<x/>" * 1_000_000] * 5,  # more elements than a roster has: openpyxl keeps each it has parsed
        ['<row r="7"><c r="A7" t="inlineStr"><is><t>', *["a" * importer.MB] * 101, "</t></is></c></row>"],  # 101 MB
    ],
    ids=["elements", "bytes"],
)
def test_an_xlsx_that_unpacks_to_more_than_a_roster_is_refused_before_openpyxl_reads_it(
    app, runner, county, write_raw_xlsx, after
):
    path = write_raw_xlsx(FIVE, after=after)
    assert path.stat().st_size < 1024 * 1024
    assert refused(import_file(runner, path), "Excel 文件解压后内容过多")
    assert members_by_phone(app) == {}


def test_a_row_past_excels_last_row_is_refused(app, runner, county, write_raw_xlsx):
    last = importer.MAX_SHEET_ROWS + 1
    result = import_file(runner, write_raw_xlsx(FIVE, after=f'<row r="{last}"><c r="A{last}"><v>1</v></c></row>'))
    assert refused(result, "表格超过 1,048,576 行"), result.output
    assert members_by_phone(app) == {}


def test_past_200_bad_rows_the_rest_are_counted_not_listed(app, runner, county, write_csv):
    result = import_file(runner, write_csv([(f"党员{n}",) + ("",) * 6 for n in range(250)]))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    listed = [line for line in lines if line.startswith("第")]
    assert len(listed) == 200 * 4 and listed[-1].startswith("第201行")
    assert lines[-2:] == ["…还有 50 行有误", "导入失败：共 1000 处错误，未导入任何数据"]


def test_a_long_bad_cell_is_quoted_clipped(app, runner, county, write_csv):
    result = import_file(
        runner, write_csv([("陈建国", "13800001111", "县" * 100_000, "桃东社区", None, "某路1号", None)])
    )
    assert result.exit_code == 1
    assert f"第2行 [工作单位] 单位「{'县' * 30}…」不存在" in result.output.splitlines()


@pytest.mark.parametrize(
    "name, content",
    [
        ("members.csv", (HEADER + "\n" + "党员," + "1" * 200_000 + "\n").encode()),  # a cell past csv's field limit
        ("members.csv", (HEADER + "\n陈建国,13800001111\n").encode() + "林秀英".encode("gbk") + b"\n"),  # GBK below
        ("members.xlsx", None),  # a sheet whose XML breaks off after its first rows (read lazily, past its opening)
    ],
)
def test_a_file_damaged_past_its_first_rows_is_refused_with_a_reason(
    app, runner, county, write_raw_xlsx, tmp_path, name, content
):
    if content is None:
        path = write_raw_xlsx(FIVE, dimension="A1:G7", after="<row><c><v>1</v></c")
    else:
        path = tmp_path / name
        path.write_bytes(content)
    result = import_file(runner, path)
    assert result.exit_code == 1 and "无法读取" in result.output and "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert members_by_phone(app) == {}
