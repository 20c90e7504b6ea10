"""POST /api/v1/checkins: a scan counts once per member per event, and every refusal says why."""

import io
import threading
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import PIL.Image
import pytest
import zxingcpp
from sqlalchemy import func, select

from app.auth.models import Account
from app.checkins.models import Checkin
from app.extensions import db
from app.members.models import Member
from app.points.models import EntryStatus, LedgerRecord


def _decode(png: bytes) -> str:
    found = zxingcpp.read_barcodes(PIL.Image.open(io.BytesIO(png)))
    assert len(found) == 1
    return found[0].text


def _count(app, model, **where):
    with app.app_context():
        query = select(func.count()).select_from(model).filter_by(**where)
        return db.session.scalar(query)


@pytest.mark.parametrize(
    "base_url, origin",
    [(None, "http://localhost"), ("https://dangjian.example.gov.cn", "https://dangjian.example.gov.cn")],
)
def test_a_member_checks_in_with_the_code_a_phone_reads_from_the_printed_qr(
    app, client, auth, hall, scan, base_url, origin
):
    app.config["BASE_URL"] = base_url
    response = client.get(f"/api/v1/events/{hall.event.id}/qr.png", headers=auth(hall.secretary))
    assert response.status_code == 200 and response.mimetype == "image/png"
    url = _decode(response.data)
    assert url.startswith(f"{origin}/c/")
    token = urlsplit(url).path.rsplit("/", 1)[1]

    answer = scan(hall.member.account, token)

    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["event_id"] == hall.event.id and body["member_id"] == hall.member.id
    assert body["status"] == "posted" and isinstance(body["checkin_id"], int)
    with app.app_context():
        entry = db.session.get(EntryStatus, body["entry_id"])
        assert (entry.source, entry.source_id, entry.points, entry.state) == (
            "checkin",
            body["checkin_id"],
            5,
            "posted",
        )


def test_a_second_scan_of_the_same_event_earns_nothing(app, hall, printed, screen, scan):
    first = scan(hall.member.account, printed(hall.event)).get_json()
    again = scan(hall.member.account, screen(hall.event))
    assert again.status_code == 200 and again.get_json() == first
    assert _count(app, Checkin) == 1 and _count(app, LedgerRecord, source="checkin") == 1


def test_a_retry_with_the_same_key_is_answered_as_the_first_even_after_its_code_expired(app, hall, screen, scan):
    first = scan(hall.member.account, screen(hall.event), key="phone-42-attempt-1")
    assert first.status_code == 201
    retry = scan(hall.member.account, screen(hall.event, seconds=-120), key="phone-42-attempt-1")
    assert retry.status_code == 200 and retry.get_json() == first.get_json()
    assert _count(app, EntryStatus) == 1


def test_a_key_sent_again_for_another_event_is_422_and_checks_nobody_in_there(
    app, make, hall, printed, screen, scan, ledger_verifies
):
    other = make.event(hall.community, kind="service", title="义诊")
    first = scan(hall.member.account, printed(hall.event), key="tap-1")
    assert first.status_code == 201
    # The same event by its other code is the same request.
    same = scan(hall.member.account, screen(hall.event), key="tap-1")
    assert same.status_code == 200 and same.get_json() == first.get_json()
    reused = scan(hall.member.account, printed(other), key="tap-1")
    assert reused.status_code == 422 and reused.get_json()["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in reused.get_json()["message"]
    assert _count(app, Checkin, event_id=other.id) == 0 and _count(app, EntryStatus) == 1
    assert scan(hall.member.account, printed(other), key="tap-2").status_code == 201
    ledger_verifies()


def test_one_key_raced_to_two_events_checks_in_at_one_and_refuses_the_other(app, auth, make, hall, printed):
    headers = {**auth(hall.member.account), "Idempotency-Key": "one-tap"}
    events = [hall.event, make.event(hall.community, kind="service", title="义诊")]
    answers, start = [], threading.Barrier(8)

    def tap(i):
        client = app.test_client()
        start.wait()
        response = client.post("/api/v1/checkins", json={"token": printed(events[i % 2])}, headers=headers)
        answers.append((i % 2, response.status_code, response.get_json()))

    threads = [threading.Thread(target=tap, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    [(won, body)] = [(which, body) for which, status, body in answers if status == 201]
    for which, status, answer in answers:
        if which == won:
            assert status in (200, 201) and answer == body
        else:
            assert status == 422 and answer["code"] == "idempotency_key_reused"
    assert _count(app, Checkin) == 1 and _count(app, EntryStatus) == 1


def test_a_retry_without_a_key_after_the_code_expired_still_finds_the_check_in(hall, screen, scan):
    first = scan(hall.member.account, screen(hall.event)).get_json()
    retry = scan(hall.member.account, screen(hall.event, seconds=-120))
    assert retry.status_code == 200 and retry.get_json()["checkin_id"] == first["checkin_id"]


def test_a_crowd_of_retries_makes_one_check_in_and_one_entry(app, auth, hall, printed, screen):
    headers = auth(hall.member.account)
    codes = [printed(hall.event), screen(hall.event)]
    answers, start = [], threading.Barrier(16)

    def scan_from_own_phone(i):
        client = app.test_client()
        extra = {"Idempotency-Key": "same-tap"} if i % 2 else ({"Idempotency-Key": f"tap-{i}"} if i % 4 == 0 else {})
        start.wait()
        response = client.post("/api/v1/checkins", json={"token": codes[i % 2]}, headers={**headers, **extra})
        answers.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=scan_from_own_phone, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert len(answers) == 16
    assert {status for status, _ in answers} <= {200, 201}, answers
    assert [status for status, _ in answers].count(201) == 1
    assert len({body["checkin_id"] for _, body in answers}) == 1
    assert len({body["entry_id"] for _, body in answers}) == 1
    assert _count(app, Checkin) == 1 and _count(app, EntryStatus) == 1


def test_any_member_may_check_in_at_another_communitys_event(make, hall, printed, scan):
    visitor = make.member(make.community())
    assert scan(visitor.account, printed(hall.event)).status_code == 201


def _refused(response, status, code):
    assert response.status_code == status, response.get_json()
    assert response.get_json()["code"] == code and response.get_json()["message"]


def test_a_forged_token_is_refused(app, hall, scan):
    from app.events import codes as tokens

    forged = tokens.printed("not-the-server-key", hall.event.id, 1)
    _refused(scan(hall.member.account, forged), 400, "invalid_token")


def test_a_mutated_token_is_refused(app, hall, printed, scan):
    token = printed(hall.event)
    mutated = token[:5] + ("B" if token[5] != "B" else "C") + token[6:]
    _refused(scan(hall.member.account, mutated), 400, "invalid_token")
    _refused(scan(hall.member.account, "not-a-code"), 400, "invalid_token")
    assert _count(app, Checkin) == 0


def test_another_events_code_with_this_events_id_spliced_in_is_refused(make, hall, printed, scan):
    import base64

    other = make.event(hall.community, kind="service", title="义诊")
    ours = base64.urlsafe_b64decode(printed(hall.event) + "==")
    theirs = base64.urlsafe_b64decode(printed(other) + "==")
    spliced = base64.urlsafe_b64encode(ours[:9] + theirs[9:]).rstrip(b"=").decode()
    _refused(scan(hall.member.account, spliced), 400, "invalid_token")


def test_a_screen_code_past_its_minute_is_refused(hall, screen, scan):
    _refused(scan(hall.member.account, screen(hall.event, seconds=-1)), 410, "token_expired")


def test_the_rotating_token_expires_within_a_minute(client, auth, hall, scan):
    response = client.get(f"/api/v1/events/{hall.event.id}/rotating-token", headers=auth(hall.secretary))
    body = response.get_json()
    expires_at = datetime.fromisoformat(body["expires_at"])
    assert expires_at.utcoffset() == timedelta(hours=8)
    assert timedelta(0) < expires_at - datetime.now(UTC) <= timedelta(seconds=60)
    assert body["url"].endswith("/c/" + body["token"])
    assert scan(hall.member.account, body["token"]).status_code == 201


def test_a_printed_code_answers_revoked_once_its_key_is_rotated(app, client, auth, make, hall, printed, scan):
    old = printed(hall.event)
    rotated = client.post(f"/api/v1/events/{hall.event.id}/rotate-key", headers=auth(hall.secretary))
    assert rotated.status_code == 200 and rotated.get_json()["id"] == hall.event.id
    _refused(scan(hall.member.account, old), 410, "token_revoked")
    new = urlsplit(_decode(client.get(f"/api/v1/events/{hall.event.id}/qr.png", headers=auth(hall.secretary)).data))
    assert scan(hall.member.account, new.path.rsplit("/", 1)[1]).status_code == 201


@pytest.mark.parametrize("starts_in", [timedelta(minutes=31), timedelta(hours=-4)], ids=["before", "after"])
def test_a_code_outside_the_check_in_window_is_refused(make, hall, printed, scan, starts_in):
    event = make.event(hall.community, kind="service", starts_at=datetime.now(UTC) + starts_in, hours=3)
    _refused(scan(hall.member.account, printed(event)), 409, "outside_window")


def test_check_in_opens_thirty_minutes_before_the_start(make, hall, printed, scan):
    event = make.event(hall.community, kind="service", starts_at=datetime.now(UTC) + timedelta(minutes=29))
    assert scan(hall.member.account, printed(event)).status_code == 201


@pytest.fixture
def fenced(make, hall):
    # 永春县 community hall; 200 m around it.
    return make.event(hall.community, kind="service", latitude=25.3215, longitude=118.2940, radius_m=200)


def test_a_scan_outside_the_fence_is_refused(hall, fenced, printed, scan):
    # About 1.1 km north of the hall.
    _refused(scan(hall.member.account, printed(fenced), latitude=25.3315, longitude=118.2940), 422, "out_of_area")


def test_a_scan_without_a_position_at_a_fenced_event_is_refused(hall, fenced, printed, scan):
    _refused(scan(hall.member.account, printed(fenced)), 422, "out_of_area")


def test_a_scan_inside_the_fence_counts(hall, fenced, printed, scan):
    assert scan(hall.member.account, printed(fenced), latitude=25.3222, longitude=118.2945).status_code == 201


def test_an_account_that_is_not_a_member_cannot_check_in(hall, printed, scan):
    _refused(scan(hall.secretary, printed(hall.event)), 403, "not_allowed")


def test_a_suspended_member_cannot_check_in(app, client, auth, hall, printed):
    headers = auth(hall.member.account)
    with app.app_context():
        db.session.get(Account, hall.member.account.id).suspended = True
        db.session.commit()
    response = client.post("/api/v1/checkins", json={"token": printed(hall.event)}, headers=headers)
    _refused(response, 403, "not_allowed")


def test_a_scan_with_a_token_from_before_a_password_change_is_refused(app, client, auth, hall, printed):
    headers = auth(hall.member.account)
    with app.app_context():
        db.session.get(Account, hall.member.account.id).token_version += 1
        db.session.commit()
    response = client.post("/api/v1/checkins", json={"token": printed(hall.event)}, headers=headers)
    _refused(response, 401, "invalid_token_auth")
    assert _count(app, Checkin) == 0


def test_a_member_no_longer_in_service_cannot_check_in(app, client, auth, hall, printed):
    headers = auth(hall.member.account)
    with app.app_context():
        db.session.get(Member, hall.member.id).active = False
        db.session.commit()
    response = client.post("/api/v1/checkins", json={"token": printed(hall.event)}, headers=headers)
    _refused(response, 403, "not_allowed")
    assert _count(app, Checkin) == 0


def test_a_bad_body_is_a_400_and_changes_nothing(app, hall, printed, scan, client, auth):
    _refused(client.post("/api/v1/checkins", json={}, headers=auth(hall.member.account)), 400, "invalid_request")
    _refused(scan(hall.member.account, printed(hall.event), latitude="north"), 400, "invalid_request")
    _refused(scan(hall.member.account, printed(hall.event), key="k" * 101), 400, "invalid_request")
    assert _count(app, Checkin) == 0
