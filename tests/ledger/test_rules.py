"""Which rule prices an activity: specificity, versions in time, monthly caps."""

from datetime import UTC, datetime, timedelta

import pytest

from ledger.errors import RuleNotFound
from ledger.rules import Rule, RuleBook, default_rules

T0 = datetime(2026, 1, 1, tzinfo=UTC)
T1 = datetime(2026, 7, 1, tzinfo=UTC)


def rule(code, match, points, *, source="checkin", valid_from=T0, valid_to=None, cap=None, audit=False):
    return Rule(code, code, source, match, points, audit, cap, valid_from, valid_to)


def test_the_most_specific_rule_wins():
    book = RuleBook([rule("any", None, 1), rule("service", "service", 3), rule("clinic", "service:义诊", 4)])
    assert book.find("checkin", kind="service", category="义诊", at=T1).code == "clinic"
    assert book.find("checkin", kind="service", category="文明倡导", at=T1).code == "service"
    assert book.find("checkin", kind="service", at=T1).code == "service"
    assert book.find("checkin", kind="return_day", at=T1).code == "any"


def test_a_category_rule_never_matches_another_kind():
    book = RuleBook([rule("clinic", "service:义诊", 4)])
    with pytest.raises(RuleNotFound):
        book.find("checkin", kind="return_day", category="义诊", at=T1)


def test_visits_are_priced_by_their_category():
    book = RuleBook(default_rules(T0))
    assert book.find("visit", category="hardship", at=T1).code == "visit.hardship"
    assert book.find("visit", category="routine", at=T1).points == 1


def test_a_new_rule_version_changes_the_future_and_not_the_past():
    old = rule("rd.v1", "return_day", 5, valid_to=T1)
    new = rule("rd.v2", "return_day", 8, valid_from=T1)
    book = RuleBook([old, new])
    assert book.find("checkin", kind="return_day", at=T1 - timedelta(microseconds=1)).points == 5
    assert book.find("checkin", kind="return_day", at=T1).points == 8


def test_among_equally_specific_rules_the_latest_start_wins():
    book = RuleBook([rule("a", "service", 3), rule("b", "service", 6, valid_from=T1)])
    assert book.find("checkin", kind="service", at=T1).code == "b"
    assert book.find("checkin", kind="service", at=T0).code == "a"


def test_no_rule_in_force_is_rule_not_found():
    book = RuleBook([rule("rd", "return_day", 5, valid_from=T1)])
    with pytest.raises(RuleNotFound) as caught:
        book.find("checkin", kind="return_day", at=T0)
    assert caught.value.code == "rule_not_found"
    assert "积分规则" in caught.value.message
    with pytest.raises(RuleNotFound):
        book.find("visit", category="hardship", at=T1)


def test_a_naive_time_cannot_pick_a_rule():
    with pytest.raises(ValueError):
        RuleBook(default_rules(T0)).find("visit", category="hardship", at=datetime(2026, 5, 1))


def test_a_rule_cap_limits_a_members_month_from_that_rule():
    book = RuleBook([])
    capped = rule("v", "hardship", 3, source="visit", cap=10)
    assert book.price(capped, used_by_rule=0, used_in_month=0) == 3
    assert book.price(capped, used_by_rule=9, used_in_month=9) == 1
    assert book.price(capped, used_by_rule=10, used_in_month=10) == 0
    assert book.price(capped, used_by_rule=12, used_in_month=12) == 0


def test_the_month_cap_limits_a_members_month_from_every_rule():
    book = RuleBook([], month_cap=50)
    free = rule("rd", "return_day", 5)
    assert book.price(free, used_by_rule=0, used_in_month=47) == 3
    assert book.price(free, used_by_rule=0, used_in_month=60) == 0


def test_a_deduction_is_never_capped():
    book = RuleBook([], month_cap=10)
    assert book.price(rule("m", None, -5, source="manual", cap=0), used_by_rule=99, used_in_month=99) == -5
    assert book.price(rule("m", None, 0, source="manual"), used_by_rule=0, used_in_month=99, points=-7) == -7


def test_a_manual_rule_takes_the_points_it_is_given():
    adjust = RuleBook(default_rules(T0)).by_code("manual.adjust", at=T1)
    assert RuleBook([]).price(adjust, used_by_rule=0, used_in_month=0, points=4) == 4


def test_the_default_rules_cover_every_activity():
    book = RuleBook(default_rules(T0))
    for kind in ("return_day", "service"):
        assert not book.find("checkin", kind=kind, at=T1).needs_audit
    for category in ("hardship", "sickness", "abnormal_family", "dispute", "routine"):
        assert book.find("visit", category=category, at=T1).needs_audit
    assert book.find("rule", kind="quarter_duty", at=T1).code == "rule.quarter_duty"
    assert book.find("manual", at=T1).code == "manual.adjust"


def test_a_served_need_waits_for_audit_and_a_low_rating_earns_less():
    book = RuleBook(default_rules(T0))
    rated = book.find("order", kind="rated", category="助老助残", at=T1)
    unrated = book.find("order", kind="unrated", category="助老助残", at=T1)
    low = book.find("order", kind="low_rating", category="助老助残", at=T1)
    assert rated == unrated and rated.needs_audit and low.needs_audit
    assert (rated.code, low.code) == ("order.served", "order.low_rating")
    assert low.points < rated.points


def test_a_county_may_price_one_category_of_rated_needs_apart():
    book = RuleBook([*default_rules(T0), rule("order.elders", "rated:助老助残", 8, source="order")])
    assert book.find("order", kind="rated", category="助老助残", at=T1).points == 8
    assert book.find("order", kind="rated", category="政策宣传", at=T1).code == "order.served"
    assert book.find("order", kind="low_rating", category="助老助残", at=T1).code == "order.low_rating"


def test_a_rule_refuses_naive_validity_and_unknown_sources():
    with pytest.raises(ValueError):
        Rule("x", "x", "checkin", None, 1, False, None, datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        rule("x", None, 1, source="gift")
    with pytest.raises(ValueError):
        RuleBook([rule("x", None, 1), rule("x", None, 2)])
