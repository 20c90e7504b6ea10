"""The deliberation API: a community's secretary or an admin moves its day within the month, records who
attended, raises agenda items and moves them forward one step at a time, and records its part-time
committee members' terms; everyone else is refused, and every act leaves its row in the action log."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.action_log.models import ActionLogEntry
from app.db import utcnow
from app.deliberation.queries import for_record
from app.extensions import db
from app.members.models import Member
from ledger import periods
from scheduler.jobs import JOBS


def _today() -> date:
    return periods.local(utcnow()).date()


def _this_month(client, auth, account, community):
    month = periods.month_of(utcnow())
    found = client.get(f"/api/v1/deliberation/days?community_id={community.id}&month={month}", headers=auth(account))
    assert found.status_code == 200, found.get_json()
    [day] = found.get_json()["days"]
    return day


def _actions(app):
    with app.app_context():
        return [e.action for e in db.session.scalars(select(ActionLogEntry).order_by(ActionLogEntry.id))]


def test_the_day_is_the_months_first_working_day_and_moves_only_within_its_month(client, auth, app, town):
    secretary = town["secretary"]
    day = _this_month(client, auth, secretary, town["community"])
    today = _today()
    assert day["on"] == periods.first_working_day(today.year, today.month).isoformat() and not day["moved"]
    moved = client.patch(
        f"/api/v1/deliberation/days/{day['id']}", json={"on": today.isoformat()}, headers=auth(secretary)
    )
    assert moved.status_code == 200 and moved.get_json()["on"] == today.isoformat()
    next_month = date(today.year + today.month // 12, today.month % 12 + 1, 1)
    out = client.patch(
        f"/api/v1/deliberation/days/{day['id']}", json={"on": next_month.isoformat()}, headers=auth(secretary)
    )
    assert out.status_code == 409 and out.get_json()["code"] == "not_in_month"
    assert _this_month(client, auth, secretary, town["community"])["on"] == today.isoformat()
    assert "deliberation.move_day" in _actions(app)


def test_attendance_is_the_secretarys_list_of_residents_and_paired_units_and_counts_in_the_record(
    client, auth, app, town
):
    secretary = town["secretary"]
    day = _this_month(client, auth, secretary, town["community"])
    client.patch(f"/api/v1/deliberation/days/{day['id']}", json={"on": _today().isoformat()}, headers=auth(secretary))
    path = f"/api/v1/deliberation/days/{day['id']}/attendance"
    wanted = sorted([town["resident"].id, town["colleague"].id])
    recorded = client.put(path, json={"member_ids": wanted}, headers=auth(secretary))
    assert recorded.status_code == 200 and recorded.get_json()["member_ids"] == wanted
    refused = client.put(path, json={"member_ids": [town["stranger"].id]}, headers=auth(secretary))
    assert refused.status_code == 409 and refused.get_json()["code"] == "not_eligible"
    claimed = client.put(path, json={"member_ids": [town["resident"].id]}, headers=auth(town["resident"].account))
    assert claimed.status_code == 403
    with app.app_context():
        # The resident moves away: the day's list, saved again, still holds them.
        db.session.get(Member, town["resident"].id).active = False
        db.session.commit()
    again = client.put(path, json={"member_ids": wanted}, headers=auth(secretary))
    assert again.status_code == 200 and again.get_json()["member_ids"] == wanted
    with app.app_context():
        record = for_record(wanted + [town["stranger"].id], _today().year)
    assert [record[i]["attended"] for i in wanted] == [1, 1] and record[town["stranger"].id]["attended"] == 0
    assert _actions(app).count("deliberation.attendance") == 1


def test_a_day_still_to_come_takes_no_attendance(client, auth, app, town):
    secretary = town["secretary"]
    with app.app_context():
        JOBS["deliberation_days"].run(utcnow())
    month = periods.next_month(periods.month_of(utcnow()))
    [day] = client.get(
        f"/api/v1/deliberation/days?community_id={town['community'].id}&month={month}", headers=auth(secretary)
    ).get_json()["days"]
    early = client.put(
        f"/api/v1/deliberation/days/{day['id']}/attendance", json={"member_ids": []}, headers=auth(secretary)
    )
    assert early.status_code == 409 and early.get_json()["code"] == "day_not_come"


def _advance(client, auth, account, item_id, **body):
    return client.post(
        f"/api/v1/deliberation/items/{item_id}/advance", json={"note": "按程序推进"} | body, headers=auth(account)
    )


def test_an_item_moves_forward_one_step_at_a_time_and_is_evaluated_with_a_result(client, auth, app, town):
    secretary = town["secretary"]
    day = _this_month(client, auth, secretary, town["community"])
    made = client.post(
        "/api/v1/deliberation/items",
        json={"community_id": town["community"].id, "title": "小区充电桩", "raised_by": "居民王阿姨"},
        headers=auth(secretary),
    )
    assert made.status_code == 201
    item = made.get_json()
    assert (item["stage"], item["raised_by"], [s["stage"] for s in item["steps"]]) == (
        "proposed",
        "居民王阿姨",
        ["proposed"],
    )
    skipped = _advance(client, auth, secretary, item["id"], to="implemented")
    assert skipped.status_code == 409 and skipped.get_json()["code"] == "not_next_stage"
    assert _advance(client, auth, secretary, item["id"], day_id=day["id"]).get_json()["stage"] == "deliberated"
    back = _advance(client, auth, secretary, item["id"], to="deliberated")
    assert back.status_code == 409 and back.get_json()["code"] == "not_next_stage"
    assert _advance(client, auth, secretary, item["id"]).get_json()["stage"] == "implemented"
    no_result = _advance(client, auth, secretary, item["id"])
    assert no_result.status_code == 400 and no_result.get_json()["code"] == "result_required"
    done = _advance(client, auth, secretary, item["id"], result="satisfied", note="居民满意")
    assert done.status_code == 200
    body = done.get_json()
    assert (body["stage"], body["result"]) == ("evaluated", "satisfied")
    assert [(s["stage"], s["day_id"]) for s in body["steps"]] == [
        ("proposed", None),
        ("deliberated", day["id"]),
        ("implemented", None),
        ("evaluated", None),
    ]
    over = _advance(client, auth, secretary, item["id"], result="satisfied")
    assert over.status_code == 409 and over.get_json()["code"] == "already_evaluated"
    listed = client.get(f"/api/v1/deliberation/items?community_id={town['community'].id}", headers=auth(secretary))
    assert [i["id"] for i in listed.get_json()["items"]] == [item["id"]]
    assert _actions(app).count("deliberation.advance") == 3 and "deliberation.item_add" in _actions(app)


def test_a_step_names_a_day_of_its_own_community_already_held(client, auth, app, make, town):
    secretary = town["secretary"]
    item = client.post(
        "/api/v1/deliberation/items",
        json={"community_id": town["community"].id, "title": "路灯"},
        headers=auth(secretary),
    ).get_json()
    month = periods.next_month(periods.month_of(utcnow()))
    [coming] = client.get(
        f"/api/v1/deliberation/days?community_id={town['community'].id}&month={month}", headers=auth(secretary)
    ).get_json()["days"]
    early = _advance(client, auth, secretary, item["id"], day_id=coming["id"])
    assert early.status_code == 409 and early.get_json()["code"] == "day_not_come"
    other = make.community()
    with app.app_context():
        JOBS["deliberation_days"].run(utcnow())
    [elsewhere] = client.get(
        f"/api/v1/deliberation/days?community_id={other.id}&month={periods.month_of(utcnow())}",
        headers=auth(town["admin"]),
    ).get_json()["days"]
    wrong = _advance(client, auth, secretary, item["id"], day_id=elsewhere["id"])
    assert wrong.status_code == 409 and wrong.get_json()["code"] == "wrong_day"


def test_a_blank_title_or_note_is_refused(client, auth, town):
    secretary = town["secretary"]
    blank = client.post(
        "/api/v1/deliberation/items",
        json={"community_id": town["community"].id, "title": "\u200b "},
        headers=auth(secretary),
    )
    assert blank.status_code == 400
    item = client.post(
        "/api/v1/deliberation/items",
        json={"community_id": town["community"].id, "title": "路灯"},
        headers=auth(secretary),
    ).get_json()
    silent = _advance(client, auth, secretary, item["id"], note="  ")
    assert silent.status_code == 400
    long = _advance(client, auth, secretary, item["id"], note="议" * 501)
    assert long.status_code == 400
    assert (
        client.get(f"/api/v1/deliberation/items/{item['id']}", headers=auth(secretary)).get_json()["stage"]
        == "proposed"
    )


def _term(client, auth, account, community, member, start, end):
    return client.post(
        "/api/v1/deliberation/committee",
        json={"community_id": community.id, "member_id": member.id, "start": start, "end": end},
        headers=auth(account),
    )


def test_terms_of_one_member_in_one_community_never_overlap_and_end_early_without_being_deleted(
    client, auth, app, town
):
    admin, community, member = town["admin"], town["community"], town["colleague"]
    today = _today()
    start, end = (today - timedelta(days=30)).isoformat(), (today + timedelta(days=60)).isoformat()
    made = _term(client, auth, admin, community, member, start, end)
    assert made.status_code == 201 and made.get_json()["serving"] is True
    overlap = _term(client, auth, admin, community, member, end, (today + timedelta(days=90)).isoformat())
    assert overlap.status_code == 409 and overlap.get_json()["code"] == "term_overlap"
    backwards = _term(client, auth, admin, community, member, end, start)
    assert backwards.status_code == 400 and backwards.get_json()["code"] == "invalid_term"
    elsewhere = SimpleNamespace(id=town["stranger"].community_id)
    assert _term(client, auth, admin, elsewhere, member, start, end).status_code == 201  # another community's committee
    ended = client.delete(f"/api/v1/deliberation/committee/{made.get_json()['id']}", headers=auth(admin))
    assert ended.status_code == 200 and ended.get_json()["end"] == today.isoformat() and ended.get_json()["ended_early"]
    listed = client.get(f"/api/v1/deliberation/committee?community_id={community.id}", headers=auth(town["secretary"]))
    assert [(t["end"], t["serving"]) for t in listed.get_json()["terms"]] == [(today.isoformat(), True)]
    after = _term(client, auth, admin, community, member, (today + timedelta(days=1)).isoformat(), end)
    assert after.status_code == 201
    assert _actions(app).count("deliberation.committee_add") == 3 and "deliberation.committee_end" in _actions(app)


@pytest.mark.parametrize("who", ["resident", "other_secretary", "unit_secretary"])
def test_only_the_communitys_secretary_or_an_admin_may_see_or_change_anything(client, auth, app, make, town, who):
    account = {
        "resident": lambda: town["resident"].account,
        "other_secretary": lambda: make.secretary(make.community()),
        "unit_secretary": lambda: make.secretary(unit=make.unit()),
    }[who]()
    community = town["community"]
    day = _this_month(client, auth, town["secretary"], community)
    item = client.post(
        "/api/v1/deliberation/items",
        json={"community_id": community.id, "title": "路灯"},
        headers=auth(town["secretary"]),
    ).get_json()
    headers = auth(account)
    calls = [
        client.get(f"/api/v1/deliberation/days?community_id={community.id}", headers=headers),
        client.patch(f"/api/v1/deliberation/days/{day['id']}", json={"on": day["on"]}, headers=headers),
        client.put(f"/api/v1/deliberation/days/{day['id']}/attendance", json={"member_ids": []}, headers=headers),
        client.get(f"/api/v1/deliberation/items?community_id={community.id}", headers=headers),
        client.get(f"/api/v1/deliberation/items/{item['id']}", headers=headers),
        client.post("/api/v1/deliberation/items", json={"community_id": community.id, "title": "x"}, headers=headers),
        client.post(f"/api/v1/deliberation/items/{item['id']}/advance", json={"note": "x"}, headers=headers),
        client.get(f"/api/v1/deliberation/committee?community_id={community.id}", headers=headers),
        _term(client, auth, account, community, town["resident"], "2026-01-01", "2026-12-31"),
    ]
    assert [c.status_code for c in calls] == [403] * len(calls)
    assert client.get("/api/v1/deliberation/items").status_code == 401


def test_the_calls_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {
        "/api/v1/deliberation/days",
        "/api/v1/deliberation/days/{day_id}",
        "/api/v1/deliberation/days/{day_id}/attendance",
        "/api/v1/deliberation/items",
        "/api/v1/deliberation/items/{item_id}/advance",
        "/api/v1/deliberation/committee",
        "/api/v1/deliberation/committee/{term_id}",
    } <= set(paths)
