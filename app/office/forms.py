"""What the office's forms share: reading a posted number or choice, and answering the form on its page.

Each office page posts its forms back to itself with an `action` naming the one operation to run; the
page shows the outcome above everything in an element with `data-office-status` (`done` or the refusal's
code) and answers a refusal with its status."""

from flask import request

from app.pages import Outcome, attempt
from app.schemas import ID_MAX


class BadForm(Exception):
    """A field the page's own form would not have sent: the API's 400, shown on the page."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def maybe_number(name: str, words: str, *, low: int = -(10**6), high: int = 10**6) -> int | None:
    """A whole number from the posted form, within bounds; None when left empty."""
    text = (request.form.get(name) or "").strip()
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        raise BadForm(f"{words}应为整数") from None
    if not low <= value <= high:
        raise BadForm(f"{words}应在{low}到{high}之间")
    return value


def number(name: str, words: str, *, low: int = -(10**6), high: int = 10**6) -> int:
    value = maybe_number(name, words, low=low, high=high)
    if value is None:
        raise BadForm(f"请填写{words}")
    return value


def maybe_row_id(name: str, words: str) -> int | None:
    return maybe_number(name, words, low=1, high=ID_MAX)


def row_id(name: str, words: str) -> int:
    return number(name, words, low=1, high=ID_MAX)


def text(name: str) -> str | None:
    """Posted text as sent; the operation judges it (visible characters, length)."""
    return request.form.get(name)


def run(actions: dict) -> Outcome | None:
    """On POST, the outcome of the action the form names (each a function reading its fields and calling
    one operation); None on GET."""
    if request.method != "POST":
        return None
    action = actions.get(request.form.get("action", ""))
    if action is None:
        return Outcome(code="invalid_request", message="未知的操作", status=400)
    try:
        return attempt(action)
    except BadForm as error:
        return Outcome(code="invalid_request", message=error.message, status=400)
