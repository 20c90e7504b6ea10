"""The monthly leaderboard report: a workbook and an A4 PDF that add up as the API does, in Chinese."""

import subprocess
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.factories import claim_visit, earn, ten_eight_eight_five

SHEETS = ["党员排名", "单位排名", "社区排名", "季度报到", "结对覆盖", "走访统计", "群众点单"]


def _api_total(client, by, **query):
    rows = client.get(
        "/api/v1/rankings", query_string={"period": "2026-10", "by": by, "limit": 500, **query}
    ).get_json()["rows"]
    return len(rows), sum(r["points"] for r in rows)


def _sheet_rows(book, title):
    rows = list(book[title].iter_rows(values_only=True))
    return rows[0], rows[1:-1], rows[-1]


@pytest.fixture
def county(app, make):
    home, other = make.community("桃城社区"), make.community("石鼓社区")
    unit = make.unit("县财政局")
    members = ten_eight_eight_five(app, make, community=home, unit=unit)
    earn(app, make.member(other), "service")
    make.member(other)  # on no list but the units' and communities' member counts
    make.household(home, member=members[0], hardship=True)
    claim_visit(app, members[1])
    return home, other, unit, members


def test_the_report_command_writes_a_workbook_and_an_a4_pdf(app, county, runner, client, tmp_path):
    result = runner.invoke(args=["report", "month", "2026-10", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    [xlsx] = (tmp_path / "out").glob("*.xlsx")
    [pdf] = (tmp_path / "out").glob("*.pdf")
    book = load_workbook(xlsx)
    assert book.sheetnames == SHEETS
    for title, by, _count_column, points_column in (
        ("党员排名", "member", None, 4),
        ("单位排名", "unit", 2, 3),
        ("社区排名", "community", 2, 3),
    ):
        header, rows, total = _sheet_rows(book, title)
        assert header[0] == "名次" and book[title].freeze_panes == "A2"
        assert (len(rows), total[points_column]) == _api_total(client, by)
        assert [r[0] for r in rows] == [
            r["rank"] for r in client.get(f"/api/v1/rankings?period=2026-10&by={by}&limit=500").get_json()["rows"]
        ]
    assert _sheet_rows(book, "党员排名")[1][0] == (1, county[3][0].name, "县财政局", "桃城社区", 10)
    header, rows, total = _sheet_rows(book, "季度报到")
    assert header[3] == "2026-Q4 报到服务" and len(rows) == 6 and total[0] == "报到率"
    header, rows, total = _sheet_rows(book, "结对覆盖")
    assert [r[0] for r in rows] == ["桃城社区", "石鼓社区"] and rows[0][2] == 1 and total[2] == 1
    header, rows, total = _sheet_rows(book, "走访统计")
    assert header[1:6] == ("困难群众", "生病群众", "异常家庭", "邻里纠纷", "日常走访")
    assert book["党员排名"].column_dimensions["B"].width >= 6

    data = pdf.read_bytes()
    assert b"/FontFile2" in data and b"WenQuanYiZenHei" in data
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    for words in (
        "永春县",
        "2026年10月",
        "在职党员回社区报到积分通报",
        "党员积分前 20 名",
        "单位积分前 20 名",
        "社区积分前 20 名",
        "党员积分分布",
        "各社区本月报到率",
        "近六个月入账积分合计",
        "县财政局",
        "桃城社区",
        county[3][0].name,
    ):
        assert words in text, words
    cover = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout.split()
    # The cover alone carries the headline figures an official reads first: a row of figures, then their labels.
    members = client.get("/api/v1/rankings?period=2026-10&limit=500").get_json()["rows"]
    first_row = cover.index("上榜党员（人）")
    assert cover[first_row - 2 : first_row + 2] == [
        str(len(members)),
        str(sum(r["points"] for r in members)),
        "上榜党员（人）",
        "入账积分合计（分）",
    ]
    assert "范围：全县" in cover and "永春县委组织部" in cover
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True).stdout
    assert "(A4)" in info
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) >= 3 and all(p.read_bytes().startswith(b"\x89PNG") for p in pages)


def test_a_bad_month_makes_no_report(runner, tmp_path):
    result = runner.invoke(args=["report", "month", "2026-13", "--out", str(tmp_path / "out")])
    assert result.exit_code != 0 and "2026-13" in result.output and not (tmp_path / "out").exists()


def test_admins_download_the_county_report_and_secretaries_only_their_own(make, county, client, auth):
    home, other, unit, _ = county
    admin = auth(make.admin())
    response = client.get("/api/v1/reports/2026-10.xlsx", headers=admin)
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert load_workbook(BytesIO(response.data)).sheetnames == SHEETS
    pdf = client.get("/api/v1/reports/2026-10.pdf", headers=admin)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")

    secretary = auth(make.secretary(home))
    mine = client.get(f"/api/v1/reports/2026-10.xlsx?community_id={home.id}", headers=secretary)
    assert mine.status_code == 200
    header, rows, total = _sheet_rows(load_workbook(BytesIO(mine.data)), "党员排名")
    assert (len(rows), total[4]) == _api_total(client, "member", community_id=home.id) == (4, 31)
    unit_secretary = auth(make.secretary(unit=unit))
    assert client.get(f"/api/v1/reports/2026-10.pdf?unit_id={unit.id}", headers=unit_secretary).status_code == 200
    for url, headers in (
        (f"/api/v1/reports/2026-10.xlsx?community_id={other.id}", secretary),
        ("/api/v1/reports/2026-10.pdf", secretary),
        (f"/api/v1/reports/2026-10.xlsx?unit_id={unit.id}", secretary),
        ("/api/v1/reports/2026-10.xlsx", auth(make.member())),
    ):
        assert client.get(url, headers=headers).status_code == 403, url
    assert client.get("/api/v1/reports/2026-10.xlsx").status_code == 401
    bad = client.get("/api/v1/reports/2026-13.pdf", headers=admin)
    assert bad.status_code == 400 and bad.get_json()["code"] == "invalid_period"
    assert client.get("/api/v1/reports/2026-10.xlsx?community_id=9999", headers=admin).status_code == 404


@pytest.mark.parametrize("period", ["1900-01", "1900-03", "9998-12"])
def test_any_month_the_calendar_knows_has_a_report_empty_when_nothing_happened(make, client, auth, period):
    admin = auth(make.admin())
    workbook = client.get(f"/api/v1/reports/{period}.xlsx", headers=admin)
    assert workbook.status_code == 200, workbook.get_json()
    header, rows, _ = _sheet_rows(load_workbook(BytesIO(workbook.data)), "党员排名")
    assert rows == []
    assert client.get(f"/api/v1/reports/{period}.pdf", headers=admin).data.startswith(b"%PDF")


def test_a_name_with_markup_or_a_control_character_is_printed_as_it_reads(app, make, client, auth, tmp_path):
    """A Paragraph reads markup: a community called "<b>" once made its own report a 500."""
    community = make.community("东关<b>&社区\x01")
    earn(app, make.member(community, name="张\x02三"), "return_day")
    pdf = client.get(f"/api/v1/reports/2026-10.pdf?community_id={community.id}", headers=auth(make.admin()))
    assert pdf.status_code == 200
    (tmp_path / "r.pdf").write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, check=True, text=True)
    assert "东关<b>&社区" in text.stdout
