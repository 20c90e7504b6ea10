"""The action log (操作日志): every admin's and secretary's act that is not itself a ledger record.

Rules, the organisation tree, accounts, password resets, month closes, imports, voided codes, events,
notices, leave and registration decisions each leave one row: who, when, what, from which address. The
ledger's own records carry their authors already; this is the trail for everything beside them. Rows
are only ever inserted (the database itself refuses an UPDATE or a DELETE of one)."""

from datetime import datetime

from sqlalchemy import DDL, JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime
from app.extensions import Model

ACTION_MAX = 40
TARGET_MAX = 200


class ActionLogEntry(Model):
    __tablename__ = "action_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Null for the scheduler and the command line, which act as the county itself.
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    # The name and role as they were then: an account renamed or removed later does not rewrite history.
    account_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(ACTION_MAX))
    target: Mapped[str] = mapped_column(String(TARGET_MAX))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    address: Mapped[str] = mapped_column(String(64))
    __table_args__ = (
        Index("ix_action_log_at", "at"),
        Index("ix_action_log_account_at", "account_id", "at"),
    )


# The same triggers for `create_all` and for the migration: the log is append-only in the database, not
# only by the code's good manners.
APPEND_ONLY = {
    "sqlite": [
        f"CREATE TRIGGER action_log_no_{verb.lower()} BEFORE {verb} ON action_log "
        "BEGIN SELECT RAISE(ABORT, 'action_log rows are never changed'); END"
        for verb in ("UPDATE", "DELETE")
    ],
    "postgresql": [
        "CREATE FUNCTION action_log_refuse() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'action_log rows are never changed'; END $$",
        "CREATE TRIGGER action_log_append_only BEFORE UPDATE OR DELETE ON action_log "
        "FOR EACH ROW EXECUTE FUNCTION action_log_refuse()",
    ],
}

for _dialect, _statements in APPEND_ONLY.items():
    for _statement in _statements:
        event.listen(ActionLogEntry.__table__, "after_create", DDL(_statement).execute_if(dialect=_dialect))
