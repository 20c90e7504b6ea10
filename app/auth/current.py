"""Who is asking, and from where: the bearer token on /api/v1, the session cookie on pages."""

from contextlib import suppress

from flask import g, request, session
from sqlalchemy.orm import joinedload

from app.auth import operations, tokens
from app.auth.caller import STALE, SUSPENDED, Bearer, Caller, admitted_member
from app.auth.models import Account
from app.db import utcnow
from app.errors import Forbidden, Unauthenticated
from app.extensions import db

# Answered without asking who is there: the probe must stay cheap, static files are the same for all.
_NOBODY_NEEDED = {"static", "health.healthz"}
# Answered on the bearer token's word (an app.auth.caller.Bearer), its account read by the view's own first
# statement: a member's scan, the return day's hot path. A view there that needs more gets the Account from
# optional_actor() all the same.
_BEARER_ENOUGH = {"checkins.Checkins"}
# Answered on the login session's word read as a Caller (one row, not the ORM's account, member and session): the
# page a member's phone opens from the QR code and its tap, the same hot path. A view there that needs the Account
# gets it from optional_actor() all the same.
_CALLER_ENOUGH = {"checkin_pages.scan", "checkin_pages.tap"}


def init_app(app) -> None:
    app.before_request(_identify)


def _identify() -> None:
    """Find the caller before the view (and before the rate limiter, which counts a logged-in account's
    calls per account). A stale token is not refused here: a public call answers it as anonymous, and a
    call that needs an account refuses it itself."""
    if request.endpoint is None or request.endpoint in _NOBODY_NEEDED:
        return
    with suppress(Unauthenticated):
        _identified()


def client_address() -> str:
    """The client's address: the peer's, or with TRUSTED_PROXIES the one the last trusted proxy saw."""
    return request.remote_addr or "unknown"


def _from_bearer() -> Account | Bearer | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    found = tokens.read(token.strip())
    if found is None:
        raise Unauthenticated(*STALE)
    if request.endpoint in _BEARER_ENOUGH:
        return Bearer(*found)
    # With its member in the same query: most member calls ask for it next.
    account = db.session.get(Account, found[0], options=[joinedload(Account.member)])
    if account is None or account.token_version != found[1]:
        raise Unauthenticated(*STALE)
    return account


def _from_session() -> Account | Caller | None:
    token = session.get("sid")
    if not isinstance(token, str):
        return None
    find = operations.find_session_caller if request.endpoint in _CALLER_ENOUGH else operations.find_session
    found = find(token, utcnow())
    if found is None:
        # Logged out, ended by a password change or a reset, or silent past its lifetime.
        session.clear()
        return None
    g.login_session_id = found.session_id
    if found.renewed:
        # The cookie is signed anew only when the server renewed the session, and its lifetime rolls with it:
        # SESSION_REFRESH_EACH_REQUEST is off, as re-signing it on every answer was a twentieth of a scan's CPU.
        session.modified = True
    g.shown = found.shown
    return found.account


def login_session_id() -> int | None:
    """The server-side session behind this page request's cookie (None on the API)."""
    optional_actor()
    return g.get("login_session_id")


def _identified() -> Account | Bearer | Caller | None:
    if "actor" not in g:
        g.actor = _from_bearer() if request.path.startswith("/api/") else _from_session()
    return g.actor


def optional_actor() -> Account | None:
    found = _identified()
    if isinstance(found, Bearer | Caller):
        account = db.session.get(Account, found.id)
        found = g.actor = account if account is not None and account.token_version == found.token_version else None
    return found


def page_caller() -> Caller | None:
    """The logged-in account of a page in _CALLER_ENOUGH, as a Caller; None for nobody."""
    found = _identified()
    if found is None or isinstance(found, Caller):
        return found
    assert isinstance(found, Account)  # a page is identified by its session, never by a bearer token
    return Caller.of(found)


def actor() -> Account:
    """The logged-in account; 401 without one, 403 when it is suspended."""
    account = optional_actor()
    if account is None:
        raise Unauthenticated()
    if account.suspended:
        raise Forbidden(*SUSPENDED)
    return account


def member_actor():
    """The logged-in account's member record, for calls only an in-service member can make."""
    return admitted_member(actor())


def member_bearer() -> Bearer | Caller:
    """member_actor() for a view in _BEARER_ENOUGH: the token's claim, which its operation verifies in its first
    read (app.auth.caller.verified, admitted_member); 401 without a token."""
    found = _identified()
    if found is None:
        raise Unauthenticated()
    if isinstance(found, Bearer):
        return found
    return admitted_member(found if isinstance(found, Caller) else Caller.of(found))
