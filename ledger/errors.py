"""The one error family: a refusal's `code` for programs, Chinese `message` for people, HTTP `status`."""

from __future__ import annotations

from .words import DECISIONS, STATES, month_words


class Refusal(Exception):
    """A request refused for a reason a person can read. The API, the pages and the CLI each render it once.

    `status` is how serious, in the numbers every caller speaks (HTTP's); `extra` goes into the API's body
    beside code and message; `retry_after` (seconds) becomes a Retry-After header."""

    code = "refused"
    status = 400
    retry_after: int | None = None

    def __init__(self, code: str, message: str, status: int | None = None, **extra: object) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        if status is not None:
            self.status = status
        self.extra = extra

    def __str__(self) -> str:
        return self.message


class LedgerError(Refusal):
    """Base of every refusal the ledger makes: a rule of the ledger stands in the way (409 unless said)."""

    code = "ledger_error"
    status = 409

    def __init__(self, message: str, **context: object) -> None:
        super().__init__(self.code, message)
        self.context = context

    def __str__(self) -> str:
        return self.message


class InvalidPeriod(LedgerError):
    code = "invalid_period"
    status = 400

    _FORMS = {"month": "月份（格式应为 YYYY-MM，如 2026-11）", "quarter": "季度（格式应为 YYYY-Qn，如 2026-Q4）"}

    def __init__(self, value: object, expected: str | None = None, detail: str | None = None) -> None:
        form = self._FORMS.get(expected or "", "月份或季度（格式应为 YYYY-MM 或 YYYY-Qn）")
        message = detail or f"「{value}」不是有效的{form}"
        super().__init__(message, value=value, expected=expected)
        self.value = value
        self.expected = expected


_TRANSITION_MESSAGES: dict[tuple[object, object], str] = {
    ("posted", "reject"): "已入账的积分不能驳回，请使用冲正",
    ("posted", "carry"): "已入账的积分不能结转",
    ("rejected", "approve"): "已驳回的积分不能再通过，请重新提交",
    ("rejected", "carry"): "已驳回的积分不能结转",
}


def _word(words: dict[str, str], code: object) -> object:
    """The Chinese name of `code`, or `code` itself when it has none."""
    return words.get(code, code) if isinstance(code, str) else code


class IllegalTransition(LedgerError):
    code = "illegal_transition"

    def __init__(self, state: object, decision: object) -> None:
        state = getattr(state, "value", state)
        decision = getattr(decision, "value", decision)
        message = _TRANSITION_MESSAGES.get(
            (state, decision),
            f"{_word(STATES, state)}的积分不能{_word(DECISIONS, decision)}",
        )
        super().__init__(message, state=state, decision=decision)
        self.state = state
        self.decision = decision


class AlreadyReversed(LedgerError):
    code = "already_reversed"

    def __init__(self, entry_seq: int, by_seq: int | None = None) -> None:
        by = f"（冲正记录第{by_seq}条）" if by_seq is not None else ""
        super().__init__(f"第{entry_seq}条积分已被冲正{by}，不能重复冲正", entry_seq=entry_seq, by_seq=by_seq)
        self.entry_seq = entry_seq
        self.by_seq = by_seq


class NotReversible(LedgerError):
    code = "not_reversible"

    def __init__(self, entry_seq: int, state: object = None, *, is_reversal: bool = False) -> None:
        state = getattr(state, "value", state)
        if is_reversal:
            why = "它本身是一条冲正记录"
        elif state == "pending":
            why = "它尚未入账，请直接驳回"
        elif state == "rejected":
            why = "它已被驳回，没有可冲正的积分"
        else:
            why = "只有已入账的积分可以冲正"
        super().__init__(f"第{entry_seq}条积分不能冲正：{why}", entry_seq=entry_seq, state=state)
        self.entry_seq = entry_seq
        self.state = state
        self.is_reversal = is_reversal


class RuleNotFound(LedgerError):
    code = "rule_not_found"
    status = 422

    def __init__(self, source: str, kind: str | None = None, category: str | None = None, at: object = None) -> None:
        what = "、".join(str(p) for p in (source, kind, category) if p)
        when = f"（{at:%Y-%m-%d}）" if hasattr(at, "strftime") else ""
        super().__init__(f"没有适用于「{what}」的积分规则{when}", source=source, kind=kind, category=category)
        self.source = source
        self.kind = kind
        self.category = category
        self.at = at


class EarlierMonthOpen(LedgerError):
    """Months close in order: each seal covers the one before it, so an earlier month with entries goes first."""

    code = "earlier_month_open"

    def __init__(self, period: str, earlier: str) -> None:
        super().__init__(
            f"{month_words(earlier)}还有积分记录且尚未结账，须先结账{month_words(earlier)}，"
            f"再结账{month_words(period)}",
            period=period,
            earlier=earlier,
        )
        self.period = period
        self.earlier = earlier


class LaterMonthClosed(LedgerError):
    """A month before the last closed one is sealed by that close: closing it now would fork the seals."""

    code = "later_month_closed"

    def __init__(self, period: str, later: str) -> None:
        super().__init__(
            f"{month_words(later)}已结账，更早的{month_words(period)}不能再结账（结账须按月份先后进行）",
            period=period,
            later=later,
        )
        self.period = period
        self.later = later
