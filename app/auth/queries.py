"""Reading the accounts for the county office: role, name, phone, scope, suspended, must-change."""

from sqlalchemy import func, or_, select

from app.auth import scope
from app.auth.models import Account
from app.extensions import db
from app.org.models import Community, Unit


def accounts(actor, *, role: str | None = None, q: str | None = None, limit: int = 50, offset: int = 0) -> dict:
    """One page of accounts, secretaries and admins first, then by id; `q` matches a name or a phone."""
    scope.require(scope.is_admin(actor), "只有县委组织部管理员可以查看账号", code="not_allowed")
    query = select(Account, Community.name, Unit.name).outerjoin(Community, Community.id == Account.community_id)
    query = query.outerjoin(Unit, Unit.id == Account.unit_id)
    if role:
        query = query.where(Account.role == role)
    if q and q.strip():
        text = q.strip()
        query = query.where(
            or_(Account.name.contains(text, autoescape=True), Account.phone.contains(text, autoescape=True))
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    ordered = query.order_by(Account.role != "admin", Account.role != "secretary", Account.id)
    rows = db.session.execute(ordered.limit(limit).offset(offset)).all()
    return {
        "accounts": [
            {
                "id": account.id,
                "role": account.role,
                "name": account.name,
                "phone": account.phone,
                "member_id": account.member_id,
                "community_id": account.community_id,
                "community": community,
                "unit_id": account.unit_id,
                "unit": unit,
                "suspended": account.suspended,
                "must_change_password": account.must_change_password,
            }
            for account, community, unit in rows
        ],
        "total": total,
    }
