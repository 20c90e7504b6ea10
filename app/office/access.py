"""Who may use the county office: an admin of the county organisation department, nobody else."""

from app.auth.current import actor
from app.errors import Forbidden


def office_actor():
    """The logged-in admin; a secretary or a member gets the Chinese 403 page with the way home."""
    account = actor()
    if account.role != "admin":
        raise Forbidden("该页面只供县委组织部管理员使用", code="not_allowed")
    return account
