"""/board: the public ranking as a page, for phones and, with ?screen=1, the community's big screen."""

from flask import Blueprint, render_template, request

from app.errors import Refusal
from app.pages import refusal_page
from app.rankings import queries
from app.rankings.api import ranking_args
from app.schemas import ID_MAX
from ledger.words import month_words

bp = Blueprint("board", __name__)

BY_WORDS = {"member": "党员", "unit": "单位", "community": "社区"}


def _int(name: str) -> int | None:
    """The parameter as a positive integer within an id's range; anything else is as if not given."""
    value = request.args.get(name, "")
    # isdecimal, not isdigit: "²" is a digit that int() refuses; and int() refuses a few thousand digits.
    return int(value) if value.isdecimal() and len(value) <= 10 and 0 < int(value) <= ID_MAX else None


@bp.get("/board")
def board():
    page = max(_int("page") or 1, 1)
    args = ranking_args(
        {
            "period": request.args.get("period"),
            "by": request.args.get("by") or "member",
            "metric": request.args.get("metric") or "total",
            "community_id": _int("community_id"),
            "unit_id": _int("unit_id"),
        }
    )
    screen = request.args.get("screen") == "1"
    try:
        # The default view holds every row the API gives at its full limit; further pages go on from there.
        ranking = queries.ranking(**args, limit=queries.MAX_LIMIT, offset=(page - 1) * queries.MAX_LIMIT)
    except Refusal as refusal:
        return refusal_page(refusal, "board/error.html")
    pages = max((ranking["total"] + queries.MAX_LIMIT - 1) // queries.MAX_LIMIT, 1)
    return render_template(
        "board/board.html",
        ranking=ranking,
        args=args,
        by_words=BY_WORDS,
        page=page,
        pages=pages,
        screen=screen,
        month=month_words(args["period"]),
    )
