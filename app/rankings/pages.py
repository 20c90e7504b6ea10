"""/board: the public ranking as a page, for phones and, with ?screen=1, the community hall's big screen.

The big screen pages through every row by itself: each page of `rows` rows stays `every` seconds, then a
plain `<meta refresh>` (no script, so an old hall PC runs it) opens the next, and after the last the first
again, which also brings the standings up to date."""

from flask import Blueprint, render_template, request

from app.db import utcnow
from app.errors import Refusal
from app.needs import figures as need_figures
from app.org.queries import community_choices
from app.pages import month_choices, refusal_page
from app.rankings import queries
from app.rankings.api import ranking_args
from app.schemas import ID_MAX
from ledger import periods
from ledger.words import month_words

bp = Blueprint("board", __name__)

BY_WORDS = {"member": "党员", "unit": "单位", "community": "社区"}
METRIC_WORDS = {"total": "总积分", "per_member": "人均积分"}
SCREEN_ROWS = (10, 5, 30)  # default, fewest, most rows on one screen page
SCREEN_SECONDS = (10, 2, 120)  # default, shortest, longest stay of one screen page


def _int(name: str) -> int | None:
    """The parameter as a positive integer within an id's range; anything else is as if not given."""
    value = request.args.get(name, "")
    # isdecimal, not isdigit: "²" is a digit that int() refuses; and int() refuses a few thousand digits.
    return int(value) if value.isdecimal() and len(value) <= 10 and 0 < int(value) <= ID_MAX else None


def _bounded(name: str, bounds: tuple[int, int, int]) -> int:
    default, low, high = bounds
    value = _int(name)
    return default if value is None else min(max(value, low), high)


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
    per_page = _bounded("rows", SCREEN_ROWS) if screen else queries.MAX_LIMIT
    try:
        ranking = queries.ranking(**args, limit=per_page, offset=(page - 1) * per_page)
    except Refusal as refusal:
        return refusal_page(refusal, "board/error.html")
    pages = max((ranking["total"] + per_page - 1) // per_page, 1)
    if page > pages:
        # A screen left on a page the ranking no longer has (rows went away) starts over.
        page = 1
        ranking = queries.ranking(**args, limit=per_page, offset=0)
    return render_template(
        "board/board.html",
        ranking=ranking,
        args=args,
        by_words=BY_WORDS,
        metric_words=METRIC_WORDS,
        page=page,
        pages=pages,
        screen=screen,
        screen_rows=per_page,
        every=_bounded("every", SCREEN_SECONDS),
        month=month_words(args["period"]),
        months=month_choices(utcnow()),
        communities=community_choices(),
    )


@bp.get("/board/needs")
def needs():
    """The tab 群众点单: the month's done orders (what was served, where, by whom, how it was rated; nothing
    of who asked or what they said) and the work units ranked by done orders per member."""
    period = request.args.get("period") or periods.month_of(utcnow())
    community_id = _int("community_id")
    try:
        board = need_figures.public_board(period, community_id=community_id)
    except Refusal as refusal:
        return refusal_page(refusal, "board/error.html")
    return render_template(
        "board/needs.html",
        board=board,
        community_id=community_id,
        by_words=BY_WORDS,
        month=month_words(period),
        months=month_choices(utcnow()),
        communities=community_choices(),
    )
