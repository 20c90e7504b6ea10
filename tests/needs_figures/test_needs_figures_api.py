"""GET /api/v1/needs/figures answers a secretary for their own community or unit and an admin for any
scope or the county, and nobody else; GET /api/v1/needs/unit-ranking is public, its ties sharing a rank."""

import pytest

from tests.needs_figures.test_needs_figures import COUNTY_OCTOBER


def test_an_admin_reads_the_countys_figures(client, auth, october):
    response = client.get("/api/v1/needs/figures?period=2026-10", headers=auth(october.admin))
    assert response.status_code == 200
    assert response.get_json() == COUNTY_OCTOBER


def test_a_secretary_reads_their_own_community_or_unit(client, auth, october):
    east = client.get(
        f"/api/v1/needs/figures?period=2026-10&community_id={october.east.id}",
        headers=auth(october.secretaries["east"]),
    )
    assert east.status_code == 200 and east.get_json()["received"] == 3
    one = client.get(
        f"/api/v1/needs/figures?period=2026-Q4&unit_id={october.one.id}", headers=auth(october.secretaries["one"])
    )
    assert one.status_code == 200 and one.get_json()["period"] == "2026-Q4"


@pytest.mark.parametrize(
    ("who", "query"),
    [
        ("east", "community_id={west}"),  # another community
        ("east", ""),  # the county
        ("one", "unit_id={two}"),  # another unit
        ("member", "community_id={east}"),  # a member, even of that community
    ],
)
def test_anyone_else_is_refused_403(client, auth, october, who, query):
    account = october.members["a"].account if who == "member" else october.secretaries[who]
    ids = {"east": october.east.id, "west": october.west.id, "two": october.two.id}
    response = client.get(f"/api/v1/needs/figures?period=2026-10&{query.format(**ids)}", headers=auth(account))
    assert response.status_code == 403
    assert set(response.get_json()) == {"code", "message"}


def test_no_token_is_401_an_unknown_community_404_and_a_bad_period_400(client, auth, october):
    assert client.get("/api/v1/needs/figures?period=2026-10").status_code == 401
    admin = auth(october.admin)
    assert client.get("/api/v1/needs/figures?period=2026-10&community_id=99999", headers=admin).status_code == 404
    for period in ("2026-13", "2026-Q0", "x" * 40, ""):
        response = client.get(f"/api/v1/needs/figures?period={period}", headers=admin)
        assert response.status_code == 400, period
        assert set(response.get_json()) == {"code", "message"}


def test_the_unit_ranking_is_public_and_ties_share_a_rank(client, october):
    response = client.get("/api/v1/needs/unit-ranking?period=2026-10")
    assert response.status_code == 200
    body = response.get_json()
    # 县教育局 2 orders over 2 members, 县医院 3 over 3 (its inactive member not counted), 县林业局 none.
    assert body["period"] == "2026-10"
    assert sorted((r["rank"], r["unit"], r["orders"], r["members"], r["per_member"]) for r in body["rows"]) == [
        (1, "县医院", 3, 3, 1.0),
        (1, "县教育局", 2, 2, 1.0),
        (3, "县林业局", 0, 2, 0.0),
    ]
    assert all(set(r) == {"rank", "unit", "orders", "members", "per_member"} for r in body["rows"])
    assert client.get("/api/v1/needs/unit-ranking?period=2026-99").status_code == 400


def test_both_calls_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "get" in paths["/api/v1/needs/figures"] and "get" in paths["/api/v1/needs/unit-ranking"]
