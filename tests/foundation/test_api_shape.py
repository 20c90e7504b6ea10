"""Every API error has one shape, {"code", "message"}, and the OpenAPI document is generated from the code."""

import pytest


def test_healthz_answers_once_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


@pytest.mark.parametrize(
    "body, content_type",
    [
        ("not json", "application/json"),
        ('{"phone": 1}', "application/json"),
        ("[]", "application/json"),
        ("", "text/plain"),
    ],
)
def test_a_malformed_request_is_a_400_with_a_chinese_message(client, body, content_type):
    response = client.post("/api/v1/auth/token", data=body, content_type=content_type)
    assert response.status_code in (400, 415, 422)
    payload = response.get_json()
    assert set(payload) >= {"code", "message"}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in payload["message"])


def test_an_unknown_api_path_is_a_404_in_the_same_shape(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404 and response.get_json()["code"] == "not_found"


def test_a_wrong_method_is_a_405_in_the_same_shape(client):
    response = client.delete("/api/v1/auth/token")
    assert response.status_code == 405 and response.get_json()["code"] == "method_not_allowed"


def test_every_api_route_is_in_the_openapi_document(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    documented = {path for path in document["paths"]}
    routes = {
        rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
    }
    routes.discard("/api/v1/openapi.json")

    def normalise(path):
        return "/".join("{}" if part.startswith("{") else part for part in path.split("/"))

    assert {normalise(r) for r in routes} <= {normalise(p) for p in documented}


def test_the_openapi_document_describes_errors_as_they_are_sent(client):
    document = client.get("/api/v1/openapi.json").get_json()
    error = document["components"]["responses"]["DEFAULT_ERROR"]["content"]["application/json"]["schema"]
    schema = document["components"]["schemas"][error["$ref"].rsplit("/", 1)[1]]
    assert {name: field["type"] for name, field in schema["properties"].items()} == {
        "code": "string",
        "message": "string",
    }
    assert schema["required"] == ["code", "message"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/checkins",
        "/api/v1/events/{event_id}/proxy-checkins",
        "/api/v1/events/{event_id}/signups",
        "/api/v1/visits",
        "/api/v1/pairings",
    ],
)
def test_a_call_that_answers_a_repeat_with_200_documents_both_answers(client, path):
    responses = client.get("/api/v1/openapi.json").get_json()["paths"][path]["post"]["responses"]
    assert {"200", "201"} <= set(responses)
    assert responses["200"]["content"] == responses["201"]["content"]


def test_every_month_or_quarter_parameter_is_documented_with_its_shape(client):
    document = client.get("/api/v1/openapi.json").get_json()
    named = [
        (path, p)
        for path, item in document["paths"].items()
        for operation in [item] + [o for m, o in item.items() if m != "parameters"]
        for p in operation.get("parameters", [])
        if p["name"] in ("period", "quarter", "month")
    ]
    assert len(named) >= 10
    assert all("pattern" in p["schema"] for _, p in named), [path for path, p in named if "pattern" not in p["schema"]]


@pytest.mark.parametrize("body", ['{"phone": ' + "9" * 5000 + ', "password": "x"}', "[" * 100_000 + "]" * 100_000])
def test_json_that_python_will_not_read_is_a_400_like_any_malformed_body(client, body):
    response = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert response.status_code == 400 and response.get_json()["code"] == "invalid_request"


def test_an_oversized_body_is_refused_before_it_is_read(client):
    response = client.post(
        "/api/v1/auth/token", data=b"{" + b" " * (2 * 1024 * 1024) + b"}", content_type="application/json"
    )
    assert response.status_code == 413
    assert response.get_json() == {"code": "too_large", "message": "请求内容过大"}
