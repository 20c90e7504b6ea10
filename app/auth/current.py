"""Who is asking: the bearer token on /api/v1, the session cookie on pages."""
from flask import g, request, session

from app.auth import tokens
from app.auth.models import Account
from app.errors import Forbidden, Unauthenticated
from app.extensions import db


def _from_bearer() -> Account | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    found = tokens.read(token.strip())
    if found is None:
        raise Unauthenticated("登录已失效，请重新登录", code="invalid_token_auth")
    account = db.session.get(Account, found[0])
    if account is None or account.token_version != found[1]:
        raise Unauthenticated("登录已失效，请重新登录", code="invalid_token_auth")
    return account


def _from_session() -> Account | None:
    account_id = session.get("account_id")
    if not isinstance(account_id, int):
        return None
    account = db.session.get(Account, account_id)
    if account is None or account.token_version != session.get("v"):
        session.clear()
        return None
    return account


def optional_actor() -> Account | None:
    if "actor" not in g:
        g.actor = _from_bearer() if request.path.startswith("/api/") else _from_session()
    return g.actor


def actor() -> Account:
    """The logged-in account; 401 without one, 403 when it is suspended."""
    account = optional_actor()
    if account is None:
        raise Unauthenticated()
    if account.suspended:
        raise Forbidden("账号已停用，请联系社区书记", code="not_allowed")
    return account


def member_actor():
    """The logged-in account's member record, for calls only an in-service member can make."""
    account = actor()
    if account.member_id is None:
        raise Forbidden("该账号不是在职党员账号", code="not_allowed")
    return account
