"""Points rules, county settings and the service catalogue from the office: a rule change is a new version
from a future month that never re-prices an entry already written; settings within bounds; every act logged."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.catalogue import operations
from app.catalogue.models import PointsRule, ServiceCategory
from app.db import utcnow
from app.extensions import db
from app.org.settings import county_settings
from app.points.models import EntryStatus
from ledger import periods
from tests.factories import earn, local
from tests.office.conftest import hook

OCTOBER_20 = datetime(2026, 10, 20, 2, 0, tzinfo=UTC)


def _points(app, entry_ids):
    with app.app_context():
        return [db.session.get(EntryStatus, i).points for i in entry_ids]


def _next_month() -> str:
    return periods.next_month(periods.month_of(utcnow()))


def test_a_rule_changed_for_next_month_leaves_this_months_entries_and_prices_next_months_anew(
    app, county, logged, ledger_verifies
):
    member = county["member"]
    october = earn(app, member, "return_day", period="2026-10", now=OCTOBER_20)
    with app.app_context():
        operations.change_rule(county["admin"], "checkin.return_day", from_month="2026-11", points=8, now=OCTOBER_20)
    late_october = earn(app, member, "return_day", period="2026-10", now=local(2026, 10, 31, 23, 59))
    november = earn(app, member, "return_day", period="2026-11", now=local(2026, 11, 1, 0, 0))
    assert _points(app, october + late_october + november) == [5, 5, 8]
    with app.app_context():
        versions = db.session.scalars(
            select(PointsRule).where(PointsRule.code == "checkin.return_day").order_by(PointsRule.valid_from)
        ).all()
        assert [(v.points, v.valid_to) for v in versions] == [(5, local(2026, 11, 1)), (8, None)]
    assert [a for a, _, _ in logged("rules.")] == ["rules.change"]
    ledger_verifies()


@pytest.mark.parametrize("month", ["2026-10", "2026-09", "1999-01"])
def test_a_rule_change_from_this_month_or_the_past_is_refused_in_chinese(app, county, month, logged):
    from app.errors import Refusal

    with app.app_context(), pytest.raises(Refusal) as refused:
        operations.change_rule(county["admin"], "checkin.return_day", from_month=month, points=8, now=OCTOBER_20)
    assert refused.value.code == "not_in_future" and "不能是今天或过去" in refused.value.message
    assert logged() == []


def test_a_change_on_the_first_of_a_month_is_not_in_the_future_that_day(app, county):
    from app.errors import Refusal

    with app.app_context(), pytest.raises(Refusal):
        operations.change_rule(
            county["admin"], "checkin.return_day", from_month="2026-11", points=8, now=local(2026, 11, 1, 0, 0)
        )


def test_the_api_changes_a_rule_for_next_month_and_lists_both_versions(client, auth, county, logged):
    admin = auth(county["admin"])
    month = _next_month()
    changed = client.post(
        "/api/v1/rules/visit.routine/versions", json={"from_month": month, "points": 2, "cap_month": 12}, headers=admin
    )
    assert changed.status_code == 201, changed.get_json()
    assert (changed.get_json()["points"], changed.get_json()["state"], changed.get_json()["needs_audit"]) == (
        2,
        "future",
        True,
    )
    rules = {r["code"]: r for r in client.get("/api/v1/rules", headers=admin).get_json()["rules"]}
    routine = rules["visit.routine"]
    assert routine["current"]["points"] == 1
    assert [v["points"] for v in routine["versions"]] == [1, 2]
    twice = client.post("/api/v1/rules/visit.routine/versions", json={"from_month": month, "points": 3}, headers=admin)
    assert twice.status_code == 409 and twice.get_json()["code"] == "version_exists"
    past = client.post(
        "/api/v1/rules/visit.routine/versions", json={"from_month": "2020-01", "points": 3}, headers=admin
    )
    assert past.status_code == 409 and past.get_json()["code"] == "not_in_future"
    kept = client.post("/api/v1/rules/visit.hardship/versions", json={"from_month": month, "points": 4}, headers=admin)
    assert (kept.get_json()["cap_month"], kept.get_json()["name"]) == (30, "走访困难群众")  # what is not sent stays
    unknown = client.post("/api/v1/rules/no.such/versions", json={"from_month": month, "points": 3}, headers=admin)
    assert unknown.status_code == 404
    assert [a for a, _, _ in logged("rules.")] == ["rules.change"] * 2


def test_the_page_changes_a_rule_and_shows_this_months_points_unchanged(app, office, county):
    month = _next_month()
    page = office.post(
        "/office/rules",
        data={"action": "change_rule", "code": "checkin.service", "from_month": month, "points": "4", "cap_month": ""},
    )
    assert page.status_code == 200 and hook(page.text, "data-office-status") == "done"
    row = page.text.split('data-rule-code="checkin.service"', 1)[1]
    assert hook(row, "data-points") == "3"
    assert 'data-version-state="future"' in row.split("</tr>", 1)[0]
    past = office.post(
        "/office/rules",
        data={"action": "change_rule", "code": "checkin.service", "from_month": "2020-01", "points": "4"},
    )
    assert past.status_code == 409 and hook(past.text, "data-office-status") == "not_in_future"


def test_settings_change_within_bounds_and_are_refused_outside(app, client, auth, office, county, logged):
    admin = auth(county["admin"])
    saved = client.patch(
        "/api/v1/settings", json={"month_cap": 80, "audit_day": 7, "return_day_start": "08:30"}, headers=admin
    )
    assert saved.status_code == 200
    assert (saved.get_json()["month_cap"], saved.get_json()["audit_day"], saved.get_json()["return_day_start"]) == (
        80,
        7,
        "08:30",
    )
    for bad in ({"audit_day": 29}, {"visit_max_age_days": 0}, {"pairing_target": 1000}, {"return_day_start": "25:00"}):
        assert client.patch("/api/v1/settings", json=bad, headers=admin).status_code == 400
    late = client.patch("/api/v1/settings", json={"return_day_start": "12:00"}, headers=admin)
    assert late.status_code == 400 and "早于结束时间" in late.get_json()["message"]
    page = office.post(
        "/office/rules",
        data={
            "action": "settings",
            "month_cap": "",
            "audit_day": "40",
            "visit_max_age_days": "31",
            "pairing_target": "10",
            "return_day_start": "09:00",
        },
    )
    assert page.status_code == 400 and "审核截止日应在1到28之间" in page.text
    with app.app_context():
        assert (county_settings().month_cap, county_settings().audit_day) == (80, 7)
    assert [a for a, _, _ in logged("settings.")] == ["settings.update"]


def test_the_catalogue_adds_renames_and_reorders_and_a_category_in_use_is_renamed_not_deleted(
    app, client, auth, county, make, logged
):
    admin = auth(county["admin"])
    first = client.post("/api/v1/catalogue/categories", json={"name": "政策宣传"}, headers=admin).get_json()
    second = client.post("/api/v1/catalogue/categories", json={"name": "义诊"}, headers=admin).get_json()
    assert client.post("/api/v1/catalogue/categories", json={"name": "义诊"}, headers=admin).status_code == 409
    item = client.post(f"/api/v1/catalogue/categories/{first['id']}/items", json={"name": "政策宣讲"}, headers=admin)
    client.post(f"/api/v1/catalogue/categories/{first['id']}/items", json={"name": "理论学习"}, headers=admin)
    assert item.status_code == 201
    client.patch(
        f"/api/v1/catalogue/items/{item.get_json()['id']}", json={"position": 1, "name": "政策宣讲会"}, headers=admin
    )
    client.patch(f"/api/v1/catalogue/categories/{second['id']}", json={"position": 0}, headers=admin)
    catalogue = client.get("/api/v1/catalogue", headers=admin).get_json()["categories"]
    assert [c["name"] for c in catalogue] == ["义诊", "政策宣传"]
    assert [i["name"] for i in catalogue[1]["items"]] == ["理论学习", "政策宣讲会"]

    event = make.event(county["community"], category="政策宣传")
    in_use = client.delete(f"/api/v1/catalogue/categories/{first['id']}", headers=admin)
    assert in_use.status_code == 409 and in_use.get_json()["code"] == "category_in_use"
    renamed = client.patch(f"/api/v1/catalogue/categories/{first['id']}", json={"name": "政策宣讲"}, headers=admin)
    assert renamed.status_code == 200
    with app.app_context():
        from app.events.models import Event

        assert db.session.get(Event, event.id).category == "政策宣讲"
    assert client.delete(f"/api/v1/catalogue/categories/{second['id']}", headers=admin).status_code == 204
    with app.app_context():
        assert db.session.scalars(select(ServiceCategory.name)).all() == ["政策宣讲"]
    assert [a for a, _, _ in logged("catalogue.")] == [
        "catalogue.category_add",
        "catalogue.category_add",
        "catalogue.item_add",
        "catalogue.item_add",
        "catalogue.item_edit",
        "catalogue.category_edit",
        "catalogue.category_edit",
        "catalogue.category_delete",
    ]


def test_the_page_edits_the_catalogue(app, office, county):
    added = office.post("/office/rules", data={"action": "add_category", "name": "文明倡导"})
    assert hook(added.text, "data-office-status") == "done" and "文明倡导" in added.text
    category_id = int(hook(added.text, "data-category-id"))
    item = office.post("/office/rules", data={"action": "add_item", "category_id": category_id, "name": "垃圾分类"})
    assert hook(item.text, "data-office-status") == "done" and "data-item-id" in item.text
    blank = office.post("/office/rules", data={"action": "rename_category", "id": category_id, "name": " "})
    assert blank.status_code == 400 and hook(blank.text, "data-office-status") == "blank_text"


@pytest.mark.parametrize("who", ["secretary", "member"])
def test_nobody_but_an_admin_reads_or_changes_rules_settings_or_the_catalogue(
    app, client, auth, county, outsiders, who, logged
):
    account = county[who] if who == "secretary" else county[who].account
    headers = auth(account)
    for path in ("/api/v1/rules", "/api/v1/settings", "/api/v1/catalogue"):
        assert client.get(path, headers=headers).status_code == 403
    refused = client.post(
        "/api/v1/rules/checkin.return_day/versions", json={"from_month": _next_month(), "points": 50}, headers=headers
    )
    assert refused.status_code == 403 and refused.get_json()["code"] == "not_allowed"
    assert client.patch("/api/v1/settings", json={"month_cap": 5}, headers=headers).status_code == 403
    assert client.post("/api/v1/catalogue/categories", json={"name": "x"}, headers=headers).status_code == 403
    page = outsiders[who].post(
        "/office/rules",
        data={"action": "change_rule", "code": "checkin.return_day", "from_month": _next_month(), "points": "50"},
    )
    assert page.status_code == 403
    with app.app_context():
        assert len(db.session.scalars(select(PointsRule).where(PointsRule.code == "checkin.return_day")).all()) == 1
    assert logged() == []
