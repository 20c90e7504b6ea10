"""Who may see or change what: one place for every scope rule, called by operations, never by SQL in views."""

from app.auth.caller import Caller
from app.auth.models import Account
from app.errors import Forbidden


def is_admin(account: Account) -> bool:
    return account.role == "admin"


def secretary_of_community(account: Account | Caller, community_id: int | None) -> bool:
    return account.role == "secretary" and account.community_id is not None and account.community_id == community_id


def secretary_of_unit(account: Account, unit_id: int | None) -> bool:
    return account.role == "secretary" and account.unit_id is not None and account.unit_id == unit_id


def manages_community(account: Account, community_id: int | None) -> bool:
    return is_admin(account) or secretary_of_community(account, community_id)


def oversees(account: Account, *, community_id=None, unit_id=None) -> bool:
    """A secretary sees their own community or work unit (上班时间单位管、下班时间社区管); an admin sees all."""
    if is_admin(account):
        return True
    if community_id is not None and secretary_of_community(account, community_id):
        return True
    return unit_id is not None and secretary_of_unit(account, unit_id)


def sees_member(account: Account, member) -> bool:
    return account.member_id == member.id or oversees(account, community_id=member.community_id, unit_id=member.unit_id)


def may_audit(account: Account, member) -> bool:
    """积分审核 belongs to the member's community secretary and the county; nobody audits their own points."""
    return account.member_id != member.id and manages_community(account, member.community_id)


def sees_household(account: Account, household, paired_member_id: int | None) -> bool:
    """A household's private details (困难、疾病、家庭变故、纠纷) go to its paired member, its community's
    secretary and the county, and to nobody else (DOMAIN rule 6)."""
    paired = paired_member_id is not None and account.member_id == paired_member_id
    return paired or manages_community(account, household.community_id)


def ledger_view(account: Account) -> dict:
    """Whose ledger entries a caller sees when naming no member, as filters on the member: an admin
    everyone, a secretary their community's or work unit's members, a member themself."""
    if is_admin(account):
        return {}
    if account.role == "secretary" and (account.community_id is not None or account.unit_id is not None):
        return _given(community_id=account.community_id, unit_id=account.unit_id)
    require(account.member_id is not None, "该账号没有积分台账", code="not_allowed")
    return {"member_id": account.member_id}


def audit_queue_scope(account: Account, community_id=None, unit_id=None) -> dict:
    """The audit queue's filters: a secretary naming nothing gets their own community, else their unit.

    A secretary of both gets the community's queue: that is where they may decide, and filtering by both
    would show only the members who live in the one and work in the other."""
    if account.role == "secretary" and community_id is None and unit_id is None:
        if account.community_id is not None:
            community_id = account.community_id
        else:
            unit_id = account.unit_id
    require_scope(account, community_id=community_id, unit_id=unit_id)
    return _given(community_id=community_id, unit_id=unit_id)


def _given(**filters) -> dict:
    # Filters are combined with AND, so naming a second scope only narrows what a secretary sees.
    return {k: v for k, v in filters.items() if v is not None}


def require(allowed: bool, message: str = "没有权限进行此操作", code: str = "forbidden") -> None:
    if not allowed:
        raise Forbidden(message, code=code)


def require_scope(account: Account, *, community_id=None, unit_id=None) -> None:
    """For calls filtered by community or unit: a secretary must name a scope that is theirs."""
    if is_admin(account):
        return
    require(account.role == "secretary", "仅社区或单位书记、管理员可查看")
    require(community_id is not None or unit_id is not None, "请指定本社区或本单位（community_id 或 unit_id）")
    require(oversees(account, community_id=community_id, unit_id=unit_id), "只能查看本社区或本单位的数据")


def sees_community(account: Account, community_id: int | None) -> bool:
    """A community's events: its own members, its secretary, the county."""
    member = account.member
    return manages_community(account, community_id) or (member is not None and member.community_id == community_id)


def may_check_in(caller: Caller) -> bool:
    """活动打卡 is an in-service member's own act; any community's event, so long as the account is active."""
    return caller.member_id is not None and not caller.suspended and caller.member_active


def may_close_month(account: Account) -> bool:
    """结账 publishes the month's ranking for the whole county: the organisation department's call."""
    return is_admin(account)


def may_reset_password(account: Account, target: Account) -> bool:
    """A forgotten password is reset by the county, or, for a member's own account, by the secretary of
    the member's community (who knows them by sight)."""
    if is_admin(account):
        return True
    member = target.member if target.role == "member" else None
    return member is not None and secretary_of_community(account, member.community_id)


def may_decide_leave(account: Account, member) -> bool:
    """请假 is decided where points are audited: the member's community secretary or the county, never
    the member themself."""
    return may_audit(account, member)


def sees_event(account: Account, event) -> bool:
    """A community's own events go to its people; a service event to every member of the county too
    (the alliance brings members of many units to a community's service)."""
    return sees_community(account, event.community_id) or (account.member_id is not None and event.kind == "service")


def may_join(account: Account, event) -> bool:
    """报名 and 请假 are a member's: their own community's events, and any community's service events."""
    member = account.member
    return member is not None and (member.community_id == event.community_id or event.kind == "service")
