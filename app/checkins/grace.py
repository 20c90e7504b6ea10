"""The /c page's grace (宽限): a screen code that was valid when a phone opened the link still serves its
member who had to log in first, for LOGIN_GRACE after the opening.

The page signs, with the server's key, "this phone saw this code at this time" when it renders (or when it
sends an anonymous phone to /login, inside the `next` address), and the tap hands it back. A grace names
the code and who saw it: the logged-in account, or, before login, a random value kept in a cookie of the
phone's own, which a forwarded link does not carry. So a photo of the screen passed around still dies with
the code, and nobody's grace serves another phone."""

import secrets
from datetime import UTC, datetime

from flask import current_app, request
from itsdangerous import BadData, URLSafeTimedSerializer

from app.checkins import operations
from app.errors import Refusal
from app.events import codes

_SALT = "checkin-grace/v1"
# The phone's cookie, for a grace signed before the member has logged in (login starts a fresh session).
COOKIE = "scan_seen"
COOKIE_SECONDS = 15 * 60
# A tap kept offline may carry its grace for as long as an offline scan may be kept.
_MAX_AGE = operations.LOGIN_GRACE + operations.OFFLINE_LIMIT


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def phone_value() -> str:
    """The phone's own random value: the cookie's, or a new one to set."""
    value = request.cookies.get(COOKIE, "")
    return value if 20 <= len(value) <= 64 and value.isascii() and value.isalnum() else secrets.token_hex(16)


def _holders(account, phone: str | None) -> set[str]:
    held = {f"a{account.id}"} if account is not None else set()
    return held | ({f"p{phone}"} if phone else set())


def offer(
    token: str, now: datetime, *, account=None, phone: str | None = None, seen: datetime | None = None
) -> str | None:
    """A grace held by the account (or the phone before login) for a screen code that was valid when seen
    (`seen`, else now); None for any other code, which needs none (printed) or deserves none (bad, expired)."""
    seen = seen or now
    try:
        claim = codes.read(codes.signing_key(), token)
    except Refusal:
        return None
    if claim.type != codes.SCREEN:
        return None
    assert claim.expires_at is not None  # every screen code has one
    if seen >= claim.expires_at:
        return None
    holder = f"a{account.id}" if account is not None else f"p{phone}"
    return _serializer().dumps({"t": token, "h": holder, "s": int(seen.timestamp())})


def seen_at(grace: str | None, token: str, *, account, phone: str | None) -> datetime | None:
    """When the phone saw the code, by a grace that names this code and is held by this account or phone;
    None for anything else (missing, forged, too old, another code, another phone)."""
    if not grace or len(grace) > 300:
        return None
    try:
        claim = _serializer().loads(grace, max_age=int(_MAX_AGE.total_seconds()))
    except BadData:
        return None
    if (
        not isinstance(claim, dict)
        or claim.get("t") != token
        or claim.get("h") not in _holders(account, phone)
        or not isinstance(claim.get("s"), int)
    ):
        return None
    return datetime.fromtimestamp(claim["s"], UTC)
