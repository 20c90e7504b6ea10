"""Changing the county's data: the points rules (a new version from a future month), the county settings,
and the service catalogue; the one write path of each, every act in the action log.

Caches: the rulebook is read afresh by every transaction (app.db.per_transaction), so nothing cached
outlives a change today. A per-process cache of the rules or the settings must be invalidated by
`change_rule` and `update_settings` (the only writers of points_rules and county_settings)."""

import enum
import re
from datetime import datetime

from sqlalchemy import func, select, update

from app.action_log.operations import record
from app.auth import scope
from app.catalogue.models import PointsRule, ServiceCategory, ServiceItem
from app.db import lock, transaction
from app.errors import NotFound, Refusal
from app.events.models import Event
from app.extensions import db
from app.org.models import CountySettings
from app.org.settings import county_settings
from app.text import person_text
from ledger import periods
from ledger.errors import InvalidPeriod

RULE_NAME_MAX = 60
CATEGORY_MAX = 50
ITEM_MAX = 80
POINTS_LIMIT = 1000
# What each county setting may be: a cap no member could reach is no cap, an audit day past the 28th
# would not exist in February, a return day starts in the daytime.
SETTING_BOUNDS = {
    "month_cap": (1, 10000),
    "audit_day": (1, 28),
    "visit_max_age_days": (1, 366),
    "pairing_target": (1, 100),
}
SETTING_WORDS = {
    "month_cap": "每月积分上限",
    "audit_day": "审核截止日",
    "visit_max_age_days": "走访补记天数",
    "pairing_target": "每名党员联系户数",
    "return_day_start": "回家日开始时间",
}
RETURN_DAY_START = ("06:00", "20:00")


class _Keep(enum.Enum):
    KEEP = "keep"


# A rule change that names no cap keeps the current version's (None would mean "no cap").
KEEP = _Keep.KEEP


def _admin(actor) -> None:
    scope.require(scope.is_admin(actor), "只有县委组织部管理员可以修改积分规则和县级设置", code="not_allowed")


def _bounded(value: int | None, low: int, high: int, words: str) -> None:
    if value is not None and not low <= value <= high:
        raise Refusal("out_of_bounds", f"{words}应在{low}到{high}之间")


def first_instant(month: str) -> datetime:
    """The first moment of a month on the China clock, as an aware time."""
    year, number = periods.parse_month(month)
    return datetime(year, number, 1, tzinfo=periods.TZ)


def _version_in_force(code: str, at: datetime) -> PointsRule:
    rows = db.session.scalars(
        select(PointsRule)
        .where(PointsRule.code == code, PointsRule.valid_from <= at)
        .order_by(PointsRule.valid_from.desc())
        .with_for_update()
    ).all()
    current = next((r for r in rows if r.valid_to is None or at < r.valid_to), None)
    if current is None:
        raise NotFound("积分规则")
    return current


@transaction()
def change_rule(
    actor,
    code: str,
    *,
    from_month: str,
    points: int,
    needs_audit: bool | None = None,
    cap_month: int | None | _Keep = KEEP,
    name: str | None = None,
    now: datetime,
) -> PointsRule:
    """A new version of a rule from the first day of a future month (Beijing time); the version in force
    then ends at that instant. An entry already written keeps the points it was priced at: entries name
    their rule's code and hold their points, and each new entry is priced by the version in force at its
    own time (ledger.rules.RuleBook.find). What is not given (`needs_audit`, `cap_month`, `name`) stays as
    the version in force."""
    _admin(actor)
    try:
        starts = first_instant(from_month)
    except InvalidPeriod as error:
        raise Refusal("invalid_period", error.message) from None
    if starts <= now:
        raise Refusal("not_in_future", "新规则只能从以后某个月的1日起生效（北京时间），不能是今天或过去", status=409)
    _bounded(points, -POINTS_LIMIT, POINTS_LIMIT, "分值")
    current = _version_in_force(code, starts)
    cap = current.cap_month if cap_month is KEEP else cap_month
    _bounded(cap, 0, 10000, "该规则每月上限")
    if current.valid_from == starts:
        raise Refusal("version_exists", f"该规则已有从{from_month}起生效的版本", status=409)
    later = db.session.scalars(
        select(PointsRule.valid_from).where(PointsRule.code == code, PointsRule.valid_from > starts)
    ).first()
    if later is not None:
        raise Refusal("later_version_exists", "该规则已有更晚生效的版本：只能在最新版本之后修改", status=409)
    version = PointsRule(
        code=current.code,
        name=person_text(name, "规则名称", RULE_NAME_MAX) if name is not None else current.name,
        source=current.source,
        match=current.match,
        points=points,
        needs_audit=current.needs_audit if needs_audit is None else needs_audit,
        cap_month=cap,
        valid_from=starts,
        valid_to=current.valid_to,
    )
    current.valid_to = starts
    db.session.add(version)
    db.session.flush()
    record(
        actor,
        "rules.change",
        f"积分规则 {current.code} {version.name}",
        from_month=from_month,
        points=[current.points, version.points],
        needs_audit=[current.needs_audit, version.needs_audit],
        cap_month=[current.cap_month, version.cap_month],
    )
    return version


def _time_of_day(value: str) -> str:
    if not re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]", value or ""):
        raise Refusal("out_of_bounds", "时间应为 HH:MM（如 09:00）")
    return value


@transaction()
def update_settings(actor, **changes) -> CountySettings:
    """县级设置: each given setting within its bounds (`month_cap` None: no county-wide cap). A new cap or
    audit day applies to entries and closes from now on; nothing written is re-priced."""
    _admin(actor)
    for key, (low, high) in SETTING_BOUNDS.items():
        if key in changes:
            _bounded(changes[key], low, high, SETTING_WORDS[key])
    if "return_day_start" in changes:
        start = _time_of_day(changes["return_day_start"])
        if not RETURN_DAY_START[0] <= start <= RETURN_DAY_START[1]:
            raise Refusal("out_of_bounds", f"回家日开始时间应在{RETURN_DAY_START[0]}到{RETURN_DAY_START[1]}之间")
    settings = db.session.scalars(select(CountySettings).limit(1).with_for_update()).first()
    if settings is None:
        defaults = county_settings()
        settings = CountySettings(
            **{c.key: getattr(defaults, c.key) for c in CountySettings.__table__.columns if c.key != "id"}
        )
        db.session.add(settings)
    if "return_day_start" in changes and changes["return_day_start"] >= settings.return_day_end:
        raise Refusal("out_of_bounds", f"回家日开始时间应早于结束时间 {settings.return_day_end}")
    before = {key: getattr(settings, key) for key in changes}
    for key, value in changes.items():
        setattr(settings, key, value)
    db.session.flush()
    after = {key: getattr(settings, key) for key in changes}
    record(actor, "settings.update", "县级设置", before=before, after=after)
    return settings


# The service catalogue (服务项目): categories and their items, in the county's order.


def _category(category_id: int) -> ServiceCategory:
    category = lock(ServiceCategory, category_id)
    if category is None:
        raise NotFound("服务类别")
    return category


def _item(item_id: int) -> ServiceItem:
    item = lock(ServiceItem, item_id)
    if item is None:
        raise NotFound("服务项目")
    return item


def _taken(query, words: str, name: str) -> None:
    if db.session.scalars(query).first() is not None:
        raise Refusal("name_taken", f"已有名为“{name}”的{words}", status=409)


def _place(rows: list, row, position: int | None) -> None:
    """Renumber `rows` (one list, in order) with `row` at `position` (0 first; past the end: last)."""
    rest = [r for r in rows if r.id != row.id]
    index = len(rest) if position is None else max(0, min(position, len(rest)))
    rest.insert(index, row)
    for number, each in enumerate(rest):
        each.position = number


def _categories() -> list[ServiceCategory]:
    return list(db.session.scalars(select(ServiceCategory).order_by(ServiceCategory.position, ServiceCategory.id)))


def _items(category_id: int) -> list[ServiceItem]:
    return list(
        db.session.scalars(
            select(ServiceItem)
            .where(ServiceItem.category_id == category_id)
            .order_by(ServiceItem.position, ServiceItem.id)
        )
    )


@transaction()
def add_category(actor, *, name: str | None) -> ServiceCategory:
    _admin(actor)
    name = person_text(name, "类别名称", CATEGORY_MAX)
    _taken(select(ServiceCategory.id).where(ServiceCategory.name == name), "服务类别", name)
    last = db.session.scalar(select(func.max(ServiceCategory.position)))
    category = ServiceCategory(name=name, position=(last if last is not None else -1) + 1)
    db.session.add(category)
    db.session.flush()
    record(actor, "catalogue.category_add", f"服务类别#{category.id} {name}")
    return category


@transaction()
def update_category(actor, category_id: int, *, name: str | None = None, position: int | None = None):
    """Rename or move a category. Events name their category, so a rename carries over to them: a
    category in use is renamed, never deleted."""
    _admin(actor)
    category = _category(category_id)
    before = category.name
    events = 0
    if name is not None:
        name = person_text(name, "类别名称", CATEGORY_MAX)
        if name != before:
            _taken(
                select(ServiceCategory.id).where(ServiceCategory.name == name, ServiceCategory.id != category.id),
                "服务类别",
                name,
            )
            category.name = name
            moved = db.session.execute(update(Event).where(Event.category == before).values(category=name))
            events = moved.rowcount  # type: ignore[attr-defined]  # an UPDATE's result is a CursorResult
    if position is not None:
        _place(_categories(), category, position)
    record(actor, "catalogue.category_edit", f"服务类别#{category.id} {category.name}", before=before, events=events)
    return category


@transaction()
def delete_category(actor, category_id: int) -> None:
    """Only a category no event uses and that holds no items goes; one in use is renamed instead."""
    _admin(actor)
    category = _category(category_id)
    if db.session.scalars(select(Event.id).where(Event.category == category.name).limit(1)).first() is not None:
        raise Refusal("category_in_use", "已有活动使用该类别，不能删除，可以改名", status=409)
    if _items(category.id):
        raise Refusal("category_not_empty", "该类别下还有服务项目，请先移走或删除", status=409)
    db.session.delete(category)
    record(actor, "catalogue.category_delete", f"服务类别#{category.id} {category.name}")


@transaction()
def add_item(actor, *, category_id: int, name: str | None) -> ServiceItem:
    _admin(actor)
    category = _category(category_id)
    name = person_text(name, "项目名称", ITEM_MAX)
    _taken(
        select(ServiceItem.id).where(ServiceItem.category_id == category.id, ServiceItem.name == name),
        "服务项目（本类别内）",
        name,
    )
    item = ServiceItem(category_id=category.id, name=name, position=len(_items(category.id)))
    db.session.add(item)
    db.session.flush()
    record(actor, "catalogue.item_add", f"服务项目#{item.id} {category.name}·{name}")
    return item


@transaction()
def update_item(actor, item_id: int, *, name: str | None = None, position: int | None = None) -> ServiceItem:
    _admin(actor)
    item = _item(item_id)
    before = item.name
    if name is not None:
        name = person_text(name, "项目名称", ITEM_MAX)
        _taken(
            select(ServiceItem.id).where(
                ServiceItem.category_id == item.category_id, ServiceItem.name == name, ServiceItem.id != item.id
            ),
            "服务项目（本类别内）",
            name,
        )
        item.name = name
    if position is not None:
        _place(_items(item.category_id), item, position)
    record(actor, "catalogue.item_edit", f"服务项目#{item.id} {item.name}", before=before)
    return item
