"""Writing the action log: one row per act, inside the act's own transaction, so a refused or rolled-back
act leaves no row and a done act never lacks one."""

from flask import has_request_context, request

from app.action_log.models import TARGET_MAX, ActionLogEntry
from app.db import utcnow
from app.extensions import db

# How the log names an act done with no account behind it.
COUNTY = ("县委组织部（系统）", "system")


def request_address() -> str:
    """Where this request came from, as the log names it; outside a request, the command line or a job."""
    if not has_request_context():
        return "命令行/定时任务"
    # ProxyFix (TRUSTED_PROXIES) has already put the client's own address here.
    return (request.remote_addr or "unknown")[:64]


def record(actor, action: str, target: str, *, address: str | None = None, **detail) -> None:
    """Log `action` (a stable code such as `event.rotate_key`) on `target` (what it was done to, in words
    a reader understands, e.g. "活动#12 十一月回家日"), with JSON-able `detail`. Call it inside the
    operation's transaction, after the act itself has been checked and written. `address`: for an act
    finished in a background thread, the address of the request that started it."""
    name, role = (actor.name, actor.role) if actor is not None else COUNTY
    db.session.add(
        ActionLogEntry(
            at=utcnow(),
            account_id=actor.id if actor is not None else None,
            account_name=name,
            role=role,
            action=action,
            target=target[:TARGET_MAX],
            detail=detail,
            address=(address or request_address())[:64],
        )
    )
