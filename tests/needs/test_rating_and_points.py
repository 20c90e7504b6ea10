"""大众评单: the resident rates once with the code of that need; closing writes each serving member's entry,
priced by the rules (source `order`), and every ledger guarantee holds."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.needs import operations
from app.needs.models import Need
from app.periods.operations import close_month
from app.points.models import EntryStatus
from tests.factories import AFTER_OCTOBER, log_in
from tests.needs.conftest import T0


def _rate(client, need_id, code, stars=5, comment="很满意"):
    return client.post(
        f"/api/v1/public/needs/{need_id}/rating", json={"code": code, "stars": stars, "comment": comment}
    )


def _entries(app, need_id):
    with app.app_context():
        return db.session.scalars(
            select(EntryStatus).where(EntryStatus.source == "order", EntryStatus.source_id == need_id)
        ).all()


def test_a_rating_closes_the_need_and_gives_pending_points_explained_by_category_and_date(
    app, client, auth, ops, town, ledger_verifies
):
    need_id, code = ops.to_done(now=datetime.now(UTC) - timedelta(hours=3))
    rated = _rate(client, need_id, code)
    assert rated.status_code == 200, rated.get_json()
    assert rated.get_json()["status"] == "closed" and rated.get_json()["rating"] == 5
    [entry] = _entries(app, need_id)
    assert (entry.member_id, entry.state, entry.points, entry.rule) == (town.server.id, "pending", 5, "order.served")
    listed = client.get(f"/api/v1/ledger/entries?member_id={town.server.id}", headers=auth(town.server.account))
    [shown] = listed.get_json()["entries"]
    assert shown["source"] == "order" and shown["source_id"] == need_id
    assert "服务群众点单「助老助残」（评价5星）" in shown["explanation"]
    assert "按「群众点单」规则计5分" in shown["explanation"] and "待审核" in shown["explanation"]
    assert "王阿姨" not in shown["explanation"]
    queue = client.get(f"/api/v1/audit/queue?community_id={town.community.id}", headers=auth(town.secretary))
    assert [e["id"] for e in queue.get_json()["entries"]] == [entry.entry_id]
    approved = client.post(f"/api/v1/ledger/entries/{entry.entry_id}/approve", headers=auth(town.secretary))
    assert approved.status_code == 200 and approved.get_json()["state"] == "posted"
    ledger_verifies()


def test_a_low_rating_is_priced_by_its_own_rule(app, client, ops):
    need_id, code = ops.to_done()
    assert _rate(client, need_id, code, stars=2, comment="来晚了").status_code == 200
    assert [(e.points, e.rule) for e in _entries(app, need_id)] == [(2, "order.low_rating")]


def test_a_second_rating_is_refused_and_writes_nothing_twice(app, client, ops, ledger_verifies):
    need_id, code = ops.to_done()
    assert _rate(client, need_id, code).status_code == 200
    again = _rate(client, need_id, code, stars=1)
    assert again.status_code == 409 and again.get_json()["code"] == "already_rated"
    assert len(_entries(app, need_id)) == 1
    with app.app_context():
        assert db.session.get(Need, need_id).rating == 5
    ledger_verifies()


def test_a_code_rates_only_its_own_need(app, client, ops):
    first_id, first_code = ops.to_done()
    second_id, second_code = ops.to_done()
    crossed = _rate(client, second_id, first_code)
    assert crossed.status_code == 403 and crossed.get_json()["code"] == "invalid_code"
    wrong = _rate(client, first_id, "00000000" if first_code != "00000000" else "11111111")
    assert wrong.status_code == 403 and wrong.get_json()["code"] == "invalid_code"
    peek = client.get(f"/api/v1/public/needs/{first_id}?code={second_code}")
    assert peek.status_code == 403 and peek.get_json()["code"] == "invalid_code"
    assert _entries(app, first_id) == [] and _entries(app, second_id) == []


def test_ten_wrong_codes_in_an_hour_hold_every_code_back_for_that_need(app, client, ops):
    need_id, code = ops.to_done()
    wrong = "00000000" if code != "00000000" else "11111111"
    answers = [_rate(client, need_id, wrong).status_code for _ in range(operations.CODE_TRIES)]
    assert answers == [403] * operations.CODE_TRIES
    held = _rate(client, need_id, code)
    assert held.status_code == 429 and held.get_json()["code"] == "too_many_attempts"
    assert int(held.headers["Retry-After"]) > 0
    with app.app_context():
        need = db.session.get(Need, need_id)
        assert need.status == "done" and need.code_failures == operations.CODE_TRIES
    # An hour on, the resident's own code works again.
    later = ops("rate", need_id, code, 5, "", datetime.now(UTC) + timedelta(hours=1, minutes=1))
    assert later["status"] == "closed"


@pytest.mark.parametrize("stars", [0, 6, -1, "5", 4.5, None, True])
def test_stars_are_one_to_five(client, ops, stars):
    need_id, code = ops.to_done()
    response = _rate(client, need_id, code, stars=stars)
    assert response.status_code == 400, response.get_json()


def test_a_comment_is_at_most_200_characters_and_may_be_empty(app, client, ops):
    need_id, code = ops.to_done()
    assert _rate(client, need_id, code, comment="好" * 201).status_code == 400
    assert _rate(client, need_id, code, comment=" \u200b ").status_code == 200
    with app.app_context():
        assert db.session.get(Need, need_id).rating_comment is None


def test_a_need_not_done_cannot_be_rated(client, ops):
    need_id, code = ops.to_taken()
    response = _rate(client, need_id, code)
    assert response.status_code == 409 and response.get_json()["code"] == "not_done"
    assert "支部接单" in response.get_json()["message"]


def test_closing_unrated_gives_the_unrated_price_once(app, client, auth, ops, town, ledger_verifies):
    need_id, code = ops.to_done(now=T0)
    ops("close_unrated", town.admin, need_id, T0 + timedelta(days=8))
    with pytest.raises(Exception) as twice:
        ops("close_unrated", town.admin, need_id, T0 + timedelta(days=9))
    assert getattr(twice.value, "code", None) == "wrong_status"
    [entry] = _entries(app, need_id)
    assert (entry.points, entry.rule, entry.period) == (5, "order.served", "2026-11")
    late = _rate(client, need_id, code)
    assert late.status_code == 409 and late.get_json()["code"] == "not_done"
    ledger_verifies()


def test_an_entry_still_pending_when_its_month_closes_goes_on_to_the_first_open_month(
    app, client, auth, ops, town, ledger_verifies
):
    need_id, code = ops.to_done(now=T0)
    ops("rate", need_id, code, 5, "", T0 + timedelta(days=1))
    with app.app_context():
        close_month("2026-10", None, AFTER_OCTOBER)  # months close in order
        close_month("2026-11", None, datetime(2026, 12, 6, 2, tzinfo=UTC))
    [entry] = _entries(app, need_id)
    assert (entry.period, entry.state) == ("2026-12", "pending")
    [shown] = client.get(
        f"/api/v1/ledger/entries?member_id={town.server.id}", headers=auth(town.server.account)
    ).get_json()["entries"]
    assert "2026年11月4日服务群众点单「助老助残」" in shown["explanation"] and "结转" in shown["explanation"]
    ledger_verifies()


def test_the_month_cap_of_the_rule_holds(app, make, ops, town):
    with app.app_context():
        from app.catalogue.models import PointsRule

        db.session.scalars(select(PointsRule).where(PointsRule.code == "order.served")).one().cap_month = 7
        db.session.commit()
    points = []
    for _ in range(3):
        need_id, code = ops.to_done(now=T0)
        ops("rate", need_id, code, 5, "", T0 + timedelta(hours=5))
        points += [e.points for e in _entries(app, need_id)]
    assert points == [5, 2, 0]
    with app.app_context():
        total = db.session.scalar(select(func.sum(EntryStatus.points)).where(EntryStatus.member_id == town.server.id))
    assert total == 7


def test_the_member_reads_the_explanation_on_their_points_page(client, ops, town):
    need_id, code = ops.to_done(now=datetime.now(UTC) - timedelta(hours=1))
    assert _rate(client, need_id, code, stars=4).status_code == 200
    log_in(client, town.server.account)
    page = client.get("/me/points").get_data(as_text=True)
    assert "服务群众点单「助老助残」（评价4星）" in page
