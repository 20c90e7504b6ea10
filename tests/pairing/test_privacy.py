"""Residents' private details (困难、疾病、家庭变故、纠纷 and the notes about them) reach only the paired
member, the community's secretary and an admin: never another member, a figure, or a log line (rule 6)."""

import logging
from datetime import date

import pytest

NOTE = "独居老人，患有糖尿病，儿子在外务工"
VISIT_NOTE = "送去药品，老人情绪低落"


@pytest.fixture
def county(make, auth):
    home = make.community()
    paired = make.member(home)
    household = make.household(home, member=paired, hardship=True, sickness=True, note=NOTE)
    return {
        "home": home,
        "household": household,
        "paired": auth(paired.account),
        "neighbour": auth(make.member(home).account),
        "secretary": auth(make.secretary(home)),
        "other secretary": auth(make.secretary(make.community())),
        "admin": auth(make.admin()),
    }


def test_the_paired_member_the_secretary_and_an_admin_see_the_flags_and_note(client, county):
    household = county["household"]
    for who in ("paired", "secretary", "admin"):
        body = client.get(f"/api/v1/households/{household.id}", headers=county[who]).get_json()
        assert body["flags"] == ["hardship", "sickness"] and body["note"] == NOTE, who
    mine = client.get("/api/v1/me/households", headers=county["paired"]).get_json()["households"]
    assert mine[0]["flags"] == ["hardship", "sickness"]


def test_a_member_not_paired_with_a_household_never_sees_its_flags_or_note(client, county):
    household, home, headers = county["household"], county["home"], county["neighbour"]
    answers = [
        client.get(f"/api/v1/households/{household.id}", headers=headers),
        client.get(f"/api/v1/households?community_id={home.id}", headers=headers),
        client.get("/api/v1/me/households", headers=headers),
        client.post(
            "/api/v1/visits",
            headers=headers,
            json={"household_id": household.id, "category": "hardship", "visited_on": date.today().isoformat()},
        ),
        client.get(f"/api/v1/pairings/below-target?community_id={home.id}", headers=headers),
        client.get(f"/api/v1/duty?quarter=2026-Q1&community_id={home.id}", headers=headers),
        client.get(f"/api/v1/stats?period=2026-01&community_id={home.id}", headers=headers),
    ]
    assert [a.status_code for a in answers] == [403, 403, 200, 403, 403, 403, 403]
    assert answers[2].get_json() == {"households": []}
    for answer in answers:
        text = answer.get_data(as_text=True)
        assert NOTE not in text and "hardship" not in text and "sickness" not in text


def test_another_communitys_secretary_does_not_see_the_household(client, county):
    household, home = county["household"], county["home"]
    assert client.get(f"/api/v1/households/{household.id}", headers=county["other secretary"]).status_code == 403
    assert (
        client.get(f"/api/v1/households?community_id={home.id}", headers=county["other secretary"]).status_code == 403
    )


def test_figures_and_lists_for_secretaries_carry_no_household_detail(client, county):
    home, headers = county["home"], county["secretary"]
    for path in (
        f"/api/v1/pairings/below-target?community_id={home.id}",
        f"/api/v1/duty?quarter=2026-Q1&community_id={home.id}",
        f"/api/v1/stats?period=2026-01&community_id={home.id}",
    ):
        text = client.get(path, headers=headers).get_data(as_text=True)
        assert NOTE not in text and county["household"].address not in text, path


def test_notes_never_reach_the_log(client, county, caplog):
    caplog.set_level(logging.DEBUG)
    household, home = county["household"], county["home"]
    body = {
        "household_id": household.id,
        "category": "sickness",
        "visited_on": date.today().isoformat(),
        "note": VISIT_NOTE,
    }
    assert client.post("/api/v1/visits", json=body, headers=county["paired"]).status_code == 201
    assert client.post("/api/v1/visits", json=body, headers=county["paired"]).status_code == 200
    assert client.post("/api/v1/visits", json=body, headers=county["neighbour"]).status_code == 403
    assert (
        client.post("/api/v1/visits", json={**body, "category": "gossip"}, headers=county["paired"]).status_code == 400
    )
    assert (
        client.post("/api/v1/visits", json={**body, "visited_on": "2099-01-01"}, headers=county["paired"]).status_code
        == 409
    )
    client.get(f"/api/v1/households/{household.id}", headers=county["neighbour"])
    client.get(f"/api/v1/households?community_id={home.id}", headers=county["secretary"])
    client.get("/api/v1/me/households", headers=county["paired"])
    client.post("/api/v1/pairings/auto", json={"community_id": home.id}, headers=county["secretary"])
    assert caplog.records, "the calls above log something"
    assert NOTE not in caplog.text and VISIT_NOTE not in caplog.text
