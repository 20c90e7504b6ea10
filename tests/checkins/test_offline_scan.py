"""An offline scan (`scanned_at`): judged as of the time the phone kept it, within the event's window, no later
than now, at most 2 hours old, a screen code only if it was valid then; a replay answers as the first."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from app.auth.models import Account
from app.checkins import operations
from app.checkins.models import Checkin
from app.extensions import db
from ledger.periods import TZ


def _at(minutes: float) -> str:
    """`minutes` from now, ISO 8601 in Beijing time, as a phone in China writes it."""
    return (datetime.now(UTC) + timedelta(minutes=minutes)).astimezone(TZ).isoformat()


def _count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Checkin))


def _refused(answer):
    return answer.status_code, answer.get_json()["code"]


def test_a_scan_kept_offline_counts_at_its_own_time_after_the_window_has_closed(app, make, hall, printed, scan):
    now = datetime.now(UTC)
    ended = make.event(hall.community, kind="service", starts_at=now - timedelta(hours=1), hours=0.5)
    assert _refused(scan(hall.member.account, printed(ended))) == (409, "outside_window")

    kept = scan(hall.member.account, printed(ended), key="offline-1", scanned_at=_at(-40))

    assert kept.status_code == 201, kept.get_json()
    with app.app_context():
        checkin = db.session.get(Checkin, kept.get_json()["checkin_id"])
        assert abs(checkin.created_at - (now - timedelta(minutes=40))) < timedelta(seconds=5)


def test_a_scan_time_later_than_now_is_outside_the_window(app, hall, printed, scan):
    answer = scan(hall.member.account, printed(hall.event), scanned_at=_at(2))
    assert _refused(answer) == (409, "outside_window") and _count(app) == 0


def test_a_scan_kept_more_than_2_hours_is_outside_the_window_even_within_the_events(app, make, hall, printed, scan):
    long_day = make.event(hall.community, kind="service", starts_at=datetime.now(UTC) - timedelta(hours=3), hours=5)
    assert _refused(scan(hall.member.account, printed(long_day), scanned_at=_at(-121))) == (409, "outside_window")
    assert scan(hall.member.account, printed(long_day), scanned_at=_at(-119)).status_code == 201


def test_a_scan_kept_before_check_in_opened_is_outside_the_window_though_it_is_open_now(app, hall, printed, scan):
    # The hall's event opened 40 minutes ago.
    answer = scan(hall.member.account, printed(hall.event), scanned_at=_at(-50))
    assert _refused(answer) == (409, "outside_window") and _count(app) == 0


def test_a_screen_code_counts_offline_only_if_it_was_valid_when_scanned(app, make, hall, screen, scan):
    # Both codes have expired by now: one expired after the scan, one before it.
    valid_then = screen(hall.event, seconds=-30)
    assert _refused(scan(hall.member.account, valid_then)) == (410, "token_expired")
    dead_then = screen(hall.event, seconds=-90)
    assert _refused(scan(hall.member.account, dead_then, scanned_at=_at(-1))) == (409, "outside_window")
    assert _count(app) == 0
    assert scan(hall.member.account, valid_then, scanned_at=_at(-1)).status_code == 201


def test_a_scan_time_without_an_offset_is_refused_in_chinese(app, hall, printed, scan):
    answer = scan(hall.member.account, printed(hall.event), scanned_at="2026-11-29T09:00:00")
    assert answer.status_code == 400 and "时区" in answer.get_json()["message"] and _count(app) == 0


def test_an_offline_scan_replayed_with_its_key_answers_as_the_first_however_late(app, hall, printed, scan):
    first = scan(hall.member.account, printed(hall.event), key="kept-7", scanned_at=_at(-5))
    again = scan(hall.member.account, printed(hall.event), key="kept-7", scanned_at=_at(-5))
    assert first.status_code == 201 and again.status_code == 200 and again.get_json() == first.get_json()
    with app.app_context():
        account = db.session.get(Account, hall.member.account.id)
        # Three hours on, the same scan is too old to judge, but the replay is answered as the first was.
        late = operations.check_in(
            account,
            printed(hall.event),
            now=datetime.now(UTC) + timedelta(hours=3),
            signing_key=app.config["SECRET_KEY"],
            scanned_at=datetime.now(UTC) - timedelta(minutes=5),
            idempotency_key="kept-7",
        )
    assert (late.checkin_id, late.new) == (first.get_json()["checkin_id"], False)
    assert _count(app) == 1
