"""The calendar's jobs, each as of a given `now`: run twice they add nothing, and after downtime they catch up
only what is still useful (a reminder for a day already past is not sent late)."""

import pytest
from sqlalchemy import select

from app.auth.models import Account
from app.duty.models import QuarterOutcome
from app.duty.operations import record_quarter
from app.extensions import db
from app.leave.models import LeaveRequest
from app.notices.models import InboxItem
from app.notices.queries import desk_inbox
from app.outbox.models import OutboxMessage
from scheduler.jobs import JOBS
from tests.factories import check_in, local, log_in

RETURN_DAY = local(2026, 11, 29, 9, 0)


def _inbox(app, **recipient):
    with app.app_context():
        where = [getattr(InboxItem, k) == v for k, v in recipient.items()]
        return [(i.kind, i.dedupe) for i in db.session.scalars(select(InboxItem).where(*where).order_by(InboxItem.id))]


def _outbox(app):
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        return [(m.phone, m.dedupe, m.expires_at) for m in rows]


def _run(app, job, now, times=2):
    with app.app_context():
        return [JOBS[job].run(now) for _ in range(times)]


@pytest.fixture
def return_day(app, make):
    community = make.community()
    event = make.event(community, starts_at=RETURN_DAY)
    going = [make.member(community), make.member(community)]
    away = make.member(community)
    make._save(
        LeaveRequest(event_id=event.id, member_id=away.id, reason="出差", state="approved", created_at=RETURN_DAY)
    )
    asked = make.member(community)  # a leave asked but not granted: still expected
    make._save(LeaveRequest(event_id=event.id, member_id=asked.id, reason="看病", created_at=RETURN_DAY))
    elsewhere = make.member()
    return event, going + [asked], away, elsewhere


def test_members_are_reminded_three_days_before_and_on_the_morning_not_those_on_leave(app, return_day):
    event, expected, away, elsewhere = return_day
    _run(app, "return_day_reminders", local(2026, 11, 26, 7, 30))
    _run(app, "return_day_reminders", local(2026, 11, 27, 7, 30))  # the early reminder is one, not one a day
    _run(app, "return_day_reminders", local(2026, 11, 29, 7, 30))
    for member in expected:
        assert _inbox(app, member_id=member.id) == [
            ("reminder", f"return_day-3d:event:{event.id}"),
            ("reminder", f"return_day-day:event:{event.id}"),
        ]
    assert _inbox(app, member_id=away.id) == [] and _inbox(app, member_id=elsewhere.id) == []
    sms = _outbox(app)
    assert sorted(phone for phone, _, _ in sms) == sorted(m.phone for m in expected for _ in range(2))
    assert {expires for _, _, expires in sms} == {RETURN_DAY}


def test_after_a_week_down_only_what_is_still_ahead_is_sent(app, return_day):
    event, expected, _, _ = return_day
    # Down from the 22nd to the morning of the day itself: the day's reminder, not a late "in three days".
    _run(app, "return_day_reminders", local(2026, 11, 29, 8, 0))
    assert _inbox(app, member_id=expected[0].id) == [("reminder", f"return_day-day:event:{event.id}")]
    # Once the event has begun, nothing more.
    _run(app, "return_day_reminders", local(2026, 11, 29, 9, 5))
    assert len(_inbox(app)) == len(expected)


def test_down_until_the_day_before_still_gives_the_early_reminder(app, return_day):
    event, expected, _, _ = return_day
    _run(app, "return_day_reminders", local(2026, 11, 28, 7, 30))
    assert _inbox(app, member_id=expected[0].id) == [("reminder", f"return_day-3d:event:{event.id}")]


def test_members_short_of_the_duty_are_reminded_once_two_weeks_before_the_quarter_ends(app, make):
    community = make.community()
    met, short = make.member(community), make.member(community)
    check_in(app, met, make.event(community, starts_at=local(2026, 11, 29, 9, 0)))
    _run(app, "duty_reminders", local(2026, 12, 17, 8, 0))  # 15 days left: not yet
    assert _inbox(app) == []
    _run(app, "duty_reminders", local(2026, 12, 18, 8, 0))
    _run(app, "duty_reminders", local(2026, 12, 25, 8, 0))  # a later day of the window: nothing doubled
    assert _inbox(app) == [("reminder", "duty-14d:2026-Q4")]
    assert _inbox(app, member_id=short.id) == [("reminder", "duty-14d:2026-Q4")]
    assert [phone for phone, _, _ in _outbox(app)] == [short.phone]


def test_the_duty_reminder_missed_in_downtime_comes_late_in_the_quarter_but_never_after_it(app, make):
    short = make.member()
    _run(app, "duty_reminders", local(2027, 1, 2, 8, 0))  # down through the quarter's last two weeks
    assert _inbox(app, member_id=short.id) == []
    _run(app, "duty_reminders", local(2026, 12, 30, 8, 0))
    assert _inbox(app, member_id=short.id) == [("reminder", "duty-14d:2026-Q4")]


@pytest.fixture
def queue(app, make):
    community, unit = make.community(), make.unit()
    member = make.member(community, unit)
    check_in(app, member, make.event(community, starts_at=local(2026, 11, 15, 9, 0)), decision="pending")
    secretaries = {
        "community": make.secretary(community=community),
        "unit": make.secretary(unit=unit),
        "other": make.secretary(community=make.community()),
    }
    return secretaries


def test_secretaries_are_told_of_entries_waiting_over_three_days_once_a_day(app, queue):
    _run(app, "audit_reminders", local(2026, 11, 17, 8, 30))  # two days old: not yet
    assert _inbox(app) == []
    _run(app, "audit_reminders", local(2026, 11, 19, 8, 30))
    _run(app, "audit_reminders", local(2026, 11, 20, 8, 30))
    for who in ("community", "unit"):
        assert _inbox(app, account_id=queue[who].id) == [
            ("reminder", "audit-stale:2026-11-19"),
            ("reminder", "audit-stale:2026-11-20"),
        ]
    assert _inbox(app, account_id=queue["other"].id) == []
    assert len(_outbox(app)) == 4


def test_secretaries_are_told_before_the_audit_deadline_and_downtime_sends_only_today(app, queue):
    # Down from the 20th to 2 December: today's nudge and the deadline (5 December), not the days missed.
    _run(app, "audit_reminders", local(2026, 12, 2, 8, 30))
    _run(app, "audit_reminders", local(2026, 12, 3, 8, 30))
    assert _inbox(app, account_id=queue["community"].id) == [
        ("reminder", "audit-stale:2026-12-02"),
        ("reminder", "audit-deadline:2026-11"),
        ("reminder", "audit-stale:2026-12-03"),
    ]
    with app.app_context():
        item = db.session.scalars(select(InboxItem).where(InboxItem.dedupe == "audit-deadline:2026-11")).first()
        assert "2026年12月5日" in item.body and item.link == "/desk/audit"


@pytest.fixture
def quarter(app, make):
    community, units = make.community(), [make.unit(), make.unit()]
    met = make.member(community, units[0])
    missing = [make.member(community, units[0], name="王未到"), make.member(community, units[1], name="李未到")]
    check_in(app, met, make.event(community, starts_at=local(2026, 12, 27, 9, 0)))
    secretaries = {
        "community": make.secretary(community=community),
        "unit0": make.secretary(unit=units[0]),
        "unit1": make.secretary(unit=units[1]),
        "other": make.secretary(community=make.community()),
    }
    return met, missing, secretaries


def _outcomes(app):
    with app.app_context():
        return {(o.member_id, o.met) for o in db.session.scalars(select(QuarterOutcome))}


def test_the_quarter_close_records_once_and_flags_each_secretary_once(app, quarter):
    met, missing, secretaries = quarter
    # On 5 January December's entries may still wait for audit (the deadline): the close is for the 6th.
    assert "2026-Q3" in _run(app, "quarter_close", local(2027, 1, 5, 3, 0), times=1)[0]
    first, second = _run(app, "quarter_close", local(2027, 1, 6, 3, 0))
    assert first.startswith("季度结算 2026-Q4：新存档 3 人，提醒书记 3 人")
    assert "新存档 0 人，提醒书记 0 人" in second
    assert {(o[0], o[1]) for o in _outcomes(app)} >= {(met.id, True), (missing[0].id, False), (missing[1].id, False)}
    for who, count in (("community", 2), ("unit0", 1), ("unit1", 1)):
        assert _inbox(app, account_id=secretaries[who].id)[-1:] == [("flag", "duty-missing:2026-Q4")]
        with app.app_context():
            desk = desk_inbox(db.session.get(Account, secretaries[who].id))
        [flag] = [i for i in desk["items"] if i["title"].startswith("2026年第4季度")]
        assert flag["title"] == f"2026年第4季度有 {count} 名党员未完成报到服务"
        assert flag["link"] == "/desk/duty?quarter=2026-Q4" and flag["kind"] == "flag" and not flag["read"]
    with app.app_context():
        community_flag = desk_inbox(db.session.get(Account, secretaries["community"].id))["items"][0]
    assert "王未到" in community_flag["body"] and "李未到" in community_flag["body"]
    assert _inbox(app, account_id=secretaries["other"].id) == []


def test_a_quarter_recorded_by_the_command_is_not_recorded_again_but_still_flagged(app, make, quarter):
    with app.app_context():
        record_quarter("2026-Q4", local(2027, 1, 10, 9, 0))
    late = make.member()  # joined after the quarter was recorded: no outcome for it
    # Down for weeks after the quarter: the close still happens once.
    first, _ = _run(app, "quarter_close", local(2027, 2, 20, 3, 0))
    assert "2026-Q4：新存档 0 人，提醒书记 3 人" in first
    assert late.id not in {member_id for member_id, _ in _outcomes(app)}


def test_the_desk_shows_its_flags_and_opening_one_reads_it(app, queue, client):
    _run(app, "audit_reminders", local(2026, 11, 19, 8, 30))
    log_in(client, queue["community"])
    home = client.get("/desk").text
    assert 'data-inbox-unread="1"' in home
    item = home.split('data-inbox-id="', 1)[1].split('"', 1)[0]
    opened = client.get(f"/desk/inbox/{item}")
    assert opened.status_code == 200 and 'data-read="true"' in opened.text
    assert "data-inbox-unread" not in client.get("/desk").text
    # Another secretary's flag is nobody else's to read.
    log_in(client, queue["other"])
    assert client.get(f"/desk/inbox/{item}").status_code == 404
