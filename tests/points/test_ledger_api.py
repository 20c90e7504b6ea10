"""The ledger over HTTP: who sees which entries, 积分审核 (approve, reject, reverse, in bulk), the audit queue."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.periods.models import Period
from app.points.models import Balance, EntryStatus, LedgerRecord
from ledger import periods
from tests.points.conftest import day_in, last_month

ENTRY_KEYS = {
    "id",
    "member_id",
    "period",
    "points",
    "rule",
    "source",
    "source_id",
    "state",
    "reverses",
    "created_at",
    "explanation",
}


def entries(client, headers, **query):
    response = client.get("/api/v1/ledger/entries", query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["entries"]


def post(client, headers, entry_id, action, **body):
    return client.post(f"/api/v1/ledger/entries/{entry_id}/{action}", json=body, headers=headers)


def records(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(LedgerRecord))


@pytest.fixture
def town(make):
    """A community with its secretary, two members of one unit (whose secretary is also named), and an outsider."""
    community = make.community()
    unit = make.unit()
    return {
        "community": community,
        "unit": unit,
        "member": make.member(community, unit),
        "neighbour": make.member(community, unit),
        "secretary": make.secretary(community=community),
        "unit_secretary": make.secretary(unit=unit),
        "admin": make.admin(),
        "outsider_secretary": make.secretary(community=make.community()),
    }


def test_a_member_reads_why_they_have_each_point(client, auth, make, ledger, town):
    member, community = town["member"], town["community"]
    event = make.event(community, title="11月回家日", starts_at=datetime(2026, 11, 29, 1, 0, tzinfo=UTC))
    checkin_id = ledger.checkin(member, event)
    visit_id = ledger.visit(member, community, "hardship", visited_on=datetime(2026, 11, 20).date())

    listed = entries(client, auth(member.account))

    assert [e["id"] for e in listed] == [checkin_id, visit_id]
    checkin, visit = listed
    assert set(checkin) == ENTRY_KEYS
    assert checkin["member_id"] == member.id and checkin["points"] == 5 and checkin["state"] == "posted"
    assert checkin["source"] == "checkin" and checkin["rule"] == "checkin.return_day" and checkin["reverses"] is None
    assert checkin["created_at"].endswith("+08:00")
    assert checkin["explanation"] == "2026年11月29日参加「11月回家日」活动签到，按「回家日签到」规则计5分，已入账。"
    assert visit["state"] == "pending"
    assert visit["explanation"] == "2026年11月20日入户走访（困难群众），按「走访困难群众」规则计3分，待审核。"


def test_entries_filter_by_month_and_state_and_refuse_bad_ones(client, auth, ledger, town):
    member, community = town["member"], town["community"]
    pending = ledger.visit(member, community)
    headers = auth(member.account)
    month = entries(client, headers)[0]["period"]

    assert [e["id"] for e in entries(client, headers, period=month, state="pending")] == [pending]
    assert entries(client, headers, state="posted") == []
    assert entries(client, headers, period=periods.next_month(month)) == []
    bad_month = client.get("/api/v1/ledger/entries?period=2026-13", headers=headers)
    assert bad_month.status_code == 400 and bad_month.get_json()["code"] == "invalid_period"
    bad_state = client.get("/api/v1/ledger/entries?state=approved", headers=headers)
    assert bad_state.status_code == 400 and bad_state.get_json()["code"] == "invalid_request"
    assert client.get("/api/v1/ledger/entries?member_id=abc", headers=headers).status_code == 400


def test_a_members_entries_are_seen_by_them_their_secretaries_and_an_admin_only(client, auth, ledger, town):
    member = town["member"]
    entry_id = ledger.visit(member, town["community"])
    for viewer in ("member", "secretary", "unit_secretary", "admin"):
        account = town[viewer].account if viewer == "member" else town[viewer]
        assert [e["id"] for e in entries(client, auth(account), member_id=member.id)] == [entry_id], viewer
    for stranger in (town["neighbour"].account, town["outsider_secretary"]):
        refused = client.get(f"/api/v1/ledger/entries?member_id={member.id}", headers=auth(stranger))
        assert refused.status_code == 403 and refused.get_json()["code"] == "out_of_scope"
    unknown = client.get("/api/v1/ledger/entries?member_id=999999", headers=auth(town["admin"]))
    assert unknown.status_code == 404 and unknown.get_json()["code"] == "not_found"
    assert client.get("/api/v1/ledger/entries").status_code == 401


def test_without_member_id_a_secretary_sees_their_scope_and_a_member_themself(client, auth, make, ledger, town):
    mine = ledger.visit(town["member"], town["community"])
    neighbours = ledger.visit(town["neighbour"], town["community"])
    elsewhere = make.member(make.community())
    ledger.visit(elsewhere, make.community())

    assert [e["id"] for e in entries(client, auth(town["member"].account))] == [mine]
    assert [e["id"] for e in entries(client, auth(town["secretary"]))] == [mine, neighbours]
    assert [e["id"] for e in entries(client, auth(town["unit_secretary"]))] == [mine, neighbours]
    assert len(entries(client, auth(town["admin"]))) == 3
    assert entries(client, auth(town["outsider_secretary"])) == []


def test_a_secretary_approves_a_pending_entry_and_approving_again_changes_nothing(app, client, auth, ledger, town):
    entry_id = ledger.visit(town["member"], town["community"])
    headers = auth(town["secretary"])

    # A client may send no body at all: approving needs no reason.
    approved = client.post(f"/api/v1/ledger/entries/{entry_id}/approve", headers=headers)
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["state"] == "posted" and approved.get_json()["id"] == entry_id
    written = records(app)
    again = post(client, headers, entry_id, "approve")
    assert again.status_code == 200 and again.get_json() == approved.get_json()
    assert records(app) == written
    with app.app_context():
        balance = db.session.get(Balance, (town["member"].id, approved.get_json()["period"]))
        assert (balance.posted, balance.pending) == (3, 0)


def test_rejecting_needs_a_reason_and_a_posted_entry_cannot_be_rejected(client, auth, ledger, town):
    headers = auth(town["secretary"])
    pending = ledger.visit(town["member"], town["community"])
    no_reason = post(client, headers, pending, "reject")
    assert no_reason.status_code == 400 and no_reason.get_json()["code"] == "reason_required"
    assert post(client, headers, pending, "reject", reason="  ").status_code == 400

    rejected = post(client, headers, pending, "reject", reason="照片与地址不符")
    assert rejected.status_code == 200 and rejected.get_json()["state"] == "rejected"
    assert "已驳回" in rejected.get_json()["explanation"]
    assert post(client, headers, pending, "approve").status_code == 409

    posted = ledger.visit(town["member"], town["community"], "sickness")
    assert post(client, headers, posted, "approve").status_code == 200
    illegal = post(client, headers, posted, "reject", reason="错了")
    assert illegal.status_code == 409 and illegal.get_json()["code"] == "illegal_transition"


def test_a_reversal_is_a_new_entry_naming_what_it_corrects_and_why(app, client, auth, make, ledger, town):
    member, community = town["member"], town["community"]
    event = make.event(community, title="义诊服务", kind="service")
    entry_id = ledger.checkin(member, event)
    headers = auth(town["secretary"])
    assert post(client, headers, entry_id, "reverse").get_json()["code"] == "reason_required"

    reversed_ = post(client, headers, entry_id, "reverse", reason="未实际参加")

    assert reversed_.status_code == 200
    reversal = reversed_.get_json()
    assert reversal["id"] != entry_id and reversal["reverses"] == entry_id
    assert reversal["points"] == -3 and reversal["state"] == "posted"
    assert f"编号{entry_id}" in reversal["explanation"] and "「义诊服务」" in reversal["explanation"]
    assert "冲正" in reversal["explanation"] and "原因：未实际参加" in reversal["explanation"]
    assert "扣3分" in reversal["explanation"]
    listed = entries(client, auth(member.account))
    assert [e["id"] for e in listed] == [entry_id, reversal["id"]]
    assert "已入账，已于" in listed[0]["explanation"] and listed[0]["explanation"].endswith("冲正。")
    twice = post(client, headers, entry_id, "reverse", reason="再冲一次")
    assert twice.status_code == 409 and twice.get_json()["code"] == "already_reversed"
    of_reversal = post(client, headers, reversal["id"], "reverse", reason="冲回去")
    assert of_reversal.status_code == 409 and of_reversal.get_json()["code"] == "not_reversible"
    pending = ledger.visit(member, community)
    not_posted = post(client, headers, pending, "reverse", reason="错了")
    assert not_posted.status_code == 409 and "请直接驳回" in not_posted.get_json()["message"]


def test_only_the_members_community_secretary_or_an_admin_audits(client, auth, ledger, town):
    entry_id = ledger.visit(town["member"], town["community"])
    for outsider in ("unit_secretary", "outsider_secretary"):
        refused = post(client, auth(town[outsider]), entry_id, "approve")
        assert refused.status_code == 403 and refused.get_json()["code"] == "out_of_scope", outsider
    refused = post(client, auth(town["neighbour"].account), entry_id, "approve")
    assert refused.status_code == 403
    unknown = post(client, auth(town["secretary"]), 999999, "approve")
    assert unknown.status_code == 404 and unknown.get_json()["code"] == "not_found"
    assert post(client, auth(town["secretary"]), 2**40, "reverse", reason="x").status_code == 404
    assert post(client, auth(town["admin"]), entry_id, "approve").status_code == 200


@pytest.mark.parametrize("state", ["pending", "posted", "rejected"])
def test_nobody_audits_their_own_points_whatever_the_state(client, auth, make, ledger, town, state):
    community = town["community"]
    member = make.member(community, with_account=False)
    own_secretary = make.secretary(community=community, member=member)
    entry_id = ledger.visit(member, community)
    if state != "pending":
        ledger.decide(town["secretary"], entry_id, "approve" if state == "posted" else "reject", "不符")
    headers = auth(own_secretary)
    for action, body in (("approve", {}), ("reject", {}), ("reject", {"reason": "x"}), ("reverse", {"reason": "x"})):
        refused = post(client, headers, entry_id, action, **body)
        assert refused.status_code == 403 and refused.get_json()["code"] == "own_entry", (action, body)


def test_bulk_decides_each_id_on_its_own(app, client, auth, make, ledger, town):
    community = town["community"]
    first = ledger.visit(town["member"], community)
    second = ledger.visit(town["neighbour"], community)
    already = ledger.visit(town["member"], community, "sickness")
    ledger.decide(town["secretary"], already)
    elsewhere = ledger.visit(make.member(make.community()), make.community())
    secretary_member = make.member(community, with_account=False)
    own_secretary = make.secretary(community=community, member=secretary_member)
    own = ledger.visit(secretary_member, community)

    response = client.post(
        "/api/v1/ledger/entries/bulk",
        headers=auth(own_secretary),
        json={"ids": [first, elsewhere, own, 999999, already, second], "action": "approve"},
    )

    assert response.status_code == 200
    body = response.get_json()
    assert body["done"] == [first, already, second]
    assert [(r["id"], r["code"]) for r in body["refused"]] == [
        (elsewhere, "out_of_scope"),
        (own, "own_entry"),
        (999999, "not_found"),
    ]
    assert all(r["message"] for r in body["refused"])
    with app.app_context():
        states = dict(db.session.execute(select(EntryStatus.entry_id, EntryStatus.state)).all())
    assert states[first] == states[second] == "posted" and states[own] == states[elsewhere] == "pending"


def test_bulk_reject_needs_a_reason_and_refuses_illegal_moves_one_by_one(client, auth, ledger, town):
    headers = auth(town["secretary"])
    pending = ledger.visit(town["member"], town["community"])
    posted = ledger.visit(town["member"], town["community"], "sickness")
    ledger.decide(town["secretary"], posted)
    url = "/api/v1/ledger/entries/bulk"
    assert client.post(url, headers=headers, json={"ids": [pending], "action": "reject"}).status_code == 400
    assert client.post(url, headers=headers, json={"ids": [pending], "action": "carry"}).status_code == 400
    assert client.post(url, headers=headers, json={"ids": [], "action": "approve"}).status_code == 400
    assert client.post(url, headers=headers, json={"ids": ["x"], "action": "approve"}).status_code == 400

    body = client.post(
        url, headers=headers, json={"ids": [posted, pending], "action": "reject", "reason": "不实"}
    ).get_json()

    assert body["done"] == [pending]
    assert [(r["id"], r["code"]) for r in body["refused"]] == [(posted, "illegal_transition")]


def test_the_audit_queue_lists_pending_entries_in_scope_oldest_first(client, auth, make, ledger, town):
    community = town["community"]
    now = datetime.now(UTC)
    newer = ledger.visit(town["member"], community, now=now - timedelta(hours=1))
    older = ledger.visit(town["neighbour"], community, now=now - timedelta(hours=5))
    decided = ledger.visit(town["member"], community, "sickness")
    ledger.decide(town["secretary"], decided)
    other_community = make.community()
    ledger.visit(make.member(other_community), other_community)

    def queue(account, **query):
        response = client.get("/api/v1/audit/queue", query_string=query, headers=auth(account))
        return response.status_code, (
            response.get_json().get("entries") if response.status_code == 200 else response.get_json()
        )

    # Each row as in the ledger list, with the member's name and whether the caller may decide it.
    status, rows = queue(town["secretary"])
    assert status == 200
    assert [{k: v for k, v in e.items() if k not in ("member_name", "may_decide", "why_not")} for e in rows] == (
        entries(client, auth(town["admin"]), state="pending", member_id=town["neighbour"].id)
        + entries(client, auth(town["admin"]), state="pending", member_id=town["member"].id)
    )
    assert [(e["member_name"], e["may_decide"], e["why_not"]) for e in rows] == [
        (town["neighbour"].name, True, None),
        (town["member"].name, True, None),
    ]
    assert [e["id"] for e in queue(town["secretary"])[1]] == [older, newer]
    assert [e["id"] for e in queue(town["secretary"], community_id=community.id, limit=1)[1]] == [older]
    assert [e["id"] for e in queue(town["secretary"], community_id=community.id, offset=1)[1]] == [newer]
    assert [e["id"] for e in queue(town["unit_secretary"])[1]] == [older, newer]
    assert [e["id"] for e in queue(town["admin"], community_id=community.id)[1]] == [older, newer]
    assert len(queue(town["admin"])[1]) == 3
    status, refused = queue(town["outsider_secretary"], community_id=community.id)
    assert status == 403 and refused["code"] == "forbidden"
    assert queue(town["member"].account)[0] == 403


def test_a_closed_months_balance_does_not_move_under_a_later_correction(app, client, auth, ledger, town):
    member, community = town["member"], town["community"]
    closed = last_month()
    entry_id = ledger.visit(member, community, visited_on=day_in(closed))
    ledger.decide(town["secretary"], entry_id)
    with app.app_context():
        # Closing is the periods operation's job; a Period row is what it leaves behind.
        db.session.add(Period(period=closed, closed_at=datetime.now(UTC), seal="0" * 64, prev_seal=""))
        db.session.commit()
        before = db.session.get(Balance, (member.id, closed))
        before = (before.posted, before.pending, before.posted_entries)

    response = post(client, auth(town["secretary"]), entry_id, "reverse", reason="走访对象不在帮联名单")

    assert response.status_code == 200
    reversal = response.get_json()
    assert reversal["period"] == periods.next_month(closed) and reversal["reverses"] == entry_id
    assert f"编号{entry_id}" in reversal["explanation"]
    with app.app_context():
        after = db.session.get(Balance, (member.id, closed))
        assert (after.posted, after.pending, after.posted_entries) == before
        assert db.session.get(Balance, (member.id, reversal["period"])).posted == -3


def test_an_entry_carried_out_of_a_closed_month_says_so(app, client, auth, ledger, town):
    from app.db import transaction
    from app.points import operations

    closed = last_month()
    entry_id = ledger.visit(town["member"], town["community"], visited_on=day_in(closed))
    with app.app_context(), transaction():
        operations.carry(db.session.get(EntryStatus, entry_id), periods.next_month(closed), datetime.now(UTC))

    carried = entries(client, auth(town["member"].account))[0]

    assert carried["period"] == periods.next_month(closed) and carried["state"] == "pending"
    assert f"由{int(closed[:4])}年{int(closed[5:])}月结转至本月" in carried["explanation"]


def test_every_ledger_call_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/ledger/entries",
        "/api/v1/ledger/entries/bulk",
        "/api/v1/audit/queue",
        "/api/v1/ledger/entries/{entry_id}/approve",
        "/api/v1/ledger/entries/{entry_id}/reject",
        "/api/v1/ledger/entries/{entry_id}/reverse",
    ):
        assert path in paths, path


@pytest.mark.parametrize("reason", ["\u200b", "\u200b\u200d", "\u3000", "\u2800"])
def test_a_reason_of_only_invisible_characters_is_no_reason(client, auth, ledger, town, reason, ledger_verifies):
    headers = auth(town["secretary"])
    pending = ledger.visit(town["member"], town["community"])
    posted = ledger.visit(town["member"], town["community"], "sickness")
    ledger.decide(town["secretary"], posted)
    for entry_id, action in ((pending, "reject"), (posted, "reverse")):
        refused = post(client, headers, entry_id, action, reason=reason)
        assert refused.status_code == 400 and refused.get_json()["code"] == "reason_required"
    bulk = client.post(
        "/api/v1/ledger/entries/bulk", headers=headers, json={"ids": [pending], "action": "reject", "reason": reason}
    )
    assert bulk.status_code == 400 and "reason" in bulk.get_json()["message"]
    assert [e["state"] for e in entries(client, headers, member_id=town["member"].id)] == ["pending", "posted"]
    ledger_verifies()


def test_a_reason_has_a_length_limit(client, auth, ledger, town):
    pending = ledger.visit(town["member"], town["community"])
    response = post(client, auth(town["secretary"]), pending, "reject", reason="不" * 501)
    assert response.status_code == 400 and response.get_json()["code"] == "invalid_request"


def test_a_unit_secretary_reads_a_visit_as_a_visit_and_never_the_households_kind(
    client, auth, ledger, town, ledger_verifies
):
    member, community = town["member"], town["community"]
    visit_id = ledger.visit(member, community, "hardship", visited_on=datetime(2026, 11, 20).date())
    ledger.decide(town["secretary"], visit_id)
    reversal_id = ledger.reverse(town["secretary"], visit_id, reason="走访记录重复")

    def read(account, **query):
        response = client.get("/api/v1/ledger/entries", query_string=query, headers=auth(account))
        assert response.status_code == 200
        return response.get_json()["entries"], response.get_data(as_text=True)

    for query in ({"member_id": member.id}, {}):
        listed, text = read(town["unit_secretary"], **query)
        assert [e["id"] for e in listed] == [visit_id, reversal_id]
        assert listed[0]["explanation"].startswith("2026年11月20日入户走访，按「入户走访」规则计3分")
        assert {e["rule"] for e in listed} == {"visit"}
        assert "困难" not in text and "hardship" not in text
    for account in (member.account, town["secretary"], town["admin"]):
        listed, _ = read(account, member_id=member.id)
        assert listed[0]["explanation"].startswith("2026年11月20日入户走访（困难群众），按「走访困难群众」规则")
        assert "入户走访（困难群众）的积分" in listed[1]["explanation"]
        assert {e["rule"] for e in listed} == {"visit.hardship"}
    ledger_verifies()


def test_a_secretary_of_a_community_and_a_unit_gets_the_whole_communitys_queue(client, auth, make, ledger, town):
    community = town["community"]
    both = make.account(role="secretary", community=community, unit=make.unit())
    lives_here = ledger.visit(town["member"], community)  # works in another unit than the secretary's

    queue = client.get("/api/v1/audit/queue", headers=auth(both)).get_json()["entries"]

    assert [e["id"] for e in queue] == [lives_here]
