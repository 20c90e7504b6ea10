"""Self-registrations (线上双报到): a member's own request for an account, waiting for their community's
secretary unless the imported roster already vouches for them."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime
from app.extensions import Model
from app.org.models import Community, Grid, Unit

NAME_MAX = 50
ADDRESS_MAX = 200
REASON_MAX = 200


class RegistrationState(StrEnum):
    WAITING = "waiting"
    CONFIRMED = "confirmed"
    REFUSED = "refused"


REGISTRATION_STATES = tuple(s.value for s in RegistrationState)


class Registration(Model):
    """One registration as the member entered it, and what became of it. The password is kept only as its
    Argon2 hash, and only while the registration waits: confirmed, it has moved to the account."""

    __tablename__ = "registrations"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    phone: Mapped[str] = mapped_column(String(20), index=True)  # private: never on a public page
    password_hash: Mapped[str | None] = mapped_column(String(200))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))
    address: Mapped[str] = mapped_column(String(ADDRESS_MAX))  # private: never on a public page
    state: Mapped[str] = mapped_column(String(10), default=RegistrationState.WAITING.value)
    # Confirmed at once because the imported roster holds this phone and name (no secretary decided).
    roster_match: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(String(REASON_MAX))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    unit: Mapped[Unit] = relationship()
    community: Mapped[Community] = relationship()
    grid: Mapped[Grid | None] = relationship()
    __table_args__ = (
        # One waiting registration per phone, held by the database itself: two sent at once make one.
        Index(
            "uq_registrations_waiting_phone",
            "phone",
            unique=True,
            sqlite_where=text("state = 'waiting'"),
            postgresql_where=text("state = 'waiting'"),
        ),
        Index("ix_registrations_community_state", "community_id", "state"),
    )

    @property
    def status(self) -> str:
        """`active` (the account may log in now) or `waiting`, as /register's data-register-status says."""
        return "active" if self.state == RegistrationState.CONFIRMED else "waiting"
