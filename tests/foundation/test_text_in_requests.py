"""Text a client sends is refused with a 400 when no database can store it: NUL (PostgreSQL), lone surrogates."""

import json
from datetime import date

import pytest


@pytest.fixture
def county(make, auth):
    community, unit = make.community(), make.unit()
    member = make.member(community, unit)
    household = make.household(community, member=member)
    return {"community": community, "household": household, "admin": auth(make.admin()), "member": auth(member.account)}


def _requests(county):
    event = {
        "community_id": county["community"].id,
        "title": "回家日",
        "category": "政策宣传",
        "kind": "service",
        "starts_at": "2026-11-29T09:00:00+08:00",
        "ends_at": "2026-11-29T11:00:00+08:00",
    }
    return [
        ("POST", "/api/v1/auth/token", None, {"phone": "1380000\x000001", "password": "x"}, {}),
        ("GET", "/api/v1/members", "admin", None, {"q": "张\x00"}),
        ("POST", "/api/v1/events", "admin", {**event, "title": "回家日\x00"}, {}),
        ("POST", "/api/v1/events", "admin", {**event, "category": "政策\x00宣传"}, {}),
        ("POST", "/api/v1/checkins", "member", {"token": "abc\x00"}, {}),
        (
            "POST",
            "/api/v1/visits",
            "member",
            {
                "household_id": county["household"].id,
                "category": "routine",
                "visited_on": date.today().isoformat(),
                "note": "\x00",
            },
            {},
        ),
        ("GET", "/api/v1/ledger/entries", "admin", None, {"period": "2026-1\x00"}),
    ]


def test_a_nul_character_in_any_text_is_a_400(client, county):
    for method, path, role, body, query in _requests(county):
        headers = county[role] if role else {}
        response = client.open(path, method=method, json=body, query_string=query, headers=headers)
        assert response.status_code == 400, (method, path, response.get_json())
        assert response.get_json()["code"] == "invalid_request" and "不能包含空字符" in response.get_json()["message"]


def test_a_lone_surrogate_in_json_text_is_a_400(client, county):
    for body in ('{"phone": "\\ud800", "password": "x"}', '{"phone": "1", "password": "\\udfff"}'):
        response = client.post("/api/v1/auth/token", data=body, content_type="application/json")
        assert response.status_code == 400 and "无效的 Unicode 字符" in response.get_json()["message"]
    event = {
        "community_id": county["community"].id,
        "title": "\ud800",
        "category": "政策宣传",
        "kind": "service",
        "starts_at": "2026-11-29T09:00:00+08:00",
        "ends_at": "2026-11-29T11:00:00+08:00",
    }
    # json.dumps escapes the surrogate, as a client's JSON would (the test client's own json= cannot encode it).
    response = client.post(
        "/api/v1/events", data=json.dumps(event), content_type="application/json", headers=county["admin"]
    )
    assert response.status_code == 400 and "title" in response.get_json()["message"]


def test_a_control_character_in_text_is_a_400_as_no_workbook_could_hold_it(make, client, auth):
    community = make.community()
    answer = client.patch(
        f"/api/v1/org/communities/{community.id}", json={"name": "东关\x1b社区"}, headers=auth(make.admin())
    )
    assert answer.status_code == 400 and answer.get_json()["code"] == "invalid_request"
