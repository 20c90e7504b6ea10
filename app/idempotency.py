"""Idempotency-Key: a key belongs to one account and names one request by its target, so a retry is answered
as the first try was, and a key sent again for something else is refused rather than silently replayed."""

from app.errors import Refusal


class KeyReused(Refusal):
    status = 422

    def __init__(self):
        super().__init__(
            "idempotency_key_reused",
            "该 Idempotency-Key 已用于另一项请求，未作任何改动；新的请求请使用新的 Idempotency-Key",
        )


def require_same_target(same: bool) -> None:
    """Before answering a replay: the key's first request must have named the same target as this one."""
    if not same:
        raise KeyReused()
