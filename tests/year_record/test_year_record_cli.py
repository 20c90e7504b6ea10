"""`flask report year YYYY --out DIR`: every work unit's PDF and workbook, a line per unit, and a year that is
no year (or not yet begun) refused with exit status 2 in Chinese, writing nothing."""

from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from tests.year_record.conftest import YEAR


def test_the_command_writes_every_units_pdf_and_workbook_and_run_again_the_same(runner, county, tmp_path):
    out = tmp_path / "out"
    first = runner.invoke(args=["report", "year", str(YEAR), "--out", str(out)])
    assert first.exit_code == 0, first.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [
            f"年度记实-{YEAR}-{county.unit.id}-县财政局.pdf",
            f"年度记实-{YEAR}-{county.unit.id}-县财政局.xlsx",
            f"年度记实-{YEAR}-{county.other_unit.id}-县教育局.pdf",
            f"年度记实-{YEAR}-{county.other_unit.id}-县教育局.xlsx",
        ]
    )
    lines = first.output.splitlines()
    assert [line.split("：")[0] for line in lines[:2]] == ["[1/2] 县教育局", "[2/2] 县财政局"]  # by name
    assert lines[-1].startswith(f"{YEAR} 年度记实：2 个单位，4 个文件")
    [sheet] = load_workbook(out / f"年度记实-{YEAR}-{county.unit.id}-县财政局.xlsx")
    assert [r[0] for r in sheet.iter_rows(values_only=True)] == ["姓名", "张三", "李四", "合计"]

    again = runner.invoke(args=["report", "year", str(YEAR), "--out", str(out), "--unit-id", str(county.unit.id)])
    assert again.exit_code == 0, again.output
    assert sorted(p.name for p in out.iterdir()) == names
    assert again.output.splitlines()[0].startswith("[1/1] 县财政局：")


@pytest.mark.parametrize("year", ["20x6", "26", "0999", str(datetime.now(UTC).year + 1)])
def test_a_bad_year_exits_2_with_a_chinese_message_and_writes_nothing(runner, county, tmp_path, year):
    result = runner.invoke(args=["report", "year", year, "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "错误：" in result.output and ("四位数字" in result.output or "尚未开始" in result.output)
    assert not (tmp_path / "out").exists()


def test_an_unknown_unit_exits_2(runner, county, tmp_path):
    result = runner.invoke(args=["report", "year", str(YEAR), "--out", str(tmp_path / "out"), "--unit-id", "999"])
    assert result.exit_code == 2 and "没有编号为 999 的单位" in result.output
