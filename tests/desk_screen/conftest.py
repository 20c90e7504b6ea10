"""A hall on a return day as the desk's screen, notices and leave see it: a community with its secretary,
members and an event open for check-in; a page session for any account."""

from types import SimpleNamespace

import pytest

from tests.factories import PASSWORD


@pytest.fixture
def hall(make):
    community = make.community(name="桃源社区")
    return SimpleNamespace(
        community=community,
        secretary=make.secretary(community),
        members=[make.member(community, name=f"居民{i}") for i in range(3)],
        event=make.event(community, title="十二月回家日"),
    )


@pytest.fixture
def log_in(client):
    """log_in(account): the test client's page session is now that account's."""

    def as_(account):
        client.post("/logout")
        response = client.post("/login", data={"phone": account.phone, "password": PASSWORD})
        assert response.status_code == 302, response.text

    return as_


def hook(html: str, name: str) -> str:
    """The value of the first data-* attribute of that name on the page."""
    return html.split(f'{name}="', 1)[1].split('"', 1)[0]
