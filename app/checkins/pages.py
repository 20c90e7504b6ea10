"""/c/{token}: the page a phone opens from the QR code. One tap on one button checks the member in.

Opening the link never checks in by itself (a GET), so WeChat's link preview cannot spend a scan; the
tap is a POST carrying the CSRF token and a per-page idempotency key, so a double tap or a resent form
is answered like the first. Before the tap the page says what a tap would meet (a bad, voided or expired
code, one not yet open). The tap answers with a page, or to the page's own script (X-Requested-With:
scan, the offline queue) with the same result as a small JSON body."""

import logging
import math
import uuid
from datetime import UTC, datetime

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf.csrf import CSRFError

from app.auth.current import page_caller
from app.checkins import answer, grace, queries
from app.db import utcnow
from app.errors import Refusal, log_refusal
from app.events.codes import signing_key
from ledger.periods import MAX_YEAR, MIN_YEAR, local

bp = Blueprint("checkin_pages", __name__)
log = logging.getLogger(__name__)

WEEKDAYS = "一二三四五六日"
LOGIN_AGAIN = "登录已失效，请重新登录，登录后会回到这个签到码"


def _from_script() -> bool:
    return request.headers.get("X-Requested-With") == "scan"


def _here(token: str, grace_: str | None) -> str:
    return (
        url_for("checkin_pages.scan", token=token, g=grace_) if grace_ else url_for("checkin_pages.scan", token=token)
    )


def _to_login(token: str, grace_: str | None, message: str | None = None):
    """To /login and back to this very code, with the grace that keeps a screen code alive meanwhile."""
    login = url_for("auth_pages.login", next=_here(token, grace_))
    if _from_script():
        return jsonify(code="login_required", message=LOGIN_AGAIN, login=login), 401
    if message:
        flash(message)
    return redirect(login)


def _coordinate(name: str, limit: float) -> float | None:
    try:
        value = float(request.form.get(name, ""))
    except ValueError:
        return None
    return value if math.isfinite(value) and -limit <= value <= limit else None


def _scanned_at() -> datetime | None:
    """The time an offline scan was kept, as the queue sends it (ISO 8601 with an offset)."""
    text = (request.form.get("scanned_at") or "").strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text[:40])
        if value.tzinfo is None or not MIN_YEAR <= value.astimezone(UTC).year <= MAX_YEAR:
            raise ValueError
    except (ValueError, OverflowError):
        raise Refusal("invalid_request", "扫码时间应为带时区的时间（ISO 8601）") from None
    return value


def _times(event) -> str:
    starts, ends = local(event.starts_at), local(event.ends_at)
    return f"{starts.month}月{starts.day}日 星期{WEEKDAYS[starts.weekday()]} {starts:%H:%M}–{ends:%H:%M}"


def _page(template: str, http_status: int = 200, **context):
    response = make_response(
        render_template(template, times=_times, clock=lambda dt: f"{local(dt):%H:%M}", **context), http_status
    )
    # The page holds a CSRF token and a one-scan key, and the script reads the server's clock from it.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/c/<token>")
def scan(token):
    account, now, offered = page_caller(), utcnow(), request.args.get("g")
    if account is None:
        phone = request.cookies.get(grace.COOKIE)
        kept = offered if grace.seen_at(offered, token, account=None, phone=phone) else None
        phone = phone if kept else grace.phone_value()
        kept = kept or grace.offer(token, now, phone=phone)
        response = _to_login(token, kept)
        if kept:
            response.set_cookie(
                grace.COOKIE,
                phone,
                max_age=grace.COOKIE_SECONDS,
                path="/c/",
                httponly=True,
                samesite="Lax",
                secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
            )
        return response
    seen = grace.seen_at(offered, token, account=account, phone=request.cookies.get(grace.COOKIE))
    preview = queries.preview(account, token, now, signing_key=signing_key(), code_seen_at=seen)
    return _page(
        "checkin/scan.html",
        token=token,
        preview=preview,
        event=preview.event,
        elsewhere=preview.elsewhere,
        idempotency_key=uuid.uuid4().hex,
        grace=grace.offer(token, now, account=account, seen=seen) or "",
        server_ms=int(now.timestamp() * 1000),
    )


@bp.post("/c/<token>")
def tap(token):
    account = page_caller()
    if account is None:
        return _to_login(token, request.form.get("grace"), LOGIN_AGAIN)
    key = (request.form.get("idempotency_key") or "").strip()[:100] or None
    home = account.home_community_id
    seen = grace.seen_at(request.form.get("grace"), token, account=account, phone=request.cookies.get(grace.COOKIE))
    try:
        outcome, event, entry = answer.check_in_and_read(
            account,
            token,
            now=utcnow(),
            signing_key=signing_key(),
            scanned_at=_scanned_at(),
            code_seen_at=seen,
            latitude=_coordinate("latitude", 90),
            longitude=_coordinate("longitude", 180),
            idempotency_key=key,
        )
    except Refusal as refusal:
        log_refusal(refusal)
        event, _ = queries.scanned(token, signing_key(), None)
        return _result(home, refusal.code, refusal.status, event, None, message=refusal.message)
    return _result(home, "checked_in" if outcome.new else "already", 200, event, entry)


def _result(home: int | None, status: str, http_status: int, event, entry, *, message: str | None = None):
    """The tap's answer: the event, and the entry of the member's check-in at it when the tap checked them in."""
    context = {
        "status": status,
        "message": message,
        "entry": entry,
        "event": event,
        "elsewhere": queries.is_elsewhere(home, event),
    }
    if _from_script():
        html = render_template("checkin/_result.html", **context)
        return jsonify(status=status, message=message, html=html), http_status
    return _page("checkin/result.html", http_status, **context)


@bp.errorhandler(CSRFError)
def lost_csrf(_error):
    """A tap whose session or CSRF token was lost: log in again and come back to the same code."""
    token = (request.view_args or {}).get("token", "")
    log.info("check-in tap without a valid CSRF token: back to /login")
    return _to_login(token, request.form.get("grace"), LOGIN_AGAIN)
