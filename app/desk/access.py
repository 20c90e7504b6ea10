"""Who may sit at the desk: a secretary of a community or a work unit, or an admin (who sees all); and, for
the desk and the office alike, a password to change comes before any of their pages."""

from flask import flash, redirect, request, url_for

from app.auth.current import actor, optional_actor
from app.errors import Forbidden
from app.schemas import ID_MAX

DESK_ROLES = ("secretary", "admin")


def desk_actor():
    """The logged-in secretary or admin; anyone else gets the Chinese 403 page (a member: the way home)."""
    account = actor()
    if account.role not in DESK_ROLES:
        raise Forbidden("该页面只供社区、单位书记和组织部使用", code="not_allowed")
    return account


def desk_scope(account) -> dict:
    """The community or work unit a desk page is cut to: the one asked for (`?community_id=`, which the
    page's query checks is the caller's), else the secretary's own; an admin asking none sees the county."""
    community_id = id_arg("community_id")
    if community_id is not None:
        return {"community_id": community_id, "unit_id": None}
    if account.role == "admin":
        return {"community_id": None, "unit_id": None}
    return {"community_id": account.community_id, "unit_id": account.unit_id}


def id_arg(name: str) -> int | None:
    """A row id from the query string; anything else (text, 0, a number past the column) names nothing."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value <= ID_MAX else None


def page_arg(size: int, most: int = 10_000) -> tuple[int, int]:
    """`?page=` (from 1) as (page, offset) for pages of `size` rows."""
    page = request.args.get("page", 1, type=int)
    page = min(max(page, 1), most)
    return page, (page - 1) * size


PASSWORD_FIRST = ("desk_", "office_")


def password_first():
    """Before a desk or office page: an account that must change its password (a reset, an imported or a
    newly named secretary's one-time password) does that first, as the member's pages already ask."""
    if not (request.blueprint or "").startswith(PASSWORD_FIRST):
        return None
    account = optional_actor()
    if account is None or not account.must_change_password:
        return None
    flash("请先修改密码")
    return redirect(url_for("me_pages.password", next=request.full_path.rstrip("?")))


# The desk's menu: the month's work first (audit, events, members, duty, needs, deliberation), the year's
# last. The pages marked True are a community's business (its events and hall, its deliberation day, who may
# register there): a work unit's secretary is not offered them.
MENU = (
    ("/desk", "工作台", False),
    ("/desk/inbox", "提醒", False),
    ("/desk/audit", "积分审核", False),
    ("/desk/events", "活动", True),
    ("/desk/members", "党员", False),
    ("/desk/duty", "季度报到", False),
    ("/desk/needs", "群众点单", False),
    ("/desk/deliberation", "议事日", True),
    ("/desk/notices", "通知", False),
    ("/desk/leave", "请假", False),
    ("/desk/registrations", "注册审核", True),
    ("/desk/pledges", "承诺践诺", False),
    ("/desk/year", "年度记实", False),
    ("/stats", "统计报表", False),
)


def desk_menu(account) -> list[tuple[str, str]]:
    """The menu entries this account's pages answer (a unit's secretary would get 403s for a community's)."""
    of_a_community = account is not None and (account.role == "admin" or account.community_id is not None)
    return [(path, words) for path, words, community_only in MENU if of_a_community or not community_only]


def init_app(app) -> None:
    app.before_request(password_first)
    app.jinja_env.globals["desk_menu"] = desk_menu
