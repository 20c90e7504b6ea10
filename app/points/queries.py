"""Reads of the points ledger that pages and the API share: entries with their explanations."""

from datetime import date
from typing import NamedTuple

from sqlalchemy import func, select, tuple_

from app.auth import scope
from app.catalogue.models import ServiceCategory
from app.checkins.models import Checkin
from app.errors import NotFound
from app.events.models import Event
from app.extensions import db
from app.members.models import Member
from app.needs.models import Need
from app.pairing.models import Household
from app.points.models import EntryStatus, LedgerRecord
from app.points.rules import rule_names
from app.schemas import ID_MAX
from app.visits.models import Visit
from ledger import periods
from ledger.explain import date_words, explain
from ledger.words import SOURCES, VISIT_CATEGORIES


def _entries_query():
    # The record's own period is where the entry was first written: differing from the status, it was carried.
    return select(EntryStatus, LedgerRecord.period, LedgerRecord.reverses_seq, LedgerRecord.reason).join(
        LedgerRecord, LedgerRecord.id == EntryStatus.entry_id
    )


def _of_members(query, filters: dict):
    if not filters:
        return query
    if set(filters) == {"member_id"}:
        return query.where(EntryStatus.member_id == filters["member_id"])
    query = query.join(Member, Member.id == EntryStatus.member_id)
    return query.where(*(getattr(Member, key) == value for key, value in filters.items()))


def entries(actor, *, member_id=None, period=None, state=None, limit=200, offset=0) -> list[dict]:
    """积分明细: a member's entries (or, naming nobody, those the caller oversees), oldest first.

    A member without member_id sees their own; a secretary their community's or unit's members; an admin all."""
    if member_id is not None:
        member = db.session.get(Member, member_id) if 0 < member_id <= ID_MAX else None
        if member is None:
            raise NotFound("党员")
        scope.require(scope.sees_member(actor, member), "只能查看本人或本社区、本单位党员的积分", code="out_of_scope")
        filters = {"member_id": member_id}
    else:
        filters = scope.ledger_view(actor)
    query = _of_members(_entries_query(), filters)
    if period is not None:
        periods.parse_month(period)
        query = query.where(EntryStatus.period == period)
    if state is not None:
        query = query.where(EntryStatus.state == state)
    return _render(db.session.execute(query.order_by(EntryStatus.entry_id).limit(limit).offset(offset)).all(), actor)


def _queue(actor, community_id, unit_id, event_id, source, month):
    """The pending entries in scope, narrowed by the queue's optional filters."""
    filters = scope.audit_queue_scope(actor, community_id, unit_id)
    query = _of_members(_entries_query(), filters).where(EntryStatus.state == "pending")
    if event_id is not None:
        checkins = select(Checkin.id).where(Checkin.event_id == event_id)
        query = query.where(EntryStatus.source == "checkin", EntryStatus.source_id.in_(checkins))
    if source is not None:
        query = query.where(EntryStatus.source == source)
    if month is not None:
        periods.parse_month(month)
        query = query.where(EntryStatus.period == month)
    return query


def audit_queue(
    actor, *, community_id=None, unit_id=None, event_id=None, source=None, month=None, limit=200, offset=0
) -> list[dict]:
    """待审核: the pending entries in the caller's scope, oldest first, each with the member's name and
    whether the caller may decide it (nobody audits their own points; a unit's secretary reads, the
    community's decides), and why not."""
    query = _queue(actor, community_id, unit_id, event_id, source, month)
    rows = db.session.execute(
        query.order_by(EntryStatus.created_at, EntryStatus.entry_id).limit(limit).offset(offset)
    ).all()
    out = _render(rows, actor)
    members = {m.id: m for m in db.session.scalars(select(Member).where(Member.id.in_({e["member_id"] for e in out})))}
    for e in out:
        member = members[e["member_id"]]
        e["member_name"] = member.name
        e["why_not"] = why_not_audit(actor, member)
        e["may_decide"] = e["why_not"] is None
    return out


def why_not_audit(actor, member) -> str | None:
    """Why `actor` may not audit (nor reverse) the member's entries, in words; None when they may. The same
    rule, in the same order, as the audit operation's refusals."""
    if actor.member_id == member.id:
        return "不能审核本人的积分，须由其他书记或组织部审核"
    if not scope.may_audit(actor, member):
        return "只能由该党员所在社区的书记或组织部审核"
    return None


def audit_queue_total(actor, *, community_id=None, unit_id=None, event_id=None, source=None, month=None) -> int:
    """How many entries wait in the caller's audit queue (with the same filters as the queue)."""
    query = _queue(actor, community_id, unit_id, event_id, source, month)
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def queue_events(actor, *, community_id=None, unit_id=None) -> list[dict]:
    """The events whose check-ins wait in the caller's queue, newest first: the queue's event filter."""
    pending = _queue(actor, community_id, unit_id, None, "checkin", None).with_only_columns(EntryStatus.source_id)
    rows = db.session.execute(
        select(Event.id, Event.title, Event.starts_at)
        .join(Checkin, Checkin.event_id == Event.id)
        .where(Checkin.id.in_(pending))
        .group_by(Event.id, Event.title, Event.starts_at)
        .order_by(Event.starts_at.desc())
    )
    return [{"id": r.id, "title": r.title, "starts_at": r.starts_at} for r in rows]


def names_of_entries(actor, entry_ids) -> dict[int, str]:
    """entry id -> the member's name, for the entries whose member the caller may see (a refused id out
    of scope stays a number)."""
    ids = [i for i in entry_ids if 0 < i <= ID_MAX]
    if not ids:
        return {}
    rows = db.session.execute(
        select(EntryStatus.entry_id, Member)
        .join(Member, Member.id == EntryStatus.member_id)
        .where(EntryStatus.entry_id.in_(ids))
    )
    return {entry_id: member.name for entry_id, member in rows if scope.sees_member(actor, member)}


def entry(actor, entry_id: int) -> dict:
    """One entry as the API shows it to `actor` (after an audit decision the caller was allowed to make)."""
    rows = db.session.execute(_entries_query().where(EntryStatus.entry_id == entry_id)).all()
    if not rows:
        raise NotFound("积分条目")
    return _render(rows, actor)[0]


class _Source(NamedTuple):
    """What an entry came from: the local date it happened, what explain() names it by, and for a visit the
    household visited."""

    on: date | None = None
    what: dict | None = None
    household: Household | None = None


def _sees_visit_kind(reader, member_id: int, household: Household | None) -> bool:
    """A visit's kind (困难群众, 生病群众…) is the household's private flag (DOMAIN rule 6): the member who made
    it, the county and the household's community secretary read it; a work unit's secretary reads 入户走访."""
    if reader.member_id == member_id or scope.is_admin(reader):
        return True
    return household is not None and scope.sees_household(reader, household, member_id)


def _render(rows, reader) -> list[dict]:
    """The API's entries as `reader` may read them, with every source, reversed entry and rule name loaded in
    one query each."""
    reversed_keys = {(row.EntryStatus.member_id, row.reverses_seq) for row in rows if row.reverses_seq is not None}
    originals = {}
    if reversed_keys:
        originals = {
            (s.member_id, s.seq): s
            for s in db.session.scalars(
                select(EntryStatus).where(tuple_(EntryStatus.member_id, EntryStatus.seq).in_(reversed_keys))
            )
        }
    reversal_keys = {
        (row.EntryStatus.member_id, row.EntryStatus.reversed_by)
        for row in rows
        if row.EntryStatus.reversed_by is not None
    }
    reversed_on = {}
    if reversal_keys:
        reversed_on = {
            (member_id, seq): periods.local(created_at).date()
            for member_id, seq, created_at in db.session.execute(
                select(EntryStatus.member_id, EntryStatus.seq, EntryStatus.created_at).where(
                    tuple_(EntryStatus.member_id, EntryStatus.seq).in_(reversal_keys)
                )
            )
        }
    rejected_keys = {
        (row.EntryStatus.member_id, row.EntryStatus.seq) for row in rows if row.EntryStatus.state == "rejected"
    }
    rejections = {}
    if rejected_keys:
        rejections = {
            (chain_id, seq): reason
            for chain_id, seq, reason in db.session.execute(
                select(LedgerRecord.chain, LedgerRecord.entry_seq, LedgerRecord.reason).where(
                    LedgerRecord.kind == "audit",
                    LedgerRecord.decision == "reject",
                    tuple_(LedgerRecord.chain, LedgerRecord.entry_seq).in_(rejected_keys),
                )
            )
        }
    statuses = [row.EntryStatus for row in rows] + list(originals.values())
    sources = _sources(statuses)
    names = rule_names({s.rule for s in statuses})
    out = []
    for row in rows:
        status = row.EntryStatus
        original = originals.get((status.member_id, row.reverses_seq))
        # A reversal is told by the entry it reverses, whose rule it keeps.
        told = original or status
        source = sources.get((told.source, told.source_id), _Source())
        # Withheld, the rule goes too: its code and name ("走访困难群众") say the kind as plainly.
        withheld = told.source == "visit" and not _sees_visit_kind(reader, status.member_id, source.household)
        what = {} if withheld else source.what or {}
        reverses = None
        if original is not None:
            reverses = (
                f"{date_words(source.on or periods.local(original.created_at).date())}"
                f"{_describe(original.source, what)}的积分（编号{original.entry_id}）"
            )
        out.append(
            {
                "id": status.entry_id,
                "member_id": status.member_id,
                "period": status.period,
                "points": status.points,
                "rule": "visit" if withheld else status.rule,
                "source": status.source,
                "source_id": status.source_id,
                "state": status.state,
                "reverses": original.entry_id if original is not None else None,
                "reversed": status.reversed_by is not None,
                "created_at": periods.local(status.created_at).isoformat(),
                "rejection_reason": rejections.get((status.member_id, status.seq)),
                "explanation": explain(
                    source=status.source,
                    points=status.points,
                    rule_name=SOURCES["visit"] if withheld else names.get(status.rule, status.rule),
                    on=source.on
                    if source.on is not None and original is None
                    else periods.local(status.created_at).date(),
                    state=status.state,
                    reverses=reverses,
                    reason=row.reason,
                    carried_from=row.period if row.period != status.period else None,
                    reversed_on=reversed_on.get((status.member_id, status.reversed_by)),
                    **(what if original is None else {}),
                ),
            }
        )
    return out


def _sources(statuses) -> dict[tuple[str, int | None], _Source]:
    """(source, source_id) -> where the entry came from."""
    ids: dict[str, set[int]] = {"checkin": set(), "visit": set(), "order": set()}
    for s in statuses:
        if s.source in ids and s.source_id is not None:
            ids[s.source].add(s.source_id)
    found: dict[tuple[str, int | None], _Source] = {}
    if ids["checkin"]:
        for checkin_id, title, starts_at in db.session.execute(
            select(Checkin.id, Event.title, Event.starts_at)
            .join(Event, Event.id == Checkin.event_id)
            .where(Checkin.id.in_(ids["checkin"]))
        ):
            found[("checkin", checkin_id)] = _Source(periods.local(starts_at).date(), {"event_title": title})
    if ids["visit"]:
        for visit_id, category, visited_on, household in db.session.execute(
            select(Visit.id, Visit.category, Visit.visited_on, Household)
            .join(Household, Household.id == Visit.household_id)
            .where(Visit.id.in_(ids["visit"]))
        ):
            found[("visit", visit_id)] = _Source(visited_on, {"visit_category": category}, household)
    if ids["order"]:
        # A need's category and rating, never its resident: the explanation is read wherever the entry is.
        for need_id, category, rating, closed_at in db.session.execute(
            select(Need.id, ServiceCategory.name, Need.rating, Need.closed_at)
            .join(ServiceCategory, ServiceCategory.id == Need.category_id)
            .where(Need.id.in_(ids["order"]))
        ):
            on = periods.local(closed_at).date() if closed_at is not None else None
            found[("order", need_id)] = _Source(on, {"order_category": category, "order_rating": rating})
    return found


def _describe(source: str, what: dict) -> str:
    if what.get("event_title"):
        return f"参加「{what['event_title']}」活动签到"
    if what.get("order_category"):
        return f"服务群众点单「{what['order_category']}」"
    if what.get("visit_category"):
        return f"入户走访（{VISIT_CATEGORIES.get(what['visit_category'], what['visit_category'])}）"
    return SOURCES.get(source, source)
