"""Reads of leave: a secretary's list, a member's own requests, and who is absent from an event."""

from sqlalchemy import select

from app.auth import scope
from app.checkins.models import Checkin
from app.events.models import Event
from app.events.operations import managed_event
from app.extensions import db
from app.leave.models import LeaveRequest
from app.members.models import Member


def _row(leave: LeaveRequest, name: str, community_id: int, title: str, starts_at) -> dict:
    return {
        "id": leave.id,
        "event_id": leave.event_id,
        "event": title,
        "event_starts_at": starts_at,
        "member_id": leave.member_id,
        "name": name,
        "community_id": community_id,
        "reason": leave.reason,
        "state": leave.state,
        "created_at": leave.created_at,
        "decided_by": leave.decided_by,
        "decided_at": leave.decided_at,
        "decision_reason": leave.decision_reason,
    }


def _listed():
    return (
        select(LeaveRequest, Member.name, Member.community_id, Event.title, Event.starts_at)
        .join(Member, Member.id == LeaveRequest.member_id)
        .join(Event, Event.id == LeaveRequest.event_id)
    )


def leave_list(actor, *, community_id=None, unit_id=None, event_id=None, state=None) -> list[dict]:
    """请假: the requests of the members in a secretary's scope (their own community or unit when they name
    none), oldest first."""
    filters = scope.audit_queue_scope(actor, community_id, unit_id)
    query = _listed().where(*(getattr(Member, key) == value for key, value in filters.items()))
    if event_id is not None:
        query = query.where(LeaveRequest.event_id == event_id)
    if state is not None:
        query = query.where(LeaveRequest.state == state)
    return [_row(*row) for row in db.session.execute(query.order_by(LeaveRequest.created_at, LeaveRequest.id))]


def my_leave(member_id: int, event_id: int) -> dict | None:
    row = db.session.execute(
        _listed().where(LeaveRequest.member_id == member_id, LeaveRequest.event_id == event_id)
    ).first()
    return _row(*row) if row else None


def one(leave_id: int) -> dict:
    return _row(*db.session.execute(_listed().where(LeaveRequest.id == leave_id)).one())


def absences(actor, event_id: int) -> dict:
    """缺席名单: the active members of the event's community who did not check in, apart from those whose
    leave was approved, who are listed as on leave instead."""
    event = managed_event(actor, event_id)
    excused = {
        r.member_id: r.reason
        for r in db.session.scalars(
            select(LeaveRequest).where(LeaveRequest.event_id == event_id, LeaveRequest.state == "approved")
        )
    }
    came = select(Checkin.member_id).where(Checkin.event_id == event_id)
    missing = db.session.execute(
        select(Member.id, Member.name)
        .where(Member.community_id == event.community_id, Member.active, Member.id.not_in(came))
        .order_by(Member.id)
    ).all()
    return {
        "event_id": event_id,
        "absent": [{"member_id": m.id, "name": m.name} for m in missing if m.id not in excused],
        "on_leave": [{"member_id": m.id, "name": m.name, "reason": excused[m.id]} for m in missing if m.id in excused],
    }
