"""`flask ledger verify`: every stored hash, link and seal, and the projections against ledger.replay."""

import gc
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context
from operator import itemgetter

from sqlalchemy import and_, func, select, true

from app.periods.models import Period, SealHead
from app.points.models import Balance, EntryStatus, LedgerRecord
from app.points.records import COLUMNS, R, canonical, canonical_of_typed_columns, reading, records_query, stream
from app.points.records import record as stored_record
from ledger import chain as hash_chain
from ledger.balances import Balance as Tally
from ledger.replay import BrokenRecord, Entry, balances, replay

_STATUS_COLUMNS = (
    "entry_id",
    "member_id",
    "seq",
    "period",
    "state",
    "points",
    "rule",
    "source",
    "source_id",
    "reversed_by",
)
S = EntryStatus.__table__.c
# Where the joined entry_status columns sit in a streamed row: after the id and the record's columns.
_STATUS_AT = itemgetter(*range(len(COLUMNS) + 1, len(COLUMNS) + 1 + len(_STATUS_COLUMNS)))
_ENTRY_ID_AT = len(COLUMNS) + 1


class LedgerBroken(Exception):
    """The first record, entry status, balance or seal that does not hold; the message names it."""


def _name_record(conn, chain: int, seq: int) -> str:
    found = conn.execute(select(R.id, R.kind).where(R.chain == chain, R.seq == seq)).first()
    where = f"id={found.id} kind={found.kind}" if found else "（库中无此记录）"
    return f"记录 chain={chain} seq={seq} {where}"


class _Chain:
    """One member's records while they stream by, checked against their projections when the chain ends."""

    def __init__(self, chain: int):
        self.chain = chain
        self.records: list[dict] = []
        self.rows: list = []  # the streamed rows: record id, record columns, its entry_status columns or Nones

    def replay(self, conn) -> dict[int, Entry]:
        try:
            return replay(self.records)
        except BrokenRecord as broken:
            raise LedgerBroken(f"{_name_record(conn, self.chain, broken.seq)}: {broken.reason}") from None

    def check_statuses(self, entries: dict[int, Entry]) -> None:
        for record, row in zip(self.records, self.rows, strict=True):
            record_id = row[0]
            if record["kind"] != "entry":
                if row[_ENTRY_ID_AT] is not None:
                    raise LedgerBroken(
                        f"积分状态 entry_id={record_id}: 指向的是审核记录（chain={self.chain} seq={record['seq']}）"
                    )
                continue
            status = _STATUS_AT(row)
            if status[0] is None:
                raise LedgerBroken(
                    f"记录 chain={self.chain} seq={record['seq']} id={record_id} kind=entry: "
                    "没有对应的积分状态（entry_status）"
                )
            entry = entries[record["seq"]]
            # The state as the StrEnum it is, equal to its text: reading .value, an enum descriptor, for every
            # entry was a tenth of this check. The message below shows the text.
            expected = (
                record_id,
                self.chain,
                record["seq"],
                entry.period,
                entry.state,
                entry.points,
                record["rule"],
                record["source"],
                record["source_id"],
                entry.reversed_by,
            )
            if status != expected:
                shown = (*expected[:4], entry.state.value, *expected[5:])
                name, stored, wanted = next(d for d in zip(_STATUS_COLUMNS, status, shown, strict=True) if d[1] != d[2])
                raise LedgerBroken(
                    f"积分状态 entry_id={record_id}（chain={self.chain} seq={record['seq']}）: "
                    f"存储的 {name}={stored!r}，按记录应为 {wanted!r}"
                )

    def check_balances(self, entries: dict[int, Entry], stored: dict[str, Tally]) -> None:
        rebuilt = balances(entries.values())
        if rebuilt == stored:  # both hold only non-zero months, so this is every month below agreeing
            return
        for period in sorted(set(rebuilt) | set(stored)):
            _compare_balance(self.chain, period, stored.get(period, Tally()), rebuilt.get(period, Tally()))


def _compare_balance(member: int, period: str, stored: Tally, wanted: Tally) -> None:
    if stored != wanted:
        raise LedgerBroken(
            f"余额 member={member} period={period}: 存储的 posted={stored.posted} pending={stored.pending} "
            f"posted_entries={stored.posted_entries}，按记录应为 posted={wanted.posted} "
            f"pending={wanted.pending} posted_entries={wanted.posted_entries}"
        )


def _in(column, first, stop):
    """The members [first, stop) of one worker's share; None leaves that end open."""
    bounds = [*([column >= first] if first is not None else []), *([column < stop] if stop is not None else [])]
    return and_(*bounds) if bounds else true()


@contextmanager
def _without_cycle_collection():
    """The walk makes millions of small dicts and tuples, none in a cycle: the cycle collector's passes over them,
    each longer as the kept balances and hashes grow, were a quarter of verify's CPU (bench/ledger_verify). A
    forked worker inherits the setting."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _verify_share(conn, first, stop) -> dict:
    """Chains, entry statuses and balances of the members in [first, stop); the hashes of their sealed heads.

    Walked first with each record's status joined by its chain and seq as well as its id: PostgreSQL then merges
    two indexes read in the same order instead of looking each record's status up alone, which was a third of its
    share of the work (bench/ledger_verify/README.md). That walk sees every status row of these members only when
    each sits at its own record's chain and seq, which a passing walk counts (one per entry, none on an audit). If
    the count falls short, or anything fails, the share is walked again joined by id alone, as verify always was,
    so what passes and the failure named are exactly the old walk's."""
    statuses = conn.execute(
        select(func.count()).select_from(EntryStatus.__table__).where(_in(S.member_id, first, stop))
    ).scalar_one()
    try:
        counts = _walk(conn, first, stop, by_place=True)
    except LedgerBroken:
        return _walk(conn, first, stop, by_place=False)
    if counts["entries"] != statuses:
        return _walk(conn, first, stop, by_place=False)
    return counts


def _walk(conn, first, stop, *, by_place: bool) -> dict:
    stored_balances: dict[int, dict[str, Tally]] = defaultdict(dict)
    balance_rows = 0
    for member, period, posted, pending, posted_entries in conn.execute(
        select(Balance.member_id, Balance.period, Balance.posted, Balance.pending, Balance.posted_entries).where(
            _in(Balance.member_id, first, stop)
        )
    ).all():  # fetched at once: psycopg's fetchone per row cost more than the comparisons
        balance_rows += 1
        if posted or pending or posted_entries:  # a row moved back to zero equals no row
            stored_balances[member][period] = Tally(posted, pending, posted_entries)
    sealed: dict[int, set] = defaultdict(set)
    for chain, seq in conn.execute(select(SealHead.chain, SealHead.seq).where(_in(SealHead.chain, first, stop))).all():
        sealed[chain].add(seq)
    hashes: dict[tuple[int, int], str] = {}

    typed = conn.dialect.name == "postgresql"  # the columns' own types: only int, str and None come back
    verifier = hash_chain.ChainVerifier(canonical=canonical_of_typed_columns if typed else canonical)
    on = S.entry_id == R.id
    if by_place:  # the members' range lets the merge start its scan of entry_status where the share does
        on = and_(S.member_id == R.chain, S.seq == R.seq, on, _in(S.member_id, first, stop))
    query = (
        records_query()
        .add_columns(*(S[k] for k in _STATUS_COLUMNS))
        .select_from(LedgerRecord.__table__.outerjoin(EntryStatus.__table__, on))
        .where(_in(R.chain, first, stop))
    )
    entries = 0

    def close(done: _Chain) -> int:
        for seq in sealed.get(done.chain, ()):
            if seq <= len(done.records):
                hashes[(done.chain, seq)] = done.records[seq - 1]["hash"]
        standing = done.replay(conn)
        done.check_statuses(standing)
        done.check_balances(standing, stored_balances.pop(done.chain, {}))
        return len(standing)

    current: _Chain | None = None
    feed = verifier.feed
    with stream(conn, query) as rows:
        for row in rows:
            record = stored_record(row)
            failure = feed(record)
            if failure is not None:
                raise LedgerBroken(f"{_name_record(conn, failure.chain, failure.seq)}: {failure.reason}")
            if current is None or record["chain"] != current.chain:
                if current is not None:
                    entries += close(current)
                current = _Chain(record["chain"])
                keep_record, keep_row = current.records.append, current.rows.append
            keep_record(record)
            keep_row(row)
    verifier.finish()
    if current is not None:
        entries += close(current)
    for member in sorted(stored_balances):  # balances of members who have no record at all
        for period, tally in sorted(stored_balances[member].items()):
            _compare_balance(member, period, tally, Tally())
    return {
        "records": verifier.records,
        "chains": verifier.chains,
        "entries": entries,
        "audits": verifier.records - entries,
        "balances": balance_rows,
        "hashes": hashes,
    }


_engine = None  # the engine a forked worker inherits


def _worker_start():
    # The parent's pooled connections must not be shared across processes: a worker opens its own.
    _engine.dispose(close=False)


def _worker(share: tuple) -> dict | str:
    with reading(_engine) as conn:
        try:
            return _verify_share(conn, *share)
        except LedgerBroken as broken:
            return str(broken)


def _shares(conn, workers: int) -> list[tuple]:
    """Split the members into `workers` ranges of chain ids; the outer ends stay open."""
    low, high = conn.execute(select(func.min(R.chain), func.max(R.chain))).one()
    if workers <= 1 or low is None or high - low < workers:
        return [(None, None)]
    step = (high - low + 1) / workers
    cuts = [low + round(step * i) for i in range(1, workers)]
    return list(zip([None, *cuts], [*cuts, None], strict=True))


def _check_seals(conn, hashes: dict) -> int:
    heads_by_period: dict[str, list] = defaultdict(list)
    for period, chain, seq, digest in conn.execute(
        select(SealHead.period, SealHead.chain, SealHead.seq, SealHead.hash)
    ).all():
        heads_by_period[period].append(hash_chain.Head(chain, seq, digest))
    seals = conn.execute(select(Period.period, Period.seal, Period.prev_seal).order_by(Period.period)).all()
    previous = None  # (period, seal): each month's seal covers the one before it
    for period, seal, prev_seal in seals:
        if previous is not None and prev_seal != previous[1]:
            raise LedgerBroken(f"结账封存 period={period}: prev_seal 与 {previous[0]} 的封存值不符")
        failure = hash_chain.check_seal(
            seal, period=period, prev_seal=prev_seal, heads=heads_by_period.get(period, ()), records=hashes
        )
        if failure is not None:
            raise LedgerBroken(f"结账封存 period={period}（chain={failure.chain} seq={failure.seq}）: {failure.reason}")
        previous = (period, seal)
    return len(seals)


def verify(engine, workers: int = 1) -> dict:
    """Every record's hash and link, every entry status, every balance, every closed month's seal.

    With workers > 1 the members are shared among forked processes, one range of chains each (hashing
    is CPU-bound). Returns the counts; raises LedgerBroken naming the first failure, chains in order."""
    global _engine
    started = time.perf_counter()
    with _without_cycle_collection(), reading(engine) as conn:
        shares = _shares(conn, workers)
        if len(shares) == 1:
            parts: list[dict | str] = [_verify_share(conn, None, None)]
        else:
            _engine = engine
            with ProcessPoolExecutor(len(shares), mp_context=get_context("fork"), initializer=_worker_start) as pool:
                parts = list(pool.map(_worker, shares))
        counts: list[dict] = []
        for part in parts:
            if isinstance(part, str):
                raise LedgerBroken(part)
            counts.append(part)
        hashes = {key: digest for part in counts for key, digest in part.pop("hashes").items()}
        summary: dict[str, float] = {key: sum(part[key] for part in counts) for key in counts[0]}
        summary["seals"] = _check_seals(conn, hashes)
    summary["seconds"] = round(time.perf_counter() - started, 2)
    return summary
