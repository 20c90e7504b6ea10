"""Points rules (积分规则): which rule prices an activity, versioned in time, with monthly caps."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .errors import RuleNotFound

SOURCES = ("checkin", "visit", "manual", "rule", "order")


def _aware(dt: datetime) -> bool:
    return isinstance(dt, datetime) and dt.tzinfo is not None and dt.utcoffset() is not None


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    source: str
    # checkin: "return_day", "service" or "kind:category" ("service:义诊"); visit: a category;
    # order: "rated", "low_rating" or "unrated", then the need's category ("rated:助老助残");
    # manual and rule: a sub-kind; None matches anything of the source.
    match: str | None
    points: int
    needs_audit: bool
    cap_month: int | None
    valid_from: datetime
    valid_to: datetime | None = None

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise ValueError(f"unknown rule source {self.source!r}")
        if not isinstance(self.points, int) or isinstance(self.points, bool):
            raise TypeError("rule points must be an int")
        if self.cap_month is not None and self.cap_month < 0:
            raise ValueError("cap_month must not be negative")
        if not _aware(self.valid_from) or (self.valid_to is not None and not _aware(self.valid_to)):
            raise ValueError("rule validity needs timezone-aware datetimes")
        if self.valid_to is not None and self.valid_to <= self.valid_from:
            raise ValueError("valid_to must be after valid_from")

    def valid_at(self, at: datetime) -> bool:
        return self.valid_from <= at and (self.valid_to is None or at < self.valid_to)

    def specificity(self, kind: str | None, category: str | None) -> int | None:
        """How closely this rule names the activity (higher wins), None when it does not match."""
        if self.match is None:
            return 0
        path = [p for p in (kind, category) if p is not None]
        parts = self.match.split(":", 1)
        return len(parts) if path[: len(parts)] == parts else None


class RuleBook:
    """The rules in force; a county changes the future by adding rules, never by editing old ones."""

    def __init__(self, rules: Iterable[Rule], month_cap: int | None = None) -> None:
        self.rules = tuple(rules)
        self.month_cap = month_cap
        codes: dict[tuple[str, datetime], Rule] = {}
        for rule in self.rules:
            if (rule.code, rule.valid_from) in codes:
                raise ValueError(f"rule {rule.code!r} defined twice from {rule.valid_from}")
            codes[(rule.code, rule.valid_from)] = rule

    def find(self, source: str, *, kind: str | None = None, category: str | None = None, at: datetime) -> Rule:
        """The rule pricing an activity at `at`: most specific match, then the newest version.

        Equal on both, the rule listed later wins, so a loaded list can override a default one.
        """
        if not _aware(at):
            raise ValueError("find() needs a timezone-aware `at`")
        best: tuple[int, datetime, int] | None = None
        found: Rule | None = None
        for index, rule in enumerate(self.rules):
            if rule.source != source or not rule.valid_at(at):
                continue
            score = rule.specificity(kind, category)
            if score is None:
                continue
            key = (score, rule.valid_from, index)
            if best is None or key > best:
                best, found = key, rule
        if found is None:
            raise RuleNotFound(source, kind, category, at)
        return found

    def by_code(self, code: str, *, at: datetime) -> Rule:
        """The version of a rule code in force at `at` (for manual and scheduled entries)."""
        versions = [r for r in self.rules if r.code == code and r.valid_at(at)]
        if not versions:
            raise RuleNotFound(code, at=at)
        return max(versions, key=lambda r: r.valid_from)

    def price(self, rule: Rule, *, used_by_rule: int, used_in_month: int, points: int | None = None) -> int:
        """Points this activity earns given what the member already has this month.

        `used_by_rule` / `used_in_month`: the member's points this month (posted and pending)
        from this rule / from every rule. `points` overrides rule.points (manual adjustments).
        Deductions are never capped: a cap limits earning, not correcting.
        """
        amount = rule.points if points is None else points
        if amount <= 0:
            return amount
        if rule.cap_month is not None:
            amount = min(amount, rule.cap_month - used_by_rule)
        if self.month_cap is not None:
            amount = min(amount, self.month_cap - used_in_month)
        return max(amount, 0)


def default_rules(valid_from: datetime) -> list[Rule]:
    """A Yongchun-like starting set; the county replaces it with its own data."""

    def rule(
        code: str, name: str, source: str, match: str | None, points: int, needs_audit: bool, cap: int | None
    ) -> Rule:
        return Rule(code, name, source, match, points, needs_audit, cap, valid_from)

    return [
        # Scanning the event's code is the evidence, so scans post at once; a proxy
        # check-in by a secretary is forced pending by the caller.
        rule("checkin.return_day", "回家日签到", "checkin", "return_day", 5, False, None),
        rule("checkin.service", "服务活动签到", "checkin", "service", 3, False, None),
        # A visit is the member's own word, so a secretary audits it before it counts.
        rule("visit.hardship", "走访困难群众", "visit", "hardship", 3, True, 30),
        rule("visit.sickness", "走访生病群众", "visit", "sickness", 3, True, 30),
        rule("visit.abnormal_family", "走访异常家庭", "visit", "abnormal_family", 3, True, 30),
        rule("visit.dispute", "调解邻里纠纷", "visit", "dispute", 3, True, 30),
        rule("visit.routine", "日常走访", "visit", "routine", 1, True, 10),
        # The secretary who makes an adjustment supplies its points and reason.
        rule("manual.adjust", "人工调整", "manual", None, 0, False, None),
        rule("rule.quarter_duty", "季度报到服务达标", "rule", "quarter_duty", 2, False, None),
        # A served need is the members' and the resident's word, so a secretary audits it; a low rating
        # (1–2 stars) earns less, by the more specific match.
        rule("order.served", "群众点单", "order", None, 5, True, 30),
        rule("order.low_rating", "群众点单（评价较低）", "order", "low_rating", 2, True, 30),
    ]
