"""A community with a resident's need to walk: its secretary, a work unit (帮帮团) with its secretary and two
members living there, another community's secretary, and a service category; the test client logs in by
the /login form (CSRF is off in TestConfig; the browser test turns it on)."""

import re

import pytest

from app.catalogue.models import ServiceCategory
from app.extensions import db
from tests.factories import PASSWORD


@pytest.fixture
def town(app, make):
    return build_town(app, make)


def build_town(app, make) -> dict:
    a, b = make.community("桃源社区"), make.community("东山社区")
    unit = make.unit("县教育局")
    zhang = make.member(a, unit, name="张明")
    li = make.member(a, unit, name="李华")
    with app.app_context():
        category = ServiceCategory(name="助老助残", position=1)
        db.session.add(category)
        db.session.commit()
        category_id = category.id
    return {
        "a": a,
        "b": b,
        "unit": unit,
        "zhang": zhang,
        "li": li,
        "secretary": make.secretary(a),
        "unit_secretary": make.secretary(unit=unit),
        "other": make.secretary(b),
        "admin": make.admin(),
        "category_id": category_id,
        "grid_id": make.grid(a).id,
    }


@pytest.fixture
def log_in(client):
    def go(account, password=PASSWORD):
        client.post("/logout")
        response = client.post("/login", data={"phone": account.phone, "password": password})
        assert response.status_code == 302, response.text
        return response

    return go


RESIDENT = {"resident_name": "赵阿婆", "resident_phone": "13712345678"}


@pytest.fixture
def submit(client, town):
    """submit(**fields) -> (need_id, code, page html): the resident's public form, as a phone sends it."""
    return lambda **fields: submit_need(client, town, **fields)


def submit_need(client, town, **fields) -> tuple[int, str, str]:
    client.post("/logout")
    data = RESIDENT | {
        "grid_id": town["grid_id"],
        "category_id": town["category_id"],
        "content": "家里水管漏水，想请人帮忙看看",
    }
    response = client.post(f"/n/{town['a'].id}", data=data | fields)
    assert response.status_code == 200, response.text
    return int(hook(response.text, "data-need-id")), hook(response.text, "data-need-code"), response.text


def hook(html: str, name: str) -> str:
    """The value of the first data-* attribute of that name on the page."""
    found = re.search(rf'{name}="([^"]*)"', html)
    assert found, f"no {name} on the page"
    return found.group(1)
