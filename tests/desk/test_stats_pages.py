"""/stats through the test client: the figures are the API's, the chart and its table show the grids, and
the downloads work with the session alone, within the secretary's scope only."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.factories import PASSWORD, check_in, into_grid, local

PERIOD = "2026-10"


@pytest.fixture
def county(app, make):
    """East: three members, one per grid reported in October (grid 1: a of a, b; grid 2: c); west: one."""
    east, west = make.community("东街社区"), make.community("西街社区")
    a, _b, c = make.member(east), make.member(east), make.member(east)
    make.member(west)
    into_grid(app, 1, c)
    check_in(app, a, make.event(east, starts_at=local(2026, 10, 10, 9)))
    check_in(app, c, make.event(east, starts_at=local(2026, 10, 12, 9)))
    return {"east": east, "west": west, "east_secretary": make.secretary(east), "west_secretary": make.secretary(west)}


def _log_in(client, account):
    assert client.post("/login", data={"phone": account.phone, "password": PASSWORD}).status_code == 302


def _hooks(html: str, name: str) -> list[str]:
    return [part.split('"', 1)[0] for part in html.split(f' {name}="')[1:]]


def test_the_page_shows_the_apis_figures_and_each_grids_rate_as_a_chart_and_a_table(client, auth, county):
    api = client.get(
        f"/api/v1/stats?period={PERIOD}&community_id={county['east'].id}", headers=auth(county["east_secretary"])
    ).get_json()
    _log_in(client, county["east_secretary"])
    page = client.get(f"/stats?period={PERIOD}")
    assert page.status_code == 200
    html = page.text
    assert _hooks(html, "data-members") == [str(api["members"])]
    assert [float(v) for v in _hooks(html, "data-reporting-rate")][:1] == [api["reporting_rate"]]
    assert float(_hooks(html, "data-coverage-rate")[0]) == api["coverage_rate"]
    assert _hooks(html, "data-visits") == [str(sum(api["visits"].values()))]
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html
    assert "第1网格 50%" in html and "第2网格 100%" in html  # the chart's spoken description
    assert [float(v) for v in _hooks(html, "data-reporting-rate")[1:]] == [0.5, 1.0]  # the table, grid by grid


def test_a_secretary_names_no_scope_and_sees_their_own_an_admin_picks_or_sees_the_county(client, auth, make, county):
    admin = make.admin()
    api = client.get(f"/api/v1/stats?period={PERIOD}", headers=auth(admin)).get_json()
    _log_in(client, admin)
    html = client.get(f"/stats?period={PERIOD}").text
    assert _hooks(html, "data-members") == [str(api["members"])] and "各社区报到率" in html
    assert 'name="community_id"' in html and 'name="unit_id"' in html
    east = client.get(f"/stats?period={PERIOD}&community_id={county['east'].id}").text
    assert _hooks(east, "data-members") == ["3"] and "各网格报到率" in east


def test_the_downloads_work_with_the_session_alone_and_are_the_apis_files(client, auth, county):
    east = county["east"].id
    api = client.get(f"/api/v1/stats.xlsx?period={PERIOD}&community_id={east}", headers=auth(county["east_secretary"]))
    _log_in(client, county["east_secretary"])
    sheet = client.get(f"/stats.xlsx?period={PERIOD}")
    assert sheet.status_code == 200 and sheet.data[:2] == b"PK"

    def cells(data):
        return [list(s.values) for s in load_workbook(BytesIO(data)).worksheets]

    assert cells(sheet.data) == cells(api.data)
    pdf = client.get(f"/stats/reports/{PERIOD}.pdf")
    assert pdf.status_code == 200 and pdf.data[:4] == b"%PDF" and pdf.mimetype == "application/pdf"
    xlsx = client.get(f"/stats/reports/{PERIOD}.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert f"/stats/reports/{PERIOD}.pdf" in client.get(f"/stats?period={PERIOD}").text


@pytest.mark.parametrize(
    "path",
    [
        "/stats?period={p}&community_id={c}",
        "/stats.xlsx?period={p}&community_id={c}",
        "/stats/reports/{p}.pdf?community_id={c}",
        "/stats/reports/{p}.xlsx?community_id={c}",
    ],
)
def test_a_secretary_of_another_community_gets_the_chinese_403_on_the_page_and_each_download(client, county, path):
    _log_in(client, county["west_secretary"])
    response = client.get(path.format(p=PERIOD, c=county["east"].id))
    assert response.status_code == 403 and response.mimetype == "text/html"
    assert "没有权限" in response.text and "返回首页" in response.text


def test_a_member_gets_the_403_page_and_nobody_logged_in_goes_to_login(client, make, county):
    assert client.get("/stats").status_code == 302 and "/login" in client.get("/stats").location
    assert client.get(f"/stats/reports/{PERIOD}.pdf").status_code == 302
    _log_in(client, make.member(county["east"]).account)
    assert client.get("/stats").status_code == 403


@pytest.mark.parametrize("period", ["2026-13", "abc", "2026-Q5", "9999-01"])
def test_a_bad_period_is_a_chinese_400_page(client, county, period):
    _log_in(client, county["east_secretary"])
    response = client.get(f"/stats?period={period}")
    assert response.status_code == 400 and response.mimetype == "text/html"


def test_a_quarter_shows_its_figures_and_links_its_months_reports(client, auth, county):
    api = client.get(
        f"/api/v1/stats?period=2026-Q4&community_id={county['east'].id}", headers=auth(county["east_secretary"])
    ).get_json()
    _log_in(client, county["east_secretary"])
    html = client.get("/stats?period=2026-Q4").text
    assert "2026年第4季度" in html and float(_hooks(html, "data-reporting-rate")[0]) == api["reporting_rate"]
    assert "/stats/reports/2026-10.pdf" in html
