"""A small county whose residents' needs were recorded, dispatched, served, done and rated at known moments
on the China clock, through the needs' own operations (so the figures read what those really write)."""

from dataclasses import dataclass, field

import pytest

from app.auth.models import Account
from app.catalogue.models import ServiceCategory
from app.extensions import db
from app.members.models import Member
from app.needs import operations
from tests.factories import local


@dataclass
class County:
    east: object
    west: object
    one: object
    two: object
    three: object
    admin: object
    members: dict
    secretaries: dict
    needs: dict = field(default_factory=dict)


def category(name: str) -> int:
    """The service category's id (in an app context), made on first use."""
    found = db.session.query(ServiceCategory).filter_by(name=name).first()
    if found is None:
        found = ServiceCategory(name=name)
        db.session.add(found)
        db.session.commit()
    return found.id


class Needs:
    """Walks a need through the operations, each step at the moment given (Asia/Shanghai tuples)."""

    def __init__(self, app, county):
        self.app = app
        self.county = county

    def __call__(
        self,
        community,
        created,
        *,
        unit=None,
        opened=False,
        servers=(),
        done=None,
        rated=None,
        stars=None,
        closed=None,
        refused=None,
        content="帮忙修一下楼道的灯",
        resident_name="王阿婆",
        resident_phone="13900000001",
        category_name="助老助残",
        note="已办好",
        comment="很满意",
    ) -> int:
        c = self.county
        with self.app.app_context():
            category_id = category(category_name)
            admin = db.session.get(Account, c.admin.id)
            need, code = operations.record(
                admin,
                community.id,
                grid_id=None,
                category_id=category_id,
                content=content,
                resident_name=resident_name,
                resident_phone=resident_phone,
                now=local(*created),
            )
            need_id = need["id"]
            if refused is not None:
                operations.refuse(admin, need_id, "不属于服务范围", now=local(*refused))
                return need_id
            step = created
            if unit is not None or opened:
                step = (*created[:3], created[3] + 1)
                operations.dispatch(
                    admin, need_id, unit_id=unit.id if unit else None, open_to_members=opened, now=local(*step)
                )
            if servers:
                at = local(*step[:3], step[3] + 1)
                if opened:
                    operations.claim(servers[0].id, need_id, now=at)
                else:
                    operations.assign(admin, need_id, [m.id for m in servers], now=at)
            if done is not None:
                operations.mark_done(servers[0].id, need_id, note, now=local(*done))
            if rated is not None:
                operations.rate(need_id, code, stars, comment, now=local(*rated))
            if closed is not None:
                operations.close_unrated(admin, need_id, now=local(*closed))
        return need_id


@pytest.fixture
def county(app, make):
    return small_county(app, make)


def small_county(app, make) -> County:
    """Two communities, three units. Members: a, e of 县教育局 (one); b, d, h of 县医院 (two), and f of 县医院
    no longer active; c, g of 县林业局 (three)."""
    east, west = make.community("东街社区"), make.community("西街社区")
    one, two, three = make.unit("县教育局"), make.unit("县医院"), make.unit("县林业局")
    members = {
        "a": make.member(east, one),
        "b": make.member(east, two),
        "c": make.member(east, three),
        "d": make.member(west, two),
        "e": make.member(west, one),
        "f": make.member(west, two),
        "g": make.member(west, three),
        "h": make.member(east, two),
    }
    with app.app_context():
        db.session.get(Member, members["f"].id).active = False
        db.session.commit()
    secretaries = {
        "east": make.secretary(east),
        "west": make.secretary(west),
        "one": make.secretary(unit=one),
    }
    return County(east, west, one, two, three, make.admin(), members, secretaries)


@pytest.fixture
def needs(app, county):
    return Needs(app, county)


@pytest.fixture
def october(county, needs):
    """The needs of October 2026 (and around it), by number:

    1 east, 10-02 10:00 → unit one, a; done 10-04 10:00 (2.0 days); rated 5 on 10-05
    2 east, 10-03 08:00 → opened, claimed by b (two); done 10-06 20:00 (3.5 days); rated 1 on 11-02
    3 west, 10-10 09:00 → unit two, d; done 10-11 09:00 (1.0 day); rated 4 on 10-12
    4 west, 10-20 09:00, waiting
    5 east, 09-28 12:00 → unit one, a; done 10-01 00:00 (2.5 days); rated 4 on 10-02
    6 east, 10-31 23:30, waiting (still October in Beijing)
    7 west, 10-12 09:00, refused 10-13
    8 east, 11-01 00:10 (November in Beijing)
    9 west, 10-15 09:00 → unit two, d; done 10-16 21:00 (1.5 days), closed unrated 10-24"""
    m = county.members
    e, w, one, two = county.east, county.west, county.one, county.two
    county.needs = {
        1: needs(
            e, (2026, 10, 2, 10), unit=one, servers=[m["a"]], done=(2026, 10, 4, 10), rated=(2026, 10, 5, 9), stars=5
        ),
        2: needs(
            e,
            (2026, 10, 3, 8),
            opened=True,
            servers=[m["b"]],
            done=(2026, 10, 6, 20),
            rated=(2026, 11, 2, 9),
            stars=1,
        ),
        3: needs(
            w, (2026, 10, 10, 9), unit=two, servers=[m["d"]], done=(2026, 10, 11, 9), rated=(2026, 10, 12, 9), stars=4
        ),
        4: needs(w, (2026, 10, 20, 9)),
        5: needs(
            e, (2026, 9, 28, 12), unit=one, servers=[m["a"]], done=(2026, 10, 1, 0), rated=(2026, 10, 2, 9), stars=4
        ),
        6: needs(e, (2026, 10, 31, 23, 30)),
        7: needs(w, (2026, 10, 12, 9), refused=(2026, 10, 13, 9)),
        8: needs(e, (2026, 11, 1, 0, 10)),
        9: needs(w, (2026, 10, 15, 9), unit=two, servers=[m["d"]], done=(2026, 10, 16, 21), closed=(2026, 10, 24, 9)),
    }
    return county
