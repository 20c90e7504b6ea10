"""Members (在职党员): employed by a work unit, reporting to the community where they live."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.background import BackgroundJob
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


class ImportJob(BackgroundJob, Model):
    """One roster file uploaded on /office/import, checked and imported by a background thread of the web
    process, which writes its progress here for the page to show (the next poll may reach another worker).
    Its state: queued, checking, importing (running); done, rejected (nothing imported), failed (nothing
    imported); its result: the counts when done, the code, message and bad cells when rejected, the message
    when failed."""

    __tablename__ = "import_jobs"
    running_states = ("queued", "checking", "importing")
    own_fields = ("file_name",)
    file_name: Mapped[str] = mapped_column(String(200))  # as uploaded, for the page and the action log
    stored_path: Mapped[str] = mapped_column(String(500))  # in the instance folder; removed once done
