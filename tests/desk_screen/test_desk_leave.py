"""/desk/leave (请假审批): the requests in scope, waiting first; approve, or refuse with a reason, by the
API's own operation, each decision logged; an approved leave keeps the member off the absence list and
shows on the hall's screen; another community's secretary changes nothing."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.action_log.models import ActionLogEntry
from app.extensions import db
from app.leave.models import LeaveRequest
from tests.desk_screen.conftest import hook


@pytest.fixture
def asked(client, auth, make, hall):
    """Two members of the hall have asked leave from next week's return day, the first one first."""
    later = make.event(hall.community, title="下周回家日", starts_at=datetime.now(UTC) + timedelta(days=7))
    ids = []
    for member, reason in zip(hall.members[:2], ("出差在外地", "家中有事"), strict=True):
        answer = client.post(f"/api/v1/events/{later.id}/leave", json={"reason": reason}, headers=auth(member.account))
        ids.append(answer.get_json()["id"])
    return ids


def _states(app) -> dict:
    with app.app_context():
        return dict(db.session.execute(select(LeaveRequest.id, LeaveRequest.state)).tuples().all())


def _log(app) -> list[tuple]:
    with app.app_context():
        return [(r.action, r.detail.get("reason")) for r in db.session.scalars(select(ActionLogEntry))]


def test_waiting_requests_come_first_and_an_approval_is_logged_once(app, client, hall, asked, log_in):
    first, second = asked
    log_in(hall.secretary)
    client.post("/desk/leave", data={"leave_id": first, "action": "approve"})
    page = client.get("/desk/leave").get_data(as_text=True)
    assert page.index(f'data-leave-id="{second}"') < page.index(f'data-leave-id="{first}"')
    assert hook(page, f'data-leave-id="{first}" data-leave-state') == "approved"

    again = client.post("/desk/leave", data={"leave_id": first, "action": "approve"})
    assert again.status_code == 200 and hook(again.text, "data-leave-decision") == "approved"
    assert _states(app) == {first: "approved", second: "pending"}
    assert _log(app) == [("leave.approve", None)]


def test_a_refusal_needs_a_reason_and_is_logged_with_it(app, client, hall, asked, log_in):
    first, _ = asked
    log_in(hall.secretary)
    blank = client.post("/desk/leave", data={"leave_id": first, "action": "refuse", "reason": "  "})
    assert blank.status_code == 400 and hook(blank.text, "data-leave-decision") == "blank_text"
    assert _states(app)[first] == "pending" and _log(app) == []

    refused = client.post("/desk/leave", data={"leave_id": first, "action": "refuse", "reason": "本次活动需全员参加"})
    assert refused.status_code == 200 and hook(refused.text, "data-leave-decision") == "refused"
    assert _states(app)[first] == "refused" and _log(app) == [("leave.refuse", "本次活动需全员参加")]
    assert "原因：本次活动需全员参加" in refused.text


def test_an_approved_leave_is_off_the_absence_list_and_on_the_screen(client, auth, hall, log_in):
    member = hall.members[0]
    asked = client.post(f"/api/v1/events/{hall.event.id}/leave", json={"reason": "住院"}, headers=auth(member.account))
    log_in(hall.secretary)
    client.post("/desk/leave", data={"leave_id": asked.get_json()["id"], "action": "approve"})
    absences = client.get(f"/api/v1/events/{hall.event.id}/absences", headers=auth(hall.secretary)).get_json()
    assert member.id not in [m["member_id"] for m in absences["absent"]]
    assert [m["member_id"] for m in absences["on_leave"]] == [member.id]
    roll = client.get(f"/events/{hall.event.id}/screen/roll.json").get_json()
    assert [m["on_leave"] for m in roll["members"] if m["member_id"] == member.id] == [True]


def test_another_communitys_secretary_sees_none_of_them_and_changes_nothing(app, client, make, hall, asked, log_in):
    log_in(make.secretary(make.community()))
    page = client.get("/desk/leave")
    assert page.status_code == 200 and "出差在外地" not in page.text
    for action, reason in (("approve", None), ("refuse", "不行")):
        refused = client.post("/desk/leave", data={"leave_id": asked[0], "action": action, "reason": reason or ""})
        assert refused.status_code == 403 and hook(refused.text, "data-leave-decision") == "forbidden"
    assert set(_states(app).values()) == {"pending"} and _log(app) == []


def test_a_forged_decision_is_a_400_and_a_member_gets_the_chinese_403_page(app, client, hall, asked, log_in):
    log_in(hall.secretary)
    forged = client.post("/desk/leave", data={"leave_id": asked[0], "action": "delete"})
    assert forged.status_code == 400 and hook(forged.text, "data-leave-decision") == "invalid_request"
    assert set(_states(app).values()) == {"pending"}
    log_in(hall.members[2].account)
    for answer in (
        client.get("/desk/leave"),
        client.post("/desk/leave", data={"leave_id": asked[0], "action": "approve"}),
    ):
        assert answer.status_code == 403 and "返回首页" in answer.text
    assert set(_states(app).values()) == {"pending"}
