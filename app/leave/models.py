"""Leave (请假) from a return day: a member asks with a reason, their community's secretary decides."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime
from app.extensions import Model

REASON_MAX = 200
# pending -> approved | refused, or -> cancelled by the member; a cancelled request may be asked again.
LEAVE_STATES = ("pending", "approved", "refused", "cancelled")


class LeaveRequest(Model):
    """One member's leave from one event: at most one per member and event."""

    __tablename__ = "leave_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    reason: Mapped[str] = mapped_column(String(REASON_MAX))
    state: Mapped[str] = mapped_column(String(10), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(String(REASON_MAX))
    member = relationship("Member")
    event = relationship("Event")
    __table_args__ = (
        UniqueConstraint("event_id", "member_id"),
        Index("ix_leave_requests_event_state", "event_id", "state"),
    )
