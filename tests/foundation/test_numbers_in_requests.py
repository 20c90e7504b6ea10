"""A number a client sends never reaches the database unchecked: too large for a column is a 4xx, not a 500."""

import pytest

HUGE = 10**20
# What a required text parameter needs to be valid, so that the number alone is wrong.
TEXT = {"period": "2026-10", "quarter": "2026-Q4", "kind": "xlsx", "action": "approve"}


def _operations(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, item in document["paths"].items():
        shared = item.get("parameters", [])
        for method, operation in item.items():
            if method != "parameters":
                yield path, method, operation.get("parameters", []) + shared


def _request(path, parameters, huge):
    """The operation's URL with every parameter valid but `huge`, which gets a number past any column."""
    query = {}
    for p in parameters:
        if p["in"] not in ("path", "query") or (p["in"] == "query" and not p.get("required") and p is not huge):
            continue
        value = HUGE if p is huge else (1 if p["schema"].get("type") == "integer" else TEXT.get(p["name"], "x"))
        if p["in"] == "path":
            path = path.replace("{" + p["name"] + "}", str(value))
        else:
            query[p["name"]] = value
    return path, query


def test_no_number_in_a_path_or_query_makes_a_server_error(app, client, make, auth):
    headers = auth(make.admin())
    tried = []
    for path, method, parameters in _operations(client):
        for huge in (p for p in parameters if p["in"] in ("path", "query") and p["schema"].get("type") == "integer"):
            url, query = _request(path, parameters, huge)
            response = client.open(url, method=method.upper(), query_string=query, headers=headers, json={})
            tried.append((method, url, query))
            assert response.status_code in (400, 404), (method, url, query, response.get_json())
            assert set(response.get_json()) >= {"code", "message"}
    # Every id-taking call is reached: the document names them, so a new one is tried without a new test.
    assert len(tried) >= 30


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/v1/pairings", {"member_id": HUGE, "household_id": 1}),
        ("/api/v1/pairings", {"member_id": 1, "household_id": HUGE}),
        ("/api/v1/pairings/auto", {"community_id": HUGE}),
        ("/api/v1/pairings/1/move", {"member_id": HUGE}),
        ("/api/v1/ledger/entries/bulk", {"ids": [HUGE], "action": "approve"}),
    ],
)
def test_no_id_in_a_body_makes_a_server_error(client, make, auth, path, body):
    response = client.post(path, json=body, headers=auth(make.admin()))
    assert response.status_code == 400 and response.get_json()["code"] == "invalid_request"
