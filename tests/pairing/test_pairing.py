"""1+10 帮联: a community's secretary pairs members with households of their residence community; a
household has one member in charge at a time; pairings end or move, never vanish."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.members.models import Member
from app.pairing.models import Household, Pairing
from tests.factories import into_grid, pairing_target


def _pairings(app):
    with app.app_context():
        return [
            (p.member_id, p.household_id, p.ended_at is None)
            for p in db.session.scalars(select(Pairing).order_by(Pairing.id))
        ]


def _pair(client, headers, member, household):
    return client.post("/api/v1/pairings", json={"member_id": member.id, "household_id": household.id}, headers=headers)


@pytest.fixture
def home(make):
    return make.community()


@pytest.fixture
def secretary(make, auth, home):
    return auth(make.secretary(home))


def test_a_secretary_pairs_a_member_with_a_household_of_their_community(client, app, make, home, secretary):
    member, household = make.member(home), make.household(home)
    response = _pair(client, secretary, member, household)
    assert response.status_code == 201
    body = response.get_json()
    assert (body["member_id"], body["household_id"], body["ended_at"]) == (member.id, household.id, None)
    assert body["started_at"].endswith("+08:00")
    again = _pair(client, secretary, member, household)
    assert again.status_code == 200 and again.get_json()["pairing_id"] == body["pairing_id"]
    assert _pairings(app) == [(member.id, household.id, True)]


def test_a_household_paired_with_someone_else_is_409(client, app, make, home, secretary):
    first, second, household = make.member(home), make.member(home), make.household(home)
    _pair(client, secretary, first, household)
    response = _pair(client, secretary, second, household)
    assert response.status_code == 409 and response.get_json()["code"] == "already_paired"
    assert _pairings(app) == [(first.id, household.id, True)]


def test_a_member_living_in_another_community_is_not_paired_here(client, app, make, home, secretary):
    response = _pair(client, secretary, make.member(make.community()), make.household(home))
    assert response.status_code == 403 and response.get_json()["code"] == "other_community"
    assert _pairings(app) == []


@pytest.mark.parametrize("who", ["other secretary", "unit secretary", "member"])
def test_only_the_communitys_secretary_or_an_admin_pairs(client, app, make, auth, home, who):
    member = make.member(home)
    account = {
        "other secretary": lambda: make.secretary(make.community()),
        "unit secretary": lambda: make.secretary(unit=member_unit(app, member)),
        "member": lambda: member.account,
    }[who]()
    response = _pair(client, auth(account), member, make.household(home))
    assert response.status_code == 403 and _pairings(app) == []
    assert _pair(client, auth(make.admin()), member, make.household(home)).status_code == 201


def member_unit(app, member):
    with app.app_context():
        unit = db.session.get(Member, member.id).unit
        db.session.expunge(unit)
        return unit


def test_unknown_member_or_household_is_404(client, make, home, secretary):
    household = make.household(home)
    response = client.post(
        "/api/v1/pairings", json={"member_id": 999999, "household_id": household.id}, headers=secretary
    )
    assert response.status_code == 404
    response = client.post("/api/v1/pairings", json={"member_id": 1, "household_id": 999999}, headers=secretary)
    assert response.status_code == 404
    assert client.delete("/api/v1/pairings/999999", headers=secretary).status_code == 404


def test_ending_a_pairing_keeps_it_on_record_and_frees_the_household(client, app, make, home, secretary):
    first, second, household = make.member(home), make.member(home), make.household(home)
    pairing_id = _pair(client, secretary, first, household).get_json()["pairing_id"]
    ended = client.delete(f"/api/v1/pairings/{pairing_id}", headers=secretary)
    assert ended.status_code == 200 and ended.get_json()["ended_at"] is not None
    assert client.delete(f"/api/v1/pairings/{pairing_id}", headers=secretary).get_json() == ended.get_json()
    assert _pair(client, secretary, second, household).status_code == 201
    assert _pairings(app) == [(first.id, household.id, False), (second.id, household.id, True)]


def test_moving_a_pairing_ends_the_old_one_and_starts_a_new_one(client, app, make, home, secretary):
    first, second, household = make.member(home), make.member(home), make.household(home)
    pairing_id = _pair(client, secretary, first, household).get_json()["pairing_id"]
    moved = client.post(f"/api/v1/pairings/{pairing_id}/move", json={"member_id": second.id}, headers=secretary)
    assert moved.status_code == 201 and moved.get_json()["member_id"] == second.id
    assert _pairings(app) == [(first.id, household.id, False), (second.id, household.id, True)]
    again = client.post(f"/api/v1/pairings/{pairing_id}/move", json={"member_id": first.id}, headers=secretary)
    assert again.status_code == 409 and again.get_json()["code"] == "pairing_ended"


def test_a_refused_move_changes_nothing(client, app, make, home, secretary):
    member, household = make.member(home), make.household(home)
    pairing_id = _pair(client, secretary, member, household).get_json()["pairing_id"]
    outsider = make.member(make.community())
    response = client.post(f"/api/v1/pairings/{pairing_id}/move", json={"member_id": outsider.id}, headers=secretary)
    assert response.status_code == 403 and _pairings(app) == [(member.id, household.id, True)]


def test_auto_pairing_fills_members_up_to_the_target_same_grid_first(client, app, make, home, secretary):
    pairing_target(app, 2)
    north, south = make.member(home), make.member(home)
    h1 = make.household(home, member=north)
    h2, h3, h4, h5 = (make.household(home) for _ in range(4))
    into_grid(app, 1, south, h3, h4)
    response = client.post("/api/v1/pairings/auto", json={"community_id": home.id}, headers=secretary)
    assert response.get_json() == {"community_id": home.id, "target": 2, "pairings": 3, "members": 2, "below_target": 0}
    assert sorted(p[:2] for p in _pairings(app)) == sorted(
        [(north.id, h1.id), (north.id, h2.id), (south.id, h3.id), (south.id, h4.id)]
    )
    again = client.post("/api/v1/pairings/auto", json={"community_id": home.id}, headers=secretary).get_json()
    assert again["pairings"] == 0 and h5.id not in [p[1] for p in _pairings(app)]


def test_auto_pairing_takes_other_grids_when_the_members_own_runs_out(client, app, make, home, secretary):
    pairing_target(app, 3)
    make.member(home)
    households = [make.household(home) for _ in range(2)]
    into_grid(app, 1, households[1])
    other_community = make.household(make.community())
    body = client.post("/api/v1/pairings/auto", json={"community_id": home.id}, headers=secretary).get_json()
    assert body["pairings"] == 2 and body["below_target"] == 1
    assert other_community.id not in [p[1] for p in _pairings(app)]


def test_auto_pairing_is_refused_out_of_scope(client, make, auth, home):
    response = client.post(
        "/api/v1/pairings/auto", json={"community_id": home.id}, headers=auth(make.secretary(make.community()))
    )
    assert response.status_code == 403
    response = client.post("/api/v1/pairings/auto", json={"community_id": 999999}, headers=auth(make.admin()))
    assert response.status_code == 404


def test_members_below_the_target_are_listed_with_their_count(client, app, make, home, secretary):
    pairing_target(app, 2)
    full, short, none = make.member(home), make.member(home), make.member(home)
    for _ in range(2):
        make.household(home, member=full)
    make.household(home, member=short)
    body = client.get(f"/api/v1/pairings/below-target?community_id={home.id}", headers=secretary).get_json()
    assert body == {
        "target": 2,
        "members": [
            {"member_id": none.id, "name": none.name, "households": 0},
            {"member_id": short.id, "name": short.name, "households": 1},
        ],
    }


def test_the_default_target_is_ten(client, make, home, secretary):
    make.member(home)
    body = client.get(f"/api/v1/pairings/below-target?community_id={home.id}", headers=secretary).get_json()
    assert body["target"] == 10 and body["members"][0]["households"] == 0


def test_a_member_sees_the_households_paired_with_them_and_their_flags(client, app, make, auth, home):
    member = make.member(home)
    mine = make.household(home, member=member, hardship=True, dispute=True)
    make.household(home, member=make.member(home), sickness=True)
    body = client.get("/api/v1/me/households", headers=auth(member.account)).get_json()
    assert [(h["id"], h["address"], h["grid"], h["flags"]) for h in body["households"]] == [
        (mine.id, mine.address, "第1网格", ["hardship", "dispute"])
    ]


def test_a_secretary_lists_the_communitys_households_with_who_is_paired(client, app, make, home, secretary):
    member = make.member(home)
    paired, free = make.household(home, member=member), make.household(home)
    body = client.get(f"/api/v1/households?community_id={home.id}", headers=secretary).get_json()
    assert [(h["id"], h["member_id"]) for h in body["households"]] == [(paired.id, member.id), (free.id, None)]
    with app.app_context():
        assert db.session.query(Household).count() == 2
