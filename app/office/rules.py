"""/office/rules: the points rules (a change is a new version from a future month), the county settings
and the service catalogue, on the operations /api/v1/rules, /settings and /catalogue call."""

from flask import Blueprint, render_template, request

from app.catalogue import operations, queries
from app.db import utcnow
from app.office.access import office_actor
from app.office.forms import maybe_number, number, row_id, run, text
from app.pages import page_status
from ledger import periods
from ledger.words import month_words

bp = Blueprint("office_rules", __name__)


def _actions(actor) -> dict:
    def change_rule():
        return operations.change_rule(
            actor,
            text("code") or "",
            from_month=text("from_month") or "",
            points=number("points", "分值"),
            needs_audit=request.form.get("needs_audit") == "on",
            cap_month=maybe_number("cap_month", "该规则每月上限", low=0, high=10000),
            now=utcnow(),
        )

    def settings():
        changes: dict = {
            key: number(key, words)
            for key, words in operations.SETTING_WORDS.items()
            if key in operations.SETTING_BOUNDS and key != "month_cap"
        }
        changes["month_cap"] = maybe_number("month_cap", operations.SETTING_WORDS["month_cap"])
        return operations.update_settings(actor, **changes, return_day_start=text("return_day_start") or "")

    def move(update, words):
        return update(actor, row_id("id", words), position=number("position", "位置", low=0, high=10000))

    return {
        "change_rule": change_rule,
        "settings": settings,
        "add_category": lambda: operations.add_category(actor, name=text("name")),
        "rename_category": lambda: operations.update_category(actor, row_id("id", "服务类别"), name=text("name")),
        "move_category": lambda: move(operations.update_category, "服务类别"),
        "delete_category": lambda: operations.delete_category(actor, row_id("id", "服务类别")),
        "add_item": lambda: operations.add_item(
            actor, category_id=row_id("category_id", "服务类别"), name=text("name")
        ),
        "rename_item": lambda: operations.update_item(actor, row_id("id", "服务项目"), name=text("name")),
        "move_item": lambda: move(operations.update_item, "服务项目"),
    }


@bp.route("/office/rules", methods=["GET", "POST"])
def rules():
    actor = office_actor()
    outcome = run(_actions(actor))
    now = utcnow()
    this_month = periods.month_of(now)
    months = [this_month]
    for _ in range(12):
        months.append(periods.next_month(months[-1]))
    catalogue = queries.catalogue()
    return render_template(
        "office/rules.html",
        rules=queries.rules(now),
        settings=queries.settings(),
        catalogue=catalogue,
        item_count=sum(len(c["items"]) for c in catalogue),
        outcome=outcome,
        months=[(m, month_words(m)) for m in months[1:]],
        this_month=month_words(this_month),
        setting_words=operations.SETTING_WORDS,
        bounds=operations.SETTING_BOUNDS,
    ), page_status(outcome)
