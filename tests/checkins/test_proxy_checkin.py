"""代签到: a secretary checks in a member with no smartphone; it is recorded with who and why, and audited."""

from datetime import UTC, datetime, timedelta

import pytest

from app.checkins.models import Checkin
from app.extensions import db
from app.points.models import EntryStatus


def _proxy(client, auth, account, event, member, reason="老人没有智能手机"):
    body = {"member_id": member.id} if reason is None else {"member_id": member.id, "reason": reason}
    return client.post(f"/api/v1/events/{event.id}/proxy-checkins", json=body, headers=auth(account))


def test_a_proxy_check_in_names_who_did_it_and_waits_for_audit(app, client, auth, hall):
    response = _proxy(client, auth, hall.secretary, hall.event, hall.member)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["by"] == hall.secretary.id and body["status"] == "pending"
    assert (body["event_id"], body["member_id"]) == (hall.event.id, hall.member.id)
    with app.app_context():
        checkin = db.session.get(Checkin, body["checkin_id"])
        assert (checkin.method, checkin.by_account_id, checkin.reason) == (
            "proxy",
            hall.secretary.id,
            "老人没有智能手机",
        )
        assert db.session.get(EntryStatus, body["entry_id"]).state == "pending"


def test_a_member_already_checked_in_is_not_checked_in_twice(client, auth, hall, printed, scan):
    own = scan(hall.member.account, printed(hall.event)).get_json()
    again = _proxy(client, auth, hall.secretary, hall.event, hall.member)
    assert again.status_code == 200 and again.get_json()["checkin_id"] == own["checkin_id"]
    assert again.get_json()["status"] == "posted"
    repeat = _proxy(client, auth, hall.secretary, hall.event, hall.member)
    assert repeat.status_code == 200 and repeat.get_json()["checkin_id"] == own["checkin_id"]


@pytest.mark.parametrize("reason", [None, "", "   ", "\u200b", "\u3000\ufeff", "因" * 201])
def test_a_proxy_check_in_needs_a_reason(client, auth, hall, reason):
    response = _proxy(client, auth, hall.secretary, hall.event, hall.member, reason=reason)
    assert response.status_code == 400


def test_an_admin_may_proxy_but_another_communitys_secretary_may_not(make, client, auth, hall):
    stranger = make.secretary(make.community())
    assert _proxy(client, auth, stranger, hall.event, hall.member).status_code == 403
    assert _proxy(client, auth, make.member(hall.community).account, hall.event, hall.member).status_code == 403
    assert _proxy(client, auth, make.admin(), hall.event, hall.member).status_code == 201


@pytest.mark.parametrize(
    "started_ago, accepted",
    [
        (timedelta(minutes=-40), False),  # check-in has not opened yet
        (timedelta(days=6), True),  # ended less than 7 days ago
        (timedelta(days=8), False),  # ended more than 7 days ago
    ],
)
def test_a_proxy_check_in_is_taken_from_the_window_opening_until_seven_days_after_the_end(
    make, client, auth, hall, started_ago, accepted
):
    event = make.event(hall.community, kind="service", starts_at=datetime.now(UTC) - started_ago, hours=3)
    response = _proxy(client, auth, hall.secretary, event, hall.member)
    if accepted:
        assert response.status_code == 201
    else:
        assert response.status_code == 409 and response.get_json()["code"] == "outside_window"


def test_a_proxy_check_in_for_an_unknown_member_is_a_404(client, auth, hall):
    response = client.post(
        f"/api/v1/events/{hall.event.id}/proxy-checkins",
        json={"member_id": 99999, "reason": "x"},
        headers=auth(hall.secretary),
    )
    assert response.status_code == 404
