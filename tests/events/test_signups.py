"""报名: first come, first served; a full event takes nobody more, however many tap at once."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.events.models import Signup
from app.extensions import db


@pytest.fixture
def clinic(make):
    community = make.community()
    return make.event(
        community, kind="service", title="义诊", capacity=2, starts_at=datetime.now(UTC) + timedelta(days=3)
    )


def _sign_up(client, auth, member, event, method="post"):
    return getattr(client, method)(f"/api/v1/events/{event.id}/signups", headers=auth(member.account))


def test_a_member_signs_up_once(client, auth, make, clinic):
    member = make.member()
    first = _sign_up(client, auth, member, clinic)
    assert first.status_code == 201
    body = first.get_json()
    assert (body["event_id"], body["member_id"]) == (clinic.id, member.id) and isinstance(body["signup_id"], int)
    again = _sign_up(client, auth, member, clinic)
    assert again.status_code == 200 and again.get_json() == body


def test_a_full_event_refuses_the_next_member_until_someone_cancels(client, auth, make, clinic):
    first, second, third = make.member(), make.member(), make.member()
    assert _sign_up(client, auth, first, clinic).status_code == 201
    assert _sign_up(client, auth, second, clinic).status_code == 201
    full = _sign_up(client, auth, third, clinic)
    assert full.status_code == 409 and full.get_json()["code"] == "event_full"
    assert _sign_up(client, auth, second, clinic).status_code == 200  # already in: still in
    cancelled = _sign_up(client, auth, first, clinic, method="delete")
    assert cancelled.status_code == 200 and cancelled.get_json()["member_id"] == first.id
    assert _sign_up(client, auth, third, clinic).status_code == 201


def test_sign_up_closes_when_the_event_starts(client, auth, make):
    started = make.event(make.community(), kind="service", capacity=10)
    refused = _sign_up(client, auth, make.member(), started)
    assert refused.status_code == 409 and refused.get_json()["code"] == "signup_closed"


def test_an_account_that_is_not_a_member_cannot_sign_up(client, auth, make, clinic):
    response = client.post(f"/api/v1/events/{clinic.id}/signups", headers=auth(make.admin()))
    assert response.status_code == 403 and response.get_json()["code"] == "not_allowed"


def test_concurrent_sign_ups_never_exceed_the_capacity(app, auth, make):
    event = make.event(make.community(), kind="service", capacity=5, starts_at=datetime.now(UTC) + timedelta(days=1))
    crowd = [auth(make.member().account) for _ in range(14)]
    answers, start = [], threading.Barrier(len(crowd))

    def tap(headers):
        client = app.test_client()
        start.wait()
        answers.append(client.post(f"/api/v1/events/{event.id}/signups", headers=headers).status_code)

    threads = [threading.Thread(target=tap, args=(h,)) for h in crowd]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(answers) == [201] * 5 + [409] * 9
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Signup).where(Signup.event_id == event.id)) == 5
