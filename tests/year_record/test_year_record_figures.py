"""The year-end record's figures are the ledger's and the duty API's: a member's printed page read back by
pdftotext, a unit's workbook whose rows add up to its total row, and the JSON rows both are drawn from."""

import re
import subprocess
from datetime import UTC, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook
from PIL import Image

from ledger import periods
from tests.year_record.conftest import YEAR

QUARTERS = [f"{YEAR}-Q{q}" for q in (1, 2, 3, 4)]


def _rows(client, headers, unit_id, year=YEAR):
    answer = client.get("/api/v1/year-records", query_string={"year": year, "unit_id": unit_id}, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def _posted_by_month(client, headers, member_id) -> dict[str, int]:
    entries = client.get("/api/v1/ledger/entries", query_string={"member_id": member_id}, headers=headers).get_json()
    out: dict[str, int] = {}
    for e in entries["entries"]:
        if e["state"] == "posted" and e["period"].startswith(f"{YEAR}-"):
            out[e["period"]] = out.get(e["period"], 0) + e["points"]
    return out


def _duty_api(client, headers, unit_id, quarter) -> dict[int, bool]:
    body = client.get("/api/v1/duty", query_string={"quarter": quarter, "unit_id": unit_id}, headers=headers)
    return {m["member_id"]: m["met"] for m in body.get_json()["members"]}


def _numbers(line: str) -> list[int]:
    return [int(n) for n in re.findall(r"(?<![\d-])\d+(?![\d月-])", line)]


def _line(text: str, label: str) -> str:
    [line] = [row for row in text.splitlines() if row.strip().startswith(label)]
    return line[line.index(label) + len(label) :]


def test_a_units_rows_are_its_active_members_in_name_order_with_the_years_figures(client, auth, county):
    body = _rows(client, auth(county.unit_secretary), county.unit.id)
    assert body["year"] == YEAR and body["unit"] == "县财政局"
    zhang, li = body["rows"]
    assert (zhang["name"], li["name"]) == ("张三", "李四")
    assert (zhang["community"], zhang["grid"], zhang["unit"]) == ("桃城社区", "第1网格", "县财政局")
    # Three home return days and a service elsewhere; the rejected October check-in is not counted.
    assert [(c["any"], c["home"]) for c in zhang["checkins"]] == [(2, 1), (1, 1), (1, 1), (0, 0)]
    assert [(c["any"], c["home"]) for c in li["checkins"]] == [(1, 1), (0, 0), (0, 0), (0, 0)]
    # The rejected sickness visit is not counted; a work unit's copy never says what kind of household it was.
    assert zhang["visits"] == {"total": 2}
    # Q1 as recorded when it closed (李四 had not reported), though he has since a check-in dated in it.
    assert [(d["met"], d["recorded"]) for d in li["duty"][:2]] == [(False, True), (False, False)]
    assert _duty_api(client, auth(county.unit_secretary), county.unit.id, f"{YEAR}-Q1")[li["member_id"]] is True
    assert body["totals"]["points"]["total"] == zhang["points"]["total"] + li["points"]["total"]
    # Last December's need is last year's record; the pledges, their review and 议事日 are 张三's alone.
    assert (zhang["orders_served"], li["orders_served"]) == (1, 0)
    assert [p["text"] for p in zhang["pledges"]["pledges"]] == ["每季度入户走访联系户一次", "参加一次义诊服务"]
    assert zhang["pledges"]["review"]["grade_words"] == "良好" and li["pledges"] == {"pledges": [], "review": None}
    assert zhang["deliberation"] == {
        "attended": 2,
        "days": 3,
        "terms": [{"community": "桃城社区", "start": f"{YEAR}-01-01", "end": f"{YEAR}-12-31"}],
    }
    assert li["deliberation"] == {"attended": 0, "days": None, "terms": []}


def test_the_figures_are_the_ledger_apis_and_the_duty_apis(client, auth, county):
    secretary = auth(county.unit_secretary)
    body = _rows(client, secretary, county.unit.id)
    duty = {q: _duty_api(client, secretary, county.unit.id, q) for q in QUARTERS[1:]}
    for row in body["rows"]:
        posted = _posted_by_month(client, secretary, row["member_id"])
        assert {m: p for m, p in row["points"]["months"].items() if p} == posted
        assert row["points"]["total"] == sum(posted.values())
        assert [d["met"] for d in row["duty"][1:]] == [duty[q][row["member_id"]] for q in QUARTERS[1:]]


def test_a_members_page_prints_their_figures_and_renders_to_a_page_that_is_not_blank(client, auth, county, tmp_path):
    zhang = county.members[0]
    mine = auth(zhang.account)
    answer = client.get(f"/api/v1/members/{zhang.id}/year-record/{YEAR}.pdf", headers=mine)
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    pdf = tmp_path / "zhang.pdf"
    pdf.write_bytes(answer.data)
    assert b"/FontFile2" in answer.data and b"WenQuanYiZenHei" in answer.data
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True).stdout
    assert "(A4)" in info and re.search(r"Pages:\s+1\n", info)
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "page")], check=True)
    [png] = tmp_path.glob("page*.png")
    with Image.open(png) as image:
        darkest, lightest = image.convert("L").getextrema()
    assert darkest < 100 < lightest, "the page is blank"

    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    for words in (f"{YEAR}年度在职党员回社区报到服务记实", "张三", "县财政局", "桃城社区", "第1网格"):
        assert words in text, words
    row = _rows(client, auth(county.unit_secretary), county.unit.id)["rows"][0]
    assert _numbers(_line(text, "报到次数（各社区）")) == [2, 1, 1, 0, 4]
    assert _numbers(_line(text, "其中在本人报到社区")) == [1, 1, 1, 0, 3]
    duty = [_duty_api(client, auth(county.unit_secretary), county.unit.id, q)[zhang.id] for q in QUARTERS]
    ended = [periods.bounds(q)[1] <= datetime.now(UTC) for q in QUARTERS]
    # A quarter under way and not yet met is "进行中", not missed.
    words = ["已完成" if met else "未完成" if done else "进行中" for met, done in zip(duty, ended, strict=True)]
    assert _line(text, "季度报到任务").split()[:4] == words
    posted = _posted_by_month(client, mine, zhang.id)
    months = [posted.get(f"{YEAR}-{m:02d}", 0) for m in range(1, 13)]
    [first, second] = [_numbers(line) for line in text.splitlines() if re.match(r"\s*积分\s+\d", line)]
    assert first == months[:6] and second == [*months[6:], sum(months)] == [*months[6:], row["points"]["total"]]
    lines = [line.strip() for line in text.splitlines()]
    visits = _numbers(lines[lines.index(next(line for line in lines if line.startswith("困难群众"))) + 1])
    # The member's own page names the kinds of household visited (the fixture's, the rejected one left out).
    assert visits == [1, 0, 0, 0, 1, 2] and visits[-1] == row["visits"]["total"]


def test_a_units_workbook_adds_up_to_its_total_row_and_matches_the_json(client, auth, county):
    secretary = auth(county.unit_secretary)
    answer = client.get(f"/api/v1/year-records/{YEAR}/units/{county.unit.id}.xlsx", headers=secretary)
    assert answer.status_code == 200 and answer.mimetype.endswith("spreadsheetml.sheet")
    [sheet] = load_workbook(BytesIO(answer.data))
    header, *rows, total = list(sheet.iter_rows(values_only=True))
    assert [r[0] for r in rows] == ["张三", "李四"] and total[0] == "合计"
    assert not any(c.data_type == "f" for line in sheet.iter_rows() for c in line)
    for column, title in enumerate(header[4:], start=4):
        values = [r[column] for r in rows]
        if title.endswith("报到任务"):
            assert total[column] == values.count("已完成"), title
        elif title not in ("评诺等次", "兼职委员任期"):
            assert total[column] == sum(v or 0 for v in values), title
    body = _rows(client, secretary, county.unit.id)
    for line, row in zip(rows, body["rows"], strict=True):
        figures = dict(zip(header, line, strict=True))
        assert figures["全年积分"] == row["points"]["total"]
        assert figures["走访合计"] == row["visits"]["total"]
        assert [figures[f"{q}报到次数（各社区）"] for q in ("一季度", "二季度", "三季度", "四季度")] == [
            c["any"] for c in row["checkins"]
        ]
    assert total[header.index("全年积分")] == body["totals"]["points"]["total"]


def test_a_units_pdf_is_a_cover_line_and_a_page_per_member_in_name_order(client, auth, county, tmp_path):
    answer = client.get(f"/api/v1/year-records/{YEAR}/units/{county.unit.id}.pdf", headers=auth(county.admin))
    assert answer.status_code == 200
    pdf = tmp_path / "unit.pdf"
    pdf.write_bytes(answer.data)
    pages = [
        subprocess.run(
            ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in (1, 2, 3)
    ]
    assert re.search(rf"县财政局 · {YEAR}年 · 党员 2 人 · 生成于 \d{{4}}-\d\d-\d\d \d\d:\d\d", pages[0])
    assert "张三" in pages[1] and "李四" not in pages[1] and "李四" in pages[2]


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("other_secretary", "/api/v1/year-records?year={year}&unit_id={unit}", 403),
        ("other_secretary", "/api/v1/year-records/{year}/units/{unit}.pdf", 403),
        ("community_secretary", "/api/v1/year-records/{year}/units/{unit}.xlsx", 403),
        ("member", "/api/v1/year-records?year={year}&unit_id={unit}", 403),
        ("member", "/api/v1/members/{other}/year-record/{year}.pdf", 403),
        ("other_secretary", "/api/v1/members/{member}/year-record/{year}.pdf", 403),
        ("member", "/api/v1/members/{member}/year-record/{year}.pdf", 200),
        ("community_secretary", "/api/v1/members/{member}/year-record/{year}.pdf", 200),
        ("admin", "/api/v1/year-records?year={year}&unit_id={other_unit}", 200),
        ("admin", "/api/v1/year-records?year={future}&unit_id={unit}", 400),
        ("admin", "/api/v1/year-records/{future}/units/{unit}.pdf", 400),
        ("admin", "/api/v1/year-records/20x6/units/{unit}.pdf", 400),
        ("admin", "/api/v1/year-records/{year}/units/999999.pdf", 404),
        ("admin", "/api/v1/members/999999/year-record/{year}.pdf", 404),
    ],
)
def test_who_may_have_which_record(client, auth, county, who, path, status):
    account = county.members[0].account if who == "member" else getattr(county, who)
    url = path.format(
        year=YEAR,
        future=datetime.now(UTC).year + 1,
        unit=county.unit.id,
        other_unit=county.other_unit.id,
        member=county.members[0].id,
        other=county.members[1].id,
    )
    answer = client.get(url, headers=auth(account))
    assert answer.status_code == status, answer.get_data(as_text=True)[:300]
    if status != 200:
        assert set(answer.get_json()) >= {"code", "message"}


def test_a_year_under_way_runs_to_today(client, auth, county):
    this_year = datetime.now(UTC).year
    body = _rows(client, auth(county.admin), county.unit.id, year=this_year)
    assert body["as_of"] is not None and body["as_of"].startswith(str(this_year))


def test_a_units_copy_counts_visits_in_all_and_never_by_the_households_kind(client, auth, county, tmp_path):
    secretary = auth(county.unit_secretary)
    answer = client.get(f"/api/v1/year-records/{YEAR}/units/{county.unit.id}.xlsx", headers=secretary)
    header = [c.value for c in next(load_workbook(BytesIO(answer.data)).active.iter_rows(max_row=1))]

    assert "走访合计" in header
    assert not any(words in cell for cell in header for words in ("困难", "生病", "异常", "纠纷"))
    pdf = tmp_path / "unit.pdf"
    pdf.write_bytes(client.get(f"/api/v1/year-records/{YEAR}/units/{county.unit.id}.pdf", headers=secretary).data)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    # A line, not a table of one column: 张三's two visits, the rejected one left out.
    assert "全年入户走访（不含被驳回的）：2 次" in text
    assert not any(words in text for words in ("困难群众", "生病", "异常家庭", "纠纷"))
