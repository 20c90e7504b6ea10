"""The hall's screen (大屏签到码): a full-screen code that renews itself, for the secretary's laptop.

The page polls a session-authenticated JSON endpoint every 20 seconds and swaps the image, so a photo
of the screen passed around stops working within the minute (DOMAIN rule 3)."""

import base64

from flask import Blueprint, jsonify, redirect, render_template, request, url_for

from app.auth.current import optional_actor
from app.db import utcnow
from app.errors import Refusal, refusal_response
from app.events import qr, queries
from app.events.codes import signing_key
from app.pages import refusal_page
from app.schemas import ID_PATH
from ledger.periods import local

bp = Blueprint("event_pages", __name__)

REFRESH_SECONDS = 20


def _screen_code(event_id: int) -> dict:
    code = queries.screen_code(optional_actor(), event_id, utcnow(), signing_key())
    url = qr.checkin_url(code.token)
    assert code.expires_at is not None  # a screen code always has its end
    return {
        "token": code.token,
        "url": url,
        "expires_at": local(code.expires_at).isoformat(),
        "image": "data:image/svg+xml;base64," + base64.b64encode(qr.svg(url)).decode(),
        "title": code.event.title,
    }


@bp.get(f"/events/<{ID_PATH}:event_id>/screen")
def screen(event_id):
    if optional_actor() is None:
        return redirect(url_for("auth_pages.login", next=request.path))
    try:
        code = _screen_code(event_id)
    except Refusal as refusal:
        return refusal_page(refusal, "events/refused.html")
    return render_template("events/screen.html", code=code, event_id=event_id, refresh_seconds=REFRESH_SECONDS)


@bp.get(f"/events/<{ID_PATH}:event_id>/screen/code.json")
def screen_code(event_id):
    if optional_actor() is None:
        return jsonify({"code": "unauthenticated", "message": "请先登录"}), 401
    try:
        response = jsonify(_screen_code(event_id))
    except Refusal as refusal:
        return refusal_response(refusal)
    response.headers["Cache-Control"] = "no-store"
    return response
