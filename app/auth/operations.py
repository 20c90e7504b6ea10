"""Logging in: the password check, and the lock-out that slows down guessing."""
import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from app.auth.models import Account
from app.auth.passwords import check_password
from app.db import transaction
from app.errors import Refusal
from app.extensions import db

log = logging.getLogger(__name__)


class BadCredentials(Refusal):
    status = 401

    def __init__(self):
        super().__init__("bad_credentials", "手机号或密码不正确")


class LockedOut(Refusal):
    status = 429

    def __init__(self, until: datetime, now: datetime):
        minutes = max(1, int((until - now).total_seconds() // 60) + 1)
        super().__init__("locked_out", f"密码错误次数过多，请{minutes}分钟后再试")
        self.retry_after = int((until - now).total_seconds()) + 1


def login(phone: str, password: str, now: datetime) -> Account:
    """The account for this phone and password. Wrong passwords in a row lock the account for a while."""
    phone = (phone or "").strip()
    with transaction():
        account = db.session.scalars(select(Account).where(Account.phone == phone).with_for_update()).first()
        if account is None:
            # Same answer as a wrong password: whether a phone has an account is nobody's business.
            raise BadCredentials()
        if account.locked_until is not None and account.locked_until > now:
            raise LockedOut(account.locked_until, now)
        if not check_password(account.password_hash, password or ""):
            account.failed_logins += 1
            if account.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
                account.locked_until = now + timedelta(seconds=current_app.config["LOGIN_LOCK_SECONDS"])
                account.failed_logins = 0
                log.warning("account %s locked after repeated wrong passwords", account.id)
            db.session.commit()
            raise BadCredentials()
        account.failed_logins = 0
        account.locked_until = None
    return account
