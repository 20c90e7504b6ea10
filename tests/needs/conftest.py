"""A community with its grids, a work unit (帮帮团) serving it, their secretaries and members, a category,
and `ops`: the needs operations called as the resident, the secretaries and the members would."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from app.auth.models import Account
from app.catalogue.models import ServiceCategory
from app.extensions import db
from app.needs import operations

T0 = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai
RESIDENT = {"resident_name": "王阿姨", "resident_phone": "13900001111"}


@pytest.fixture
def town(app, make):
    community = make.community("幸福社区")
    other = make.community("平安社区")
    unit = make.unit("县卫健局")
    other_unit = make.unit("县教育局")
    with app.app_context():
        category = ServiceCategory(name="助老助残", position=1)
        db.session.add(category)
        db.session.commit()
        category_id = category.id
    return SimpleNamespace(
        community=community,
        other=other,
        unit=unit,
        other_unit=other_unit,
        category_id=category_id,
        grid=make.grid(community),
        other_grid=make.grid(other),
        secretary=make.secretary(community),
        other_secretary=make.secretary(other),
        unit_secretary=make.secretary(unit=unit),
        other_unit_secretary=make.secretary(unit=other_unit),
        admin=make.admin(),
        # Two members of the unit who live in the community, one who lives elsewhere, one of another unit.
        server=make.member(community, unit, name="张三"),
        helper=make.member(community, unit, name="李四"),
        away=make.member(other, unit, name="赵六"),
        stranger=make.member(community, other_unit, name="钱七"),
    )


class Ops:
    """The operations with fresh rows for the actor, each in its own app context, as a request would."""

    def __init__(self, app, town):
        self.app, self.town = app, town

    def __call__(self, name, *args, **kwargs):
        with self.app.app_context():
            args = [db.session.get(Account, a.id) if isinstance(a, Account) else a for a in args]
            return getattr(operations, name)(*args, **kwargs)

    def submit(self, now=T0, **fields):
        body = {"grid_id": self.town.grid.id, "category_id": self.town.category_id, "content": "帮忙买菜", **RESIDENT}
        body.update(fields)
        return self("submit", self.town.community.id, now=now, **body)

    def to_taken(self, now=T0):
        """A need submitted, dispatched to the unit and assigned to the server: (need id, rating code)."""
        need, code = self.submit(now=now)
        self("dispatch", self.town.secretary, need["id"], unit_id=self.town.unit.id, now=now)
        self("assign", self.town.unit_secretary, need["id"], [self.town.server.id], now)
        return need["id"], code

    def to_done(self, now=T0):
        need_id, code = self.to_taken(now)
        self("mark_done", self.town.server.id, need_id, "已送菜上门", now + timedelta(hours=2))
        return need_id, code


@pytest.fixture
def ops(app, town):
    return Ops(app, town)


@pytest.fixture
def public_need(client, town):
    """public_need(**fields) -> the response of POST /api/v1/public/needs for the town's community."""

    def send(**fields):
        body = {
            "community_id": town.community.id,
            "grid_id": town.grid.id,
            "category_id": town.category_id,
            "content": "帮忙修水龙头",
            **RESIDENT,
            **fields,
        }
        return client.post("/api/v1/public/needs", json=body)

    return send
