"""/office/accounts: accounts listed; secretaries named and removed, passwords reset, accounts suspended,
on the operations /api/v1/accounts calls. A one-time password is shown once, on the answer to its form."""

from flask import Blueprint, render_template, request

from app.auth import operations, queries
from app.auth.models import ROLES
from app.auth.operations import ROLE_WORDS
from app.db import utcnow
from app.office.access import office_actor
from app.office.forms import BadForm, row_id, run, text
from app.org import queries as org_queries
from app.pages import page_status

bp = Blueprint("office_accounts", __name__)

PAGE = 50


def _scope() -> dict:
    """The scope select's value, `community:ID` or `unit:ID`, as the operation's arguments."""
    kind, _, number = (request.form.get("scope") or "").partition(":")
    if kind not in ("community", "unit") or not number.isdigit():
        raise BadForm("请选择书记负责的社区或单位")
    return {f"{kind}_id": int(number)}


def _actions(actor) -> dict:
    def name_secretary():
        account, password = operations.name_secretary(
            actor, **_scope(), phone=text("phone"), name=text("name"), now=utcnow()
        )
        return {"words": f"已任命 {account.name} 为书记", "account": account, "password": password}

    def reset():
        account, password = operations.reset_password(actor, row_id("id", "账号"))
        return {"words": f"已重置 {account.name} 的密码", "account": account, "password": password}

    def suspend(flag):
        account = operations.set_suspended(actor, row_id("id", "账号"), flag)
        return {"words": f"已{'停用' if flag else '恢复'} {account.name} 的账号", "account": account}

    def remove():
        account = operations.remove_secretary(actor, row_id("id", "账号"))
        return {"words": f"已免去 {account.name} 的书记职务", "account": account}

    return {
        "name_secretary": name_secretary,
        "reset_password": reset,
        "suspend": lambda: suspend(True),
        "unsuspend": lambda: suspend(False),
        "remove_secretary": remove,
    }


@bp.route("/office/accounts", methods=["GET", "POST"])
def accounts():
    actor = office_actor()
    outcome = run(_actions(actor))
    role = request.args.get("role") if request.args.get("role") in ROLES else None
    q = (request.args.get("q") or "")[:50]
    offset = int(request.args["offset"]) if request.args.get("offset", "").isdigit() else 0
    offset = min(offset, 10**6)
    listing = queries.accounts(actor, role=role, q=q, limit=PAGE, offset=offset)
    return render_template(
        "office/accounts.html",
        listing=listing,
        outcome=outcome,
        role=role,
        q=q,
        offset=offset,
        page=PAGE,
        role_words=ROLE_WORDS,
        communities=org_queries.communities(),
        units=org_queries.units(),
        me=actor,
    ), page_status(outcome)
