"""Every entry explains itself in one Chinese sentence a member can read."""

from datetime import date

from ledger.explain import explain


def test_a_checkin_names_the_event_the_date_the_rule_and_the_points():
    assert (
        explain(
            source="checkin",
            points=5,
            rule_name="回家日签到",
            on=date(2026, 11, 29),
            state="posted",
            event_title="11月回家日",
        )
        == "2026年11月29日参加「11月回家日」活动签到，按「回家日签到」规则计5分，已入账。"
    )


def test_a_visit_names_its_category_in_chinese():
    assert (
        explain(
            source="visit",
            points=3,
            rule_name="走访困难群众",
            on=date(2026, 11, 3),
            state="pending",
            visit_category="hardship",
        )
        == "2026年11月3日入户走访（困难群众），按「走访困难群众」规则计3分，待审核。"
    )


def test_a_served_need_names_its_category_its_rating_and_the_date():
    assert (
        explain(
            source="order",
            points=5,
            rule_name="群众点单",
            on=date(2026, 11, 3),
            state="pending",
            order_category="助老助残",
            order_rating=5,
        )
        == "2026年11月3日服务群众点单「助老助残」（评价5星），按「群众点单」规则计5分，待审核。"
    )


def test_a_need_closed_unrated_says_so():
    text = explain(
        source="order", points=5, rule_name="群众点单", on=date(2026, 11, 3), state="posted", order_category="助老助残"
    )
    assert text == "2026年11月3日服务群众点单「助老助残」（未评价），按「群众点单」规则计5分，已入账。"


def test_a_reversal_names_what_it_reverses_and_why():
    text = explain(
        source="checkin",
        points=-5,
        rule_name="回家日签到",
        on=date(2026, 12, 2),
        state="posted",
        reverses="2026年11月29日「11月回家日」签到积分",
        reason="重复签到",
    )
    assert (
        text
        == "2026年12月2日冲正2026年11月29日「11月回家日」签到积分，按「回家日签到」规则扣5分，原因：重复签到，已入账。"
    )


def test_a_carried_entry_says_where_it_came_from_and_why():
    text = explain(
        source="visit",
        points=1,
        rule_name="日常走访",
        on=date(2026, 10, 30),
        state="pending",
        visit_category="routine",
        carried_from="2026-10",
    )
    assert "由2026年10月结转至本月" in text and "尚未审核" in text and text.endswith("待审核。")


def test_a_rejection_and_a_manual_adjustment_give_their_reasons():
    rejected = explain(
        source="visit",
        points=3,
        rule_name="走访生病群众",
        on=date(2026, 11, 5),
        state="rejected",
        visit_category="sickness",
        reason="无走访照片",
    )
    assert rejected.endswith("原因：无走访照片，已驳回。")
    manual = explain(
        source="manual", points=-2, rule_name="人工调整", on=date(2026, 11, 6), state="posted", reason="补录更正"
    )
    assert manual == "2026年11月6日人工调整积分，按「人工调整」规则扣2分，原因：补录更正，已入账。"


def test_every_sentence_is_one_sentence():
    for source in ("checkin", "visit", "manual", "rule"):
        text = explain(source=source, points=2, rule_name="季度报到服务达标", on=date(2027, 1, 1), state="posted")
        assert text.count("。") == 1 and text.endswith("。") and "None" not in text


def test_a_reversed_entry_says_when_it_was_taken_back():
    sentence = explain(
        source="checkin",
        points=5,
        rule_name="回家日签到",
        on=date(2026, 11, 29),
        state="posted",
        event_title="11月回家日",
        reversed_on=date(2026, 12, 2),
    )
    assert sentence.endswith("已入账，已于2026年12月2日冲正。")
