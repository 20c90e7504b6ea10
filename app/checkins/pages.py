"""/c/{token}: the page a phone opens from the QR code. One tap on one button checks the member in.

Opening the link never checks in by itself (a GET), so WeChat's link preview cannot spend a scan; the
tap is a POST carrying the CSRF token and a per-page idempotency key, so a double tap or a resent form
is answered like the first."""
import math
import uuid

from flask import Blueprint, redirect, render_template, request, url_for

from app.auth.current import optional_actor
from app.checkins import operations, queries
from app.db import utcnow
from app.errors import Refusal, refusal_page
from app.events.codes import signing_key

bp = Blueprint("checkin_pages", __name__)


def _login_first():
    return redirect(url_for("auth_pages.login", next=request.path))


def _coordinate(name: str, limit: float) -> float | None:
    try:
        value = float(request.form.get(name, ""))
    except ValueError:
        return None
    return value if math.isfinite(value) and -limit <= value <= limit else None


@bp.get("/c/<token>")
def scan(token):
    if optional_actor() is None:
        return _login_first()
    return render_template("checkin/scan.html", token=token, event=queries.event_for_token(token, signing_key()),
                           idempotency_key=uuid.uuid4().hex)


@bp.post("/c/<token>")
def tap(token):
    account = optional_actor()
    if account is None:
        return _login_first()
    key = (request.form.get("idempotency_key") or "").strip()[:100] or None
    try:
        outcome = operations.check_in(account, token, now=utcnow(), signing_key=signing_key(),
                                      latitude=_coordinate("latitude", 90), longitude=_coordinate("longitude", 180),
                                      idempotency_key=key)
    except Refusal as refusal:
        return refusal_page(refusal, "checkin/result.html", status=refusal.code, event=queries.event_for_token(token, signing_key()))
    return render_template("checkin/result.html", status="checked_in" if outcome.new else "already",
                           outcome=outcome, event=queries.event_for_token(token, signing_key()))
