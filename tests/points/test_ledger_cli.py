"""`flask ledger verify` and `flask ledger export`: a row changed behind the ledger's back is named, and an
outside auditor's script rechecks the export without our code."""

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.extensions import db
from app.periods.models import Period, SealHead
from app.points.models import LedgerRecord
from ledger import chain, periods
from tests.points.conftest import day_in, last_month

DOCS = Path(__file__).resolve().parents[2] / "docs"
AUDITOR = Path(__file__).resolve().parents[2] / "app" / "points" / "auditor"


@pytest.fixture
def history(app, make, ledger):
    """Two members' chains: last month closed and sealed, then this month's entries, decisions and a reversal."""
    community = make.community()
    secretary = make.secretary(community=community)
    alice, bob = make.member(community), make.member(community)
    closed = last_month()
    then = datetime.combine(day_in(closed), datetime.min.time(), tzinfo=periods.TZ)
    ids = {
        "alice_closed": ledger.visit(alice, community, now=then, visited_on=day_in(closed)),
        "bob_closed": ledger.checkin(bob, make.event(community, starts_at=then), now=then),
    }
    ledger.decide(secretary, ids["alice_closed"], now=then)
    with app.app_context():
        heads = [
            chain.Head(c, s, h)
            for c, s, h in db.session.execute(
                select(LedgerRecord.chain, LedgerRecord.seq, LedgerRecord.hash).order_by(
                    LedgerRecord.chain, LedgerRecord.seq
                )
            )
        ]
        heads = list({h.chain: h for h in heads}.values())
        db.session.add(Period(period=closed, closed_at=then, seal=chain.seal(closed, heads, ""), prev_seal=""))
        db.session.flush()
        db.session.add_all(SealHead(period=closed, chain=h.chain, seq=h.seq, hash=h.hash) for h in heads)
        db.session.commit()
    ids["alice_pending"] = ledger.visit(alice, community, "dispute")
    ids["alice_rejected"] = ledger.visit(alice, community, "sickness")
    ledger.decide(secretary, ids["alice_rejected"], "reject", "照片与地址不符")
    ids["bob_reversal"] = ledger.reverse(secretary, ids["bob_closed"], "未实际参加")
    return {"ids": ids, "alice": alice, "bob": bob, "closed": closed}


def sql(app, statement, **params):
    with app.app_context():
        db.session.execute(text(statement), params)
        db.session.commit()


def where(app, entry_id):
    with app.app_context():
        record = db.session.get(LedgerRecord, entry_id)
        return f"chain={record.chain} seq={record.seq} id={entry_id} kind={record.kind}"


def verify(runner, workers=1):
    return runner.invoke(args=["ledger", "verify", "--workers", str(workers)])


@pytest.mark.parametrize("workers", [1, 2])
def test_an_untouched_ledger_verifies(runner, history, workers):
    result = verify(runner, workers)
    assert result.exit_code == 0, result.output
    assert "ledger verify: OK" in result.output
    assert "7 records, 2 chains, 5 entries, 2 audits" in result.output and "1 seals" in result.output


@pytest.mark.parametrize(
    "column, value", [("points", 50), ("reason", "改过"), ("state", "posted"), ("period", "2020-01")]
)
def test_one_changed_column_of_a_ledger_row_is_named(app, runner, history, column, value):
    entry_id = history["ids"]["alice_pending"]
    sql(app, f"UPDATE ledger_records SET {column} = :value WHERE id = :id", value=value, id=entry_id)

    result = verify(runner)

    assert result.exit_code == 1
    assert where(app, entry_id) in result.output and "hash" in result.output


def test_the_first_broken_chain_is_named_when_workers_share_the_chains(app, runner, history):
    first, later = history["ids"]["alice_rejected"], history["ids"]["bob_reversal"]
    with app.app_context():
        # The audit record right after the rejected entry: its reason is what a forger would soften.
        audit_id = db.session.scalar(
            select(LedgerRecord.id).where(LedgerRecord.id > first, LedgerRecord.kind == "audit")
        )
    sql(app, "UPDATE ledger_records SET reason = '没问题' WHERE id = :id", id=audit_id)
    sql(app, "UPDATE ledger_records SET points = 0 WHERE id = :id", id=later)

    result = verify(runner, workers=2)

    assert result.exit_code == 1
    assert where(app, audit_id) in result.output and where(app, later) not in result.output


def test_a_changed_balance_is_named(app, runner, history):
    alice = history["alice"]
    month = periods.month_of(datetime.now(UTC))
    sql(app, "UPDATE balances SET posted = posted + 10 WHERE member_id = :m AND period = :p", m=alice.id, p=month)

    result = verify(runner)

    assert result.exit_code == 1
    assert f"余额 member={alice.id} period={month}" in result.output


def test_a_balance_without_any_record_is_named(app, make, runner, history):
    loner = make.member()
    sql(
        app,
        "INSERT INTO balances (member_id, period, posted, pending, posted_entries) VALUES (:m, '2026-01', 5, 0, 1)",
        m=loner.id,
    )
    result = verify(runner)
    assert result.exit_code == 1 and f"余额 member={loner.id} period=2026-01" in result.output


def test_a_changed_entry_status_is_named(app, runner, history):
    entry_id = history["ids"]["alice_pending"]
    sql(app, "UPDATE entry_status SET state = 'posted' WHERE entry_id = :id", id=entry_id)

    result = verify(runner)

    assert result.exit_code == 1
    assert f"积分状态 entry_id={entry_id}" in result.output and "state" in result.output


def test_a_changed_entry_status_names_both_states_as_text(app, runner, history):
    entry_id = history["ids"]["alice_pending"]
    sql(app, "UPDATE entry_status SET state = 'rejected' WHERE entry_id = :id", id=entry_id)

    result = verify(runner)

    assert result.exit_code == 1
    assert "存储的 state='rejected'，按记录应为 'pending'" in result.output


def first_audit_of(app, member):
    with app.app_context():
        return db.session.scalar(
            select(LedgerRecord.id)
            .where(LedgerRecord.chain == member.id, LedgerRecord.kind == "audit")
            .order_by(LedgerRecord.seq)
        )


@pytest.mark.parametrize("workers", [1, 2])
def test_an_entry_status_moved_to_another_seq_is_named_by_that_column(app, runner, history, workers):
    entry_id = history["ids"]["alice_pending"]
    sql(app, "UPDATE entry_status SET seq = seq + 100 WHERE entry_id = :id", id=entry_id)

    result = verify(runner, workers)

    assert result.exit_code == 1
    assert f"积分状态 entry_id={entry_id}" in result.output and "存储的 seq=" in result.output


def test_a_later_entrys_status_moved_onto_an_earlier_audit_is_named_at_the_audit(app, runner, history):
    audit_id = first_audit_of(app, history["alice"])
    sql(
        app,
        "UPDATE entry_status SET entry_id = :audit WHERE entry_id = :id",
        audit=audit_id,
        id=history["ids"]["alice_pending"],
    )

    result = verify(runner)

    assert result.exit_code == 1
    assert f"积分状态 entry_id={audit_id}: 指向的是审核记录" in result.output


@pytest.mark.parametrize("workers", [1, 2])
def test_an_extra_status_on_an_audit_is_named_though_every_entry_has_its_own(app, runner, history, workers):
    audit_id = first_audit_of(app, history["alice"])
    sql(
        app,
        "INSERT INTO entry_status (entry_id, member_id, seq, period, state, points, rule, source, source_id, "
        "reversed_by, created_at, updated_at) SELECT :audit, member_id, 999, period, state, points, rule, source, "
        "source_id, reversed_by, created_at, updated_at FROM entry_status WHERE entry_id = :id",
        audit=audit_id,
        id=history["ids"]["alice_pending"],
    )

    result = verify(runner, workers)

    assert result.exit_code == 1
    assert f"积分状态 entry_id={audit_id}: 指向的是审核记录" in result.output


def test_a_rewritten_seal_is_named(app, runner, history):
    sql(app, "UPDATE periods SET seal = :s", s="f" * 64)
    result = verify(runner)
    assert result.exit_code == 1 and f"结账封存 period={history['closed']}" in result.output


def check(path, *flags):
    return subprocess.run(
        [sys.executable, str(AUDITOR / "check_export.py"), str(path), *flags],
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_the_export_rechecks_with_the_auditors_script_until_a_row_is_changed(app, runner, history, tmp_path):
    before = tmp_path / "before.jsonl"
    assert runner.invoke(args=["ledger", "export", "--out", str(before)]).exit_code == 0
    lines = before.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 7
    ok = check(before)
    assert ok.returncode == 0 and ok.stdout.startswith("OK: 7 records in 2 chains"), ok.stderr

    entry_id = history["ids"]["alice_rejected"]
    sql(app, "UPDATE ledger_records SET points = 30 WHERE id = :id", id=entry_id)
    after = tmp_path / "after.jsonl"
    assert runner.invoke(args=["ledger", "export", "--out", str(after)]).exit_code == 0

    broken = check(after)
    assert broken.returncode != 0 and "hash does not match" in broken.stderr
    # The export carries the hash stored when the record was written: it recomputes nothing.
    exported = [json.loads(line) for line in after.read_text(encoding="utf-8").splitlines()]
    assert [r["hash"] for r in exported] == [json.loads(line)["hash"] for line in lines]
    assert [r["points"] for r in exported if r["seq"] == 4 and r["chain"] == history["alice"].id] == [30]


def test_a_months_export_holds_the_stretch_written_that_month(runner, history, tmp_path):
    month = periods.month_of(datetime.now(UTC))
    result = runner.invoke(args=["ledger", "export", "--period", month])
    assert result.exit_code == 0
    stretch = tmp_path / "month.jsonl"
    stretch.write_text("".join(line + "\n" for line in result.stdout.splitlines()), encoding="utf-8")
    assert len(stretch.read_text().splitlines()) == 4
    assert check(stretch, "--period").returncode == 0
    assert "does not start at seq 1" in check(stretch).stderr
    closed = runner.invoke(args=["ledger", "export", "--period", history["closed"]])
    assert len(closed.stdout.splitlines()) == 3
    bad = runner.invoke(args=["ledger", "export", "--period", "2026-13"])
    assert bad.exit_code == 2 and "2026-13" in bad.output


def test_the_auditors_guide_shows_the_script_it_ships():
    assert (AUDITOR / "check_export.py").read_text(encoding="utf-8") in (DOCS / "auditor.md").read_text(
        encoding="utf-8"
    )
