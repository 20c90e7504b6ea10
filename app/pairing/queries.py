"""Reads of the 1+10 pairings (帮联): a member's households, a community's households, members below the target."""

from sqlalchemy import func, select

from app.auth import scope
from app.errors import NotFound
from app.extensions import db
from app.members.models import Member
from app.org.settings import county_settings
from app.pairing.models import Household, Pairing


def active_pairings():
    """Pairings in force now: ended ones stay in the table as history."""
    return select(Pairing).where(Pairing.ended_at.is_(None))


def pairing_counts():
    """Subquery (member_id, households): how many households each member is paired with now."""
    return (
        select(Pairing.member_id, func.count(Pairing.id).label("households"))
        .where(Pairing.ended_at.is_(None))
        .group_by(Pairing.member_id)
        .subquery()
    )


def _household_row(household: Household) -> dict:
    """A household with its private details: only for those scope.sees_household lets through."""
    return {
        "id": household.id,
        "address": household.address,
        "grid": household.grid.name if household.grid else None,
        "head_name": household.head_name,
        "flags": household.flags,
        "note": household.note,
    }


def _with_member(row: dict, member: Member | None) -> dict:
    return row | {"member_id": member.id if member else None, "member": member.name if member else None}


def my_households(member_id: int) -> list[dict]:
    """The households paired with this member, with what the member must know to visit them (四必访)."""
    rows = db.session.scalars(
        select(Household)
        .join(Pairing, Pairing.household_id == Household.id)
        .where(Pairing.member_id == member_id, Pairing.ended_at.is_(None))
        .order_by(Household.id)
    )
    return [_household_row(h) for h in rows]


def community_households(actor, community_id: int) -> list[dict]:
    """Every household of a community with its paired member, for the secretary who pairs them."""
    scope.require(scope.manages_community(actor, community_id), "只能查看本社区的住户")
    rows = db.session.execute(
        select(Household, Member)
        .outerjoin(Pairing, (Pairing.household_id == Household.id) & Pairing.ended_at.is_(None))
        .outerjoin(Member, Member.id == Pairing.member_id)
        .where(Household.community_id == community_id)
        .order_by(Household.id)
    )
    return [_with_member(_household_row(h), m) for h, m in rows]


def household(actor, household_id: int) -> dict:
    """One household, to its paired member, its community's secretary or an admin only."""
    found = db.session.get(Household, household_id)
    if found is None:
        raise NotFound("住户")
    paired = db.session.scalars(active_pairings().where(Pairing.household_id == household_id)).first()
    scope.require(
        scope.sees_household(actor, found, paired.member_id if paired else None),
        "只有帮联党员和本社区书记可以查看该住户",
    )
    return _with_member(_household_row(found), paired.member if paired else None)


def below_target(actor, community_id: int) -> dict:
    """The community's active members paired with fewer households than the county's target (1+10)."""
    scope.require_scope(actor, community_id=community_id)
    target = county_settings().pairing_target
    counts = pairing_counts()
    households = func.coalesce(counts.c.households, 0)
    rows = db.session.execute(
        select(Member.id, Member.name, households.label("households"))
        .outerjoin(counts, counts.c.member_id == Member.id)
        .where(Member.community_id == community_id, Member.active, households < target)
        .order_by(households, Member.id)
    )
    return {
        "target": target,
        "members": [{"member_id": r.id, "name": r.name, "households": int(r.households)} for r in rows],
    }
