"""The desk's home (/desk, 工作台): what waits for the secretary today, on one screen."""

from flask import Blueprint, render_template

from app.db import utcnow
from app.desk import queries
from app.desk.access import desk_actor, desk_scope

bp = Blueprint("desk_home", __name__)


@bp.get("/desk")
def home():
    account = desk_actor()
    where = desk_scope(account)
    return render_template("desk/home.html", home=queries.home(account, where, utcnow()), where=where)
