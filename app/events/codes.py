"""Event codes (签到码): short HMAC-signed codes naming an event, printed on a poster or shown on a screen.

A token is 9 bytes of claim and a MAC truncated to 80 bits, base64url without padding: 26 characters,
so the QR code stays low-density and reads from an A4 poster across a hall. It names only the event,
the code's type and either the event's key version (printed) or an expiry (screen): no personal data.
The MAC key is derived from SECRET_KEY for this one purpose, so no other signed value can pass for it.
Events mint them and own their format; a check-in reads them. The key is an argument throughout: only the
views read it from the app, through `signing_key()`."""

import base64
import binascii
import hashlib
import hmac
import struct
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app

from app.errors import Refusal

PRINTED = "printed"
SCREEN = "screen"
# High nibble: the format version, so a future layout can live beside this one; low bits: the type.
_TYPE_BYTES = {PRINTED: 0x11, SCREEN: 0x12}
_TYPES = {v: k for k, v in _TYPE_BYTES.items()}
_CLAIM = struct.Struct(">BII")  # type, event id, key version or expiry (Unix seconds)
_MAC_BYTES = 10
_PURPOSE = b"checkin-token/v1"


class InvalidToken(Refusal):
    def __init__(self):
        super().__init__("invalid_token", "二维码无效，请扫描活动现场的签到码", status=400)


@dataclass(frozen=True)
class Claim:
    event_id: int
    type: str
    key_version: int | None = None  # printed codes
    expires_at: datetime | None = None  # screen codes


def signing_key() -> str:
    """The app's key for codes, for a view to hand on: operations and queries take it as an argument."""
    return current_app.config["SECRET_KEY"]


def _key(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), _PURPOSE, hashlib.sha256).digest()


def _mac(secret_key: str, claim: bytes) -> bytes:
    return hmac.new(_key(secret_key), claim, hashlib.sha256).digest()[:_MAC_BYTES]


def _encode(secret_key: str, type_: str, event_id: int, value: int) -> str:
    claim = _CLAIM.pack(_TYPE_BYTES[type_], event_id, value)
    return base64.urlsafe_b64encode(claim + _mac(secret_key, claim)).rstrip(b"=").decode()


def printed(secret_key: str, event_id: int, key_version: int) -> str:
    """The code printed on the poster: valid until the event's key is rotated."""
    return _encode(secret_key, PRINTED, event_id, key_version)


def screen(secret_key: str, event_id: int, expires_at: datetime) -> str:
    """The code shown on the hall's screen: valid until `expires_at` (whole seconds)."""
    return _encode(secret_key, SCREEN, event_id, int(expires_at.timestamp()))


def read(secret_key: str, token: str) -> Claim:
    """The claim of an authentic token; InvalidToken for anything malformed, forged or altered."""
    if not isinstance(token, str) or len(token) != 26 or not token.isascii():
        raise InvalidToken()
    try:
        raw = base64.urlsafe_b64decode(token + "==")
    except (binascii.Error, ValueError):
        raise InvalidToken() from None
    # Base64 leaves spare bits in the last character: only the one canonical spelling is accepted.
    if len(raw) != _CLAIM.size + _MAC_BYTES or base64.urlsafe_b64encode(raw).rstrip(b"=").decode() != token:
        raise InvalidToken()
    claim, mac = raw[: _CLAIM.size], raw[_CLAIM.size :]
    if not hmac.compare_digest(mac, _mac(secret_key, claim)):
        raise InvalidToken()
    type_byte, event_id, value = _CLAIM.unpack(claim)
    type_ = _TYPES.get(type_byte)
    if type_ is None:
        raise InvalidToken()
    if type_ == PRINTED:
        return Claim(event_id, PRINTED, key_version=value)
    return Claim(event_id, SCREEN, expires_at=datetime.fromtimestamp(value, UTC))
