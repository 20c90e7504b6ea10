"""A check-in takes the ledger's gate and its member's row before it writes anything (PostgreSQL, where the gate
and the lock ride in the check-in's own insert): a month close holding the gate, or another write holding the
member, makes the scan wait, and it lands whole once they let go."""

import threading

import pytest
from sqlalchemy import create_engine, func, select, text

from app.checkins.models import Checkin
from app.extensions import db
from app.points.operations import LEDGER_GATE


@pytest.fixture
def holder(app, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite's one writer lock excludes every other writer already")
    engine = create_engine(database_url)
    yield engine
    engine.dispose()


def _scan_in_thread(app, headers, token) -> tuple[threading.Thread, list]:
    answers: list = []

    def post():
        answers.append(app.test_client().post("/api/v1/checkins", json={"token": token}, headers=headers))

    thread = threading.Thread(target=post)
    thread.start()
    return thread, answers


def _checkins(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Checkin))


@pytest.mark.parametrize(
    "held",
    [
        pytest.param("SELECT pg_advisory_xact_lock(:gate)", id="a month close holds the gate"),
        pytest.param("SELECT id FROM members WHERE id = :member FOR UPDATE", id="another write holds the member"),
    ],
)
def test_a_scan_waits_for_the_lock_before_it_writes_and_then_lands(app, auth, hall, printed, holder, held):
    headers = auth(hall.member.account)
    with holder.connect() as conn:
        conn.execute(text(held), {"gate": LEDGER_GATE, "member": hall.member.id})
        thread, answers = _scan_in_thread(app, headers, printed(hall.event))
        thread.join(timeout=1.0)
        assert thread.is_alive() and not answers
        waiting = conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")).scalar()
        assert waiting == 1
        # Had the scan inserted its row before waiting, this insert of the same pair would wait on it in turn.
        conn.execute(text("SET LOCAL lock_timeout = '2s'"))
        probe = conn.execute(
            text(
                "INSERT INTO checkins (event_id, member_id, method, created_at) VALUES (:event, :member, 'printed', now()) "
                "ON CONFLICT DO NOTHING RETURNING id"
            ),
            {"event": hall.event.id, "member": hall.member.id},
        ).all()
        assert len(probe) == 1
        conn.rollback()
    thread.join(timeout=30)
    assert answers[0].status_code == 201 and _checkins(app) == 1
