"""A town of two communities for the registration tests: their secretaries, a work unit, and a roster
member without an account."""

import pytest

from tests.factories import PASSWORD

CHOSEN = "new-pass-5678"


@pytest.fixture
def town(make):
    east, west = make.community("东街社区"), make.community("西街社区")
    unit = make.unit("县教育局")
    return {
        "east": east,
        "west": west,
        "unit": unit,
        "east_grid": make.grid(east),
        "west_grid": make.grid(west),
        "east_secretary": make.secretary(east),
        "west_secretary": make.secretary(west),
        "admin": make.admin(),
        "roster": make.member(east, unit, name="林秀英", phone="13900000001", with_account=False),
    }


@pytest.fixture
def form(town):
    """form(**changes) -> the fields of a registration to the east community, as the page and API send them."""

    def fields(**changes):
        return {
            "name": "陈建国",
            "phone": "13900000002",
            "password": CHOSEN,
            "unit_id": town["unit"].id,
            "community_id": town["east"].id,
            "grid_id": town["east_grid"].id,
            "address": "东街幸福小区3栋201",
        } | changes

    return fields


def hook(html: str, name: str) -> str:
    """The value of the first data-* attribute of that name on the page."""
    return html.split(f'{name}="', 1)[1].split('"', 1)[0]


def log_in(client, phone, password=PASSWORD):
    return client.post("/api/v1/auth/token", json={"phone": phone, "password": password})


def page_log_in(client, account):
    response = client.post("/login", data={"phone": account.phone, "password": PASSWORD})
    assert response.status_code == 302, response.text
