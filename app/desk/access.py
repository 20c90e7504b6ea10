"""Who may sit at the desk: a secretary of a community or a work unit, or an admin (who sees all)."""

from app.auth.current import actor
from app.errors import Forbidden

DESK_ROLES = ("secretary", "admin")


def desk_actor():
    """The logged-in secretary or admin; anyone else gets the Chinese 403 page (a member: the way home)."""
    account = actor()
    if account.role not in DESK_ROLES:
        raise Forbidden("该页面只供社区、单位书记和组织部使用", code="not_allowed")
    return account
