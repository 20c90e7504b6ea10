"""Month close (月结): a closed month keeps its ranking, its seal and its carried entries' story."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.auth.models import Account
from app.db import transaction
from app.errors import Refusal
from app.extensions import db
from app.members.models import Member
from app.periods.models import Period, SealHead
from app.periods.operations import close_month
from app.points import operations
from app.points.models import Balance, EntryStatus, LedgerRecord
from ledger import chain
from ledger.errors import InvalidPeriod, LedgerError
from tests.factories import AFTER_OCTOBER, claim_visit, earn, ten_eight_eight_five


def _close(app, period="2026-10", now=AFTER_OCTOBER):
    with app.app_context():
        return close_month(period, None, now)


def _ranking(client, **query):
    return client.get("/api/v1/rankings", query_string={"period": "2026-10", "limit": 500, **query}).get_json()


def test_a_month_that_has_not_ended_in_shanghai_cannot_be_closed(app, make):
    earn(app, make.member(), "return_day")
    last_second = datetime(2026, 10, 31, 15, 59, 59, tzinfo=UTC)  # 23:59:59 on 31 October in Shanghai
    with pytest.raises(Refusal) as refused:
        _close(app, now=last_second)
    assert refused.value.code == "period_not_ended" and refused.value.status == 409
    with app.app_context():
        assert db.session.get(Period, "2026-10") is None
    assert _close(app, now=datetime(2026, 10, 31, 16, 0, tzinfo=UTC)).already_closed is False


@pytest.mark.parametrize("period", ["2026-13", "2026-Q4", "26-10", ""])
def test_a_malformed_month_cannot_be_closed(app, period):
    with pytest.raises(InvalidPeriod):
        _close(app, period)


def test_closing_twice_changes_nothing(app, make):
    ten_eight_eight_five(app, make)
    first = _close(app)
    again = _close(app, now=datetime(2026, 12, 1, tzinfo=UTC))
    assert again.already_closed and (again.seal, again.closed_at) == (first.seal, first.closed_at)
    with app.app_context():
        assert db.session.query(SealHead).count() == 4


def test_pending_entries_are_carried_to_the_next_open_month_and_the_ledger_says_so(app, make):
    member = make.member()
    entry_id = claim_visit(app, member)
    closing = _close(app)
    assert (closing.carried, closing.to_period) == (1, "2026-11")
    with app.app_context():
        assert db.session.get(EntryStatus, entry_id).period == "2026-11"
        record = db.session.scalars(
            select(LedgerRecord).where(LedgerRecord.chain == member.id).order_by(LedgerRecord.seq.desc())
        ).first()
        assert (record.kind, record.decision, record.period) == ("audit", "carry", "2026-11")
        assert "顺延至 2026-11" in record.reason
        assert db.session.get(Balance, (member.id, "2026-10")).pending == 0
        assert db.session.get(Balance, (member.id, "2026-11")).pending == 3


def test_the_seal_covers_every_chain_head_and_links_to_the_seal_before_it(app, make):
    members = ten_eight_eight_five(app, make)
    october = _close(app)
    earn(app, members[0], "service", period="2026-11", now=datetime(2026, 11, 10, tzinfo=UTC))
    november = _close(app, "2026-11", datetime(2026, 12, 6, tzinfo=UTC))
    with app.app_context():
        for closing, prev in ((october, ""), (november, october.seal)):
            heads = [
                chain.Head(h.chain, h.seq, h.hash)
                for h in db.session.scalars(select(SealHead).where(SealHead.period == closing.period))
            ]
            assert closing.seal == chain.seal(closing.period, heads, prev)
            assert db.session.get(Period, closing.period).prev_seal == prev
        assert {
            h.seq
            for h in db.session.scalars(
                select(SealHead).where(SealHead.period == "2026-11", SealHead.chain == members[0].id)
            )
        } == {3}


def test_a_closed_months_ranking_never_moves_after_a_later_correction(app, make, client):
    community = make.community()
    members = ten_eight_eight_five(app, make, community=community)
    secretary = make.secretary(community)
    carried = claim_visit(app, members[3])
    queries = [
        {},
        {"by": "unit"},
        {"by": "community"},
        {"by": "unit", "metric": "per_member"},
        {"community_id": community.id},
        {"limit": 2, "offset": 2},
    ]
    before = [_ranking(client, **q) for q in queries]
    _close(app)
    later = datetime(2026, 11, 8, 2, 0, tzinfo=UTC)
    new_unit, new_home = make.unit(), make.community()
    with app.app_context(), transaction():
        actor = db.session.get(Account, secretary.id)
        first_entry = db.session.scalars(
            select(EntryStatus.entry_id).where(EntryStatus.member_id == members[0].id).order_by(EntryStatus.seq)
        ).first()
        reversal = operations.reverse(actor, first_entry, "签到重复", later)
        operations.decide(actor, carried, "approve", None, later)
        assert reversal.period == "2026-11"
        # The top member moves to another unit and community after the close.
        moved = db.session.get(Member, members[0].id)
        moved.unit_id, moved.community_id = new_unit.id, new_home.id
    after = [_ranking(client, **q) for q in queries]
    assert all(a["closed"] is True for a in after)
    assert [a["rows"] for a in after] == [b["rows"] for b in before]
    november = _ranking(client, period="2026-11")["rows"]
    assert {(r["name"], r["points"]) for r in november} == {(members[0].name, -5), (members[3].name, 3)}


def test_an_admin_closes_a_month_over_http_and_anyone_reads_its_state(app, make, client, auth):
    earn(app, make.member(), "return_day")
    member = make.member()
    admin = make.admin()
    assert client.get("/api/v1/periods/2026-10").get_json() == {
        "period": "2026-10",
        "closed": False,
        "closed_at": None,
        "seal": None,
    }
    assert client.post("/api/v1/periods/2026-10/close").status_code == 401
    refused = client.post("/api/v1/periods/2026-10/close", headers=auth(member.account))
    assert refused.status_code == 403 and refused.get_json()["code"] == "forbidden"
    response = client.post("/api/v1/periods/2026-10/close", headers=auth(admin))
    assert response.status_code == 200 and response.get_json() == {"period": "2026-10", "closed": True}
    state = client.get("/api/v1/periods/2026-10").get_json()
    assert state["closed"] is True and len(state["seal"]) == 64 and state["closed_at"].endswith("+08:00")
    again = client.post("/api/v1/periods/2026-10/close", headers=auth(admin))
    assert again.status_code == 200 and client.get("/api/v1/periods/2026-10").get_json() == state
    assert client.get("/api/v1/rankings?period=2026-10").get_json()["closed"] is True


@pytest.mark.parametrize(
    "period, status, code", [("2026-13", 400, "invalid_period"), ("2099-01", 409, "period_not_ended")]
)
def test_closing_a_bad_or_unfinished_month_over_http_is_refused(make, client, auth, period, status, code):
    response = client.post(f"/api/v1/periods/{period}/close", headers=auth(make.admin()))
    assert response.status_code == status and response.get_json()["code"] == code
    assert client.get("/api/v1/periods/2026-13").status_code == 400


def test_the_audit_deadline_view_counts_pending_entries_per_community(app, make, client, auth):
    home, other = make.community(), make.community()
    claim_visit(app, make.member(home))
    claim_visit(app, make.member(home))
    claim_visit(app, make.member(other))
    secretary = make.secretary(home)
    mine = client.get(f"/api/v1/periods/2026-10/pending?community_id={home.id}", headers=auth(secretary)).get_json()
    assert mine["deadline"] == "2026-11-05" and "2026年11月5日" in mine["message"]
    assert mine["communities"] == [{"community_id": home.id, "community": home.name, "pending": 2}]
    everyone = client.get("/api/v1/periods/2026-10/pending", headers=auth(make.admin())).get_json()
    assert everyone["pending"] == 3
    for query in (f"community_id={other.id}", ""):
        refused = client.get(f"/api/v1/periods/2026-10/pending?{query}", headers=auth(secretary))
        assert refused.status_code == 403
    assert client.get("/api/v1/periods/2026-10/pending").status_code == 401
    _close(app)
    closed = client.get("/api/v1/periods/2026-10/pending", headers=auth(make.admin())).get_json()
    assert closed["closed"] is True and closed["pending"] == 0


def test_the_period_close_command_closes_once_and_says_so_the_second_time(app, make, runner):
    claim_visit(app, make.member())
    first = runner.invoke(args=["period", "close", "2026-10"])
    assert first.exit_code == 0 and "2026-10 已结账" in first.output and "顺延至 2026-11" in first.output
    second = runner.invoke(args=["period", "close", "2026-10"])
    assert second.exit_code == 0 and "未作改动" in second.output
    bad = runner.invoke(args=["period", "close", "2026-13"])
    assert bad.exit_code != 0 and "2026-13" in bad.output
    unfinished = runner.invoke(args=["period", "close", "2099-01"])
    assert unfinished.exit_code != 0 and "尚未结束" in unfinished.output


def test_months_close_in_order_by_the_api_the_command_and_the_operation(
    app, make, client, auth, runner, ledger_verifies
):
    member = make.member()
    earn(app, member, "return_day")
    earn(app, member, "service", period="2026-11", now=datetime(2026, 11, 20, 2, 0, tzinfo=UTC))
    after_november = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)
    admin = auth(make.admin())
    refused = client.post("/api/v1/periods/2026-11/close", headers=admin)
    assert refused.status_code == 409 and refused.get_json()["code"] == "earlier_month_open"
    assert "2026年10月" in refused.get_json()["message"]
    command = runner.invoke(args=["period", "close", "2026-11"])
    assert command.exit_code != 0 and "2026年10月" in command.output
    with pytest.raises(LedgerError) as caught:
        _close(app, "2026-11", after_november)
    assert caught.value.code == "earlier_month_open"
    with app.app_context():
        assert db.session.query(Period).count() == 0
    assert client.post("/api/v1/periods/2026-10/close", headers=admin).status_code == 200
    assert client.post("/api/v1/periods/2026-11/close", headers=admin).status_code == 200
    with app.app_context():
        october, november = db.session.get(Period, "2026-10"), db.session.get(Period, "2026-11")
        assert (october.prev_seal, november.prev_seal) == ("", october.seal)
    ledger_verifies()


def test_a_month_that_held_nothing_is_sealed_over_and_cannot_be_closed_behind_a_later_seal(
    app, make, client, auth, ledger_verifies
):
    member = make.member()
    earn(app, member, "return_day", period="2026-09", now=datetime(2026, 9, 20, 2, 0, tzinfo=UTC))
    earn(app, member, "service", period="2026-11", now=datetime(2026, 11, 20, 2, 0, tzinfo=UTC))
    admin = auth(make.admin())
    for period in ("2026-09", "2026-11"):  # October holds no entry: it does not stand in November's way
        assert client.post(f"/api/v1/periods/{period}/close", headers=admin).status_code == 200
    refused = client.post("/api/v1/periods/2026-10/close", headers=admin)
    assert refused.status_code == 409 and refused.get_json()["code"] == "later_month_closed"
    assert "2026年11月" in refused.get_json()["message"]
    # An entry of the sealed-over month lands after the last seal, as one of a closed month does.
    later = earn(app, member, "return_day", period="2026-10", now=datetime(2026, 12, 2, 2, 0, tzinfo=UTC))
    with app.app_context():
        assert db.session.get(EntryStatus, later[0]).period == "2026-12"
        assert db.session.get(Period, "2026-11").prev_seal == db.session.get(Period, "2026-09").seal
    ledger_verifies()
