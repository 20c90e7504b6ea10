"""The county's figures (报到率、群众覆盖率、四必访): right on a small county, and the parts add up to the
whole: grids to their community, communities and work units to the county."""

from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook

from app.auth.models import Account
from app.db import transaction
from app.extensions import db
from app.members.models import Member
from app.org.models import Grid
from app.points.operations import decide
from app.stats.queries import figures, figures_by
from app.visits.operations import log_visit
from tests.factories import check_in, into_grid, local, pairing_target
from tests.reports.workbooks import HOSTILE_TEXTS, assert_held_as_text

NOW = datetime(2026, 11, 18, 4, tzinfo=UTC)  # within 31 days of the oldest visit (too_old)
SUMMED = ("members", "reported", "paired_households", "coverage_base", "below_target")


@pytest.fixture
def county(app, make):
    """Two communities of two grids; two units whose members live in both; target 2.

    east: a (grid 1, unit 1, reported in Nov), b (grid 1, unit 2, only at the west's event),
          c (grid 2, unit 1, pending check-in); households 1a (a), 1b, 2a (c)
    west: d (grid 1, unit 2, reported in Oct), e (grid 2, unit 1, rejected check-in), f (grid 2, unit 2,
          reported in Nov), g (grid 2, unit 1, no longer active); households 1a, 1b (both d), 2a, 2b (e)"""
    pairing_target(app, 2)
    east, west = make.community("东街社区"), make.community("西街社区")
    one, two = make.unit("县教育局"), make.unit("县医院")
    a, b, c = make.member(east, one), make.member(east, two), make.member(east, one)
    d, e, f, g = make.member(west, two), make.member(west, one), make.member(west, two), make.member(west, one)
    into_grid(app, 1, c, e, f, g)
    h = {
        "e1a": make.household(east, member=a),
        "e1b": make.household(east),
        "e2a": make.household(east, member=c),
        "w1a": make.household(west, member=d),
        "w1b": make.household(west, member=d),
        "w2a": make.household(west),
        "w2b": make.household(west, member=e),
    }
    into_grid(app, 1, h["e2a"], h["w2a"], h["w2b"])
    east_secretary, west_secretary = make.secretary(east), make.secretary(west)
    with app.app_context():
        db.session.get(Member, g.id).active = False
        db.session.commit()

    def november(community):
        return make.event(community, starts_at=local(2026, 11, 1, 9))

    check_in(app, a, november(east))
    check_in(app, b, november(west))
    check_in(app, c, make.event(east, starts_at=local(2026, 11, 8, 9)), decision="pending")
    check_in(app, d, make.event(west, starts_at=local(2026, 10, 10, 9)))
    check_in(app, e, make.event(west, starts_at=local(2026, 11, 15, 9)), decision="reject", secretary=west_secretary)
    check_in(app, f, make.event(west, starts_at=local(2026, 11, 20, 9)))
    with app.app_context():

        def visit(member, household, category, day):
            return log_visit(member.id, h[household].id, category, date(2026, *day), None, None, NOW)[0]["entry_id"]

        visit(a, "e1a", "hardship", (11, 3))
        rejected = visit(a, "e1a", "routine", (11, 4))
        visit(c, "e2a", "sickness", (10, 20))
        visit(d, "w1a", "dispute", (11, 5))
        visit(d, "w1b", "abnormal_family", (11, 6))
        approved = visit(e, "w2b", "routine", (11, 7))
        with transaction():
            decide(db.session.get(Account, east_secretary.id), rejected, "reject", "重复登记", NOW)
            decide(db.session.get(Account, west_secretary.id), approved, "approve", None, NOW)
    return {"east": east, "west": west, "one": one, "two": two, "east secretary": east_secretary}


def _figures(app, period, **scope):
    with app.app_context():
        return figures(period, **scope)


def _by(app, period, by):
    with app.app_context():
        return figures_by(period, by)


def _sum(rows):
    visits = {k: sum(r["visits"][k] for r in rows) for k in rows[0]["visits"]}
    return {**{k: sum(r[k] for r in rows) for k in SUMMED}, "visits": visits}


def test_the_countys_figures_for_a_month(app, county):
    body = _figures(app, "2026-11")
    assert body["period"] == "2026-11" and body["members"] == 6
    assert body["reported"] == 2 and body["reporting_rate"] == pytest.approx(2 / 6)
    assert (body["paired_households"], body["coverage_base"]) == (5, 7)
    assert body["coverage_rate"] == pytest.approx(5 / 7)
    assert body["visits"] == {"hardship": 1, "sickness": 0, "abnormal_family": 1, "dispute": 1, "routine": 1}
    assert body["below_target"] == 5


def test_a_quarter_takes_in_its_three_months(app, county):
    body = _figures(app, "2026-Q4")
    assert body["reported"] == 3
    assert body["visits"] == {"hardship": 1, "sickness": 1, "abnormal_family": 1, "dispute": 1, "routine": 1}
    assert _figures(app, "2026-10")["visits"]["sickness"] == 1 and _figures(app, "2026-Q3")["members"] == 6


@pytest.mark.parametrize("period", ["2026-11", "2026-Q4"])
def test_grids_add_up_to_their_community_and_communities_to_the_county(app, county, period):
    grids = _by(app, period, "grid")
    communities = _by(app, period, "community")
    assert [c["name"] for c in communities] == ["东街社区", "西街社区"]
    for community in communities:
        mine = [g for g in grids if g["community_id"] == community["id"]]
        assert len(mine) == 2 and _sum(mine) == {k: community[k] for k in (*SUMMED, "visits")}
        assert _figures(app, period, community_id=community["id"]) == {
            k: v for k, v in community.items() if k not in ("id", "name")
        }
    county_body = _figures(app, period)
    assert _sum(communities) == {k: county_body[k] for k in (*SUMMED, "visits")}


def test_work_units_add_up_to_the_county_and_measure_coverage_against_their_target(app, county):
    units = _by(app, "2026-11", "unit")
    whole = _figures(app, "2026-11")
    for name in ("members", "reported", "below_target", "visits"):
        assert _sum(units)[name] == whole[name]
    education, hospital = units
    # 县教育局: a, c, e paired with one household each, against 3 × 2; 县医院: b 0, d 2, f 0.
    assert (education["paired_households"], education["coverage_base"]) == (3, 6)
    assert education["coverage_rate"] == pytest.approx(0.5) and hospital["coverage_rate"] == pytest.approx(2 / 6)


def test_a_units_coverage_is_capped_at_one(app, make):
    pairing_target(app, 2)
    home, unit = make.community(), make.unit()
    member = make.member(home, unit)
    for _ in range(3):
        make.household(home, member=member)
    body = _figures(app, "2026-11", unit_id=unit.id)
    assert body["paired_households"] == 3 and body["coverage_rate"] == 1.0


def test_an_empty_scope_has_rates_of_zero(app, make):
    home = make.community()
    assert _figures(app, "2026-11", community_id=home.id) | {"visits": None} == {
        "period": "2026-11",
        "members": 0,
        "reported": 0,
        "reporting_rate": 0.0,
        "paired_households": 0,
        "coverage_base": 0,
        "coverage_rate": 0.0,
        "below_target": 0,
        "visits": None,
    }


def test_a_secretary_reads_their_community_and_its_grids(client, app, make, auth, county):
    east = county["east"]
    headers = auth(county["east secretary"])
    body = client.get(f"/api/v1/stats?period=2026-11&community_id={east.id}", headers=headers).get_json()
    assert body == _figures(app, "2026-11", community_id=east.id)
    assert set(body) >= {"period", "members", "reporting_rate", "coverage_rate", "visits", "below_target"}
    grid = next(g for g in _by(app, "2026-11", "grid") if g["community_id"] == east.id)
    assert client.get(f"/api/v1/stats?period=2026-Q4&grid_id={grid['id']}", headers=headers).status_code == 200
    unit = county["one"]
    unit_body = client.get(
        f"/api/v1/stats?period=2026-11&unit_id={unit.id}", headers=auth(make.secretary(unit=unit))
    ).get_json()
    assert unit_body["members"] == 3


@pytest.mark.parametrize(
    "who, query, status",
    [
        ("east secretary", "community_id={west}", 403),
        ("east secretary", "grid_id={west_grid}", 403),
        ("east secretary", "", 403),
        ("member", "community_id={east}", 403),
        ("admin", "", 200),
        ("admin", "community_id=999999", 404),
        ("admin", "grid_id=999999", 404),
    ],
)
def test_the_figures_are_refused_out_of_scope(client, make, auth, who, query, status):
    east, west = make.community(), make.community()
    account = {
        "east secretary": lambda: make.secretary(east),
        "admin": make.admin,
        "member": lambda: make.member(east).account,
    }[who]()
    path = f"/api/v1/stats?period=2026-11&{query.format(west=west.id, east=east.id, west_grid=make.grid(west).id)}"
    assert client.get(path, headers=auth(account)).status_code == status


@pytest.mark.parametrize("period", ["2026-13", "2026-Q0", "26-11", "2026-11-01", "latest"])
def test_a_malformed_period_is_a_400(client, make, auth, period):
    response = client.get(f"/api/v1/stats?period={period}", headers=auth(make.admin()))
    assert response.status_code == 400 and response.get_json()["code"] == "invalid_period"


def _sheets(response):
    book = load_workbook(BytesIO(response.data))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book}


def test_the_workbook_has_a_sheet_per_community_grid_and_unit_with_a_total(client, make, auth, county):
    response = client.get("/api/v1/stats.xlsx?period=2026-11", headers=auth(make.admin()))
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheets = _sheets(response)
    assert list(sheets) == ["按社区", "按网格", "按单位"]
    communities = sheets["按社区"]
    assert communities[0][:4] == ["社区", "在册党员数", "已报到党员数", "报到率"]
    assert [row[0] for row in communities[1:]] == ["东街社区", "西街社区", "合计"]
    assert communities[-1][1:3] == [6, 2] and communities[-1][3] == pytest.approx(2 / 6)
    assert [row[0] for row in sheets["按网格"]][-1] == "合计" and len(sheets["按网格"]) == 6
    assert sheets["按单位"][0][0] == "单位" and sheets["按单位"][-1][1] == 6


def test_a_community_secretarys_workbook_holds_their_community_only(client, auth, county):
    headers = auth(county["east secretary"])
    sheets = _sheets(client.get(f"/api/v1/stats.xlsx?period=2026-11&community_id={county['east'].id}", headers=headers))
    assert [row[0] for row in sheets["按社区"][1:]] == ["东街社区", "合计"]
    assert [row[1] for row in sheets["按网格"][1:]] == ["东街社区", "东街社区", None]
    assert [(row[0], row[1]) for row in sheets["按单位"][1:]] == [("县教育局", 2), ("县医院", 1), ("合计", 3)]
    assert client.get("/api/v1/stats.xlsx?period=2026-11", headers=headers).status_code == 403


def test_nothing_is_counted_from_a_later_month(app, county):
    later = _figures(app, "2026-12")
    assert later["reported"] == 0 and sum(later["visits"].values()) == 0 and later["members"] == 6


def test_the_workbook_holds_names_that_open_like_formulas_as_text(app, client, make, auth):
    community, unit = make.community(HOSTILE_TEXTS[0]), make.unit(HOSTILE_TEXTS[1])
    with app.app_context():
        grid = db.session.get(Grid, make.grid(community).id)
        grid.name = HOSTILE_TEXTS[2]
        db.session.commit()
    make.member(community, unit)
    response = client.get("/api/v1/stats.xlsx?period=2026-11", headers=auth(make.admin()))
    assert response.status_code == 200
    assert_held_as_text(response.data, HOSTILE_TEXTS[:3])
    assert _sheets(response)["按社区"][1][1] == 1  # a figure stays a number
