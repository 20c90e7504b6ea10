"""The quarterly duty (每季度至少到所在社区报到服务1次): a posted check-in at an event of the member's own
community, starting inside the quarter on the China clock."""

from datetime import timedelta

import pytest

from app.duty.queries import days_left, quarter_duty
from tests.factories import check_in, local


def _met(app, quarter, **scope):
    with app.app_context():
        return {row["member_id"]: row["met"] for row in quarter_duty(quarter, **scope)}


def test_a_checkin_a_minute_before_april_counts_for_q1_and_a_minute_after_for_q2(app, make):
    home = make.community()
    march, april = make.member(home), make.member(home)
    check_in(app, march, make.event(home, starts_at=local(2026, 3, 31, 23, 59)))
    check_in(app, april, make.event(home, starts_at=local(2026, 4, 1, 0, 1)))
    assert _met(app, "2026-Q1") == {march.id: True, april.id: False}
    assert _met(app, "2026-Q2") == {march.id: False, april.id: True}


def test_a_checkin_only_at_another_communitys_event_does_not_meet_the_duty(app, make):
    home, elsewhere = make.community(), make.community()
    member = make.member(home)
    check_in(app, member, make.event(elsewhere, starts_at=local(2026, 2, 22, 9)))
    assert _met(app, "2026-Q1") == {member.id: False}


@pytest.mark.parametrize("decision", ["pending", "reject"])
def test_a_pending_or_rejected_checkin_does_not_meet_the_duty(app, make, decision):
    home = make.community()
    member = make.member(home)
    check_in(
        app,
        member,
        make.event(home, starts_at=local(2026, 2, 22, 9)),
        decision=decision,
        secretary=make.secretary(home),
    )
    assert _met(app, "2026-Q1") == {member.id: False}


def test_an_approved_proxy_checkin_meets_the_duty(app, make):
    home = make.community()
    member = make.member(home)
    check_in(
        app,
        member,
        make.event(home, starts_at=local(2026, 2, 22, 9)),
        decision="approve",
        secretary=make.secretary(home),
    )
    assert _met(app, "2026-Q1") == {member.id: True}


def test_a_reversed_checkin_no_longer_meets_the_duty(app, make):
    from app.auth.models import Account
    from app.db import transaction
    from app.extensions import db
    from app.points.operations import reverse

    home = make.community()
    member, secretary = make.member(home), make.secretary(home)
    entry_id = check_in(app, member, make.event(home, starts_at=local(2026, 2, 22, 9)))
    with app.app_context(), transaction():
        reverse(db.session.get(Account, secretary.id), entry_id, "代签不实", local(2026, 2, 23, 9))
    assert _met(app, "2026-Q1") == {member.id: False}


def test_the_duty_is_listed_by_community_or_by_work_unit_with_names(app, make):
    east, west = make.community("东街社区"), make.community("西街社区")
    unit = make.unit("县财政局")
    a, b, c = make.member(east, unit), make.member(west, unit), make.member(east)
    check_in(app, b, make.event(west, starts_at=local(2026, 5, 31, 9)))
    assert _met(app, "2026-Q2", community_id=east.id) == {a.id: False, c.id: False}
    assert _met(app, "2026-Q2", unit_id=unit.id) == {a.id: False, b.id: True}
    with app.app_context():
        row = next(r for r in quarter_duty("2026-Q2") if r["member_id"] == b.id)
    assert row == {
        "member_id": b.id,
        "name": b.name,
        "phone": b.phone,
        "community_id": west.id,
        "community": "西街社区",
        "unit_id": unit.id,
        "unit": "县财政局",
        "met": True,
    }


def test_days_left_count_today_and_are_zero_once_the_quarter_is_over():
    assert days_left("2026-Q1", local(2026, 3, 31, 23, 0)) == 1
    assert days_left("2026-Q1", local(2026, 3, 1, 8, 0)) == 31
    assert days_left("2026-Q1", local(2025, 12, 31, 23, 0)) == 90
    assert days_left("2026-Q1", local(2026, 4, 1, 0, 0)) == 0


def test_a_secretary_sees_the_duty_of_their_community_and_who_is_missing(client, make, auth):
    home = make.community()
    done, missing = make.member(home), make.member(home)
    check_in(client.application, done, make.event(home, starts_at=local(2026, 2, 22, 9)))
    headers = auth(make.secretary(home))
    body = client.get(f"/api/v1/duty?quarter=2026-Q1&community_id={home.id}", headers=headers).get_json()
    assert body["quarter"] == "2026-Q1" and body["reporting_rate"] == 0.5 and body["days_left"] == 0
    assert [(m["member_id"], m["met"]) for m in body["members"]] == [(done.id, True), (missing.id, False)]
    body = client.get(f"/api/v1/duty/missing?quarter=2026-Q1&community_id={home.id}", headers=headers).get_json()
    assert [m["member_id"] for m in body["members"]] == [missing.id] and body["community"] == home.name


def test_a_work_unit_secretary_sees_their_members_wherever_they_live(client, make, auth):
    unit = make.unit()
    a, b = make.member(make.community(), unit), make.member(make.community(), unit)
    body = client.get(
        f"/api/v1/duty/missing?quarter=2026-Q1&unit_id={unit.id}", headers=auth(make.secretary(unit=unit))
    ).get_json()
    assert {m["member_id"] for m in body["members"]} == {a.id, b.id} and body["reporting_rate"] == 0


@pytest.mark.parametrize(
    "who, query",
    [
        ("other secretary", "community_id={home}"),
        ("unit secretary", "community_id={home}"),
        ("secretary", ""),
        ("member", "community_id={home}"),
    ],
)
def test_the_duty_list_is_refused_out_of_scope(client, make, auth, who, query):
    home, other = make.community(), make.community()
    account = {
        "other secretary": lambda: make.secretary(other),
        "unit secretary": lambda: make.secretary(unit=make.unit()),
        "secretary": lambda: make.secretary(home),
        "member": lambda: make.member(home).account,
    }[who]()
    response = client.get(f"/api/v1/duty?quarter=2026-Q1&{query.format(home=home.id)}", headers=auth(account))
    assert response.status_code == 403 and response.get_json()["code"] == "forbidden"


@pytest.mark.parametrize("quarter", ["2026-Q5", "2026-03", "2026Q1", "", "2026-Q1x"])
def test_a_malformed_quarter_is_a_400(client, make, auth, quarter):
    response = client.get(f"/api/v1/duty?quarter={quarter}", headers=auth(make.admin()))
    assert response.status_code == 400 and response.get_json()["code"] == "invalid_period"


def test_an_anonymous_caller_is_refused(client):
    assert client.get("/api/v1/duty?quarter=2026-Q1").status_code == 401


def test_a_quarter_is_recorded_once_and_not_before_it_ends(app, make):
    from app.duty.models import QuarterOutcome
    from app.duty.operations import record_quarter
    from app.errors import Refusal
    from app.extensions import db

    home = make.community()
    done, missing = make.member(home), make.member(home)
    check_in(app, done, make.event(home, starts_at=local(2026, 2, 22, 9)))
    with app.app_context():
        with pytest.raises(Refusal) as refused:
            record_quarter("2026-Q1", local(2026, 3, 31, 23, 59))
        assert refused.value.code == "quarter_not_ended" and refused.value.status == 409
        first = record_quarter("2026-Q1", local(2026, 4, 1, 0, 0))
        assert first == {"quarter": "2026-Q1", "recorded": 2, "members": 2, "met": 1}
        late = make.member(home)
        again = record_quarter("2026-Q1", local(2026, 4, 2) + timedelta(days=1))
        assert again == {"quarter": "2026-Q1", "recorded": 1, "members": 3, "met": 1}
        outcomes = {o.member_id: o.met for o in db.session.query(QuarterOutcome)}
    assert outcomes == {done.id: True, missing.id: False, late.id: False}


def test_the_duty_record_command_records_a_past_quarter_and_refuses_a_future_one(runner, make):
    make.member(make.community())
    first = runner.invoke(args=["duty", "record", "2026-Q1"])
    assert first.exit_code == 0 and "新存档 1 人" in first.output
    again = runner.invoke(args=["duty", "record", "2026-Q1"])
    assert again.exit_code == 0 and "新存档 0 人" in again.output
    assert runner.invoke(args=["duty", "record", "2099-Q1"]).exit_code == 1
    assert runner.invoke(args=["duty", "record", "2026-13"]).exit_code == 1
