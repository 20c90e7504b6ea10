"""What each proposed change to the check-in's hot path would save, measured before anyone writes it.

In one process, like inside.py, new check-ins run one after another through the real app, once as the
code stands and once with each change patched in (bench code only: app/ is not touched). Variants run
in interleaved rounds, so a neighbour's burst of load on a shared machine hits every variant alike, and
each variant's fastest round counts: other work can only add time to a round, never take it away.
The patches are measuring devices, not the production change: a cached rulebook here is never
invalidated, for instance; bench/burst/README.md says what the real change must keep.
PostgreSQL only. Run with DATABASE_URL and SECRET_KEY set:  whatif.py OUT POOL [--per-round N] [--rounds R]"""

import argparse
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import joinedload  # noqa: E402

from app.auth import current  # noqa: E402
from app.auth import tokens as auth_tokens
from app.auth.models import Account  # noqa: E402
from app.checkins import operations as checkins  # noqa: E402
from app.db import per_transaction  # noqa: E402
from app.errors import Unauthenticated  # noqa: E402
from app.extensions import db  # noqa: E402
from app.periods import state as periods_state  # noqa: E402
from app.points import operations as points  # noqa: E402
from bench.burst.counting_wsgi import app, trips  # noqa: E402
from bench.burst.inside import _bearers, _scan  # noqa: E402
from ledger import chain  # noqa: E402
from ledger.balances import balance_moves  # noqa: E402
from ledger.states import State  # noqa: E402


# -- A: no liveness ping on every checkout ----------------------------------------------------------------
def no_pre_ping(stack: ExitStack) -> None:
    with app.app_context():
        pool = db.engine.pool
    stack.enter_context(mock.patch.object(pool, "_pre_ping", False))


# -- B, C: the rules with the county settings, and the closed months, read once per process -----------------
def rules_cached(stack: ExitStack) -> None:
    with app.app_context():
        book = points.rulebook()
        db.session.remove()
    stack.enter_context(mock.patch.object(points, "rulebook", lambda: book))


def periods_cached(stack: ExitStack) -> None:
    with app.app_context():
        closed = periods_state._closed()
        db.session.remove()
    stack.enter_context(mock.patch.object(periods_state, "_closed", lambda: closed))


# -- D: the bearer's account and its member in one query --------------------------------------------------
def _from_bearer_joined():
    header = current.request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    found = auth_tokens.read(token.strip())
    account = found and db.session.get(Account, found[0], options=[joinedload(Account.member)])
    if not account or account.token_version != found[1]:
        raise Unauthenticated("登录已失效，请重新登录", code="invalid_token_auth")
    return account


def auth_joined(stack: ExitStack) -> None:
    stack.enter_context(mock.patch.object(current, "_from_bearer", _from_bearer_joined))


# -- E: the event and the member's earlier check-in in one Core read; the check-in inserted by Core ----------
_EVENT_AND_EARLIER = text("""
    SELECT e.id, e.kind, e.category, e.starts_at, e.checkin_opens_at, e.checkin_closes_at, e.key_version,
           e.radius_m, e.latitude, e.longitude, c.id AS earlier
    FROM events e LEFT JOIN checkins c ON c.event_id = e.id AND c.member_id = :member_id
    WHERE e.id = :event_id""").columns(
    starts_at=db.DateTime(timezone=True),
    checkin_opens_at=db.DateTime(timezone=True),
    checkin_closes_at=db.DateTime(timezone=True),
)


def _check_in_core(account, token, *, now, latitude=None, longitude=None, idempotency_key=None):
    if not checkins.scope.may_check_in(account):
        raise checkins.Forbidden("该账号不能签到（不是在职党员账号或已停用）", code="not_allowed")
    member_id = account.member_id
    replayed = checkins._replayed(member_id, idempotency_key)
    if replayed is not None:
        return checkins._outcome(replayed, new=False)
    claim = checkins.tokens.read(checkins.current_app.config["SECRET_KEY"], token)
    event = (
        db.session.connection()
        .execute(_EVENT_AND_EARLIER, {"event_id": claim.event_id, "member_id": member_id})
        .first()
    )
    if event is None:
        raise checkins.tokens.InvalidToken()
    if event.earlier is not None:
        return checkins._outcome(db.session.get(checkins.Checkin, event.earlier), new=False)
    checkins._check_code(event, claim, now)
    checkins._check_place(event, latitude, longitude)
    return _record_core(
        event,
        member_id,
        now,
        method=claim.type,
        latitude=latitude,
        longitude=longitude,
        idempotency_key=idempotency_key or None,
    )


# As text: SQLAlchemy gives an INSERT ... ON CONFLICT no cache key, so the app compiles its own on every scan.
_INSERT_CHECKIN = text("""
    INSERT INTO checkins (event_id, member_id, method, latitude, longitude, idempotency_key, created_at)
    VALUES (:event_id, :member_id, :method, :latitude, :longitude, :idempotency_key, :created_at)
    ON CONFLICT DO NOTHING RETURNING id""")


def _record_core(event, member_id, now, **values):
    checkins.lock_member(member_id)
    checkin_id = (
        db.session.connection()
        .execute(_INSERT_CHECKIN, {"event_id": event.id, "member_id": member_id, "created_at": now, **values})
        .scalar()
    )
    if checkin_id is None:
        return checkins._outcome(checkins._existing(event.id, member_id), new=False)
    entry = checkins.append_entry(
        member_id,
        natural_period=checkins.periods.month_of(event.starts_at),
        source="checkin",
        source_id=checkin_id,
        now=now,
        kind=event.kind,
        category=event.category,
        force_pending=values["method"] == "proxy",
    )
    return checkins.Outcome(checkin_id, event.id, member_id, entry.state, entry.id, True, None)


def check_in_core(stack: ExitStack) -> None:
    stack.enter_context(mock.patch.object(checkins, "check_in", _check_in_core))


# -- F: the ledger's write in three round trips instead of seven ----------------------------------------------
_GATE_AND_LOCK = text(
    f"SELECT pg_advisory_xact_lock_shared({points.LEDGER_GATE}), id FROM members WHERE id = :member_id FOR UPDATE"
)
_HEAD_AND_USED = text("""
    SELECT h.seq, h.hash, u.by_rule, u.in_month FROM (
        SELECT coalesce(sum(CASE WHEN rule = :rule THEN points ELSE 0 END), 0) AS by_rule,
               coalesce(sum(points), 0) AS in_month
        FROM entry_status WHERE member_id = :member_id AND period = :period AND state != 'rejected' AND points > 0
    ) AS u LEFT JOIN LATERAL (
        SELECT seq, hash FROM ledger_records WHERE chain = :member_id ORDER BY seq DESC LIMIT 1
    ) AS h ON true""")
_WRITES = text(f"""
    WITH r AS (
        INSERT INTO ledger_records ({", ".join(points._RECORD_COLUMNS)})
        VALUES ({", ".join(":" + c for c in points._RECORD_COLUMNS)}) RETURNING id
    ), s AS (
        INSERT INTO entry_status (entry_id, member_id, seq, period, state, points, rule, source, source_id,
                                  reversed_by, created_at, updated_at)
        SELECT r.id, :chain, :seq, :period, :state, :points, :rule, :source, :source_id, NULL, :now, :now FROM r
    ), b AS (
        INSERT INTO balances (member_id, period, posted, pending, posted_entries)
        VALUES (:chain, :period, :posted, :pending, :posted_entries)
        ON CONFLICT (member_id, period) DO UPDATE SET posted = balances.posted + excluded.posted,
            pending = balances.pending + excluded.pending,
            posted_entries = balances.posted_entries + excluded.posted_entries
    )
    SELECT id FROM r""")


def _lock_member_lean(member_id):
    db.session.flush()
    per_transaction(
        ("member_lock", member_id),
        lambda: db.session.connection().execute(_GATE_AND_LOCK, {"member_id": member_id}).first(),
    )


def _append_entry_lean(
    member_id, *, natural_period, source, source_id, now, kind=None, category=None, force_pending=False, reason=None
):
    _lock_member_lean(member_id)
    period = points.open_period(natural_period)
    book = per_transaction("rulebook", points.rulebook)
    rule = book.find(source, kind=kind, category=category, at=now)
    conn = db.session.connection()
    row = conn.execute(_HEAD_AND_USED, {"member_id": member_id, "period": period, "rule": rule.code}).one()
    amount = book.price(rule, used_by_rule=int(row.by_rule), used_in_month=int(row.in_month))
    state = State.PENDING if (rule.needs_audit or force_pending) else State.POSTED
    head = chain.Head(member_id, row.seq, row.hash) if row.seq is not None else chain.Head(member_id)
    record = chain.entry_record(
        head,
        period=period,
        points=amount,
        rule=rule.code,
        source=source,
        source_id=source_id,
        state=state.value,
        now=now,
        reason=reason,
    )
    [(_, delta)] = balance_moves(points=amount, old_state=None, new_state=state, old_period=None, new_period=period)
    entry_id = conn.execute(
        _WRITES,
        {
            **{k: record.get(k) for k in points._RECORD_COLUMNS},
            "now": now,
            "posted": delta.posted,
            "pending": delta.pending,
            "posted_entries": delta.posted_entries,
        },
    ).scalar_one()
    return points.Appended(entry_id, record["seq"], state.value, period, amount)


def ledger_lean(stack: ExitStack) -> None:
    stack.enter_context(mock.patch.object(checkins, "lock_member", _lock_member_lean))
    stack.enter_context(mock.patch.object(checkins, "append_entry", _append_entry_lean))


VARIANTS = {
    "as the code stands": (),
    "A: no pool_pre_ping": (no_pre_ping,),
    "B: rules + county settings read once per process": (rules_cached,),
    "C: closed months read once per process": (periods_cached,),
    "D: account + member in one query": (auth_joined,),
    "E: event + earlier check-in in one Core read, insert cached": (check_in_core,),
    "F: gate+lock, head+caps, 3 writes: one statement each": (ledger_lean,),
    "B+C+D+E+F": (rules_cached, periods_cached, auth_joined, check_in_core, ledger_lean),
    "all: A+B+C+D+E+F": (no_pre_ping, rules_cached, periods_cached, auth_joined, check_in_core, ledger_lean),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("pool")
    parser.add_argument("--per-round", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()
    members = [int(line.split("\t")[0]) for line in open(args.out / "accounts.tsv")]
    events = [
        line.rstrip("\n").split("\t")[2] for line in open(args.out / "events.tsv") if line.startswith(args.pool + "\t")
    ]
    pairs = iter([(m, e) for e in events for m in members])
    bearers = _bearers(members)
    client = app.test_client()
    for _ in range(20):  # the first requests of a process pay for imports and caches
        m, e = next(pairs)
        _scan(client, bearers[m], e)
    figures = {name: {"wall": [], "cpu": [], "trips": 0, "statuses": set()} for name in VARIANTS}
    for _ in range(args.rounds):
        for name, patches in VARIANTS.items():
            with ExitStack() as stack:
                for patch in patches:
                    patch(stack)
                batch = [next(pairs) for _ in range(args.per_round)]
                wall, cpu = time.perf_counter(), time.process_time()
                for m, e in batch:
                    figures[name]["statuses"].add(_scan(client, bearers[m], e).status_code)
                figures[name]["wall"].append((time.perf_counter() - wall) / args.per_round * 1000)
                figures[name]["cpu"].append((time.process_time() - cpu) / args.per_round * 1000)
                figures[name]["trips"] = len(trips)
    base = min(figures["as the code stands"]["cpu"])
    print(f"new check-ins in one process, the fastest of {args.rounds} rounds of {args.per_round} per variant:")
    print(f"  {'variant':<58} {'trips':>5} {'wall ms':>8} {'CPU ms':>7} {'CPU saved':>9}  statuses")
    for name, f in figures.items():
        cpu = min(f["cpu"])
        print(
            f"  {name:<58} {f['trips']:>5} {min(f['wall']):8.2f} {cpu:7.2f} "
            f"{100 * (base - cpu) / base:8.0f}%  {sorted(f['statuses'])}"
        )


if __name__ == "__main__":
    main()
