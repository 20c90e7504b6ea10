"""DOMAIN rule 6 for residents' needs: the resident's name and phone never reach a public page or a public API
answer, whatever the need's state: the form and its answer, the tracking page, the public needs calls, and
the board's 群众点单 tab."""

import pytest

from app.db import utcnow
from app.needs import operations
from ledger import periods
from tests.needs_pages.conftest import RESIDENT, build_town, hook, submit_need

STATES = ("received", "open", "taken", "done", "closed", "refused")
# One resident per state (a phone sends at most 5 a day), each name and phone to look for.
RESIDENTS = {s: {"resident_name": f"赵阿婆{n}", "resident_phone": f"1371234560{n}"} for n, s in enumerate(STATES)}
SECRETS = [v for r in RESIDENTS.values() for v in r.values()] + list(RESIDENT.values())


@pytest.fixture
def town(app, make):
    return build_town(app, make)


@pytest.fixture
def needs(app, client, town):
    """One need in each state a resident can see, each with its code; and the answer to a public API call."""
    made = {}
    for state in STATES:
        need_id, code, html = submit_need(client, town, content=f"需求{state}", **RESIDENTS[state])
        assert not [s for s in SECRETS if s in html]
        made[state] = (need_id, code)
    now = utcnow()
    with app.app_context():
        for state in ("open", "taken", "done", "closed"):
            operations.dispatch(town["secretary"], made[state][0], open_to_members=True, now=now)
        for state in ("taken", "done", "closed"):
            operations.claim(town["zhang"].id, made[state][0], now=now)
        for state in ("done", "closed"):
            operations.mark_done(town["zhang"].id, made[state][0], "已办好", now=now)
        operations.rate(made["closed"][0], made["closed"][1], 5, "很好", now=now)
        operations.refuse(town["secretary"], made["refused"][0], "不属于服务范围", now=now)
    api = client.post(
        "/api/v1/public/needs",
        json=RESIDENT | {"community_id": town["a"].id, "category_id": town["category_id"], "content": "想请人读报"},
    )
    assert api.status_code == 201 and not [s for s in SECRETS if s in api.text]
    return made


def test_no_public_page_or_answer_holds_the_resident_s_name_or_phone(client, town, needs):
    client.post("/logout")
    community = town["a"].id
    month = periods.month_of(utcnow())
    urls = [
        f"/n/{community}",
        "/board",
        f"/board/needs?period={month}",
        f"/board/needs?period={month}&community_id={community}",
        f"/api/v1/needs/unit-ranking?period={month}",
    ]
    for need_id, code in needs.values():
        urls += [f"/n/{community}/t/{need_id}?code={code}", f"/api/v1/public/needs/{need_id}?code={code}"]
        # A wrong code is refused, and says nothing of the need either.
        urls.append(f"/api/v1/public/needs/{need_id}?code=WRONG")
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        assert not [s for s in SECRETS if s in response.text], url
    rated = client.post(f"/n/{community}/t/{needs['done'][0]}", data={"code": needs["done"][1], "stars": "4"})
    assert hook(rated.text, "data-rating-status") == "rated" and not [s for s in SECRETS if s in rated.text]
