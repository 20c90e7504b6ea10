"""The OpenAPI document as a client generator reads it: named operations, an ASCII title, one path per decision."""

import re

OPERATIONS = ("get", "put", "post", "delete", "patch", "head", "options")


def _operations(document):
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in OPERATIONS
    ]


def test_every_operation_has_its_own_camel_case_operation_id(client):
    operations = _operations(client.get("/api/v1/openapi.json").get_json())
    ids = [operation.get("operationId") for _, _, operation in operations]
    unnamed = [(method, path) for method, path, operation in operations if "operationId" not in operation]
    assert unnamed == []
    assert [i for i in ids if not re.fullmatch(r"[a-z][A-Za-z0-9]+", i)] == []
    assert len(set(ids)) == len(ids), sorted(i for i in ids if ids.count(i) > 1)


def test_the_operations_are_named_for_what_they_do(client):
    named = {
        (method, path): operation["operationId"]
        for method, path, operation in _operations(client.get("/api/v1/openapi.json").get_json())
    }
    assert {
        named[("post", "/api/v1/auth/token")],
        named[("get", "/api/v1/me")],
        named[("post", "/api/v1/checkins")],
        named[("post", "/api/v1/ledger/entries/{entry_id}/approve")],
        named[("post", "/api/v1/ledger/entries/{entry_id}/reject")],
        named[("post", "/api/v1/ledger/entries/bulk")],
    } == {"logIn", "getMe", "checkIn", "approveEntry", "rejectEntry", "decideEntries"}


def test_the_title_is_ascii_and_the_chinese_name_stands_beside_it(client):
    info = client.get("/api/v1/openapi.json").get_json()["info"]
    assert info["title"].isascii() and info["title"].strip()
    assert info["x-title-zh"] == "在职党员回社区报到积分台账 API"
    assert info["x-title-zh"] in info["description"]


def test_approve_and_reject_are_two_paths_each_with_its_own_body(client):
    document = client.get("/api/v1/openapi.json").get_json()
    paths, schemas = document["paths"], document["components"]["schemas"]
    assert "/api/v1/ledger/entries/{entry_id}/{action}" not in paths

    def body(action):
        request = paths[f"/api/v1/ledger/entries/{{entry_id}}/{action}"]["post"]["requestBody"]
        return request["required"], schemas[request["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]

    approve_required, approve = body("approve")
    reject_required, reject = body("reject")
    assert approve_required is False and "required" not in approve
    assert reject_required is True and reject["required"] == ["reason"]
    assert approve != reject
    assert body("reverse")[1]["required"] == ["reason"]
