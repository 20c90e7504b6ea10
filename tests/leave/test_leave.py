"""Leave from a return day (请假): a member asks with a reason, once per event; withdraws it while it waits;
the secretary of their community (or an admin) decides, nobody their own; approved leave keeps the member
off the event's absence list."""

from datetime import UTC, datetime, timedelta

import pytest

from app.checkins.models import Checkin
from app.extensions import db


@pytest.fixture
def town(make):
    community = make.community()
    later = datetime.now(UTC) + timedelta(days=5)
    return {
        "community": community,
        "secretary": make.secretary(community),
        "member": make.member(community),
        "neighbour": make.member(community),
        "return_day": make.event(community, starts_at=later),
    }


def _ask(client, auth, member, event, reason="出差在外地"):
    return client.post(f"/api/v1/events/{event.id}/leave", json={"reason": reason}, headers=auth(member.account))


def _decide(client, auth, account, leave_id, decision, reason=None):
    return client.post(f"/api/v1/leave/{leave_id}/{decision}", json={"reason": reason}, headers=auth(account))


def test_a_member_asks_once_for_a_return_day_and_asking_again_answers_the_first(client, auth, town):
    first = _ask(client, auth, town["member"], town["return_day"])
    assert first.status_code == 201
    body = first.get_json()
    assert (body["state"], body["reason"], body["member_id"]) == ("pending", "出差在外地", town["member"].id)
    again = _ask(client, auth, town["member"], town["return_day"], reason="换个理由")
    assert again.status_code == 200 and again.get_json() == body


def test_leave_is_for_a_return_day_of_ones_own_community_not_yet_over(client, auth, make, town):
    service = make.event(town["community"], kind="service", starts_at=datetime.now(UTC) + timedelta(days=2))
    assert _ask(client, auth, town["member"], service).get_json()["code"] == "not_return_day"
    elsewhere = make.event(make.community(), starts_at=datetime.now(UTC) + timedelta(days=2))
    refused = _ask(client, auth, town["member"], elsewhere)
    assert refused.status_code == 403 and refused.get_json()["code"] == "not_allowed"
    over = make.event(town["community"], starts_at=datetime.now(UTC) - timedelta(days=2))
    assert _ask(client, auth, town["member"], over).get_json()["code"] == "leave_closed"
    assert _ask(client, auth, town["member"], town["return_day"], reason=" \u3000 ").get_json()["code"] == "blank_text"
    assert (
        _ask(client, auth, town["member"], town["return_day"], reason="长" * 201).get_json()["code"] == "text_too_long"
    )
    assert (
        client.post(
            "/api/v1/events/999999/leave", json={"reason": "病"}, headers=auth(town["member"].account)
        ).status_code
        == 404
    )


def test_a_member_already_checked_in_needs_no_leave(app, client, auth, town):
    with app.app_context():
        db.session.add(Checkin(event_id=town["return_day"].id, member_id=town["member"].id, method="proxy"))
        db.session.commit()
    refused = _ask(client, auth, town["member"], town["return_day"])
    assert refused.status_code == 409 and refused.get_json()["code"] == "already_checked_in"


def test_a_member_withdraws_while_it_waits_and_may_ask_anew_but_not_after_the_decision(client, auth, town):
    member, event = town["member"], town["return_day"]
    leave_id = _ask(client, auth, member, event).get_json()["id"]
    withdrawn = client.delete(f"/api/v1/events/{event.id}/leave", headers=auth(member.account))
    assert withdrawn.status_code == 200 and withdrawn.get_json()["state"] == "cancelled"
    anew = _ask(client, auth, member, event, reason="家中有事")
    assert anew.status_code == 201 and anew.get_json()["id"] == leave_id and anew.get_json()["state"] == "pending"
    assert _decide(client, auth, town["secretary"], leave_id, "approve").status_code == 200
    late = client.delete(f"/api/v1/events/{event.id}/leave", headers=auth(member.account))
    assert late.status_code == 409 and late.get_json()["code"] == "leave_decided"


def test_the_secretary_of_the_members_community_decides_and_the_same_decision_again_changes_nothing(
    client, auth, make, town
):
    leave_id = _ask(client, auth, town["member"], town["return_day"]).get_json()["id"]
    assert _decide(client, auth, make.secretary(make.community()), leave_id, "approve").status_code == 403
    assert _decide(client, auth, town["neighbour"].account, leave_id, "approve").status_code == 403
    refused = _decide(client, auth, town["secretary"], leave_id, "refuse")
    assert refused.status_code == 400 and refused.get_json()["code"] == "blank_text"
    approved = _decide(client, auth, town["secretary"], leave_id, "approve")
    assert approved.status_code == 200 and approved.get_json()["state"] == "approved"
    assert approved.get_json()["decided_by"] == town["secretary"].id
    assert _decide(client, auth, town["secretary"], leave_id, "approve").get_json() == approved.get_json()
    changed = _decide(client, auth, make.admin(), leave_id, "refuse", reason="当天有检查")
    assert changed.status_code == 409 and changed.get_json()["code"] == "leave_decided"


def test_nobody_decides_their_own_leave(client, auth, make, town):
    secretary_member = make.member(town["community"], with_account=False)
    own_secretary = make.secretary(town["community"], member=secretary_member)
    secretary_member.account = own_secretary
    leave_id = _ask(client, auth, secretary_member, town["return_day"]).get_json()["id"]
    refused = _decide(client, auth, own_secretary, leave_id, "approve")
    assert refused.status_code == 403 and refused.get_json()["code"] == "own_leave"
    assert _decide(client, auth, town["secretary"], leave_id, "approve").status_code == 200


def test_a_secretary_lists_the_leave_of_their_community(client, auth, make, town):
    _ask(client, auth, town["member"], town["return_day"])
    second = _ask(client, auth, town["neighbour"], town["return_day"], reason="生病").get_json()
    _decide(client, auth, town["secretary"], second["id"], "refuse", reason="请尽量参加")

    def listed(account, query=""):
        response = client.get(f"/api/v1/leave?{query}", headers=auth(account))
        assert response.status_code == 200, response.get_json()
        return [(row["member_id"], row["state"]) for row in response.get_json()["leave"]]

    assert listed(town["secretary"]) == [(town["member"].id, "pending"), (town["neighbour"].id, "refused")]
    assert listed(town["secretary"], "state=pending") == [(town["member"].id, "pending")]
    assert listed(make.admin(), f"event_id={town['return_day'].id}&state=refused") == [
        (town["neighbour"].id, "refused")
    ]
    assert (
        client.get(
            f"/api/v1/leave?community_id={town['community'].id}", headers=auth(make.secretary(make.community()))
        ).status_code
        == 403
    )
    assert client.get("/api/v1/leave", headers=auth(town["member"].account)).status_code == 403


def test_approved_leave_keeps_a_member_off_the_events_absence_list(app, client, auth, make, town):
    member, neighbour, event = town["member"], town["neighbour"], town["return_day"]
    came = make.member(town["community"])
    with app.app_context():
        db.session.add(Checkin(event_id=event.id, member_id=came.id, method="proxy"))
        db.session.commit()
    leave_id = _ask(client, auth, member, event, reason="住院").get_json()["id"]
    _ask(client, auth, neighbour, event)  # asked, not yet approved: still absent

    def absences():
        response = client.get(f"/api/v1/events/{event.id}/absences", headers=auth(town["secretary"]))
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    assert [m["member_id"] for m in absences()["absent"]] == [member.id, neighbour.id]
    _decide(client, auth, town["secretary"], leave_id, "approve")
    assert [m["member_id"] for m in absences()["absent"]] == [neighbour.id]
    assert absences()["on_leave"] == [{"member_id": member.id, "name": member.name, "reason": "住院"}]
    assert client.get(f"/api/v1/events/{event.id}/absences", headers=auth(member.account)).status_code == 403


def test_the_leave_calls_are_documented_with_their_operation_ids(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert paths["/api/v1/events/{event_id}/leave"]["post"]["operationId"] == "requestLeave"
    assert paths["/api/v1/events/{event_id}/leave"]["delete"]["operationId"] == "cancelLeave"
    assert paths["/api/v1/leave"]["get"]["operationId"] == "listLeave"
    assert paths["/api/v1/leave/{leave_id}/approve"]["post"]["operationId"] == "approveLeave"
    assert paths["/api/v1/leave/{leave_id}/refuse"]["post"]["operationId"] == "refuseLeave"
    assert paths["/api/v1/events/{event_id}/absences"]["get"]["operationId"] == "listAbsences"
