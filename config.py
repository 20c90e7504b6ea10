"""Settings read from the environment (CONTRACT.md, "Running it")."""

import os
import secrets
from pathlib import Path


def _secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the instance folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two workers starting together must not each write a different key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _trusted_proxies() -> int:
    """TRUSTED_PROXIES: how many proxies in front of the app set X-Forwarded-For (0: trust none)."""
    value = os.environ.get("TRUSTED_PROXIES", "").strip() or "0"
    if not value.isdecimal():
        raise ValueError(f"TRUSTED_PROXIES must be a whole number of proxy hops, not {value!r}")
    return int(value)


def _with_driver(url: str) -> str:
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named.
    if url.startswith("postgres://"):
        return "postgresql+psycopg://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return _with_driver(url)
    Path(instance_path).mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{Path(instance_path) / 'ledger.sqlite3'}"


_TITLE_ZH = "在职党员回社区报到积分台账 API"


class Config:
    """Production and development settings; values that need the instance folder are filled by `load`."""

    # No pool_pre_ping (a round trip on every checkout, a tenth of a check-in): app.outage polls a pooled
    # connection's socket on checkout instead, which finds the ones a restarted server closed without asking it.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # Beyond one host (app.hosts): a streaming replica for the public board, rankings and reports, skipped
    # while down or more than READ_MAX_LAG_SECONDS behind (looked at every READ_CHECK_SECONDS); PgBouncer in
    # transaction pooling before 1.21 needs DATABASE_NO_PREPARE=1; the scheduler's session advisory lock
    # needs a direct line to the primary, SCHEDULER_DATABASE_URL, when DATABASE_URL goes through PgBouncer.
    READ_DATABASE_URL = _with_driver(os.environ.get("READ_DATABASE_URL", "")) or None
    READ_MAX_LAG_SECONDS = float(os.environ.get("READ_MAX_LAG_SECONDS") or 30)
    READ_CHECK_SECONDS = 5.0
    DATABASE_NO_PREPARE = os.environ.get("DATABASE_NO_PREPARE") == "1"
    SCHEDULER_DATABASE_URL = _with_driver(os.environ.get("SCHEDULER_DATABASE_URL", "")) or None
    BASE_URL = os.environ.get("BASE_URL", "").rstrip("/") or None
    # ASCII: client generators name the package and its classes after the title; the Chinese name rides beside it.
    API_TITLE = "Party Member Community Reporting Ledger API"
    API_SPEC_OPTIONS = {
        "info": {
            "x-title-zh": _TITLE_ZH,
            "description": f"{_TITLE_ZH}。先以手机号和密码换取令牌（POST /api/v1/auth/token），"
            "其余调用带 Authorization: Bearer <access_token>。",
        }
    }
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    API_TOKEN_SECONDS = 12 * 3600
    # How outbox messages (SMS, WeChat) leave: "log" writes them to the log (no provider is reachable from
    # here); a provider's sender is named as "package.module:Class" with a send(message) method.
    OUTBOX_SENDER = os.environ.get("OUTBOX_SENDER") or "log"
    # Lock-out: this many wrong passwords for one phone from one client address within LOGIN_LOCK_SECONDS
    # refuse that phone from that address (only) for LOGIN_LOCK_SECONDS.
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_SECONDS = 15 * 60
    # Proxies in front of the app that append the client's address to X-Forwarded-For; 0 trusts the header never.
    TRUSTED_PROXIES = _trusted_proxies()
    # Rate limits (Flask-Limiter; "N per minute;M per hour"). Logins and anonymous calls count per client
    # address; a logged-in account's calls per account, whatever address, so a hall behind one NAT is never
    # slowed: a member scanning 8 events in 10 s makes some 16 requests.
    # Each may be set in the environment by the same name.
    RATELIMIT_ACCOUNT = os.environ.get("RATELIMIT_ACCOUNT") or "40 per 10 seconds;1000 per 10 minutes"
    RATELIMIT_ANONYMOUS = os.environ.get("RATELIMIT_ANONYMOUS") or "300 per minute;3000 per hour"
    # Every login attempt from an address (Argon2 is dear on purpose), and separately the failed ones: a
    # hall of 500 members logging in at once passes, a guesser is slowed within the minute.
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN") or "600 per minute"
    RATELIMIT_LOGIN_FAILURES = os.environ.get("RATELIMIT_LOGIN_FAILURES") or "20 per minute;200 per hour"
    # Self-registrations (/register and POST /api/v1/registrations) from one address, every attempt: each
    # answer tells whether a phone may register, and each success is a secretary's work. A registration
    # drive in one hall behind one address may raise it for the day.
    RATELIMIT_REGISTER = os.environ.get("RATELIMIT_REGISTER") or "10 per hour"
    # Residents' needs sent from the public form (/n/{community} and POST /api/v1/public/needs) from one
    # address: a family shares a phone's address, a flood of made-up needs is a secretary's wasted day.
    RATELIMIT_NEEDS = os.environ.get("RATELIMIT_NEEDS") or "10 per hour;30 per day"
    # memory:// counts in each worker process by itself; redis://host:port/db shares the counts across
    # workers and hosts. While a Redis store is unreachable each worker counts in memory.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or "memory://"
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # A screen code (rotating token) lives this long; the contract promises "within 60 seconds".
    ROTATING_TOKEN_SECONDS = 45
    RANKING_CACHE_SECONDS = 5
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Rolling: each visit renews it, so a member who checks in once a month stays logged in, and a lost
    # phone's session ends after six weeks of silence. SESSION_COOKIE_SECURE follows BASE_URL (app.security).
    PERMANENT_SESSION_LIFETIME = 45 * 24 * 3600
    # The server-side record of a session is renewed at most this often (a write per request would be waste),
    # and the cookie with it (app.auth.current), not on every answer.
    SESSION_TOUCH_SECONDS = 3600
    SESSION_REFRESH_EACH_REQUEST = False
    WTF_CSRF_TIME_LIMIT = None
    JSON_AS_ASCII = False
    # Every body the API takes is a few hundred bytes; a megabyte is generous and stops a flood early (413).
    MAX_CONTENT_LENGTH = 1024 * 1024

    @classmethod
    def load(cls, instance_path: str) -> dict:
        values = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
        values.setdefault("SQLALCHEMY_DATABASE_URI", None)
        values["SQLALCHEMY_DATABASE_URI"] = values["SQLALCHEMY_DATABASE_URI"] or _database_url(instance_path)
        values.setdefault("SECRET_KEY", None)
        values["SECRET_KEY"] = values["SECRET_KEY"] or _secret_key(instance_path)
        return values


class TestConfig(Config):
    """Tests: DATABASE_URL decides the engine (SQLite file per test unless set), fast hashing."""

    TESTING = True
    WTF_CSRF_ENABLED = False
    SECRET_KEY = "test-only-key-not-for-production"
    PASSWORD_HASH_FAST = True
    # The fuzzer and the bulk tests send thousands of requests from one address; tests/auth runs the real limits.
    RATELIMIT_ACCOUNT = RATELIMIT_ANONYMOUS = RATELIMIT_LOGIN = RATELIMIT_LOGIN_FAILURES = RATELIMIT_REGISTER = (
        "100000 per minute"
    )
    RATELIMIT_NEEDS = RATELIMIT_REGISTER
    RATELIMIT_STORAGE_URI = "memory://"
