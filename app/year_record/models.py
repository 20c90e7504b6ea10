"""The year-end record's one table: a work unit's PDF or workbook built in the background, kept for a day."""

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.background import BackgroundJob
from app.extensions import Model

KINDS = ("pdf", "xlsx")


class UnitFileJob(BackgroundJob, Model):
    """A unit's year-end file asked for at the desk or on the API, built a member at a time by a thread of
    the web process (a unit of thousands takes longer than a request may). Its state: queued, reading (the
    ledger), writing (the file, rows_done of rows_total members); then done (the file kept in `content`),
    rejected or failed (result's code and message) or expired (the file removed a day later). The file is
    kept in the database, as the web hosts are stateless: the next poll or the download may reach another."""

    __tablename__ = "unit_file_jobs"
    __table_args__ = (
        CheckConstraint("kind IN ('pdf', 'xlsx')", name="kind"),
        # A second ask for the same file while one is being built finds it and follows it.
        Index("ix_unit_file_jobs_unit_id_year_kind", "unit_id", "year", "kind"),
    )
    running_states = ("queued", "reading", "writing")
    own_fields = ("unit_id", "year", "kind")
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    year: Mapped[int]
    kind: Mapped[str] = mapped_column(String(4))
    # Megabytes for a large unit: loaded only by the download, never by a poll.
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
