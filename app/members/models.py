"""Members (在职党员): employed by a work unit, reporting to the community where they live."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import Model
from app.org.models import Community, Grid, Unit


class Member(Model):
    """An in-service Party member: employed by a work unit, reporting to the community where they live."""

    __tablename__ = "members"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    address: Mapped[str | None] = mapped_column(String(200))  # private: never on a public page
    reported_on: Mapped[date | None] = mapped_column(Date)  # 双报到 registration date
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    unit: Mapped[Unit] = relationship()
    community: Mapped[Community] = relationship()
    grid: Mapped[Grid | None] = relationship()
