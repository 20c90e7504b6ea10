"""/desk/inbox: the flags and reminders the ledger sends a secretary (the quarter's missing members, entries
waiting too long, an audit deadline near); opening one reads it."""

from flask import Blueprint, render_template

from app.db import utcnow
from app.desk.access import desk_actor
from app.notices import operations, queries
from app.schemas import ID_PATH

bp = Blueprint("desk_inbox", __name__)

SHOWN = 100


@bp.get("/desk/inbox")
def inbox():
    account = desk_actor()
    return render_template("desk/inbox.html", inbox=queries.desk_inbox(account, limit=SHOWN))


@bp.get(f"/desk/inbox/<{ID_PATH}:item_id>")
def item(item_id):
    account = desk_actor()
    operations.mark_item_read(item_id, utcnow(), account_id=account.id)
    return render_template("desk/inbox_item.html", notice=queries.inbox_item(item_id, account_id=account.id))
