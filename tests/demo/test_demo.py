"""`flask demo`: a Yongchun-like county whose printed accounts log in, loaded once however often it runs."""

import json

from sqlalchemy import func, select

from app.auth.models import Account
from app.db import utcnow
from app.events.models import Event
from app.extensions import db
from app.members.models import Member
from app.org.models import Community, Unit
from app.pairing.models import Household, Pairing
from app.points.models import Balance, EntryStatus, LedgerRecord
from app.visits.models import Visit
from ledger import periods

FIELDS = {"phone", "password", "role", "name", "member_id", "community_id", "unit_id"}


def run_demo(runner, *args):
    result = runner.invoke(args=["demo", *args])
    assert result.exit_code == 0, result.output
    return result


def printed_accounts(runner, *args):
    return [json.loads(line) for line in run_demo(runner, "--json", *args).stdout.splitlines()]


def row_counts():
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def test_demo_json_prints_one_account_per_line_with_the_contract_fields_and_they_log_in(app, runner, client):
    accounts = printed_accounts(runner, "--members", "40", "--password", "sesame-42")
    for account in accounts:
        assert set(account) == FIELDS
        assert account["role"] in ("admin", "secretary", "member")
        assert account["password"] == "sesame-42"
        assert isinstance(account["phone"], str) and isinstance(account["name"], str)
        for key in ("member_id", "community_id", "unit_id"):
            assert account[key] is None or type(account[key]) is int
    members = [a for a in accounts if a["role"] == "member"]
    assert len(members) == 40
    assert len({a["phone"] for a in accounts}) == len(accounts)
    admins = [a for a in accounts if a["role"] == "admin"]
    assert admins
    secretaries = [a for a in accounts if a["role"] == "secretary"]
    with app.app_context():
        assert {a["community_id"] for a in secretaries} >= set(db.session.scalars(select(Community.id)))
        assert any(a["member_id"] is not None for a in secretaries)
        assert any(a["unit_id"] is not None for a in secretaries)
        for printed in members + [a for a in secretaries if a["member_id"]]:
            member = db.session.get(Member, printed["member_id"])
            assert member.phone == printed["phone"] and member.name == printed["name"]
            assert member.community_id == printed["community_id"]
            if printed["role"] == "member":
                assert member.unit_id == printed["unit_id"] and db.session.get(Unit, printed["unit_id"])
    for account in (admins[0], secretaries[0], members[0]):
        response = client.post("/api/v1/auth/token", json={"phone": account["phone"], "password": "sesame-42"})
        assert response.status_code == 200, response.get_json()


def test_running_the_demo_twice_adds_nothing_and_a_larger_n_adds_only_the_missing_members(app, runner, client):
    first = printed_accounts(runner, "--members", "40")
    with app.app_context():
        counts = row_counts()
    # The year around the return day is in the demo too: residents' needs, pledges, deliberation days.
    assert min(counts["needs"], counts["pledges"], counts["deliberation_days"], counts["agenda_items"]) > 0
    second = printed_accounts(runner, "--members", "40")
    with app.app_context():
        assert row_counts() == counts
    assert second == first
    assert {a["password"] for a in first} == {"demo1234"}

    grown = printed_accounts(runner, "--members", "45", "--password", "changed-9")
    assert [a["phone"] for a in grown if a["role"] == "member"][:40] == [
        a["phone"] for a in first if a["role"] == "member"
    ]
    for account in (grown[0], grown[-1]):
        response = client.post("/api/v1/auth/token", json={"phone": account["phone"], "password": "changed-9"})
        assert response.status_code == 200, response.get_json()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Member)) == counts["members"] + 5
        assert db.session.scalar(select(func.count()).select_from(Pairing)) >= counts["pairings"] + 50
        assert db.session.scalar(select(func.count()).select_from(Event)) == counts["events"]


def test_the_demo_has_a_return_day_this_month_and_three_months_of_posted_points(app, runner):
    run_demo(runner, "--members", "40")
    now = utcnow()
    this_month = periods.month_of(now)
    with app.app_context():
        return_days = db.session.scalars(select(Event).where(Event.kind == "return_day")).all()
        this_months = [e for e in return_days if periods.month_of(e.starts_at) == this_month]
        assert {e.community_id for e in this_months} == set(db.session.scalars(select(Community.id)))
        assert {periods.local(e.starts_at).date() for e in this_months} == {periods.return_day(this_month)}
        assert {periods.local(e.starts_at).strftime("%H:%M") for e in this_months} == {"09:00"}

        past = [periods.prev_month(this_month)]
        past += [periods.prev_month(past[-1]), periods.prev_month(periods.prev_month(past[-1]))]
        for period in past:
            posted = db.session.scalar(select(func.sum(Balance.posted)).where(Balance.period == period))
            assert posted and posted > 0, period
        assert not db.session.scalar(
            select(func.count()).select_from(EntryStatus).where(EntryStatus.period == this_month)
        )
        states = dict(
            db.session.execute(
                select(EntryStatus.state, func.count()).where(EntryStatus.source == "visit").group_by(EntryStatus.state)
            ).all()
        )
        assert states["posted"] > states["rejected"] >= 1 and states["pending"] >= 1
        assert db.session.scalar(select(func.max(Visit.visited_on))) < periods.local(now).date()

        for member in db.session.scalars(select(Member)):
            households = db.session.scalars(select(Household).join(Pairing).where(Pairing.member_id == member.id)).all()
            assert len(households) >= 10
            assert {h.grid_id for h in households} == {member.grid_id}
            assert member.address and member.reported_on
        assert db.session.scalar(select(func.count()).select_from(Household).where(Household.hardship.is_(True)))
        assert db.session.scalar(select(func.count()).select_from(Account).where(Account.role == "admin")) >= 1


def test_a_demo_secretary_who_is_a_member_earned_their_check_ins_through_the_countys_audit(
    app, runner, ledger_verifies
):
    run_demo(runner, "--members", "40")
    with app.app_context():
        secretaries = db.session.scalars(
            select(Account).where(Account.role == "secretary", Account.member_id.is_not(None))
        ).all()
        assert secretaries
        for secretary in secretaries:
            mine = select(LedgerRecord).where(LedgerRecord.chain == secretary.member_id)
            checkins = db.session.scalars(mine.where(LedgerRecord.source == "checkin")).all()
            approved_by = {
                r.entry_seq: r.actor_id
                for r in db.session.scalars(
                    mine.where(LedgerRecord.kind == "audit", LedgerRecord.decision == "approve")
                )
            }
            assert checkins and {r.state for r in checkins} == {"pending"}
            assert all(approved_by.get(r.seq) not in (None, secretary.id) for r in checkins)
    ledger_verifies()
