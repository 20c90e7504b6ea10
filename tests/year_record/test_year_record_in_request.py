"""A unit's year-end file built within the request is for a small unit only (files.IN_REQUEST_MEMBERS, patched
down here to 2 so that the fixture's unit of two is at it and a third member puts it over): a larger unit is a
409 `use_background_job` on the API, decided on a count with nothing built, and a redirect to the buttons
that start the background job on the desk's and the office's pages; no GET starts a job, and the command
line, which no request's timeout limits, builds any unit."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.members.models import Member
from app.year_record import files
from app.year_record.models import UnitFileJob
from tests.factories import log_in
from tests.year_record.conftest import YEAR

MESSAGE = "该单位有 3 名党员，文件较大，请在“年度记实”页面点击生成（后台生成，完成后下载）"
PAGE_WORDS = "该单位有 3 名党员，文件较大，不能直接下载"


@pytest.fixture
def small(monkeypatch):
    monkeypatch.setattr(files, "IN_REQUEST_MEMBERS", 2)


@pytest.fixture
def over(county, make, small):
    """The county's unit with a third member: one more than a request may build."""
    make.member(county.home, county.unit, name="赵六")
    return county


@pytest.fixture
def nothing_built(monkeypatch):
    """Reading the unit's record or rendering a file of it fails the test."""

    def built(*args, **kwargs):
        raise AssertionError("the unit's record was read or its file built")

    monkeypatch.setattr(files, "unit_record", built)
    for kind in files.RENDER:
        monkeypatch.setitem(files.RENDER, kind, built)


def jobs(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(UnitFileJob))


@pytest.mark.parametrize("kind", ["pdf", "xlsx"])
def test_a_unit_over_the_limit_is_a_409_use_background_job_and_nothing_is_built(
    app, client, auth, over, nothing_built, kind
):
    for who in (over.unit_secretary, over.admin):
        answer = client.get(f"/api/v1/year-records/{YEAR}/units/{over.unit.id}.{kind}", headers=auth(who))
        assert answer.status_code == 409
        assert answer.get_json() == {"code": "use_background_job", "message": MESSAGE}
    assert jobs(app) == 0  # a GET starts no job


def test_a_unit_at_the_limit_still_downloads_and_an_inactive_member_does_not_count(
    app, client, auth, county, make, small
):
    gone = make.member(county.home, county.unit, name="钱七")
    with app.app_context():
        db.session.get(Member, gone.id).active = False
        db.session.commit()
    for kind, magic in (("pdf", b"%PDF"), ("xlsx", b"PK")):
        answer = client.get(
            f"/api/v1/year-records/{YEAR}/units/{county.unit.id}.{kind}", headers=auth(county.unit_secretary)
        )
        assert answer.status_code == 200 and answer.data.startswith(magic)


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("other_secretary", "/api/v1/year-records/{year}/units/{unit}.pdf", 403),
        ("admin", "/api/v1/year-records/{future}/units/{unit}.pdf", 400),
        ("admin", "/api/v1/year-records/20x6/units/{unit}.pdf", 400),
        ("admin", "/api/v1/year-records/{year}/units/999999.pdf", 404),
    ],
)
def test_who_may_have_it_the_year_and_the_unit_are_checked_before_its_size(
    client, auth, county, monkeypatch, who, path, status
):
    # Even a unit of one over the limit: another's secretary does not learn its size.
    monkeypatch.setattr(files, "IN_REQUEST_MEMBERS", 0)
    url = path.format(year=YEAR, future=9000, unit=county.unit.id)
    assert client.get(url, headers=auth(getattr(county, who))).status_code == status


def test_the_desks_link_sends_a_large_unit_to_the_buttons_with_the_reason(app, client, over, nothing_built):
    log_in(client, over.unit_secretary)
    for kind in ("pdf", "xlsx"):
        answer = client.get(f"/desk/year/{YEAR}/unit.{kind}")
        assert answer.status_code == 303 and answer.location == f"/desk/year?year={YEAR}"
    html = client.get(answer.location).text
    assert PAGE_WORDS in html and 'data-year-download="pdf"' in html and 'data-year-download="xlsx"' in html
    assert f'/desk/year/{YEAR}/unit.pdf"' not in html and f'/desk/year/{YEAR}/unit.xlsx"' not in html
    assert jobs(app) == 0


def test_an_admin_at_the_desk_is_sent_back_to_the_same_unit(client, over, nothing_built):
    log_in(client, over.admin)
    answer = client.get(f"/desk/year/{YEAR}/unit.pdf?unit_id={over.unit.id}")
    assert answer.status_code == 303 and answer.location == f"/desk/year?year={YEAR}&unit_id={over.unit.id}"
    assert PAGE_WORDS in client.get(answer.location).text


def test_the_offices_old_link_sends_a_large_unit_to_its_reports_pages_buttons(app, client, over, nothing_built):
    log_in(client, over.admin)
    answer = client.get(f"/office/reports/year/{YEAR}/units/{over.unit.id}.xlsx")
    assert answer.status_code == 303
    assert answer.location == f"/office/reports?year={YEAR}&year_unit={over.unit.id}"
    html = client.get(answer.location).text
    assert PAGE_WORDS in html
    assert f'action="/desk/year/{YEAR}/unit.xlsx/jobs?unit_id={over.unit.id}&amp;from=office"' in html
    assert jobs(app) == 0


def test_the_command_line_builds_a_unit_of_any_size(runner, over, monkeypatch, tmp_path):
    monkeypatch.setattr(files, "IN_REQUEST_MEMBERS", 0)
    out = tmp_path / "out"
    result = runner.invoke(args=["report", "year", str(YEAR), "--out", str(out), "--unit-id", str(over.unit.id)])
    assert result.exit_code == 0, result.output
    assert sorted(p.suffix for p in out.iterdir()) == [".pdf", ".xlsx"]


def test_the_openapi_document_names_the_409(client):
    document = client.get("/api/v1/openapi.json").get_json()
    get = document["paths"]["/api/v1/year-records/{year}/units/{unit_id}.{kind}"]["get"]
    assert "use_background_job" in get["responses"]["409"]["description"]
