"""Password hashing with Argon2id (argon2-cffi), the current OWASP recommendation."""

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

_strong = PasswordHasher()
# Tests create hundreds of accounts; the algorithm is the same, only the work factor is lower.
_fast = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def _hasher() -> PasswordHasher:
    return _fast if current_app.config.get("PASSWORD_HASH_FAST") else _strong


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _hash_of_nothing(hasher: PasswordHasher) -> str:
    return hasher.hash(secrets.token_urlsafe(24))


def dummy_hash() -> str:
    """A hash that no password matches, made with the same work factor as real ones: checking a password
    against it for an unknown phone takes as long as for a known one, so the time tells nothing."""
    return _hash_of_nothing(_hasher())
