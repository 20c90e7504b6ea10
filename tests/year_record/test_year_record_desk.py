"""/desk/year with the session: a unit's secretary gets their unit's table and its two downloads, a
community's secretary their community's members with a PDF each, nobody another's."""

from io import BytesIO

from openpyxl import load_workbook

from tests.factories import log_in
from tests.year_record.conftest import YEAR


def test_a_unit_secretary_sees_the_units_table_and_downloads_its_files_with_the_cookie(client, county, auth):
    log_in(client, county.unit_secretary)
    page = client.get(f"/desk/year?year={YEAR}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    rows = client.get(
        "/api/v1/year-records", query_string={"year": YEAR, "unit_id": county.unit.id}, headers=auth(county.admin)
    ).get_json()
    for row in rows["rows"]:
        assert f'data-member-id="{row["member_id"]}" data-points="{row["points"]["total"]}"' in html
    assert f'data-total-points="{rows["totals"]["points"]["total"]}"' in html
    assert 'href="/desk/year"' in html and "年度记实" in html  # the menu's line
    pdf = client.get(f"/desk/year/{YEAR}/unit.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    xlsx = client.get(f"/desk/year/{YEAR}/unit.xlsx")
    [sheet] = load_workbook(BytesIO(xlsx.data))
    assert sheet.max_row == 4  # header, two members, total
    # Naming another unit does not widen the secretary's view.
    assert client.get(f"/desk/year/{YEAR}/unit.pdf?unit_id={county.other_unit.id}").status_code == 403
    assert client.get(f"/desk/year/{YEAR}/members/{county.outsider.id}.pdf").status_code == 403


def test_a_community_secretary_sees_their_communitys_members_each_with_a_pdf(client, county):
    log_in(client, county.community_secretary)
    html = client.get(f"/desk/year?year={YEAR}").get_data(as_text=True)
    zhang, li = county.members
    assert f'data-member-pdf="{zhang.id}"' in html and f'data-member-pdf="{county.outsider.id}"' in html
    assert f'data-member-pdf="{li.id}"' not in html  # 李四 lives in another community
    assert "data-year-download" not in html
    answer = client.get(f"/desk/year/{YEAR}/members/{zhang.id}.pdf")
    assert answer.status_code == 200 and answer.data.startswith(b"%PDF")
    assert client.get(f"/desk/year/{YEAR}/members/{li.id}.pdf").status_code == 403


def test_a_bad_or_future_year_is_a_chinese_page_and_a_member_is_turned_away(client, county):
    log_in(client, county.unit_secretary)
    for year in ("20x6", "9000"):
        answer = client.get(f"/desk/year?year={year}")
        assert answer.status_code == 400 and ("四位数字" in answer.text or "尚未开始" in answer.text)
    client.post("/logout")
    log_in(client, county.members[0].account)
    assert client.get("/desk/year").status_code == 403


def test_the_offices_reports_page_chooses_a_unit_and_year_and_its_old_download_still_answers(client, county):
    log_in(client, county.admin)
    page = client.get(f"/office/reports?year={YEAR}&year_unit={county.unit.id}")
    assert page.status_code == 200
    link = f"/office/reports/year/{YEAR}/units/{county.unit.id}.pdf"
    start = f"/desk/year/{YEAR}/unit.pdf/jobs?unit_id={county.unit.id}&amp;from=office"
    assert f'action="{start}"' in page.text and 'data-year-record="xlsx"' in page.text
    assert link not in page.text  # the buttons start the job (tests/year_record/test_year_record_jobs.py)
    answer = client.get(link)
    assert answer.status_code == 200 and answer.data.startswith(b"%PDF")
    assert client.get(f"/office/reports/year/{YEAR}/units/{county.unit.id}.xlsx").status_code == 200
    client.post("/logout")
    log_in(client, county.unit_secretary)
    assert client.get(link).status_code == 403


def test_a_large_units_table_comes_in_pages_under_the_whole_units_totals(client, county, monkeypatch):
    monkeypatch.setattr("app.desk.year.PAGE_SIZE", 1)  # the county's unit has two members
    log_in(client, county.unit_secretary)
    pages = [client.get(f"/desk/year?year={YEAR}&page={n}").get_data(as_text=True) for n in (1, 2, 99)]
    shown = [{m.id for m in county.members if f'data-member-pdf="{m.id}"' in html} for html in pages]
    assert len(shown[0]) == 1 and len(shown[1]) == 1 and shown[0] | shown[1] == {m.id for m in county.members}
    assert shown[2] == shown[1]  # past the end: the last page
    totals = {html[html.index("data-total-points") :].split('"')[1] for html in pages}
    assert len(totals) == 1 and "第 1 / 2 页" in pages[0] and "page=2" in pages[0]
