"""Rate limits (Flask-Limiter): logins and anonymous calls per client address, a logged-in account's calls
per account and never per address, so that a hall of hundreds behind one address is never slowed.

The limits are the RATELIMIT_* settings in config.py; the counts live in RATELIMIT_STORAGE_URI (memory://,
each worker process on its own, or a shared redis://, while it is unreachable counted in each worker's
memory). Too many requests: 429 `rate_limited` with Retry-After, as {code, message} on the API and as a
Chinese page (the login form, for a login) on pages."""

import functools
import logging
import math
import time
from collections import defaultdict
from collections.abc import Iterator

from flask import current_app, g, jsonify, render_template, request
from flask.globals import request_ctx
from flask_limiter import ExemptionScope, Limit, Limiter, RateLimitExceeded
from flask_limiter._extension import LimiterContext
from flask_limiter._limits import RuntimeLimit
from flask_limiter._manager import LimitManager
from limits import parse_many
from limits.storage import MemoryStorage

from app.api_base import is_api_request
from app.auth.current import client_address
from app.auth.pages import login_page

log = logging.getLogger(__name__)

LOGIN_ENDPOINTS = {"auth.Token", "auth_pages.login"}
# Self-registration (线上双报到), by the API or the page: counted per address whoever is logged in, since
# each answer tells whether a phone may register.
REGISTER_ENDPOINTS = {"registrations.Registrations", "registration_pages.register"}
# A resident's need from the public form, by the API or the page (群众点单): per address, whoever is logged in.
NEED_ENDPOINTS = {"needs.PublicNeeds", "needs_public.form"}


class SweptMemoryStorage(MemoryStorage):
    """memory:// as limits keeps it, but with expired counts swept from the request itself, at most every
    SWEEP_SECONDS, instead of by a timer thread that limits starts anew on nearly every count (starting it
    was about a quarter of a check-in's CPU on the return day). A count is judged by its own timestamps on
    every hit whether it was swept or not, so the sweep only bounds the memory of accounts gone quiet."""

    STORAGE_SCHEME = ["swept-memory"]
    SWEEP_SECONDS = 10.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._swept_at = time.monotonic()

    # Replaces MemoryStorage's private __schedule_expiry, which every count calls (limits==5.8.0 is pinned; a
    # test holds it to it).
    def _MemoryStorage__schedule_expiry(self) -> None:
        if time.monotonic() - self._swept_at >= self.SWEEP_SECONDS:
            self._swept_at = time.monotonic()
            self._sweep()

    def _sweep(self) -> None:
        now = time.time()
        for key in list(self.events):
            with self.locks[key]:
                kept = [entry for entry in self.events.get(key, ()) if entry.expiry > now]
                if kept:
                    self.events[key] = kept
                    continue
                self.events.pop(key, None)
            self.locks.pop(key, None)
        for key, expiry in list(self.expirations.items()):
            if expiry <= now:
                self.storage.pop(key, None)
                self.expirations.pop(key, None)
                self.locks.pop(key, None)


def _storage_uri(configured: str) -> str:
    # memory:// stays the documented setting; it is served by the storage above.
    return "swept-memory://" if configured.split("://", 1)[0] == "memory" else configured


def _kind() -> str | None:
    """Which limits a request counts against: `login`, `register`, `needs`, `account` or `anonymous`; None for
    /healthz."""
    endpoint = request.endpoint
    if endpoint == "health.healthz":
        return None
    if request.method == "POST":
        if endpoint in REGISTER_ENDPOINTS:
            return "register"
        if endpoint in NEED_ENDPOINTS:
            return "needs"
        if endpoint in LOGIN_ENDPOINTS:
            return "login"
    return "account" if g.get("actor") is not None else "anonymous"


def _address_key() -> str:
    return f"address:{client_address()}"


def _account_key() -> str:
    # With the token's version: a check-in's account is counted on its token's word (app.auth.caller.Bearer)
    # before the scan reads it, and a token from before a password change must not spend the owner's calls.
    return f"account:{g.actor.id}:{g.actor.token_version}"


def _failed(response) -> bool:
    return response.status_code >= 400


# Each kind's limits, counted per address but for a logged-in account's.
_SETTINGS = {
    "login": "RATELIMIT_LOGIN",
    "register": "RATELIMIT_REGISTER",
    "needs": "RATELIMIT_NEEDS",
    "account": "RATELIMIT_ACCOUNT",
    "anonymous": "RATELIMIT_ANONYMOUS",
}


class _KeptLimit(RuntimeLimit):
    """A limit built once and kept, its hash (a dataclass's, over every field) worked out once: Flask-Limiter
    hashes each limit of a request some ten times."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self._hash = super().__hash__()

    def __hash__(self) -> int:
        return self._hash


@functools.cache
def _limits_of(kind: str, limits: str, failures: str) -> tuple[RuntimeLimit, ...]:
    """A kind's limits, built once for each value of its settings. Shared, each kind with a scope of its own:
    one count across every endpoint, not one per endpoint. A login counts also against its address's failed
    logins, deducted once its answer says it failed."""
    key = _account_key if kind == "account" else _address_key
    counted = [_KeptLimit(item, key, scope=kind, shared=True) for item in parse_many(limits)]
    failed = [
        _KeptLimit(item, _address_key, scope="login-failures", shared=True, deduct_when=_failed)
        for item in (parse_many(failures) if failures else ())
    ]
    return tuple(counted + failed)


class _LimitsOfKind(Limit):
    """The one default Limit: the request's kind's limits, read from the settings on every request (a test may
    change them) but parsed and built once per value. A plain Limit would parse its string and build its
    limits anew on every request, and each limit would ask the request's kind for its key, its scope and
    whether it is exempt. Flask-Limiter reads a Limit by iterating it (4.1.1, pinned; a test holds it to it)."""

    def __iter__(self) -> Iterator[RuntimeLimit]:
        kind = _kind()
        if kind is None:  # nothing to count for /healthz
            return iter(())
        config = current_app.config
        failures = config["RATELIMIT_LOGIN_FAILURES"] if kind == "login" else ""
        return iter(_limits_of(kind, config[_SETTINGS[kind]], failures))


class _DefaultsOnly(LimitManager):
    """Flask-Limiter's LimitManager, but for an app that declares no limit or exemption but the default Limit:
    then every request's limits are the defaults and nothing is exempt from them, which it would otherwise
    work out anew on every request (twice for the exemptions), endpoint and blueprint. Should a route or a
    blueprint ever be decorated, it answers as Flask-Limiter does. A private class of Flask-Limiter 4.1.1
    (pinned): a test holds it to its answers."""

    def _declares_more(self) -> bool:
        return bool(
            self._application_limits
            or self._decorated_limits
            or self._blueprint_limits
            or self._route_exemptions
            or self._blueprint_exemptions
            or self._endpoint_hints
        )

    def resolve_limits(self, app, *args, **kwargs) -> tuple[list[RuntimeLimit], ...]:
        return super().resolve_limits(app, *args, **kwargs) if self._declares_more() else (self.default_limits, [])

    def exemption_scope(self, app, endpoint, blueprint) -> ExemptionScope:
        if self._route_exemptions or self._blueprint_exemptions:
            return super().exemption_scope(app, endpoint, blueprint)
        return ExemptionScope.NONE


class _Limiter(Limiter):
    """Flask-Limiter's Limiter with three changes, each for a private part of Flask-Limiter 4.1.1 (pinned;
    tests/auth/test_limiter_hooks.py and test_limiter_fallback.py hold each to it):
    - its LimitManager is the one above;
    - its per-request state is found in one look-up of the request context, not three LocalProxy calls:
      Flask-Limiter asks for it some eight times a request;
    - its in-memory fallback, while the configured store is unreachable, counts in SweptMemoryStorage, not
      in limits' MemoryStorage and its timer thread per count."""

    def __init__(self, storage_uri: str) -> None:
        super().__init__(_address_key, storage_uri=storage_uri, default_limits=[_LimitsOfKind("")])
        made = self.limit_manager
        self.limit_manager = _DefaultsOnly(
            application_limits=made._application_limits,
            default_limits=made._default_limits,
            decorated_limits=made._decorated_limits,
            blueprint_limits=made._blueprint_limits,
            route_exemptions=made._route_exemptions,
            blueprint_exemptions=made._blueprint_exemptions,
        )

    def init_app(self, app) -> None:
        super().init_app(app)
        # Flask-Limiter builds the fallback's MemoryStorage itself, with no setting to choose another.
        if self._fallback_limiter is not None:
            self._fallback_storage = SweptMemoryStorage()
            self._fallback_limiter = type(self._fallback_limiter)(self._fallback_storage)

    @property
    def context(self) -> LimiterContext:
        # The proxy's own object; Flask types the proxy as the object itself.
        request_context = request_ctx._get_current_object()  # type: ignore[attr-defined]
        try:
            contexts = request_context._limiter_request_context
        except AttributeError:
            contexts = request_context._limiter_request_context = defaultdict(LimiterContext)
        return contexts[self]


def init_app(app) -> Limiter:
    """Bind a limiter of the app's own (tests build many apps, each with its own counts)."""
    for setting in (*_SETTINGS.values(), "RATELIMIT_LOGIN_FAILURES"):
        # A mistyped limit fails here, at start, not on every request.
        parse_many(app.config[setting])
    limiter = _Limiter(_storage_uri(app.config["RATELIMIT_STORAGE_URI"]))
    limiter.init_app(app)
    app.extensions["rate_limiter"] = limiter
    app.register_error_handler(RateLimitExceeded, _too_many_requests)
    return limiter


def _wait_seconds() -> int:
    breached = current_app.extensions["rate_limiter"].current_limit
    return max(1, math.ceil(breached.reset_at - time.time())) if breached is not None else 60


def _too_many_requests(_error: RateLimitExceeded):
    seconds = _wait_seconds()
    wait = f"{seconds}秒" if seconds < 60 else f"{math.ceil(seconds / 60)}分钟"
    message = f"请求过于频繁，请{wait}后再试"
    log.warning("rate limited %s %s from %s", request.method, request.path, client_address())
    if is_api_request():
        response = jsonify({"code": "rate_limited", "message": message})
        response.status_code = 429
    elif request.endpoint == "auth_pages.login":
        # The login form itself says it, above its fields.
        response = login_page(message, 429)
    else:
        response = current_app.make_response((render_template("rate_limited.html", message=message), 429))
    response.headers["Retry-After"] = str(seconds)
    return response
