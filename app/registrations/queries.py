"""Reads of registrations: a secretary's list for their community, and one registration."""

from sqlalchemy import case, select
from sqlalchemy.orm import aliased

from app.auth import scope
from app.auth.models import Account
from app.extensions import db
from app.members.models import Member
from app.org.models import Community, Grid, Unit
from app.registrations.models import Registration, RegistrationState

_DECIDER = aliased(Account)
_ROSTER = aliased(Member)


def _listed():
    return (
        select(
            Registration,
            Unit.name.label("unit"),
            Community.name.label("community"),
            Grid.name.label("grid"),
            _DECIDER.name.label("decided_by_name"),
            _ROSTER.name.label("roster_name"),
        )
        .join(Unit, Unit.id == Registration.unit_id)
        .join(Community, Community.id == Registration.community_id)
        .outerjoin(Grid, Grid.id == Registration.grid_id)
        .outerjoin(_DECIDER, _DECIDER.id == Registration.decided_by)
        .outerjoin(_ROSTER, _ROSTER.phone == Registration.phone)
    )


def _row(registration: Registration, unit, community, grid, decided_by_name, roster_name) -> dict:
    return {
        "id": registration.id,
        "name": registration.name,
        "phone": registration.phone,
        "unit_id": registration.unit_id,
        "unit": unit,
        "community_id": registration.community_id,
        "community": community,
        "grid_id": registration.grid_id,
        "grid": grid,
        "address": registration.address,
        "state": registration.state,
        "roster_match": registration.roster_match,
        # The roster's name for this phone, when the roster has it: a secretary sees a mismatch before confirming.
        "roster_name": roster_name,
        "created_at": registration.created_at,
        "decided_by": registration.decided_by,
        "decided_by_name": decided_by_name,
        "decided_at": registration.decided_at,
        "reason": registration.reason,
    }


def registrations(actor, *, community_id=None, state=None, limit: int = 500) -> list[dict]:
    """The registrations of a community (a community secretary's own when they name none; an admin: any, or
    all): the waiting ones first, oldest first, then the decided ones, latest first."""
    if scope.secretary_of_community(actor, actor.community_id) and community_id is None:
        community_id = actor.community_id
    if not scope.is_admin(actor):
        scope.require(actor.role == "secretary" and actor.community_id is not None, "只有社区书记和管理员可以审核注册")
        scope.require(scope.manages_community(actor, community_id), "只能查看本社区的注册申请")
    query = _listed()
    if community_id is not None:
        query = query.where(Registration.community_id == community_id)
    if state is not None:
        query = query.where(Registration.state == state)
    waiting_first = case((Registration.state == RegistrationState.WAITING.value, 0), else_=1)
    query = query.order_by(
        waiting_first,
        case((Registration.state == RegistrationState.WAITING.value, Registration.id), else_=-Registration.id),
    )
    return [_row(*row) for row in db.session.execute(query.limit(limit))]


def one(registration_id: int) -> dict:
    return _row(*db.session.execute(_listed().where(Registration.id == registration_id)).one())
