"""The households (群众) of a community and the 1+10 pairings (帮联) of members with them."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import Model
from app.members.models import Member
from app.org.models import Grid


class Household(Model):
    """A household (群众) in a community; its flags and note are private (DOMAIN rule 6)."""

    __tablename__ = "households"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True)
    address: Mapped[str] = mapped_column(String(200))
    head_name: Mapped[str | None] = mapped_column(String(50))
    hardship: Mapped[bool] = mapped_column(default=False)  # 困难群众
    sickness: Mapped[bool] = mapped_column(default=False)  # 生病群众
    abnormal_family: Mapped[bool] = mapped_column(default=False)  # 异常家庭
    dispute: Mapped[bool] = mapped_column(default=False)  # 邻里纠纷
    note: Mapped[str | None] = mapped_column(Text)
    grid: Mapped[Grid | None] = relationship()

    FLAGS = ("hardship", "sickness", "abnormal_family", "dispute")

    @property
    def flags(self) -> list[str]:
        return [f for f in self.FLAGS if getattr(self, f)]


class Pairing(Model):
    """1+10 帮联: a member linked with a household; ended, never deleted, when the member moves."""

    __tablename__ = "pairings"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    household: Mapped[Household] = relationship()
    member: Mapped[Member] = relationship()
    __table_args__ = (
        # A household has at most one member in charge at a time.
        Index(
            "uq_pairings_active_household",
            "household_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
    )
