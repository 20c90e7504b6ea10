"""The office's fixtures: an admin logged in through /login, and months relative to today's."""

import pytest

from app.db import utcnow
from ledger import periods
from tests.factories import PASSWORD


def log_in(client, account):
    response = client.post("/login", data={"phone": account.phone, "password": PASSWORD})
    assert response.status_code == 302, response.text
    return response


def hook(html: str, name: str) -> str:
    """The value of the first data-* attribute of that name on the page."""
    return html.split(f'{name}="', 1)[1].split('"', 1)[0]


@pytest.fixture
def admin(client, make):
    account = make.admin()
    log_in(client, account)
    return account


@pytest.fixture
def months():
    """(two months ago, last month, this month) on the China calendar."""
    this = periods.month_of(utcnow())
    last = periods.prev_month(this)
    return periods.prev_month(last), last, this
