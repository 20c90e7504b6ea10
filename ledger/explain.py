"""One Chinese sentence telling a member why an entry gave or took their points."""

from __future__ import annotations

from datetime import date

from .words import SOURCES, STATES, VISIT_CATEGORIES, month_words


def date_words(on: date) -> str:
    return f"{on.year}年{on.month}月{on.day}日"


def _amount(points: int) -> str:
    return f"计{points}分" if points >= 0 else f"扣{-points}分"


def explain(
    *,
    source: str,
    points: int,
    rule_name: str,
    on: date,
    state: str,
    event_title: str | None = None,
    visit_category: str | None = None,
    order_category: str | None = None,
    order_rating: int | None = None,
    reverses: str | None = None,
    reason: str | None = None,
    carried_from: str | None = None,
    reversed_on: date | None = None,
) -> str:
    """E.g. "2026年11月29日参加「11月回家日」活动签到，按「回家日签到」规则计5分，已入账。"

    An order (a resident's need served): "2026年11月3日服务群众点单「助老助残」（评价5星），按「群众点单」规则计5分…";
    `order_rating` None when a secretary closed it unrated.
    `reverses` describes the reversed entry (its date and title); `carried_from` is the
    "YYYY-MM" the entry was carried out of when that month closed; `reversed_on` the date a later
    reversal took the points back, so the member reading a posted entry knows it no longer counts.
    """
    state = getattr(state, "value", state)
    when = date_words(on)
    if reverses is not None:
        what = f"{when}冲正{reverses}"
    elif source == "checkin":
        what = f"{when}参加「{event_title}」活动签到" if event_title else f"{when}参加活动签到"
    elif source == "visit":
        category = VISIT_CATEGORIES.get(visit_category or "", visit_category)
        what = f"{when}入户走访（{category}）" if category else f"{when}入户走访"
    elif source == "order":
        what = f"{when}服务群众点单「{order_category}」" if order_category else f"{when}服务群众点单"
        what += f"（评价{order_rating}星）" if order_rating is not None else "（未评价）"
    elif source == "manual":
        what = f"{when}人工调整积分"
    else:
        what = f"{when}{SOURCES.get(source, source)}"
    parts = [what, f"按「{rule_name}」规则{_amount(points)}"]
    if reason:
        parts.append(f"原因：{reason}")
    if carried_from:
        parts.append(f"因{month_words(carried_from)}结账时尚未审核，由{month_words(carried_from)}结转至本月")
    parts.append(STATES.get(state, state))
    if reversed_on is not None:
        parts[-1] += f"，已于{date_words(reversed_on)}冲正"
    return "，".join(parts) + "。"
