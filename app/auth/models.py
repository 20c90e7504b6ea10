"""Accounts: who may log in, with what role and over what scope; their sessions and failed logins."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import Model
from app.members.models import Member

ROLES = ("admin", "secretary", "member")


class Account(Model):
    """A login. A secretary's scope is a community or a work unit; an admin's is the county."""

    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), unique=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    suspended: Mapped[bool] = mapped_column(default=False)
    # Bumped on a password change or reset so that issued bearer tokens stop working.
    token_version: Mapped[int] = mapped_column(default=1)
    # Set by a reset (a one-time password); cleared by the owner's own change.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    member: Mapped[Member | None] = relationship()


class LoginSession(Model):
    """One browser's login. The session cookie carries a random token whose digest is kept here, so that
    logout, a password change or a reset ends it on the server: the old cookie then logs nobody in."""

    __tablename__ = "login_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The lifetime rolls from here (PERMANENT_SESSION_LIFETIME); renewed at most every SESSION_TOUCH_SECONDS.
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class LoginFailure(Model):
    """Wrong passwords for one phone from one client address, in the database so that every worker and
    host counts together. Known and unknown phones alike: the key is a digest of the phone and address."""

    __tablename__ = "login_failures"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int]
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
