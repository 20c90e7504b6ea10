"""The hash chain: one chain of entry and audit records per member, and the month seal over them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any, TypeAlias

from .periods import parse_month
from .states import Decision, State

KINDS = ("entry", "audit")
ENTRY_KEYS = frozenset(
    (
        "chain",
        "seq",
        "kind",
        "prev_hash",
        "period",
        "points",
        "rule",
        "source",
        "source_id",
        "reverses_seq",
        "state",
        "reason",
        "created_at",
        "hash",
    )
)
AUDIT_KEYS = frozenset(
    ("chain", "seq", "kind", "prev_hash", "entry_seq", "decision", "actor_id", "reason", "period", "created_at", "hash")
)

_generic = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode
_string = json.encoder.encode_basestring  # the C escaper json uses when ensure_ascii=False
_sha256 = hashlib.sha256
# A ledger record as read or written: JSON-shaped (str, int and None values), keyed by field name.
# Its values' types depend on the key, which a Mapping cannot say, hence Any.
Record: TypeAlias = Mapping[str, Any]

_plans: dict[tuple[str, ...], tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _text_of(record: Record) -> str:
    """json.dumps(record minus "hash", sort_keys=True, separators=(",", ":"), ensure_ascii=False).

    Records hold only str, int and None, so they are written by hand from a per-key-set plan:
    json's own encoder costs about 10 µs a record, which is most of verifying a million.
    Any other value takes json's path, so the text is the same either way.
    """
    keys = tuple(record)
    plan = _plans.get(keys)
    if plan is None:
        if not all(type(k) is str for k in keys):
            return _generic({k: v for k, v in record.items() if k != "hash"})
        names = tuple(sorted(k for k in keys if k != "hash"))
        plan = (names, tuple(("{" if i == 0 else ",") + _string(k) + ":" for i, k in enumerate(names)))
        if len(_plans) < 256:
            _plans[keys] = plan
    names, prefixes = plan
    if not names:
        return "{}"
    parts = []
    for name, prefix in zip(names, prefixes, strict=True):
        value = record[name]
        kind = type(value)
        if kind is str:
            parts.append(prefix + _string(value))
        elif kind is int:
            parts.append(prefix + int.__repr__(value))
        elif value is None:
            parts.append(prefix + "null")
        else:
            return _generic({k: v for k, v in record.items() if k != "hash"})
    parts.append("}")
    return "".join(parts)


def timestamp(dt: datetime) -> str:
    """Canonical UTC text, always with six microsecond digits: 2026-11-29T02:00:00.000000Z."""
    if not isinstance(dt, datetime) or dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("timestamp() needs a timezone-aware datetime")
    u = dt.astimezone(UTC)
    return f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}.{u.microsecond:06d}Z"


def canonical(record: Record) -> bytes:
    return _text_of(record).encode("utf-8")


def digest(record: Record) -> str:
    return _sha256(canonical(record)).hexdigest()


@dataclass(frozen=True)
class Head:
    """Where a chain ends: the last record's seq and hash (seq 0 and "" before the first)."""

    chain: int
    seq: int = 0
    hash: str = ""


def _int(value: object, name: str, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int{' or None' if optional else ''}")


def _text(value: object, name: str, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str{' or None' if optional else ''}")


def _seal_record(record: dict[str, Any]) -> dict[str, Any]:
    record["hash"] = digest(record)
    return record


def entry_record(
    head: Head,
    *,
    period: str,
    points: int,
    rule: str,
    source: str,
    source_id: int | None,
    state: State | str,
    now: datetime,
    reverses_seq: int | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    """The next entry of `head`'s chain, complete and hashed; `state` is its initial state."""
    parse_month(period)
    _int(points, "points")
    _text(rule, "rule")
    _text(source, "source")
    _int(source_id, "source_id", optional=True)
    _int(reverses_seq, "reverses_seq", optional=True)
    _text(reason, "reason", optional=True)
    state = State(state)
    if state is State.REJECTED:
        raise ValueError("an entry starts pending or posted")
    if reverses_seq is not None and not 1 <= reverses_seq <= head.seq:
        raise ValueError("reverses_seq must name an earlier record of the same chain")
    return _seal_record(
        {
            "chain": head.chain,
            "seq": head.seq + 1,
            "kind": "entry",
            "prev_hash": head.hash,
            "period": period,
            "points": points,
            "rule": rule,
            "source": source,
            "source_id": source_id,
            "reverses_seq": reverses_seq,
            "state": state.value,
            "reason": reason,
            "created_at": timestamp(now),
        }
    )


def audit_record(
    head: Head,
    *,
    entry_seq: int,
    decision: Decision | str,
    actor_id: int | None,
    reason: str | None,
    period: str,
    now: datetime,
) -> dict[str, Any]:
    """The next audit record: `period` is where the entry counts after this decision."""
    parse_month(period)
    _int(entry_seq, "entry_seq")
    _int(actor_id, "actor_id", optional=True)
    _text(reason, "reason", optional=True)
    if not 1 <= entry_seq <= head.seq:
        raise ValueError("entry_seq must name an earlier record of the same chain")
    return _seal_record(
        {
            "chain": head.chain,
            "seq": head.seq + 1,
            "kind": "audit",
            "prev_hash": head.hash,
            "entry_seq": entry_seq,
            "decision": Decision(decision).value,
            "actor_id": actor_id,
            "reason": reason,
            "period": period,
            "created_at": timestamp(now),
        }
    )


def advance(head: Head, record: Record) -> Head:
    """The head after appending `record`, which must be the chain's next one."""
    if record["chain"] != head.chain or record["seq"] != head.seq + 1 or record["prev_hash"] != head.hash:
        raise ValueError(f"record {record.get('chain')}/{record.get('seq')} does not follow head {head}")
    return Head(head.chain, record["seq"], record["hash"])


@dataclass(frozen=True)
class Failure:
    """The first record that breaks the ledger.

    `kind` says what broke: "malformed", "order", "seq", "prev_hash", "hash", "kind",
    "entry_seq", "seal", "truncated". `line` is the record's 1-based position in the stream.
    """

    chain: int
    seq: int
    kind: str
    reason: str
    line: int = 0


_CHAIN_KEYS = ("chain", "seq", "prev_hash", "hash", "kind")
# One C call for the five fields feed reads first; it raises KeyError or TypeError as indexing each would.
_chain_fields = itemgetter(*_CHAIN_KEYS)


class ChainVerifier:
    """Streams records in (chain, seq) order and stops trusting at the first that breaks.

    Memory is the heads of every chain plus one bit per record of the chain being read,
    which is what knowing "entry_seq names an earlier entry" costs.

    `start` gives known heads for an export that begins mid-chain (a --period export);
    with `partial=True` a chain not in `start` may begin anywhere and its first prev_hash
    is taken on trust. `canonical` may be a faster encoder giving exactly `canonical`'s bytes
    (the app's, on a C JSON library); it raises TypeError or ValueError where this one would.
    """

    def __init__(
        self,
        start: Mapping[int, Head] | Iterable[Head] | None = None,
        *,
        partial: bool = False,
        canonical: Callable[[Record], bytes] = canonical,
    ) -> None:
        heads = start.values() if isinstance(start, Mapping) else (start or ())
        self._canonical = canonical
        self._start = {h.chain: h for h in heads}
        self._partial = partial
        self._heads: dict[int, Head] = {}
        self._chain: int | None = None
        # The current chain's head as three plain fields: a Head per record was a tenth of feed's time.
        self._head_chain, self._head_seq, self._head_hash = 0, 0, ""
        self._entries = bytearray()
        self._base = 0
        self.records = 0
        self.chains = 0
        self.failure: Failure | None = None

    @property
    def _head(self) -> Head:
        return Head(self._head_chain, self._head_seq, self._head_hash)

    def _set_head(self, head: Head) -> None:
        self._head_chain, self._head_seq, self._head_hash = head.chain, head.seq, head.hash

    def heads(self) -> dict[int, Head]:
        heads = dict(self._heads)
        if self._chain is not None:
            heads[self._chain] = self._head
        return heads

    def _fail(self, chain: int, seq: int, kind: str, reason: str) -> Failure:
        self.failure = Failure(chain, seq, kind, reason, self.records)
        return self.failure

    def feed(self, record: Record) -> Failure | None:
        if self.failure is not None:
            return self.failure
        self.records += 1
        try:
            chain, seq, prev_hash, stored, kind = _chain_fields(record)
        except (KeyError, TypeError):
            return self._fail(
                self._head_chain,
                self._head_seq + 1,
                "malformed",
                "记录缺少 chain/seq/kind/prev_hash/hash 字段 (missing key)",
            )
        if type(chain) is not int or type(seq) is not int or type(prev_hash) is not str or type(stored) is not str:
            return self._fail(
                self._head_chain,
                self._head_seq + 1,
                "malformed",
                "chain/seq 须为整数，prev_hash/hash 须为字符串 (bad type)",
            )
        head_seq, head_hash = self._head_seq, self._head_hash

        # A record that hooks onto the current chain's head is that chain's next record,
        # whatever its own chain/seq fields now claim, so tampering with them is named right.
        links = self._chain is not None and head_seq > 0 and prev_hash == head_hash
        if chain != self._chain:
            head = self._head
            if self._chain is not None and chain < self._chain:
                at = (head.chain, head.seq + 1) if links else (chain, seq)
                return self._fail(*at, "order", f"成员链 {chain} 出现在链 {self._chain} 之后 (chains out of order)")
            if chain in self._heads:
                return self._fail(chain, seq, "order", f"成员链 {chain} 不连续 (chain split)")
            start = self._start.get(chain)
            if start is None and self._partial and not links:
                start = Head(chain, seq - 1, prev_hash)
            start = start or Head(chain)
            if seq != start.seq + 1:
                at = (head.chain, head.seq + 1) if links else (chain, start.seq + 1)
                return self._fail(
                    *at, "seq", f"成员链 {chain} 应从第 {start.seq + 1} 条开始，实为第 {seq} 条 (seq gap)"
                )
            if links:
                # Linking onto the previous chain means the chain field itself was changed.
                return self._fail(
                    head.chain, head.seq + 1, "hash", "记录的 chain 与其 prev_hash 所接的链不符 (hash mismatch)"
                )
            if self._chain is not None:
                self._heads[self._chain] = head
            self._chain = chain
            self._set_head(start)
            head_seq, head_hash = start.seq, start.hash
            self._entries = bytearray()
            self._base = start.seq
            self.chains += 1
        elif seq != head_seq + 1:
            return self._fail(
                chain, head_seq + 1, "seq", f"应为第 {head_seq + 1} 条，实为第 {seq} 条 (seq gap or duplicate)"
            )

        if prev_hash != head_hash:
            return self._fail(chain, seq, "prev_hash", "prev_hash 与上一条记录的 hash 不符 (prev_hash mismatch)")
        try:
            computed = _sha256(self._canonical(record)).hexdigest()
        except (TypeError, ValueError):
            return self._fail(chain, seq, "malformed", "记录无法序列化 (not JSON)")
        if computed != stored:
            return self._fail(chain, seq, "hash", "hash 与记录内容不符，记录已被改动 (hash mismatch)")
        if kind == "entry":
            self._entries.append(1)
        elif kind == "audit":
            target = record.get("entry_seq")
            # Entries before a partial export's start are taken on trust.
            if not (
                type(target) is int
                and 1 <= target < seq
                and (target <= self._base or self._entries[target - self._base - 1])
            ):
                return self._fail(
                    chain,
                    seq,
                    "entry_seq",
                    f"审核记录指向的第 {target} 条不是本链之前的积分 (audit names no earlier entry)",
                )
            self._entries.append(0)
        else:
            return self._fail(chain, seq, "kind", f"未知的记录类型 {kind!r} (unknown kind)")
        self._head_seq, self._head_hash = seq, stored
        return None

    def finish(self) -> Failure | None:
        """The stream ended; a chain's end can only be judged against a seal (check_seal)."""
        if self._chain is not None:
            self._heads[self._chain] = self._head
            self._chain = None
        return self.failure


def verify(
    records: Iterable[Record],
    *,
    start: Mapping[int, Head] | Iterable[Head] | None = None,
    partial: bool = False,
) -> Failure | None:
    verifier = ChainVerifier(start, partial=partial)
    for record in records:
        failure = verifier.feed(record)
        if failure is not None:
            return failure
    return verifier.finish()


def _seal_heads(heads: Iterable[Head]) -> list[list[int | str]]:
    rows: dict[int, Head] = {}
    for h in heads:
        if h.chain in rows:
            raise ValueError(f"chain {h.chain} sealed twice")
        # An empty chain has nothing to protect, so whether a caller lists it cannot change the seal.
        if h.seq > 0:
            rows[h.chain] = h
    return [[h.chain, h.seq, h.hash] for h in sorted(rows.values(), key=lambda h: h.chain)]


def seal(period: str, heads: Iterable[Head], prev_seal: str) -> str:
    """The hash written when a month closes, over every chain's head and the previous seal."""
    parse_month(period)
    body = {"period": period, "prev_seal": prev_seal, "heads": _seal_heads(heads)}
    return _sha256(_generic(body).encode("utf-8")).hexdigest()


def check_seal(
    seal_value: str,
    *,
    period: str,
    prev_seal: str,
    heads: Iterable[Head],
    records: Iterable[Record] | Mapping[tuple[int, int], str],
) -> Failure | None:
    """Is every head sealed at close still in the ledger, with the same hash?

    `heads` are the heads stored with the seal; `records` the ledger (or a mapping
    (chain, seq) -> hash). A chain cut short or rewritten before its sealed head fails here
    even when every remaining record verifies on its own.
    """
    heads = list(heads)
    if seal(period, heads, prev_seal) != seal_value:
        first = min(heads, key=lambda h: h.chain, default=Head(0))
        return Failure(first.chain, first.seq, "seal", f"{period} 的封存值与封存的链头不符 (seal mismatch)")
    wanted = {(h.chain, h.seq): h.hash for h in heads if h.seq > 0}
    if isinstance(records, Mapping):
        found = {key: records.get(key) for key in wanted}
    else:
        found = {}
        for record in records:
            key = (record.get("chain"), record.get("seq"))
            if key in wanted:
                found[key] = record.get("hash")
    for chain, seq in sorted(wanted):
        if found.get((chain, seq)) is None:
            return Failure(chain, seq, "truncated", f"{period} 封存时的第 {seq} 条记录已不存在 (sealed head missing)")
        if found[(chain, seq)] != wanted[(chain, seq)]:
            return Failure(chain, seq, "hash", f"{period} 封存时的第 {seq} 条记录已被改写 (sealed head rewritten)")
    return None
