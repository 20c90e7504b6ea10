"""Asking for leave from a return day, withdrawing it, and the secretary's decision: the one write path."""

import logging
from datetime import datetime

from sqlalchemy import select

from app.action_log.operations import record
from app.auth import scope
from app.checkins.models import Checkin
from app.db import insert, lock, transaction
from app.errors import Forbidden, NotFound, Refusal
from app.events.models import Event
from app.extensions import db
from app.leave.models import REASON_MAX, LeaveRequest
from app.text import person_text

log = logging.getLogger(__name__)


def _leave_of(event_id: int, member_id: int) -> LeaveRequest | None:
    return db.session.scalars(
        select(LeaveRequest).where(LeaveRequest.event_id == event_id, LeaveRequest.member_id == member_id)
    ).first()


def _check_event(account, event_id: int, now: datetime) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        raise NotFound("活动")
    if event.community_id != account.member.community_id:
        raise Forbidden("只能为本人居住社区的回家日请假", code="not_allowed")
    if event.kind != "return_day":
        raise Refusal("not_return_day", "只有回家日可以请假；其他活动取消报名即可", status=409)
    if now >= event.ends_at:
        raise Refusal("leave_closed", "活动已结束，不能再请假", status=409)
    checked_in = db.session.scalar(
        select(Checkin.id).where(Checkin.event_id == event_id, Checkin.member_id == account.member_id)
    )
    if checked_in is not None:
        raise Refusal("already_checked_in", "您已在该活动签到，无需请假", status=409)
    return event


def request_leave(account, event_id: int, reason: str | None, now: datetime) -> tuple[LeaveRequest, bool]:
    """请假: (the member's request for this return day, whether it is new). Asking again answers the
    request already made, whatever its state; one withdrawn may be asked anew."""
    reason = person_text(reason, "请假原因", REASON_MAX)
    with transaction():
        _check_event(account, event_id, now)
        inserted = db.session.scalar(
            insert(LeaveRequest)
            .values(event_id=event_id, member_id=account.member_id, reason=reason, state="pending", created_at=now)
            .on_conflict_do_nothing(index_elements=["event_id", "member_id"])
            .returning(LeaveRequest.id)
        )
        leave = _leave_of(event_id, account.member_id)
        assert leave is not None  # inserted just now, or there already
        new = inserted is not None
        if leave.state == "cancelled":
            leave = lock(LeaveRequest, leave.id)
            leave.state, leave.reason, leave.created_at = "pending", reason, now
            leave.decided_by = leave.decided_at = leave.decision_reason = None
            new = True
    if new:
        log.info("leave %s asked by member %s for event %s", leave.id, account.member_id, event_id)
    return leave, new


def cancel_leave(account, event_id: int, now: datetime) -> LeaveRequest:
    """撤回请假 while it waits for the secretary; a decided request stays as decided."""
    with transaction():
        leave = _leave_of(event_id, account.member_id)
        if leave is None:
            raise NotFound("请假")
        leave = lock(LeaveRequest, leave.id)
        if leave.state in ("approved", "refused"):
            raise Refusal("leave_decided", "请假已由书记处理，不能撤回", status=409)
        if leave.state == "pending":
            leave.state, leave.decided_at = "cancelled", now
            log.info("leave %s withdrawn by member %s", leave.id, account.member_id)
    return leave


DECISIONS = {"approve": "approved", "refuse": "refused"}


def decide(actor, leave_id: int, decision: str, reason: str | None, now: datetime) -> LeaveRequest:
    """批准 or 不批准: the secretary of the member's community, or an admin; nobody their own. The same
    decision again changes nothing; the other one, once decided, is refused."""
    state = DECISIONS[decision]
    reason = person_text(reason, "不批准的原因", REASON_MAX, required=decision == "refuse")
    with transaction():
        leave = lock(LeaveRequest, leave_id)
        if leave is None:
            raise NotFound("请假")
        if actor.member_id is not None and actor.member_id == leave.member_id:
            raise Forbidden("不能处理本人的请假", code="own_leave")
        scope.require(scope.may_decide_leave(actor, leave.member), "只有该党员所在社区的书记或管理员可以处理请假")
        if leave.state == state:
            return leave
        if leave.state != "pending":
            words = {"approved": "已批准", "refused": "已不批准", "cancelled": "已被本人撤回"}[leave.state]
            raise Refusal("leave_decided", f"该请假{words}，不能再处理", status=409)
        leave.state, leave.decided_by, leave.decided_at, leave.decision_reason = state, actor.id, now, reason
        target = f"请假#{leave.id} {leave.member.name} · 活动#{leave.event_id} {leave.event.title}"
        record(actor, f"leave.{decision}", target, member_id=leave.member_id, event_id=leave.event_id, reason=reason)
    log.info("leave %s %s by account %s", leave_id, state, actor.id)
    return leave
