"""Who may open a member's page: a logged-in in-service member, who has changed a one-time password first.
Shared by every blueprint of the member's phone (app/me, app/needs, app/pledges)."""

from flask import flash, redirect, request, url_for

from app.auth.current import actor
from app.errors import Forbidden


def member_account():
    """The logged-in member's account, or a Chinese 403 for an account that is not an in-service member."""
    account = actor()
    if account.member_id is None:
        raise Forbidden("该页面只供在职党员使用", code="not_allowed")
    return account


def password_first():
    """A blueprint's before_request: actor() sends a lost session to /login and back (app.pages); a password
    to change comes before any page but the one that changes it."""
    account = actor()
    if account.must_change_password and request.endpoint != "me_pages.password":
        flash("请先修改密码")
        return redirect(url_for("me_pages.password", next=request.full_path.rstrip("?")))
    return None
