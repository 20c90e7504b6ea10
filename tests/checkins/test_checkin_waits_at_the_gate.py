"""A check-in takes the ledger's gate and its member's row before it writes anything (PostgreSQL, where the gate
and the lock ride in the check-in's own insert): a month close holding the gate, or another write holding the
member, makes the scan wait, and it lands whole once they let go."""

import threading

import pytest
from sqlalchemy import create_engine, func, select, text

from app.checkins.models import Checkin
from app.extensions import db
from app.points.models import EntryStatus, LedgerRecord
from app.points.operations import LEDGER_GATE
from ledger import periods


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


def _entry_of_scan(app, member_id):
    with app.app_context():
        return db.session.execute(
            select(LedgerRecord.seq, LedgerRecord.prev_hash, EntryStatus.period)
            .join(EntryStatus, EntryStatus.entry_id == LedgerRecord.id)
            .where(LedgerRecord.chain == member_id, EntryStatus.source == "checkin")
        ).one()


def _wait_until_blocked(conn, thread) -> None:
    thread.join(timeout=1.0)
    assert thread.is_alive()
    assert conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")).scalar() == 1


def test_a_scan_that_waited_while_its_member_gained_a_record_links_after_that_record(app, auth, hall, printed, holder):
    """The scan reads the chain head in its first statement, before the lock it waits for: what came meanwhile
    must be seen, or two links would claim the same place (the chain's unique seq would refuse the scan)."""
    headers = auth(hall.member.account)
    with holder.connect() as conn:
        conn.execute(text("SELECT id FROM members WHERE id = :member FOR UPDATE"), {"member": hall.member.id})
        thread, answers = _scan_in_thread(app, headers, printed(hall.event))
        _wait_until_blocked(conn, thread)
        # Another write of the member's lands meanwhile: a link at the head's next place.
        conn.execute(
            text(
                "INSERT INTO ledger_records (chain, seq, kind, prev_hash, hash, period, created_at) "
                "VALUES (:member, 1, 'entry', :genesis, :hash, '2026-01', '2026-01-01T00:00:00Z')"
            ),
            {"member": hall.member.id, "genesis": "0" * 64, "hash": "f" * 64},
        )
        conn.commit()
    thread.join(timeout=30)
    assert answers[0].status_code == 201
    seq, prev_hash, _ = _entry_of_scan(app, hall.member.id)
    assert (seq, prev_hash) == (2, "f" * 64)


def test_a_scan_that_waited_at_the_gate_for_a_month_close_lands_in_the_next_month(app, auth, hall, printed, holder):
    """A close holds the gate alone; a scan read the last closed month before it got the gate: its entry must not
    land in the month that closed meanwhile."""
    month = periods.month_of(hall.event.starts_at)
    headers = auth(hall.member.account)
    with holder.connect() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:gate)"), {"gate": LEDGER_GATE})
        thread, answers = _scan_in_thread(app, headers, printed(hall.event))
        _wait_until_blocked(conn, thread)
        conn.execute(
            text("INSERT INTO periods (period, closed_at, seal, prev_seal) VALUES (:month, now(), :seal, :seal)"),
            {"month": month, "seal": "0" * 64},
        )
        conn.commit()
    thread.join(timeout=30)
    assert answers[0].status_code == 201
    assert _entry_of_scan(app, hall.member.id).period == periods.next_month(month)


def test_a_scan_that_waited_while_the_rules_changed_is_priced_by_the_new_rules(app, auth, hall, printed, holder, make):
    """The process's kept rulebook is proven by the config version, which the scan read before its wait: a rule
    changed meanwhile (a trigger moves the version) must price it. The change here edits the row in force, as no
    operation may, so that it shows at once."""
    headers = auth(hall.member.account)
    # Another member's scan first, so that this process keeps the rulebook as it stands.
    neighbour = make.member(hall.community)
    assert (
        app.test_client()
        .post("/api/v1/checkins", json={"token": printed(hall.event)}, headers=auth(neighbour.account))
        .status_code
        == 201
    )
    with holder.connect() as conn:
        conn.execute(text("SELECT id FROM members WHERE id = :member FOR UPDATE"), {"member": hall.member.id})
        thread, answers = _scan_in_thread(app, headers, printed(hall.event))
        _wait_until_blocked(conn, thread)
        conn.execute(text("UPDATE points_rules SET points = 7 WHERE source = 'checkin' AND valid_to IS NULL"))
        conn.commit()
    thread.join(timeout=30)
    assert answers[0].status_code == 201
    with app.app_context():
        assert db.session.scalar(select(EntryStatus.points).where(EntryStatus.member_id == hall.member.id)) == 7
        assert db.session.scalar(select(EntryStatus.points).where(EntryStatus.member_id == neighbour.id)) != 7
