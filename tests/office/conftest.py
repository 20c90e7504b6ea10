"""The county office's fixtures: an admin, a secretary and a member of one community and their page
clients, the action log's rows, and months relative to today's."""

import pytest
from sqlalchemy import select

from app.action_log.models import ActionLogEntry
from app.db import utcnow
from app.extensions import db
from ledger import periods
from tests import factories
from tests.factories import PASSWORD


@pytest.fixture
def county(make):
    community = make.community("桃东社区")
    return {
        "community": community,
        "unit": make.unit("县教育局"),
        "admin": make.admin(),
        "secretary": make.secretary(community),
        "member": make.member(community),
    }


def log_in(client, account, password=PASSWORD):
    """The client, logged in through /login."""
    factories.log_in(client, account, password=password)
    return client


@pytest.fixture
def office(app, county):
    """A test client logged in as the admin, on the pages."""
    return log_in(app.test_client(), county["admin"])


@pytest.fixture
def logged(app):
    """logged() -> the action log's (action, target) rows, oldest first."""

    def rows(action_prefix=""):
        with app.app_context():
            return [
                (row.action, row.target, row.account_id)
                for row in db.session.scalars(select(ActionLogEntry).order_by(ActionLogEntry.id))
                if row.action.startswith(action_prefix)
            ]

    return rows


def hook(html: str, name: str) -> str:
    """The value of the first data-* attribute of that name on the page."""
    return html.split(f'{name}="', 1)[1].split('"', 1)[0]


OFFICE_PAGES = ("/office/org", "/office/accounts", "/office/rules")


@pytest.fixture
def outsiders(app, county):
    """The secretary's and the member's page clients and API headers: nobody but an admin gets in."""
    return {
        "secretary": log_in(app.test_client(), county["secretary"]),
        "member": log_in(app.test_client(), county["member"].account),
    }


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
