"""The points ledger in the database: insert-only records on per-member hash chains, and the
projections kept beside them in the same transaction (entry states, balances)."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime
from app.extensions import Model


class LedgerRecord(Model):
    """One link of a member's chain: an entry (积分条目) or an audit decision (审核记录). Never updated.

    The columns are exactly the fields of ledger.chain's records, so the export rebuilds the hashed
    record from them and a changed column breaks its own hash."""

    __tablename__ = "ledger_records"
    id: Mapped[int] = mapped_column(primary_key=True)
    chain: Mapped[int] = mapped_column(ForeignKey("members.id"))
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(10))  # entry | audit
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(7))
    created_at: Mapped[str] = mapped_column(String(32))  # ledger.chain.timestamp text, as hashed
    reason: Mapped[str | None] = mapped_column(String(500))
    # entry
    points: Mapped[int | None]
    rule: Mapped[str | None] = mapped_column(String(60))
    source: Mapped[str | None] = mapped_column(String(20))
    source_id: Mapped[int | None]
    reverses_seq: Mapped[int | None]
    state: Mapped[str | None] = mapped_column(String(10))  # the entry's first state
    # audit
    entry_seq: Mapped[int | None]
    decision: Mapped[str | None] = mapped_column(String(10))
    actor_id: Mapped[int | None]
    __table_args__ = (
        # The chain cannot fork: two writers racing for the same next link, one fails.
        UniqueConstraint("chain", "seq"),
    )


class EntryStatus(Model):
    """Where each entry stands now (state, the month it counts in): derived from the records, kept for queries."""

    __tablename__ = "entry_status"
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_records.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    seq: Mapped[int]
    period: Mapped[str] = mapped_column(String(7))
    state: Mapped[str] = mapped_column(String(10))
    points: Mapped[int]
    rule: Mapped[str] = mapped_column(String(60))
    source: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[int | None]
    reversed_by: Mapped[int | None]  # seq of the reversing entry
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (
        Index("ix_entry_status_member_period", "member_id", "period"),
        Index("ix_entry_status_state_created", "state", "created_at"),
        # A check-in's or visit's entry is found from its source on every repeat scan and in duty figures.
        Index("ix_entry_status_source", "source", "source_id"),
        UniqueConstraint("member_id", "seq"),
    )


class Balance(Model):
    """A member's points in one month, kept with every record so reads never sum the ledger."""

    __tablename__ = "balances"
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    posted: Mapped[int] = mapped_column(default=0)
    pending: Mapped[int] = mapped_column(default=0)
    posted_entries: Mapped[int] = mapped_column(default=0)
    __table_args__ = (Index("ix_balances_period_posted", "period", "posted"),)


# The public ranking (app.rankings) walks this index in ranking order and stops after the page it
# shows, and counts the ranked members from it alone, without reading the table.
Index(
    "ix_balances_ranking",
    Balance.period,
    Balance.posted.desc(),
    Balance.member_id,
    postgresql_where=Balance.posted_entries > 0,
    sqlite_where=Balance.posted_entries > 0,
)
