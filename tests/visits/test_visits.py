"""Visits to paired households (入户走访, 四必访): once per member, household and day, each with a pending
ledger entry priced by the rules, refused for a household not paired with the member."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.db import utcnow
from app.errors import Refusal
from app.extensions import db
from app.org.models import Community, CountySettings
from app.pairing.models import Pairing
from app.points.models import EntryStatus
from app.visits.models import Visit
from ledger import periods


def _today():
    return periods.local(utcnow()).date()


@pytest.fixture
def paired(make, auth):
    """A member, a household paired with them, and the member's Authorization header."""
    home = make.community()
    member = make.member(home)
    household = make.household(home, member=member, hardship=True)
    return member, household, auth(member.account)


def _visit(client, headers, household, category="hardship", visited_on=None, **extra):
    body = {
        "household_id": household.id,
        "category": category,
        "visited_on": (visited_on or _today()).isoformat(),
        **extra,
    }
    return client.post("/api/v1/visits", json=body, headers=headers)


def _entries(app):
    with app.app_context():
        return [
            (e.entry_id, e.state, e.points, e.rule, e.source, e.source_id, e.period)
            for e in db.session.query(EntryStatus).order_by(EntryStatus.entry_id)
        ]


def test_a_new_visit_is_201_with_a_pending_entry_priced_by_the_rule(client, app, paired):
    member, household, headers = paired
    response = _visit(client, headers, household, visited_on=_today())
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"visit_id", "entry_id"}
    assert _entries(app) == [
        (body["entry_id"], "pending", 3, "visit.hardship", "visit", body["visit_id"], periods.month_of_date(_today()))
    ]


def test_a_routine_visit_earns_the_routine_rule(client, app, paired):
    _, household, headers = paired
    body = _visit(client, headers, household, category="routine").get_json()
    assert _entries(app)[0][1:4] == ("pending", 1, "visit.routine")
    assert body["entry_id"] == _entries(app)[0][0]


def test_the_same_household_and_day_again_is_200_with_the_same_ids_and_no_new_entry(client, app, paired):
    _, household, headers = paired
    first = _visit(client, headers, household).get_json()
    again = _visit(client, headers, household, category="sickness", note="又去了一次")
    assert again.status_code == 200 and again.get_json() == first
    assert len(_entries(app)) == 1
    with app.app_context():
        assert db.session.query(Visit).count() == 1


def test_an_idempotency_key_replays_the_first_answer_for_the_same_household_and_day(client, app, paired):
    _, household, headers = paired
    keyed = {**headers, "Idempotency-Key": "visit-abc-1"}
    first = _visit(client, keyed, household, visited_on=_today() - timedelta(days=1))
    replay = _visit(client, keyed, household, category="routine", note="重发", visited_on=_today() - timedelta(days=1))
    assert first.status_code == 201 and replay.status_code == 200 and replay.get_json() == first.get_json()
    assert len(_entries(app)) == 1


def test_an_idempotency_key_sent_again_for_another_day_or_household_is_422_and_changes_nothing(
    client, app, make, paired, ledger_verifies
):
    member, household, headers = paired
    neighbour = make.household(make.community(), member=member)
    keyed = {**headers, "Idempotency-Key": "visit-abc-1"}
    assert _visit(client, keyed, household, visited_on=_today() - timedelta(days=1)).status_code == 201
    for target, day in ((household, _today()), (neighbour, _today() - timedelta(days=1))):
        reused = _visit(client, keyed, target, visited_on=day)
        assert reused.status_code == 422 and reused.get_json()["code"] == "idempotency_key_reused"
    assert len(_entries(app)) == 1
    with app.app_context():
        assert db.session.query(Visit).count() == 1
    assert _visit(client, headers, household, visited_on=_today()).status_code == 201
    ledger_verifies()


def test_the_next_day_is_a_new_visit(client, app, paired):
    _, household, headers = paired
    first = _visit(client, headers, household, visited_on=_today() - timedelta(days=1)).get_json()
    second = _visit(client, headers, household, visited_on=_today())
    assert second.status_code == 201 and second.get_json()["visit_id"] != first["visit_id"]


def test_a_household_not_paired_with_the_member_is_refused(client, app, make, auth, paired):
    _, household, _ = paired
    neighbour = make.member(make.community())
    response = _visit(client, auth(neighbour.account), household)
    assert response.status_code == 403 and response.get_json()["code"] == "not_paired"
    assert _entries(app) == []


def test_a_household_whose_pairing_has_ended_is_refused(client, app, make, auth, paired):
    member, household, headers = paired
    with app.app_context():
        pairing_id = db.session.scalar(select(Pairing.id).where(Pairing.member_id == member.id))
        home = db.session.get(Community, household.community_id)
        db.session.expunge(home)
    assert client.delete(f"/api/v1/pairings/{pairing_id}", headers=auth(make.secretary(home))).status_code == 200
    response = _visit(client, headers, household)
    assert response.status_code == 403 and response.get_json()["code"] == "not_paired"


@pytest.mark.parametrize("category", ["visiting", "", "HARDSHIP", "困难群众"])
def test_an_unknown_category_is_a_400(client, app, paired, category):
    _, household, headers = paired
    response = _visit(client, headers, household, category=category)
    assert response.status_code == 400 and response.get_json()["code"] == "invalid_category"
    assert _entries(app) == []


@pytest.mark.parametrize("visited_on", ["2026-13-01", "2026/11/01", "yesterday", "2026-11-01T10:00:00", "", 20261101])
def test_a_malformed_date_is_a_400(client, app, paired, visited_on):
    _, household, headers = paired
    response = client.post(
        "/api/v1/visits",
        headers=headers,
        json={"household_id": household.id, "category": "hardship", "visited_on": visited_on},
    )
    assert response.status_code == 400 and response.get_json()["code"] == "invalid_request"
    assert _entries(app) == []


def test_a_date_after_today_in_china_is_409(client, app, paired):
    _, household, headers = paired
    response = _visit(client, headers, household, visited_on=_today() + timedelta(days=1))
    assert response.status_code == 409 and response.get_json()["code"] == "future_date"
    assert _entries(app) == []


def test_today_is_read_on_the_china_clock(app, make):
    from app.visits.operations import log_visit

    home = make.community()
    member = make.member(home)
    household = make.household(home, member=member)
    # 17:30 UTC on 30 November is already 1 December in Yongchun.
    now = datetime(2026, 11, 30, 17, 30, tzinfo=UTC)
    with app.app_context():
        answer, created = log_visit(member.id, household.id, "routine", date(2026, 12, 1), None, None, now)
        assert created and db.session.get(EntryStatus, answer["entry_id"]).period == "2026-12"


def test_a_visit_in_a_closed_month_lands_in_the_next_open_one(app, make):
    from app.periods.models import Period
    from app.visits.operations import log_visit

    home = make.community()
    member = make.member(home)
    household = make.household(home, member=member)
    now = datetime(2026, 11, 10, 2, tzinfo=UTC)
    with app.app_context():
        db.session.add(Period(period="2026-10", closed_at=now, seal="0" * 64, prev_seal=""))
        db.session.commit()
        answer, _ = log_visit(member.id, household.id, "dispute", date(2026, 10, 30), None, None, now)
        assert db.session.get(EntryStatus, answer["entry_id"]).period == "2026-11"


def test_an_account_that_is_not_a_member_cannot_log_visits(client, make, auth, paired):
    _, household, _ = paired
    response = _visit(client, auth(make.admin()), household)
    assert response.status_code == 403 and response.get_json()["code"] == "not_allowed"


def test_an_unknown_field_is_ignored_and_a_missing_one_is_a_400(client, paired):
    _, household, headers = paired
    assert client.post("/api/v1/visits", headers=headers, json={"household_id": household.id}).status_code == 400
    assert _visit(client, headers, household, mood="good").status_code == 201


def test_an_overlong_idempotency_key_is_a_400(client, app, paired):
    _, household, headers = paired
    response = _visit(client, {**headers, "Idempotency-Key": "k" * 101}, household)
    assert response.status_code == 400 and response.get_json()["code"] == "invalid_idempotency_key"
    assert _entries(app) == []


@pytest.mark.parametrize("visited_on", [date(1900, 1, 1), date(2019, 1, 5), _today() - timedelta(days=32)])
def test_a_visit_older_than_the_countys_bound_is_409_too_old_and_writes_nothing(client, app, paired, visited_on):
    _, household, headers = paired
    response = _visit(client, headers, household, visited_on=visited_on)
    assert response.status_code == 409 and response.get_json()["code"] == "too_old"
    assert "31天" in response.get_json()["message"]
    assert _entries(app) == []
    with app.app_context():
        assert db.session.query(Visit).count() == 0


def test_the_bound_is_the_countys_setting(client, app, paired):
    _, household, headers = paired
    with app.app_context():
        db.session.add(CountySettings(visit_max_age_days=7))
        db.session.commit()
    assert _visit(client, headers, household, visited_on=_today() - timedelta(days=8)).status_code == 409
    assert _visit(client, headers, household, visited_on=_today() - timedelta(days=7)).status_code == 201


def test_the_total_cannot_be_raised_through_a_past_months_unused_cap(app, make, client, auth, ledger_verifies):
    from app.periods.operations import close_month
    from app.visits.operations import log_visit

    home = make.community()
    member = make.member(home)
    households = [make.household(home, member=member, hardship=True) for _ in range(3)]
    now = datetime(2026, 12, 10, 2, tzinfo=UTC)
    with app.app_context():
        db.session.add(CountySettings(month_cap=3))  # one hardship visit fills a month
        db.session.commit()
        close_month("2026-11", None, now)
        answers = [
            log_visit(member.id, household.id, "hardship", visited_on, None, None, now)[0]
            for household, visited_on in zip(households[:2], (date(2026, 12, 9), date(2026, 11, 20)), strict=True)
        ]
        late = [db.session.get(EntryStatus, a["entry_id"]) for a in answers]
        # November is closed: its visit lands in December and meets December's cap, not a fresh one.
        assert [(e.period, e.points) for e in late] == [("2026-12", 3), ("2026-12", 0)]
        with pytest.raises(Refusal) as refused:  # October was never closed, but its cap is out of reach too
            log_visit(member.id, households[2].id, "hardship", date(2026, 10, 15), None, None, now)
        assert refused.value.code == "too_old"
        assert db.session.scalar(select(func.sum(EntryStatus.points)).where(EntryStatus.member_id == member.id)) == 3
    ledger_verifies()


def test_a_note_holds_at_most_500_characters(client, app, paired, ledger_verifies):
    _, household, headers = paired
    for note in ("记" * 501, "x" * 900_000):
        response = _visit(client, headers, household, note=note)
        assert response.status_code == 400 and response.get_json()["code"] == "invalid_request"
        assert "500" in response.get_json()["message"]
    assert _entries(app) == []
    assert _visit(client, headers, household, note="记" * 500).status_code == 201
    ledger_verifies()


def test_the_visit_operation_holds_the_note_limit_for_every_caller(app, paired):
    from app.visits.operations import log_visit

    member, household, _ = paired
    with app.app_context(), pytest.raises(Refusal) as refused:
        log_visit(member.id, household.id, "hardship", _today(), "记" * 501, None, utcnow())
    assert refused.value.code == "note_too_long" and "500" in refused.value.message


def test_a_visit_past_the_cap_is_kept_as_a_record_at_0_points_and_out_of_the_audit_queue(
    client, app, make, auth, ledger_verifies
):
    home = make.community()
    member = make.member(home)
    first, second = make.household(home, member=member, sickness=True), make.household(home, member=member)
    headers, secretary = auth(member.account), auth(make.secretary(home))
    with app.app_context():
        db.session.add(CountySettings(month_cap=3))  # one sickness visit fills the month
        db.session.commit()
    earning = _visit(client, headers, first, category="sickness").get_json()
    past_cap = _visit(client, headers, second, category="routine", note="陪老人聊天")
    assert past_cap.status_code == 201
    entry = next(
        e
        for e in client.get("/api/v1/ledger/entries", headers=headers).get_json()["entries"]
        if e["id"] == past_cap.get_json()["entry_id"]
    )
    assert (entry["points"], entry["state"]) == (0, "posted") and "已达上限" in entry["explanation"]
    queue = client.get("/api/v1/audit/queue", headers=secretary).get_json()["entries"]
    assert [e["id"] for e in queue] == [earning["entry_id"]]
    month = periods.month_of(utcnow())
    stats = client.get(f"/api/v1/stats?period={month}&community_id={home.id}", headers=secretary).get_json()
    assert stats["visits"]["sickness"] == 1 and stats["visits"]["routine"] == 1  # the care is on the record
    ledger_verifies()
