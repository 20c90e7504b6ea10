"""The one write path of the points ledger (积分台账): append an entry, decide it, reverse it, carry it.

Every change appends records to the member's hash chain (ledger.chain) under a lock on the member's
row, and moves the entry-status and balance projections in the same transaction. Nothing here
updates or deletes a ledger record. The public operations (decide, reverse, decide_each) own their
transactions; the helpers the other domains call (append_entry, carry, lock_member) join the caller's."""

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Insert, Integer, String, bindparam, case, column, func, select, text, true
from sqlalchemy import insert as sql_insert

from app.auth import scope
from app.db import UTCDateTime, advisory_lock, insert, per_transaction, transaction
from app.db import connection as session_connection
from app.errors import Forbidden, NotFound, Refusal
from app.extensions import db
from app.hot_statements import HotStatement
from app.members.models import Member
from app.org.models import ConfigVersion
from app.periods.models import Period
from app.periods.state import is_closed, open_period
from app.points.models import Balance, EntryStatus, LedgerRecord
from app.points.rules import kept_rulebook, rulebook_as_of
from app.schemas import ID_MAX
from app.text import visible
from ledger import chain, periods
from ledger.balances import balance_moves, reversal_points
from ledger.errors import AlreadyReversed, NotReversible
from ledger.replay import balances as replay_balances
from ledger.replay import replay
from ledger.states import Decision, State
from ledger.states import decide as next_state

_RECORD_COLUMNS = (
    "chain",
    "seq",
    "kind",
    "prev_hash",
    "hash",
    "period",
    "created_at",
    "reason",
    "points",
    "rule",
    "source",
    "source_id",
    "reverses_seq",
    "state",
    "entry_seq",
    "decision",
    "actor_id",
)


class Appended(NamedTuple):
    """The entry just written: its id (the ledger record's), its place in the chain, and how it stands."""

    id: int
    seq: int
    state: str
    period: str
    points: int


# Past a cap an activity earns nothing, so there is nothing to audit: its entry is kept, at 0 points and
# posted, as the record of what the member did (a visit is care for a household, counted in the figures
# whatever it earns), and stays out of the audit queue.
CAPPED = "本月积分已达上限，记录保留，不计分"

# Ledger writers share this lock; a month close takes it alone, so no entry slips into a month being sealed.
LEDGER_GATE = 0x1ED6E5


def enter_ledger(*, closing: bool = False, taken_by=None) -> None:
    advisory_lock(LEDGER_GATE, shared=not closing, taken_by=taken_by)


def _balance_upsert():
    stmt = insert(Balance)
    return stmt.on_conflict_do_update(
        index_elements=["member_id", "period"],
        set_={
            "posted": Balance.posted + stmt.excluded.posted,
            "pending": Balance.pending + stmt.excluded.pending,
            "posted_entries": Balance.posted_entries + stmt.excluded.posted_entries,
        },
    )


# The write path's statements, built once: on the return day every check-in runs them, and building a
# statement costs more than SQLite takes to run it.
_LOCK_MEMBER = select(Member.id).where(Member.id == bindparam("member_id")).with_for_update()
# The gate and the row lock in one round trip: PostgreSQL computes the target list as it reads the row and
# locks the row after, so the gate is held first, as a month close (gate, then rows) needs.
_ENTER_AND_LOCK = HotStatement(_LOCK_MEMBER.add_columns(func.pg_advisory_xact_lock_shared(LEDGER_GATE)))
_HEAD = (
    select(LedgerRecord.seq, LedgerRecord.hash)
    .where(LedgerRecord.chain == bindparam("member_id"))
    .order_by(LedgerRecord.seq.desc())
    .limit(1)
)
_USED = select(
    func.coalesce(func.sum(case((EntryStatus.rule == bindparam("rule"), EntryStatus.points), else_=0)), 0).label(
        "by_rule"
    ),
    func.coalesce(func.sum(EntryStatus.points), 0).label("in_month"),
).where(
    EntryStatus.member_id == bindparam("member_id"),
    EntryStatus.period == bindparam("period"),
    EntryStatus.state != State.REJECTED.value,
    EntryStatus.points > 0,
)
# All that pricing a new entry reads, in one statement after the row lock: the chain head (read after the
# lock, as it must be), the month's points for the caps, the config version that proves the kept rules fresh,
# and the last closed month (a close cannot commit meanwhile: it waits at the gate this transaction holds).
_head_row = _HEAD.subquery("head")
_used_row = _USED.subquery("used")
_VERSION = select(ConfigVersion.version).where(ConfigVersion.id == 1).scalar_subquery().label("version")
_LAST_CLOSED = select(func.max(Period.period)).scalar_subquery().label("last_closed")
_PRICING = select(
    _head_row.c.seq,
    _head_row.c.hash,
    _used_row.c.by_rule,
    _used_row.c.in_month,
    _VERSION,
    _LAST_CLOSED,
    # The rule the caps were summed for: this process's guess, which pricing checks against the fresh rulebook.
    bindparam("rule", type_=String()).label("rule_guess"),
).select_from(_used_row.outerjoin(_head_row, true()))
_BEFORE_ENTRY = HotStatement(_PRICING)


def pricing_params(
    member_id: int, natural_period: str, source: str, kind: str | None, category: str | None, now: datetime
) -> dict[str, Any]:
    """What _PRICING needs: the member, the month, and the rule this process's kept rulebook expects."""
    kept = kept_rulebook()
    guess = kept.find(source, kind=kind, category=category, at=now) if kept is not None else None
    return {"member_id": member_id, "period": natural_period, "rule": guess.code if guess else None}


_APPEND = sql_insert(LedgerRecord).returning(LedgerRecord.id)
_NEW_STATUS = sql_insert(EntryStatus)
# On PostgreSQL a new entry's record, its status and its balance go in one statement of data-modifying CTEs
# (one round trip, not three); SQLite, in the process, takes the three. An entry moves at most one balance.
#
# What pricing read may also have been read by the caller's own first statement, before that statement held the
# gate and the row (`known`, see priced_insert): then this statement proves it first, in a snapshot taken under
# both locks, and writes nothing when another write to the chain, a month close or a rules change came meanwhile.
_NEW_ENTRY_PG = HotStatement(
    text(
        f"WITH record AS (INSERT INTO ledger_records ({', '.join(_RECORD_COLUMNS)}) "
        f"SELECT {', '.join(':' + c for c in _RECORD_COLUMNS)} "
        "WHERE :proven OR (NOT EXISTS (SELECT 1 FROM ledger_records WHERE chain = :chain AND seq >= :seq) "
        "AND NOT EXISTS (SELECT 1 FROM periods WHERE period >= :still_open) "
        "AND (SELECT version FROM config_version WHERE id = 1) IS NOT DISTINCT FROM :version) RETURNING id), "
        "status AS (INSERT INTO entry_status (entry_id, member_id, seq, period, state, points, rule, source, source_id, "
        "created_at, updated_at) SELECT id, :chain, :seq, :period, :state, :points, :rule, :source, :source_id, :now, :now "
        "FROM record), "
        "balance AS (INSERT INTO balances (member_id, period, posted, pending, posted_entries) "
        "SELECT :chain, :period, :posted, :pending, :posted_entries FROM record WHERE :moves "
        "ON CONFLICT (member_id, period) DO UPDATE SET posted = balances.posted + excluded.posted, "
        "pending = balances.pending + excluded.pending, posted_entries = balances.posted_entries + excluded.posted_entries) "
        "SELECT id FROM record"
    ).bindparams(bindparam("now", type_=UTCDateTime()))
)
_BALANCE_UPSERT: dict[str, Insert] = {}  # by dialect name


def _run(statement, params):
    # Core on the session's own connection and transaction: no ORM bookkeeping per statement.
    return session_connection().execute(statement, params)


def lock_member(member_id: int) -> None:
    """Hold the member's chain until the transaction ends: one member's writes take turns, others never wait.

    Check-ins and visits call it before their own insert, so a retry waits for the first try to commit."""
    db.session.flush()  # ORM changes made before this operation must be seen by its Core statements
    per_transaction(("member_lock", member_id), lambda: _lock_row(member_id))


def _lock_row(member_id: int) -> None:
    params = {"member_id": member_id}
    locked = False

    def gate_and_row():
        nonlocal locked
        # Fetched, not left open: an unread cursor would hold SQLite's read snapshot past the commit.
        locked = _ENTER_AND_LOCK.run(params).first() is not None
        if not locked:  # no such row, so the target list never ran: the gate on its own
            _run(select(func.pg_advisory_xact_lock_shared(LEDGER_GATE)), {})

    enter_ledger(taken_by=gate_and_row)
    if not locked:
        _run(_LOCK_MEMBER, params).first()


# What an INSERT that needs lock_member() starts with to take the lock in its own round trip: reading the
# member's id from `locked` (`(SELECT id FROM locked)`) makes PostgreSQL hold the gate and lock the row first.
LOCKED_MEMBER = (
    f"WITH locked AS (SELECT members.id, pg_advisory_xact_lock_shared({LEDGER_GATE}) FROM members "
    "WHERE members.id = :member_id FOR UPDATE) "
)


def priced(locking_insert) -> HotStatement:
    """`locking_insert` (a text INSERT ... RETURNING id that starts with LOCKED_MEMBER), and in the same round trip
    what pricing the member's new entry reads: a row of its `id` (NULL when it inserted nothing) and _PRICING's
    columns. Read in the statement's snapshot, taken before it waited for the gate and the row, so unproven."""
    inserted = locking_insert.columns(column("id", Integer)).cte("inserted")
    known = _PRICING.subquery("known")
    return HotStatement(select(inserted.c.id, known).select_from(known.outerjoin(inserted, true())))


def priced_insert(member_id: int, locking: HotStatement, plain: HotStatement, params: dict, pricing: dict):
    """lock_member(), then an insert: (the id it returned or None, what append_entry may take as `known` or None).
    On PostgreSQL one statement, `locking` (priced() of LOCKED_MEMBER's form of `plain`) with `pricing`
    (pricing_params). Taking a lock the transaction already holds again is harmless, so it always runs whole."""
    if session_connection().dialect.name != "postgresql":
        lock_member(member_id)
        return plain.run(params).scalar(), None
    db.session.flush()  # as lock_member does
    known = locking.run(params | pricing).one()
    per_transaction(("member_lock", member_id), lambda: None)
    enter_ledger(taken_by=lambda: None)
    return known.id, known


def _head(member_id: int) -> chain.Head:
    last = _run(_HEAD, {"member_id": member_id}).first()
    return chain.Head(member_id, last.seq, last.hash) if last else chain.Head(member_id)


def _append(record: dict) -> int:
    """Insert one chain record; returns its id."""
    return _run(_APPEND, {k: record.get(k) for k in _RECORD_COLUMNS}).scalar_one()


def _move_balances(member_id: int, moves) -> None:
    dialect = session_connection().dialect.name
    if dialect not in _BALANCE_UPSERT:
        _BALANCE_UPSERT[dialect] = _balance_upsert()
    for period, delta in moves:
        _run(
            _BALANCE_UPSERT[dialect],
            {
                "member_id": member_id,
                "period": period,
                "posted": delta.posted,
                "pending": delta.pending,
                "posted_entries": delta.posted_entries,
            },
        )


def _used(member_id: int, period: str, rule: str) -> tuple[int, int]:
    """Points the member already has this month that count against caps: from this rule, and in all."""
    by_rule, in_month = _run(_USED, {"member_id": member_id, "period": period, "rule": rule}).one()
    return int(by_rule), int(in_month)


def _new_status(
    entry_id: int, member_id: int, seq: int, *, period, state: State, points, rule, source, source_id, now
) -> None:
    _run(
        _NEW_STATUS,
        {
            "entry_id": entry_id,
            "member_id": member_id,
            "seq": seq,
            "period": period,
            "state": state.value,
            "points": points,
            "rule": rule,
            "source": source,
            "source_id": source_id,
            "created_at": now,
            "updated_at": now,
            "reversed_by": None,
        },
    )


def append_entry(
    member_id: int,
    *,
    natural_period: str,
    source: str,
    source_id: int | None,
    now: datetime,
    kind: str | None = None,
    category: str | None = None,
    force_pending: bool = False,
    reason: str | None = None,
    known=None,
) -> Appended:
    """A new entry priced by the rule in force at `now`, in its month or the next open one; pending when
    its rule or the caller asks for an audit, unless a cap leaves it nothing to earn.

    `known`: what `_BEFORE_ENTRY` reads, read already by the caller's own statement (priced_insert), unproven."""
    if known is None:
        lock_member(member_id)
        known = _BEFORE_ENTRY.run(pricing_params(member_id, natural_period, source, kind, category, now)).one()
        proven = True
    else:
        proven = False
    guess = known.rule_guess
    book = rulebook_as_of(known.version)
    rule = book.find(source, kind=kind, category=category, at=now)
    period = periods.landing_month(natural_period, known.last_closed)
    by_rule, in_month = known.by_rule, known.in_month
    if period != natural_period or rule.code != guess:
        # Rarely: a closed month sends the entry on, or the rules changed since this process last read them.
        by_rule, in_month = _used(member_id, period, rule.code)
    points, state, reason = _priced(book, rule, int(by_rule), int(in_month), force_pending, reason)
    head = chain.Head(member_id, known.seq, known.hash) if known.seq is not None else chain.Head(member_id)
    record = chain.entry_record(
        head,
        period=period,
        points=points,
        rule=rule.code,
        source=source,
        source_id=source_id,
        state=state.value,
        now=now,
        reason=reason,
    )
    entry_id = _new_entry(record, state, now, proven=proven, version=known.version)
    if entry_id is None:
        # The caller's early read was overtaken while its statement waited for the locks (rare): read again,
        # now under them.
        return append_entry(
            member_id,
            natural_period=natural_period,
            source=source,
            source_id=source_id,
            now=now,
            kind=kind,
            category=category,
            force_pending=force_pending,
            reason=reason,
        )
    return Appended(entry_id, record["seq"], state.value, period, points)


def _priced(
    book, rule, by_rule: int, in_month: int, force_pending: bool, reason: str | None
) -> tuple[int, State, str | None]:
    """(points, initial state, reason) of a new entry, given the member's points this month under the caps."""
    points = book.price(rule, used_by_rule=by_rule, used_in_month=in_month)
    capped = points == 0 < rule.points
    state = State.PENDING if force_pending or (rule.needs_audit and not capped) else State.POSTED
    return points, state, reason or (CAPPED if capped else None)


def _new_entry(
    record: dict, state: State, now: datetime, *, proven: bool = True, version: int | None = None
) -> int | None:
    """Write an entry's record, its status and its balance move; returns its id. Unless `proven`, first prove
    the head, the last closed month and the config `version` it was priced on (PostgreSQL: see _NEW_ENTRY_PG);
    None when they no longer hold, and nothing written."""
    member_id, period, points = record["chain"], record["period"], record["points"]
    moves = balance_moves(points=points, old_state=None, new_state=state, old_period=None, new_period=period)
    if session_connection().dialect.name == "postgresql":
        delta = moves[0][1] if moves else None
        params = {k: record.get(k) for k in _RECORD_COLUMNS} | {
            "now": now,
            "moves": delta is not None,
            "posted": delta.posted if delta else 0,
            "pending": delta.pending if delta else 0,
            "posted_entries": delta.posted_entries if delta else 0,
            "proven": proven,
            "version": version,
            # :period again, under a name of its own: PostgreSQL infers one type per parameter, and the select
            # list's text and the comparison's varchar differ.
            "still_open": period,
        }
        return _NEW_ENTRY_PG.run(params).scalar()
    entry_id = _append(record)
    _new_status(
        entry_id,
        member_id,
        record["seq"],
        period=period,
        state=state,
        points=points,
        rule=record["rule"],
        source=record["source"],
        source_id=record["source_id"],
        now=now,
    )
    _move_balances(member_id, moves)
    return entry_id


def _check_auditor(actor, member) -> None:
    if actor.member_id == member.id:
        raise Forbidden("不能审核本人的积分", code="own_entry")
    if not scope.may_audit(actor, member):
        raise Forbidden("只能审核本社区党员的积分", code="out_of_scope")


def _status_for_audit(actor, entry_id: int) -> tuple[EntryStatus, Member]:
    status = db.session.get(EntryStatus, entry_id) if 0 < entry_id <= ID_MAX else None
    if status is None:
        raise NotFound("积分条目")
    member = db.session.get_one(Member, status.member_id)
    _check_auditor(actor, member)
    lock_member(member.id)
    db.session.refresh(status)  # read again under the lock
    return status, member


@transaction()
def decide(actor, entry_id: int, decision: str, reason: str | None, now: datetime) -> EntryStatus:
    """积分审核: approve or reject a pending entry; repeating a decision changes nothing.

    Refusals come in a fixed order: own entry, out of scope, missing reason, then the entry's state."""
    if decision not in (Decision.APPROVE.value, Decision.REJECT.value):
        # Carrying is the month close's move (carry), never an auditor's.
        raise Refusal("invalid_decision", "审核结论只能是通过或驳回")
    status, member = _status_for_audit(actor, entry_id)
    move = Decision(decision)
    if move is Decision.REJECT and not visible(reason):
        raise Refusal("reason_required", "驳回须填写原因")
    new = next_state(State(status.state), move)
    if new is None:
        return status
    if is_closed(status.period):
        raise Refusal("period_closed", f"{status.period} 已结账，该条目应已顺延", status=409)
    _append(
        chain.audit_record(
            _head(member.id),
            entry_seq=status.seq,
            decision=move.value,
            actor_id=actor.id,
            reason=(reason or "").strip() or None,
            period=status.period,
            now=now,
        )
    )
    _move_balances(
        member.id,
        balance_moves(
            points=status.points,
            old_state=State(status.state),
            new_state=new,
            old_period=status.period,
            new_period=status.period,
        ),
    )
    status.state = new.value
    status.updated_at = now
    return status


@transaction()
def reverse(actor, entry_id: int, reason: str | None, now: datetime) -> EntryStatus:
    """冲正: a new posted entry with the opposite points, in the open month, naming what it corrects."""
    status, member = _status_for_audit(actor, entry_id)
    if not visible(reason):
        raise Refusal("reason_required", "冲正须填写原因")
    reason = reason.strip()
    original = db.session.get_one(LedgerRecord, entry_id)  # every entry status has its record
    if status.state != State.POSTED.value or original.reverses_seq is not None:
        raise NotReversible(status.seq, status.state, is_reversal=original.reverses_seq is not None)
    if status.reversed_by is not None:
        raise AlreadyReversed(status.seq)
    period = open_period(periods.month_of(now))
    points = reversal_points(status.points)
    record = chain.entry_record(
        _head(member.id),
        period=period,
        points=points,
        rule=status.rule,
        source="manual",
        source_id=actor.id,
        state=State.POSTED.value,
        now=now,
        reverses_seq=status.seq,
        reason=reason,
    )
    reversal_id = _new_entry(record, State.POSTED, now)  # proven: its head was read under the lock
    status.reversed_by = record["seq"]
    status.updated_at = now
    return db.session.get_one(EntryStatus, reversal_id)


def carry(status: EntryStatus, to_period: str, now: datetime) -> None:
    """At month close, a still-pending entry moves to the next open month, said so by a system record."""
    lock_member(status.member_id)
    db.session.refresh(status)
    if status.state != State.PENDING.value or status.period == to_period:
        return
    _append(
        chain.audit_record(
            _head(status.member_id),
            entry_seq=status.seq,
            decision=Decision.CARRY.value,
            actor_id=None,
            reason=f"{status.period} 月结时尚未审核，顺延至 {to_period}",
            period=to_period,
            now=now,
        )
    )
    _move_balances(
        status.member_id,
        balance_moves(
            points=status.points,
            old_state=State.PENDING,
            new_state=State.PENDING,
            old_period=status.period,
            new_period=to_period,
        ),
    )
    status.period = to_period
    status.updated_at = now


def decide_each(
    actor, entry_ids: list[int], decision: str, reason: str | None, now: datetime
) -> tuple[list[int], list[dict]]:
    """批量审核: every id decided in its own transaction (each `decide` owns one), so one refusal stops no
    other; returns (done ids, refusals)."""
    done, refused = [], []
    for entry_id in dict.fromkeys(entry_ids):  # a repeated id is decided once, in its first place
        try:
            decide(actor, entry_id, decision, reason, now)
        except Refusal as refusal:
            refused.append({"id": entry_id, "code": refusal.code, "message": refusal.message})
        else:
            done.append(entry_id)
    return done, refused


# The bulk form ------------------------------------------------------------------------------------


class Decided(NamedTuple):
    """An audit decision on the entry just before it in a bulk history, as `decide` takes it."""

    actor: Any  # the Account deciding
    decision: str
    reason: str | None
    now: datetime


class Activity(NamedTuple):
    """One entry of a bulk history: append_entry's arguments, and the decision that follows it, if any."""

    natural_period: str
    source: str
    source_id: int | None
    now: datetime
    kind: str | None = None
    category: str | None = None
    force_pending: bool = False
    decided: Decided | None = None


_CHAIN_HEADS = (
    select(LedgerRecord.chain, func.count())
    .where(LedgerRecord.chain.in_(bindparam("members", expanding=True)))
    .group_by(LedgerRecord.chain)
)


@transaction()
def append_histories(histories: dict[int, list[Activity]]) -> int:
    """The bulk form of `append_entry` then `decide`, for members whose chains are still empty (the demo's new
    members): each activity priced and decided exactly as those two would, one after the other, its records
    made by the same ledger.chain functions, their statuses and balances ledger.replay's; then every row in
    one executemany per table. Returns the entries written.

    Decisions are refused as `decide` refuses them: not approve or reject, the auditor's own points or a
    member out of their scope, a rejection without a reason; and they land only on a month still open."""
    members = sorted(histories)
    if not members:
        return 0
    for member_id in members:
        lock_member(member_id)
    started = _run(_CHAIN_HEADS, {"members": members}).all()
    if started:
        raise ValueError(f"append_histories writes only empty chains; chain {started[0][0]} has records")
    places = {row.id: row for row in _run(select(Member.id, Member.community_id).where(Member.id.in_(members)), {})}
    known = _run(select(_VERSION, _LAST_CLOSED), {}).one()
    book = rulebook_as_of(known.version)
    records: list[dict] = []
    chains: list[tuple[int, list[dict], dict[int, list[datetime]]]] = []
    for member_id in members:
        head = chain.Head(member_id)
        written: list[dict] = []
        stamps: dict[int, list[datetime]] = {}  # entry seq -> [when it was written, when its status last changed]
        used: dict[tuple[str, str | None], int] = {}  # (month, rule or None for every rule) -> points under the caps
        for activity in histories[member_id]:
            rule = book.find(activity.source, kind=activity.kind, category=activity.category, at=activity.now)
            period = periods.landing_month(activity.natural_period, known.last_closed)
            points, state, reason = _priced(
                book,
                rule,
                used.get((period, rule.code), 0),
                used.get((period, None), 0),
                activity.force_pending,
                None,
            )
            record = chain.entry_record(
                head,
                period=period,
                points=points,
                rule=rule.code,
                source=activity.source,
                source_id=activity.source_id,
                state=state.value,
                now=activity.now,
                reason=reason,
            )
            head = chain.advance(head, record)
            written.append(record)
            stamps[record["seq"]] = [activity.now, activity.now]
            counted = points if points > 0 else 0
            decided = activity.decided
            if decided is not None:
                if decided.decision not in (Decision.APPROVE.value, Decision.REJECT.value):
                    raise Refusal("invalid_decision", "审核结论只能是通过或驳回")
                _check_auditor(decided.actor, places[member_id])
                move = Decision(decided.decision)
                if move is Decision.REJECT and not visible(decided.reason):
                    raise Refusal("reason_required", "驳回须填写原因")
                if next_state(state, move) is not None:
                    audit = chain.audit_record(
                        head,
                        entry_seq=record["seq"],
                        decision=move.value,
                        actor_id=decided.actor.id,
                        reason=(decided.reason or "").strip() or None,
                        period=period,
                        now=decided.now,
                    )
                    head = chain.advance(head, audit)
                    written.append(audit)
                    stamps[record["seq"]][1] = decided.now
                    if move is Decision.REJECT:
                        counted = 0  # a rejected entry no longer counts against the caps
            for key in ((period, rule.code), (period, None)):
                used[key] = used.get(key, 0) + counted
        records += written
        chains.append((member_id, written, stamps))
    ids = iter(
        _run(
            sql_insert(LedgerRecord).returning(LedgerRecord.id, sort_by_parameter_order=True),
            [{k: record.get(k) for k in _RECORD_COLUMNS} for record in records],
        ).scalars()
    )
    statuses, moved, entries = [], [], 0
    for member_id, written, stamps in chains:
        standing = replay(written)
        for record in written:
            entry_id = next(ids)
            if record["kind"] != "entry":
                continue
            entry = standing[record["seq"]]
            statuses.append(
                {
                    "entry_id": entry_id,
                    "member_id": member_id,
                    "seq": record["seq"],
                    "period": entry.period,
                    "state": entry.state.value,
                    "points": entry.points,
                    "rule": record["rule"],
                    "source": record["source"],
                    "source_id": record["source_id"],
                    "created_at": stamps[record["seq"]][0],
                    "updated_at": stamps[record["seq"]][1],
                    "reversed_by": entry.reversed_by,
                }
            )
        entries += len(standing)
        moved += [
            {"member_id": member_id, "period": period, **vars(tally)}
            for period, tally in sorted(replay_balances(standing.values()).items())
        ]
    if statuses:
        _run(_NEW_STATUS, statuses)
    if moved:
        _run(sql_insert(Balance), moved)
    return entries
