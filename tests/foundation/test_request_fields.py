"""Every text a request carries has a length limit, the text a person must fill in has visible characters, and
the month a document allows is one the API takes."""

import re

import pytest

from app.schemas import MONTH, MONTH_OR_QUARTER, QUARTER
from app.text import visible
from ledger.errors import InvalidPeriod
from ledger.periods import parse_month, parse_quarter

# The login's phone and password are the auth work's to bound (issue 14, finding 5).


def _strings(document, path, operation):
    """(name, schema) of every string the operation takes: query, path, header, and JSON body fields."""
    for parameter in operation.get("parameters", []) + document["paths"][path].get("parameters", []):
        if parameter["schema"].get("type") == "string":
            yield parameter["name"], parameter["schema"]
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    if body:
        schema = document["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
        for name, field in schema["properties"].items():
            if field.get("type") == "string" or "string" in (field.get("type") or []):
                yield name, field


def test_every_text_in_a_request_has_a_length_limit(client):
    # A date or a time ("format") is parsed whole or refused; everything else is bounded by its length.
    document = client.get("/api/v1/openapi.json").get_json()
    unbounded = [
        (path, name)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
        for name, schema in _strings(document, path, operation)
        if not {"maxLength", "enum", "format"} & set(schema)
    ]
    assert unbounded == [], unbounded


@pytest.mark.parametrize(
    "text", ["", " ", "\u3000", "\u200b", "\u200b\u200d\ufeff", "\t\n", "\u2800", "\u3164", "\u0301", "\u202e\u2066"]
)
def test_blank_and_invisible_characters_are_no_text(text):
    assert not visible(text)


@pytest.mark.parametrize("text", ["回家日", " a", "\u200b好", "·", "①", "😀"])
def test_one_visible_character_is_text(text):
    assert visible(text)


@pytest.mark.parametrize("year", [1899, 1900, 1999, 2000, 2026, 2999, 8999, 9000, 9899, 9900, 9989, 9990, 9998, 9999])
def test_the_documented_month_and_quarter_are_exactly_those_the_calendar_takes(year):
    for shape, parse, value in (
        (MONTH, parse_month, f"{year}-12"),
        (QUARTER, parse_quarter, f"{year}-Q4"),
        (MONTH_OR_QUARTER, parse_month, f"{year}-01"),
        (MONTH_OR_QUARTER, parse_quarter, f"{year}-Q1"),
    ):
        try:
            parse(value)
            takes = True
        except InvalidPeriod:
            takes = False
        assert bool(re.fullmatch(shape["pattern"], value)) is takes, value
