"""What every page shares: where each role lands, Chinese error pages, the lost-session detour to /login,
and static files cached for a year under a name that changes with their content."""

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app, flash, g, make_response, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError

from app.errors import HTTP_CODES, Refusal, log_refusal
from ledger import periods
from ledger.periods import local
from ledger.words import month_words

log = logging.getLogger(__name__)

YEAR = 365 * 24 * 3600
PICKER_MONTHS = 13  # this month and the year before it: what members and officials look back on


def month_choices(now) -> list[tuple[str, str]]:
    """The months a picker offers, newest first, as (YYYY-MM, 2026年11月). A <select>, not <input type=month>:
    WeChat's older in-app browsers show a month input as a bare text box."""
    return [(m, month_words(m)) for m in reversed(periods.months_up_to(periods.month_of(now), PICKER_MONTHS))]


HOMES = {"member": "me_pages.home", "secretary": "desk_home.home", "admin": "office_home.home"}


def home_path(account) -> str:
    """Where an account lands after login: /me for a member, /desk for a secretary, /office for an admin."""
    return url_for(HOMES.get(account.role, "auth_pages.home"))


def login_first(message: str = "请先登录", next_path: str | None = None):
    """Off to /login with a Chinese note, and back here (or to `next_path`) afterwards."""
    flash(message)
    return redirect(url_for("auth_pages.login", next=next_path or request.full_path.rstrip("?")))


def error_page(status: int, message: str | None = None):
    """The Chinese page for an HTTP error; a 403 and a 404 offer the way back home."""
    titles = {403: "没有权限", 404: "找不到该页面", 500: "出错了", 503: "暂时无法服务"}
    text = message or HTTP_CODES.get(status, ("", "请求无法完成"))[1]
    return render_template("error.html", status=status, title=titles.get(status, "无法完成"), message=text), status


def refusal_page(refusal: Refusal, template: str | None = None, **context):
    """A refusal as a page shows it, under its own status: the page's own template given `code` and
    `message`, else the Chinese error page; one that wants a login goes to /login and back."""
    log_refusal(refusal)
    if refusal.status == 401:
        return login_first(refusal.message)
    if template is None:
        response = make_response(error_page(refusal.status, refusal.message))
    else:
        response = make_response(render_template(template, code=refusal.code, message=refusal.message, **context))
        response.status_code = refusal.status
    if refusal.retry_after:
        response.headers["Retry-After"] = str(refusal.retry_after)
    return response


@dataclass(frozen=True)
class Outcome:
    """What a page's form did: the operation's answer, or the code and Chinese message of its refusal."""

    value: Any = None
    code: str | None = None
    message: str | None = None
    status: int = 200

    @property
    def refused(self) -> bool:
        return self.code is not None


def form_refusal(form) -> Outcome:
    """A form the browser should not have sent (a field missing or malformed): the API's 400, its
    fields' Chinese messages joined."""
    message = "；".join(e for errors in form.errors.values() for e in errors) or "请求内容有误"
    return Outcome(code="invalid_request", message=message, status=400)


def page_status(outcome: Outcome | None) -> int:
    """The status a page answers after its form: 200, or the refusal's own (a refused form is no 200)."""
    return outcome.status if outcome is not None and outcome.refused else 200


def attempt(operation, *args, **kwargs) -> Outcome:
    """Run one operation for a page's form; a refusal comes back to be shown, not raised."""
    try:
        return Outcome(value=operation(*args, **kwargs))
    except Refusal as refusal:
        log_refusal(refusal)
        return Outcome(code=refusal.code, message=refusal.message, status=refusal.status)


def _csrf_lost(error: CSRFError):
    log.info("page form refused on %s %s: %s", request.method, request.path, error.description)
    # A form's page is where the person was: the path it was posted to shows it again on GET.
    return login_first("页面已过期或登录已失效，请重新登录后再操作", next_path=request.path)


def _static_digest(filename: str) -> str | None:
    """A short hash of a static file's content, computed once per process and file version."""
    if current_app.static_folder is None:
        return None
    path = Path(current_app.static_folder) / filename
    try:
        stat = path.stat()
    except OSError:
        return None
    cache = current_app.extensions.setdefault("static_digests", {})
    key = (filename, stat.st_mtime_ns, stat.st_size)
    if key not in cache:
        cache[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return cache[key]


def static_url(filename: str) -> str:
    """A static file's URL with `?v=<content hash>`: browsers keep it for a year and never ask again."""
    digest = _static_digest(filename)
    return url_for("static", filename=filename, v=digest) if digest else url_for("static", filename=filename)


def _cache_static(response):
    if request.endpoint == "static" and response.status_code == 200:
        versioned = request.args.get("v")
        if versioned and versioned == _static_digest(request.view_args.get("filename", "")):
            response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
            response.expires = None
        else:
            response.headers["Cache-Control"] = "no-cache"
    return response


def current_account():
    """The account the layout names: whoever this request was identified as, as it was found (no query of its own,
    so an error page renders even when the database does not answer)."""
    return g.get("shown")


WEEKDAYS = "一二三四五六日"


def day_words(on) -> str:
    """2026-11-29 -> "2026年11月29日（星期日）": how a member reads a date."""
    return f"{on.year}年{on.month}月{on.day}日（星期{WEEKDAYS[on.weekday()]}）"


def when_words(at) -> str:
    """A UTC time as the member's clock shows it: "2026年11月29日（星期日）09:00"."""
    at = local(at)
    return f"{day_words(at.date())} {at:%H:%M}"


def init_app(app) -> None:
    app.add_template_filter(day_words, "day")
    app.add_template_filter(when_words, "when")
    app.register_error_handler(CSRFError, _csrf_lost)
    app.add_template_global(static_url)
    app.add_template_global(current_account)
    app.after_request(_cache_static)
