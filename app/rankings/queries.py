"""The public monthly ranking (实时通报 / 排行榜) of members, units and communities.

An open month is read from the balance aggregates (never by summing the ledger) and cached for a few
seconds; a closed month answers the snapshot written when it closed (DOMAIN rule 5), so it never moves.
The API, the /board page and the report all read through `ranking` / `standings` here."""

import time
from functools import cache

from flask import current_app
from sqlalchemy import BindParameter, bindparam, func, literal_column, select

from app.errors import Refusal
from app.extensions import db
from app.hosts import on_replica
from app.hot_statements import HotStatement
from app.members.models import Member
from app.members.queries import in_scope
from app.org.models import Community, Unit
from app.periods.state import is_closed
from app.points.models import Balance
from app.rankings.models import RankingRow
from app.schemas import ID_MAX
from ledger import periods
from ledger.ranking import page_ranks, rank_rows

BYS = ("member", "unit", "community")
METRICS = ("total", "per_member")
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
_CACHE_SIZE = 512


def _check(period: str, by: str, metric: str, unit_id, limit: int, offset: int) -> None:
    periods.parse_month(period)
    if by not in BYS:
        raise Refusal("invalid_by", "by 应为 member（党员）、unit（单位）或 community（社区）")
    if metric not in METRICS:
        raise Refusal("invalid_metric", "metric 应为 total（总分）或 per_member（人均）")
    if metric == "per_member" and by == "member":
        raise Refusal("invalid_metric", "人均积分排名只适用于单位和社区")
    if by == "community" and unit_id is not None:
        raise Refusal("invalid_scope", "社区排名不能按单位筛选")
    if not 1 <= limit <= MAX_LIMIT or not 0 <= offset <= ID_MAX:
        raise Refusal("invalid_page", f"limit 应在 1–{MAX_LIMIT} 之间，offset 应在 0–{ID_MAX} 之间")


def ranking(
    period: str,
    by: str = "member",
    *,
    community_id: int | None = None,
    unit_id: int | None = None,
    metric: str = "total",
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> dict:
    """One page of a ranking: {"period", "closed", "total", "rows"}; ranks run over the whole filtered list."""
    _check(period, by, metric, unit_id, limit, offset)
    closed = is_closed(period)
    # `closed` is in the key, so closing a month is seen at once, cache or not.
    key = (period, by, community_id, unit_id, metric, limit, offset, closed)
    # The public ranking may be read on a replica (app.hosts): seconds behind at most, like the cache.
    return _cached(
        key,
        lambda: on_replica(db.session, lambda: _page(period, by, closed, community_id, unit_id, metric, limit, offset)),
    )


def full_ranking(
    period: str, by: str, *, community_id: int | None = None, unit_id: int | None = None, metric: str = "total"
) -> dict:
    """Every row of a ranking, page after page of `ranking`, so a printed report adds up as the API does."""
    answer = ranking(period, by, community_id=community_id, unit_id=unit_id, metric=metric, limit=MAX_LIMIT)
    rows = list(answer["rows"])
    while len(rows) < answer["total"]:
        more = ranking(
            period, by, community_id=community_id, unit_id=unit_id, metric=metric, limit=MAX_LIMIT, offset=len(rows)
        )["rows"]
        if not more:
            break
        rows += more
    return {**answer, "rows": rows}


def _cached(key, compute):
    seconds = current_app.config.get("RANKING_CACHE_SECONDS", 0)
    if not seconds:
        return compute()
    cache = current_app.extensions.setdefault("ranking_cache", {})
    hit = cache.get(key)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    answer = compute()
    if len(cache) >= _CACHE_SIZE:
        cache.clear()
    cache[key] = (time.monotonic() + seconds, answer)
    return answer


def _page(period, by, closed, community_id, unit_id, metric, limit, offset) -> dict:
    if by == "member":
        page, count = _member_statements(closed, community_id is not None, unit_id is not None)
        params = {"period": period, "community_id": community_id, "unit_id": unit_id}
        rows = _member_rows(page.run({**params, "limit": limit, "offset": offset}), offset)
        # Counting every ranked member costs more than a page, and every page of a list shares the count.
        total = _cached((period, by, community_id, unit_id, closed), lambda: count.run(params).scalar())
    else:
        ranked = _rank_groups(_group_rows(period, by, closed, community_id, unit_id), by, metric)
        total, rows = len(ranked), ranked[offset : offset + limit]
    return {"period": period, "closed": closed, "total": total, "rows": rows}


# Members -----------------------------------------------------------------------------------------


def _member_source(closed: bool, community: bool, unit: bool):
    """The members in the ranking with their points: a member with a posted entry in the month; narrowed to
    the community and the unit bound as parameters where `community` and `unit` say so.

    A closed month's rows carry the names as they were published, so a member who later moves unit or
    community does not move the closed ranking."""
    community_id: BindParameter[int] | None = bindparam("community_id") if community else None
    unit_id: BindParameter[int] | None = bindparam("unit_id") if unit else None
    if closed:
        query = select(
            RankingRow.subject_id.label("member_id"),
            RankingRow.points.label("points"),
            RankingRow.name,
            RankingRow.unit,
            RankingRow.community,
        ).where(RankingRow.period == bindparam("period"), RankingRow.by == "member")
        return in_scope(
            query,
            community_id=community_id,
            unit_id=unit_id,
            community=RankingRow.community_id,
            unit=RankingRow.unit_id,
        )
    # The 0 is written into the SQL, not bound: a prepared statement's generic plan could not prove the
    # partial index ix_balances_ranking's predicate (posted_entries > 0) from a parameter.
    open_query = select(Balance.member_id.label("member_id"), Balance.posted.label("points")).where(
        Balance.period == bindparam("period"), Balance.posted_entries > literal_column("0")
    )
    if community or unit:
        open_query = open_query.join(Member, Member.id == Balance.member_id)
    return in_scope(
        open_query, community_id=community_id, unit_id=unit_id, community=Member.community_id, unit=Member.unit_id
    )


@cache
def _member_statements(closed: bool, community: bool, unit: bool) -> tuple[HotStatement, HotStatement]:
    """A member ranking's page and count, compiled once per shape: building and compiling the query cost
    more than PostgreSQL's own work for a page."""
    src = _member_source(closed, community, unit).subquery()
    # Cut the page first, ordered as the index ix_balances_ranking is, so PostgreSQL reads the index in order
    # and stops after offset + limit rows; only then fetch the page's names. A window over the whole list
    # would rank offset + limit rows and sort them again for the tiebreak.
    page = (
        select(src)
        .order_by(src.c.points.desc(), src.c.member_id)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .cte("page")
    )
    # What ledger.ranking.page_ranks needs besides the page: the members with more points than its best (an
    # index-only count).
    best = select(func.max(page.c.points)).scalar_subquery()
    ahead = select(func.count()).select_from(src).where(src.c.points > best).scalar_subquery().label("ahead")
    if closed:
        query = select(page.c.points, page.c.name, page.c.unit, page.c.community, ahead)
    else:
        query = (
            select(page.c.points, Member.name, Unit.name.label("unit"), Community.name.label("community"), ahead)
            .join(Member, Member.id == page.c.member_id)
            .join(Unit, Unit.id == Member.unit_id)
            .join(Community, Community.id == Member.community_id)
        )
    return (
        HotStatement(query.order_by(page.c.points.desc(), page.c.member_id)),
        HotStatement(select(func.count()).select_from(src)),
    )


def _member_rows(result, offset: int) -> list[dict]:
    rows = list(result)
    ranks = page_ranks([r.points for r in rows], offset=offset, ahead=rows[0].ahead if rows else 0)
    return [
        {"rank": rank, "name": r.name, "unit": r.unit, "community": r.community, "points": r.points}
        for rank, r in zip(ranks, rows, strict=True)
    ]


# Units and communities ---------------------------------------------------------------------------


def _group_rows(period: str, by: str, closed: bool, community_id, unit_id) -> list[dict]:
    """Every unit or community in scope with its members' posted points and its active member count.

    A unit's scope by community is the community its Party organisation reports to (双报到)."""
    if closed:
        query = in_scope(
            select(RankingRow).where(RankingRow.period == period, RankingRow.by == by),
            community_id=community_id,
            unit_id=unit_id,
            community=RankingRow.community_id,
            unit=RankingRow.unit_id,
        )
        return [
            {
                "subject_id": r.subject_id,
                "name": r.name,
                "unit_id": r.unit_id,
                "unit": r.unit,
                "community_id": r.community_id,
                "community": r.community,
                "points": r.points,
                "members": r.members,
            }
            for r in db.session.scalars(query.order_by(RankingRow.subject_id))
        ]
    return _open_group_rows(period, by, community_id, unit_id)


def _open_group_rows(period: str, by: str, community_id=None, unit_id=None) -> list[dict]:
    key = Member.unit_id if by == "unit" else Member.community_id
    points = dict(
        db.session.execute(
            select(key, func.sum(Balance.posted))
            .join(Member, Member.id == Balance.member_id)
            .where(Balance.period == period)
            .group_by(key)
        )
        .tuples()
        .all()
    )
    members = dict(
        db.session.execute(select(key, func.count()).where(Member.active.is_(True)).group_by(key)).tuples().all()
    )
    if by == "unit":
        query = select(Unit.id, Unit.name, Unit.community_id, Community.name.label("community")).outerjoin(
            Community, Community.id == Unit.community_id
        )
        query = in_scope(query, community_id=community_id, unit_id=unit_id, community=Unit.community_id, unit=Unit.id)
        subjects = [
            {
                "subject_id": u.id,
                "name": u.name,
                "unit_id": u.id,
                "unit": u.name,
                "community_id": u.community_id,
                "community": u.community,
            }
            for u in db.session.execute(query.order_by(Unit.id))
        ]
    else:
        query = in_scope(select(Community.id, Community.name), community_id=community_id, community=Community.id)
        subjects = [
            {
                "subject_id": c.id,
                "name": c.name,
                "unit_id": None,
                "unit": None,
                "community_id": c.id,
                "community": c.name,
            }
            for c in db.session.execute(query.order_by(Community.id))
        ]
    for subject in subjects:
        subject["points"] = int(points.get(subject["subject_id"]) or 0)
        subject["members"] = int(members.get(subject["subject_id"]) or 0)
    return subjects


def per_member(points: int, members: int) -> float:
    return round(points / members, 2) if members else 0.0


def _rank_groups(rows: list[dict], by: str, metric: str) -> list[dict]:
    # Rank on the figure as shown (rounded), so two rows that print the same share a rank.
    def figure(row):
        return per_member(row["points"], row["members"]) if metric == "per_member" else row["points"]

    return [
        {
            "rank": rank,
            "name": row["name"],
            "unit": row["name"] if by == "unit" else None,
            "community": row["name"] if by == "community" else None,
            "points": figure(row),
            "members": row["members"],
        }
        for rank, row in rank_rows(rows, figure)
    ]


def standings(period: str) -> dict[str, list[dict]]:
    """The open month's full rankings with ids, as the month close stores them (ranking_rows)."""
    query = (
        select(
            Balance.member_id,
            Balance.posted,
            Member.name,
            Member.unit_id,
            Unit.name.label("unit"),
            Member.community_id,
            Community.name.label("community"),
        )
        .join(Member, Member.id == Balance.member_id)
        .join(Unit, Unit.id == Member.unit_id)
        .join(Community, Community.id == Member.community_id)
        .where(Balance.period == period, Balance.posted_entries > 0)
    )
    members = [
        {
            "subject_id": r.member_id,
            "name": r.name,
            "unit_id": r.unit_id,
            "unit": r.unit,
            "community_id": r.community_id,
            "community": r.community,
            "points": r.posted,
            "members": 0,
        }
        for r in db.session.execute(query)
    ]
    return {
        "member": members,
        "unit": _open_group_rows(period, "unit"),
        "community": _open_group_rows(period, "community"),
    }
