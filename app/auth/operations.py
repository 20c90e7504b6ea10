"""Logging in and out, and passwords: the one write path for accounts' credentials and sessions.

Wrong passwords lock a phone out only for the client address that sent them (CONTRACT.md, "Rulings on
integrity and abuse"): a stranger guessing the admin's password slows down himself, never the admin."""

import hashlib
import logging
import re
import secrets
from datetime import datetime, timedelta
from typing import NamedTuple

from flask import current_app
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import joinedload

from app.action_log.operations import record
from app.auth import caller, scope
from app.auth.caller import Caller, Shown
from app.auth.models import Account, LoginFailure, LoginSession
from app.auth.passwords import check_password, dummy_hash, hash_password
from app.db import insert, lock, transaction, utcnow
from app.errors import Forbidden, NotFound, Refusal
from app.extensions import db
from app.hot_statements import HotStatement
from app.members.models import Member
from app.org.models import Community, Unit
from app.text import person_text

log = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 8
# A one-time password is read out to a member over the phone: no 0/o, 1/l/i to mishear.
_ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
ONE_TIME_PASSWORD_LENGTH = 10


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


class WrongPassword(Refusal):
    status = 403

    def __init__(self):
        super().__init__("wrong_password", "当前密码不正确")


class WeakPassword(Refusal):
    def __init__(self, message: str):
        super().__init__("weak_password", message)


def _digest(text: str) -> str:
    # surrogatepass: whatever a client sent digests, rather than failing.
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _failure_key(phone: str, address: str) -> str:
    return _digest(f"{phone}\n{address}")


def _lock_window() -> timedelta:
    return timedelta(seconds=current_app.config["LOGIN_LOCK_SECONDS"])


def _count_failure(key: str, now: datetime) -> None:
    """One more wrong password for this phone and address; the last of LOGIN_MAX_FAILURES locks them out."""
    window = _lock_window()
    # Failures older than the window are forgotten (a lock lasts as long as the window, so it is over too).
    db.session.execute(delete(LoginFailure).where(LoginFailure.last_failed_at <= now - window))
    # One statement, so that two workers counting the same key at once both count.
    stmt = insert(LoginFailure).values(key=key, failures=1, last_failed_at=now)
    db.session.execute(
        stmt.on_conflict_do_update(
            index_elements=[LoginFailure.key], set_={"failures": LoginFailure.failures + 1, "last_failed_at": now}
        )
    )
    # The statement above has just written the row.
    row = db.session.get_one(LoginFailure, key, populate_existing=True)
    if row.failures >= current_app.config["LOGIN_MAX_FAILURES"]:
        row.locked_until = now + window
        log.warning("login locked out for a phone from one address after %s wrong passwords", row.failures)


def _verify(phone: str, password: str, address: str, now: datetime) -> Account:
    """The account when the password is its own; otherwise the failure counted, then refused.

    The hash is checked outside any transaction: on SQLite a transaction holds the one writer lock, and
    Argon2 takes its time on purpose."""
    key = _failure_key(phone, address)
    with transaction():
        failures = db.session.get(LoginFailure, key)
        locked_until = failures.locked_until if failures is not None else None
        account = db.session.scalars(select(Account).where(Account.phone == phone)).first()
        password_hash = account.password_hash if account is not None else None
        had_failures = failures is not None
    if locked_until is not None and locked_until > now:
        raise LockedOut(locked_until, now)
    # An unknown phone costs the same hash check as a known one: the time tells nothing either.
    matches = check_password(password_hash or dummy_hash(), password or "") and password_hash is not None
    if matches and account is not None and not had_failures:
        return account
    with transaction():
        if matches:
            db.session.execute(delete(LoginFailure).where(LoginFailure.key == key))
        else:
            _count_failure(key, now)
    if not matches or account is None:
        raise BadCredentials()
    return account


def _active(account: Account) -> Account:
    # Told only to whoever knows the password: a stranger learns nothing of a suspended account.
    if account.suspended:
        raise Forbidden("该账号已停用，请联系县委组织部", code="account_suspended")
    return account


def login(phone: str, password: str, address: str, now: datetime) -> Account:
    """The account for this phone and password, asked from this client address. An unknown phone is
    answered exactly as a wrong password, and counts toward the same lock-out."""
    return _active(_verify((phone or "").strip(), password, address, now))


def start_session(account: Account, now: datetime) -> str:
    """A new browser session for the account: returns the token its cookie carries."""
    token = secrets.token_urlsafe(32)
    with transaction():
        expired = now - current_app.permanent_session_lifetime
        db.session.execute(delete(LoginSession).where(LoginSession.seen_at < expired))
        db.session.add(LoginSession(token_digest=_digest(token), account_id=account.id, created_at=now, seen_at=now))
    return token


# Built once: every page request reads it.
_SESSION_ACCOUNT = (
    select(LoginSession.id, LoginSession.seen_at, Account)
    .join(Account, Account.id == LoginSession.account_id)
    .options(joinedload(Account.member))
    .where(LoginSession.token_digest == bindparam("digest"))
)
# The same session read for the /c page, the return day's hot path: who it is as a scan needs to know it
# (app.auth.caller) and the name the page shows, one row through HotStatement instead of the ORM's entities.
_SESSION_CALLER = HotStatement(
    caller.joined(select(LoginSession.id, LoginSession.seen_at, Account.name.label("caller_name"), *caller.COLUMNS))
    .join(LoginSession, LoginSession.account_id == Account.id)
    .where(LoginSession.token_digest == bindparam("digest"))
)


class FoundSession(NamedTuple):
    session_id: int
    account: Account | Caller
    # Who the page's layout names, as found (before a renewal's or a write's commit expires the account).
    shown: Shown
    # Whether this use renewed it: its lifetime rolls from now, and the browser's cookie should roll with it.
    renewed: bool


def find_session(token: str, now: datetime) -> FoundSession | None:
    """The live session a cookie's token names, with its account and the account's member (read together: every
    page asks for the account, most member pages for the member); renewed now and then, as the lifetime rolls
    from its last use."""
    row = db.session.execute(_SESSION_ACCOUNT, {"digest": _digest(token)}).first()
    if row is None or not _live(row.seen_at, now):
        return None
    shown = Shown.of(row.Account)
    return FoundSession(row.id, row.Account, shown, _renewed(row.id, row.seen_at, now))


def find_session_caller(token: str, now: datetime) -> FoundSession | None:
    """find_session() with the account as a Caller: for a page that needs no more of it (the /c page's scan)."""
    row = _SESSION_CALLER.run({"digest": _digest(token)}).first()
    if row is None or not _live(row.seen_at, now):
        return None
    return FoundSession(row.id, caller.of_row(row), Shown.of_row(row), _renewed(row.id, row.seen_at, now))


def _live(seen_at: datetime, now: datetime) -> bool:
    return seen_at > now - current_app.permanent_session_lifetime


def _renewed(session_id: int, seen_at: datetime, now: datetime) -> bool:
    """Renew the session's record once its last renewal is SESSION_TOUCH_SECONDS old; whether it did."""
    if seen_at > now - timedelta(seconds=current_app.config["SESSION_TOUCH_SECONDS"]):
        return False
    with transaction():
        db.session.execute(update(LoginSession).where(LoginSession.id == session_id).values(seen_at=now))
    return True


def end_session(token: str) -> None:
    """Logout: this browser's session ends on the server; the account's other devices stay logged in."""
    with transaction():
        db.session.execute(delete(LoginSession).where(LoginSession.token_digest == _digest(token)))


def _end_sessions(account: Account, keep_session_id: int | None = None) -> None:
    """Every session and bearer token of the account ends, save the session that asked (if any)."""
    query = delete(LoginSession).where(LoginSession.account_id == account.id)
    if keep_session_id is not None:
        query = query.where(LoginSession.id != keep_session_id)
    db.session.execute(query)
    account.token_version += 1


def check_new_password(new_password: str, current_password: str | None = None) -> None:
    """The rule for a password a person chooses: at least 8 characters, not one character repeated, and
    not the password it replaces."""
    if len(new_password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"新密码至少需要{MIN_PASSWORD_LENGTH}个字符")
    if len(set(new_password)) == 1:
        raise WeakPassword("新密码不能全是同一个字符")
    if current_password is not None and new_password == current_password:
        raise WeakPassword("新密码不能与当前密码相同")


def change_password(
    account: Account,
    password: str,
    new_password: str,
    address: str,
    now: datetime,
    *,
    keep_session_id: int | None = None,
) -> Account:
    """The owner changes their password, proving the current one (a wrong one counts toward the lock-out,
    as at login). Every other session and every bearer token of the account ends; `keep_session_id`, the
    session that asked, stays logged in. Returns the account, to issue a fresh token from."""
    check_new_password(new_password, password)
    try:
        _verify(account.phone, password, address, now)
    except BadCredentials:
        raise WrongPassword() from None
    password_hash = hash_password(new_password)
    with transaction():
        account = lock(Account, account.id)
        account.password_hash = password_hash
        account.must_change_password = False
        _end_sessions(account, keep_session_id)
    log.info("account %s changed its password", account.id)
    return account


def _one_time_password() -> str:
    while True:
        password = "".join(secrets.choice(_ONE_TIME_ALPHABET) for _ in range(ONE_TIME_PASSWORD_LENGTH))
        if len(set(password)) > 1:
            return password


def reset_password(actor: Account, account_id: int) -> tuple[Account, str]:
    """A forgotten password: the account gets a one-time password, returned here once and stored only as a
    hash, must change it at its next login, and every session and token it had ends."""
    password = _one_time_password()
    password_hash = hash_password(password)
    with transaction():
        account = lock(Account, account_id)
        if account is None:
            raise NotFound("账号")
        scope.require(scope.may_reset_password(actor, account), "只有管理员或该党员所在社区的书记可以重置密码")
        if account.id == actor.id:
            # It would end the very session or token that asked, and one's own password has its own form.
            raise Refusal("own_account", "不能重置自己的密码，请在“修改密码”中修改", status=409)
        account.password_hash = password_hash
        account.must_change_password = True
        _end_sessions(account)
        record(actor, "account.password_reset", _words(account))
    log.warning("account %s had its password reset by account %s", account.id, actor.id)
    return account, password


# 账号管理: the county names and removes secretaries and suspends accounts.

PHONE_PATTERN = r"^1[0-9]{10}$"
NAME_MAX = 50
ROLE_WORDS = {"admin": "管理员", "secretary": "书记", "member": "党员"}


def _words(account: Account) -> str:
    return f"{ROLE_WORDS.get(account.role, account.role)}账号#{account.id} {account.name}（{account.phone}）"


def _admin(actor: Account) -> None:
    scope.require(scope.is_admin(actor), "只有县委组织部管理员可以管理账号", code="not_allowed")


def _other(actor: Account, account_id: int, words: str) -> Account:
    account = lock(Account, account_id)
    if account is None:
        raise NotFound("账号")
    if account.id == actor.id:
        raise Refusal("own_account", f"不能{words}自己的账号，请由另一名管理员操作", status=409)
    return account


def _secretary_scope(community_id: int | None, unit_id: int | None) -> tuple[int | None, int | None, str]:
    if (community_id is None) == (unit_id is None):
        raise Refusal("invalid_scope", "请选择一个社区或一个单位（二选一）")
    if community_id is not None:
        community = db.session.get(Community, community_id)
        if community is None:
            raise NotFound("社区")
        return community.id, None, f"{community.name}书记"
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("单位")
    return None, unit.id, f"{unit.name}书记"


def _new_account(phone: str | None, name: str | None, now: datetime) -> tuple[Account, str]:
    """A new account with a one-time password; an in-service member with this phone becomes its member."""
    phone = (phone or "").strip()
    if not re.fullmatch(PHONE_PATTERN, phone):
        raise Refusal("invalid_phone", "手机号应为1开头的11位数字")
    member = db.session.scalars(select(Member).where(Member.phone == phone)).first()
    name = person_text(name if member is None or name else member.name, "姓名", NAME_MAX)
    password = _one_time_password()
    account = Account(
        phone=phone,
        name=name,
        password_hash=hash_password(password),
        role="member",
        member_id=member.id if member is not None else None,
        must_change_password=True,
        created_at=now,
    )
    db.session.add(account)
    db.session.flush()
    return account, password


@transaction()
def name_secretary(
    actor: Account,
    *,
    community_id: int | None = None,
    unit_id: int | None = None,
    account_id: int | None = None,
    phone: str | None = None,
    name: str | None = None,
    now: datetime | None = None,
) -> tuple[Account, str | None]:
    """任命书记 of a community or a work unit: an existing account (`account_id`, or the account of `phone`;
    a member keeps their `member_id`, and so their own points) or else a new one (`phone`, `name`) with a
    one-time password, returned here once. Every session of the account ends, as its scope has changed."""
    _admin(actor)
    community_id, unit_id, title = _secretary_scope(community_id, unit_id)
    password = None
    if account_id is None and phone:
        account_id = db.session.scalars(select(Account.id).where(Account.phone == phone.strip())).first()
    if account_id is not None:
        account = _other(actor, account_id, "任命")
        if account.role == "admin":
            raise Refusal("is_admin", "管理员账号不能任命为书记", status=409)
    else:
        account, password = _new_account(phone, name, now or utcnow())
    account.role = "secretary"
    account.community_id, account.unit_id = community_id, unit_id
    _end_sessions(account)
    record(actor, "account.name_secretary", _words(account), scope=title, new_account=password is not None)
    return account, password


@transaction()
def remove_secretary(actor: Account, account_id: int) -> Account:
    """免去书记: back to a member's account, or suspended when the account is no member's."""
    _admin(actor)
    account = _other(actor, account_id, "免去")
    if account.role != "secretary":
        raise Refusal("not_secretary", "该账号不是书记", status=409)
    account.community_id = account.unit_id = None
    if account.member_id is not None:
        account.role = "member"
    else:
        account.suspended = True
    _end_sessions(account)
    record(actor, "account.remove_secretary", _words(account), suspended=account.suspended)
    return account


@transaction()
def set_suspended(actor: Account, account_id: int, suspended: bool) -> Account:
    """停用 / 恢复 an account. A suspended account cannot log in, and every session and token it had ends."""
    _admin(actor)
    account = _other(actor, account_id, "停用" if suspended else "恢复")
    if account.suspended != suspended:
        account.suspended = suspended
        if suspended:
            _end_sessions(account)
        record(actor, "account.suspend" if suspended else "account.unsuspend", _words(account))
    return account
