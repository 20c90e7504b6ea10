"""The hall's screen (大屏签到码): a full-screen code that renews itself, beside the live list of who has come.

The page polls two session-authenticated JSON endpoints: the code every 20 seconds, swapping the image so
a photo of the screen passed around stops working within the minute (DOMAIN rule 3); the list every 5
seconds, answered 304 while nothing changed, so a check-in shows within 10 seconds."""

import base64

from flask import Blueprint, jsonify, render_template, request

from app.auth.current import actor
from app.db import utcnow
from app.errors import Refusal, refusal_response
from app.events import qr, queries
from app.events.codes import signing_key
from app.schemas import ID_PATH
from ledger.periods import local

bp = Blueprint("event_pages", __name__)

REFRESH_SECONDS = 20
ROLL_SECONDS = 5


def _screen_code(account, event_id: int) -> dict:
    code = queries.screen_code(account, event_id, utcnow(), signing_key())
    url = qr.checkin_url(code.token)
    assert code.expires_at is not None  # a screen code always has its end
    return {
        "token": code.token,
        "url": url,
        "expires_at": local(code.expires_at).isoformat(),
        "image": "data:image/svg+xml;base64," + base64.b64encode(qr.svg(url)).decode(),
        "title": code.event.title,
    }


def _roll(account, event_id: int) -> dict:
    roll = queries.screen_roll(account, event_id)
    for member in roll["members"]:
        came = member["checked_in_at"]
        member["checked_in_at"] = local(came).isoformat() if came else None
    return roll


@bp.get(f"/events/<{ID_PATH}:event_id>/screen")
def screen(event_id):
    # A lost session goes to /login and back; anyone but its secretary gets the Chinese 403 page.
    account = actor()
    return render_template(
        "events/screen.html",
        code=_screen_code(account, event_id),
        roll=_roll(account, event_id),
        event_id=event_id,
        refresh_seconds=REFRESH_SECONDS,
        roll_seconds=ROLL_SECONDS,
    )


def _screen_json(read, event_id: int):
    """A screen's poll: its answer never cached on the way, since the next one must be fresh."""
    try:
        response = jsonify(read(actor(), event_id))
    except Refusal as refusal:
        return refusal_response(refusal)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get(f"/events/<{ID_PATH}:event_id>/screen/code.json")
def screen_code(event_id):
    return _screen_json(_screen_code, event_id)


@bp.get(f"/events/<{ID_PATH}:event_id>/screen/roll.json")
def screen_roll(event_id):
    """The live list; the screen sends back the ETag it holds and is answered 304 while nothing changed."""
    response = _screen_json(_roll, event_id)
    if response.status_code != 200:
        return response
    response.add_etag()
    return response.make_conditional(request)
