"""1+10 帮联: a community's secretary pairs members with households near home, ends and moves pairings,
and fills every member up to the county's target. A pairing is ended, never deleted.

Every write locks the community's row first, so two secretaries (or an auto-pair run) working on the
same community take turns and a household never ends up with two members in charge."""

import logging
from collections import Counter
from datetime import datetime

from sqlalchemy import select

from app.auth import scope
from app.db import lock, transaction
from app.errors import NotFound, Refusal
from app.extensions import db
from app.members.models import Member
from app.org.models import Community
from app.org.settings import county_settings
from app.pairing.models import Household, Pairing
from app.pairing.queries import active_pairings

log = logging.getLogger(__name__)


class AlreadyPaired(Refusal):
    status = 409

    def __init__(self):
        super().__init__("already_paired", "该住户已与其他党员结对，请先解除或转移")


def _pairing_body(pairing: Pairing) -> dict:
    return {
        "pairing_id": pairing.id,
        "member_id": pairing.member_id,
        "household_id": pairing.household_id,
        "started_at": pairing.started_at,
        "ended_at": pairing.ended_at,
    }


def _manage(actor, community_id: int) -> None:
    scope.require(scope.manages_community(actor, community_id), "只能管理本社区的帮联关系")
    lock(Community, community_id)


def _household(actor, household_id: int) -> Household:
    household = db.session.get(Household, household_id)
    if household is None:
        raise NotFound("住户")
    _manage(actor, household.community_id)
    return household


def _resident(household: Household, member_id: int) -> Member:
    """1+10 is 就近联系: a member is paired only with households of the community where they live."""
    member = db.session.get(Member, member_id)
    if member is None:
        raise NotFound("党员")
    scope.require(member.community_id == household.community_id, "只能与居住在本社区的党员结对", code="other_community")
    if not member.active:
        raise Refusal("member_inactive", "该党员已不在册，不能结对", status=409)
    return member


def _current(household_id: int) -> Pairing | None:
    return db.session.scalars(active_pairings().where(Pairing.household_id == household_id)).first()


def _start(member_id: int, household_id: int, now: datetime) -> Pairing:
    pairing = Pairing(member_id=member_id, household_id=household_id, started_at=now)
    db.session.add(pairing)
    db.session.flush()
    return pairing


def pair(actor, member_id: int, household_id: int, now: datetime) -> tuple[dict, bool]:
    """Pair a member with a household; (the pairing, whether it is new). Pairing them again changes nothing."""
    with transaction():
        household = _household(actor, household_id)
        member = _resident(household, member_id)
        current = _current(household.id)
        if current is not None and current.member_id != member.id:
            raise AlreadyPaired()
        created = current is None
        pairing = _start(member.id, household.id, now) if current is None else current
        body = _pairing_body(pairing)
    if created:
        log.info("pairing %s: member %s with household %s", body["pairing_id"], member_id, household_id)
    return body, created


def _pairing(actor, pairing_id: int) -> Pairing:
    pairing = db.session.get(Pairing, pairing_id)
    if pairing is None:
        raise NotFound("帮联关系")
    _manage(actor, pairing.household.community_id)
    db.session.refresh(pairing)  # read again under the community's lock
    return pairing


def end(actor, pairing_id: int, now: datetime) -> dict:
    """Ends a pairing (the row stays, with ended_at, for the record); ending it again changes nothing."""
    with transaction():
        pairing = _pairing(actor, pairing_id)
        if pairing.ended_at is None:
            pairing.ended_at = now
            log.info("pairing %s ended", pairing_id)
        return _pairing_body(pairing)


def move(actor, pairing_id: int, member_id: int, now: datetime) -> dict:
    """Hands a household to another member of its community: the old pairing ends, a new one starts, together."""
    with transaction():
        pairing = _pairing(actor, pairing_id)
        if pairing.ended_at is not None:
            raise Refusal("pairing_ended", "该帮联关系已解除，不能转移", status=409)
        member = _resident(pairing.household, member_id)
        if member.id == pairing.member_id:
            return _pairing_body(pairing)
        pairing.ended_at = now
        db.session.flush()  # the household's one active pairing must be gone before the next starts
        moved = _start(member.id, pairing.household_id, now)
        body = _pairing_body(moved)
    log.info("pairing %s moved to pairing %s (member %s)", pairing_id, body["pairing_id"], member_id)
    return body


def auto_pair(actor, community_id: int, now: datetime) -> dict:
    """Fills each member of the community up to the target with unpaired households: same grid first,
    then the rest of the community; members in id order, households in id order, so a rerun is predictable."""
    with transaction():
        if db.session.get(Community, community_id) is None:
            raise NotFound("社区")
        _manage(actor, community_id)
        target = county_settings().pairing_target
        members = db.session.scalars(
            select(Member).where(Member.community_id == community_id, Member.active).order_by(Member.id)
        ).all()
        held = Counter(
            db.session.scalars(
                select(Pairing.member_id)
                .join(Household)
                .where(Household.community_id == community_id, Pairing.ended_at.is_(None))
            )
        )
        paired = select(Pairing.household_id).where(Pairing.ended_at.is_(None))
        free = list(
            db.session.scalars(
                select(Household)
                .where(Household.community_id == community_id, Household.id.not_in(paired))
                .order_by(Household.id)
            )
        )
        created, served, below = 0, 0, 0
        for member in members:
            need = max(target - held[member.id], 0)
            chosen = (
                [h for h in free if h.grid_id == member.grid_id] + [h for h in free if h.grid_id != member.grid_id]
            )[:need]
            for household in chosen:
                free.remove(household)
                _start(member.id, household.id, now)
            created += len(chosen)
            served += bool(chosen)
            below += held[member.id] + len(chosen) < target
    log.info("auto-pairing in community %s: %s pairings for %s members", community_id, created, served)
    return {
        "community_id": community_id,
        "target": target,
        "pairings": created,
        "members": served,
        "below_target": below,
    }
