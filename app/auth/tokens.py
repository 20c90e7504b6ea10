"""Bearer tokens for the API: signed with the server key, expiring, revoked by a password change."""

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="api-access-token")


def issue(account) -> tuple[str, int]:
    seconds = current_app.config["API_TOKEN_SECONDS"]
    return _serializer().dumps({"a": account.id, "v": account.token_version}), seconds


def read(token: str) -> tuple[int, int | None] | None:
    """(account id, token version), or None for a token that is forged, malformed or expired.

    The version is None when the token carries none; no account matches it then."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["API_TOKEN_SECONDS"])
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("a"), int):
        return None
    return data["a"], data.get("v")
