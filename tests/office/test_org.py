"""The organisation tree from the office: listed, added to and edited by an admin only, every act logged."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.org.models import Building, Community, Grid, Region, Unit
from tests.office.conftest import OFFICE_PAGES, hook


def _street(app, county):
    with app.app_context():
        return db.session.get(Community, county["community"].id).region_id


def test_an_admin_adds_a_street_a_community_a_grid_a_building_and_a_unit_by_the_api(client, auth, county, logged):
    admin = auth(county["admin"])
    street = client.post("/api/v1/org/regions", json={"name": "五里街镇", "kind": "township"}, headers=admin)
    assert street.status_code == 201, street.get_json()
    community = client.post(
        "/api/v1/org/communities", json={"name": "埔头社区", "region_id": street.get_json()["id"]}, headers=admin
    )
    assert community.status_code == 201
    community_id = community.get_json()["id"]
    grid = client.post("/api/v1/org/grids", json={"name": "第一网格", "community_id": community_id}, headers=admin)
    building = client.post(
        "/api/v1/org/buildings", json={"name": "1号楼", "grid_id": grid.get_json()["id"]}, headers=admin
    )
    unit = client.post(
        "/api/v1/org/units",
        json={"name": "县税务局", "kind": "organ", "party_org": "县税务局党委", "community_id": community_id},
        headers=admin,
    )
    assert (grid.status_code, building.status_code, unit.status_code) == (201, 201, 201)

    tree = client.get("/api/v1/org/tree", headers=admin).get_json()
    town = next(r for r in tree["regions"] if r["name"] == "五里街镇")
    assert town["communities"][0]["grids"][0]["buildings"] == [{"id": building.get_json()["id"], "name": "1号楼"}]
    assert [u["name"] for u in town["communities"][0]["units"]] == ["县税务局"]
    assert [a for a, _, _ in logged("org.")] == [
        "org.region_add",
        "org.community_add",
        "org.grid_add",
        "org.building_add",
        "org.unit_add",
    ]


def test_a_name_already_used_where_it_must_be_unique_is_refused_in_chinese(app, client, auth, county, logged):
    admin = auth(county["admin"])
    street = _street(app, county)
    taken = client.post("/api/v1/org/communities", json={"name": "桃东社区", "region_id": street}, headers=admin)
    assert taken.status_code == 409
    assert taken.get_json()["code"] == "name_taken" and "桃东社区" in taken.get_json()["message"]
    county_root = client.post("/api/v1/org/communities", json={"name": "新社区", "region_id": 1}, headers=admin)
    assert county_root.status_code == 400 and county_root.get_json()["code"] == "invalid_region"
    blank = client.post("/api/v1/org/units", json={"name": "\u3000"}, headers=admin)
    assert blank.status_code == 400 and blank.get_json()["code"] == "blank_text"
    assert logged("org.") == []


def test_two_communities_may_each_have_a_first_grid_but_one_community_not_two(client, auth, county, make):
    admin = auth(county["admin"])
    other = make.community("五里社区", grids=0)
    assert (
        client.post("/api/v1/org/grids", json={"name": "第1网格", "community_id": other.id}, headers=admin).status_code
        == 201
    )
    again = client.post("/api/v1/org/grids", json={"name": "第1网格", "community_id": other.id}, headers=admin)
    assert again.status_code == 409 and again.get_json()["code"] == "name_taken"


def test_an_empty_grid_moves_to_another_community_but_one_with_members_does_not(app, client, auth, county, make):
    admin = auth(county["admin"])
    other = make.community("五里社区", grids=0)
    with app.app_context():
        lived_in, empty = db.session.scalars(
            select(Grid.id).where(Grid.community_id == county["community"].id).order_by(Grid.id)
        ).all()
    refused = client.patch(f"/api/v1/org/grids/{lived_in}", json={"community_id": other.id}, headers=admin)
    assert refused.status_code == 409 and refused.get_json()["code"] == "grid_in_use"
    assert "党员或住户" in refused.get_json()["message"]
    moved = client.patch(f"/api/v1/org/grids/{empty}", json={"community_id": other.id, "name": "新网格"}, headers=admin)
    assert moved.status_code == 200 and moved.get_json() == {"id": empty, "name": "新网格", "community_id": other.id}
    with app.app_context():
        assert db.session.get(Grid, lived_in).community_id == county["community"].id


def test_a_unit_reports_to_a_community_and_can_stop(client, auth, county):
    admin = auth(county["admin"])
    unit_id = county["unit"].id
    edited = client.patch(
        f"/api/v1/org/units/{unit_id}",
        json={"community_id": county["community"].id, "party_org": "县教育局党组"},
        headers=admin,
    )
    assert edited.get_json()["community_id"] == county["community"].id
    assert edited.get_json()["party_org"] == "县教育局党组"
    stopped = client.patch(f"/api/v1/org/units/{unit_id}", json={"community_id": None}, headers=admin)
    assert stopped.get_json()["community_id"] is None and stopped.get_json()["name"] == "县教育局"


def test_the_page_lists_the_tree_and_edits_it(app, office, county, logged):
    page = office.get("/office/org")
    assert page.status_code == 200
    html = page.text
    assert f'data-community-id="{county["community"].id}"' in html and "桃东社区" in html
    assert f'data-unit-id="{county["unit"].id}"' in html
    street = _street(app, county)
    added = office.post("/office/org", data={"action": "add_community", "name": "环翠社区", "region_id": street})
    assert added.status_code == 200 and hook(added.text, "data-office-status") == "done"
    assert "环翠社区" in added.text
    renamed = office.post(
        "/office/org", data={"action": "edit_community", "id": county["community"].id, "name": "桃东新社区"}
    )
    assert hook(renamed.text, "data-office-status") == "done"
    taken = office.post("/office/org", data={"action": "add_community", "name": "环翠社区", "region_id": street})
    assert taken.status_code == 409 and hook(taken.text, "data-office-status") == "name_taken"
    assert "已有名为“环翠社区”的社区" in taken.text
    bad = office.post("/office/org", data={"action": "edit_grid", "id": "x"})
    assert bad.status_code == 400 and hook(bad.text, "data-office-status") == "invalid_request"
    with app.app_context():
        assert db.session.get(Community, county["community"].id).name == "桃东新社区"
    assert [a for a, _, _ in logged("org.")] == ["org.community_add", "org.community_edit"]


@pytest.mark.parametrize("who", ["secretary", "member"])
def test_nobody_but_an_admin_sees_or_edits_the_tree(app, client, auth, county, outsiders, who, logged):
    page_client = outsiders[who]
    for path in OFFICE_PAGES:
        page = page_client.get(path)
        assert page.status_code == 403 and "只供县委组织部管理员使用" in page.text and 'href="/"' in page.text
        posted = page_client.post(path, data={"action": "add_region", "name": "新镇", "kind": "township"})
        assert posted.status_code == 403
    account = county[who] if who == "secretary" else county[who].account
    headers = auth(account)
    assert client.get("/api/v1/org/tree", headers=headers).status_code == 403
    refused = client.post("/api/v1/org/regions", json={"name": "新镇", "kind": "township"}, headers=headers)
    assert refused.status_code == 403 and refused.get_json()["code"] == "not_allowed"
    with app.app_context():
        assert db.session.scalars(select(Region).where(Region.name == "新镇")).first() is None
        assert db.session.scalars(select(Unit)).all() and db.session.scalars(select(Building)).all() == []
    assert logged() == []
