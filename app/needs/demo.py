"""The demo county's residents' needs: a handful per community, one in each status, one rated with its
entries, all written through the operations so every step, log row and ledger entry is as in real use."""

from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.auth.models import Account
from app.catalogue.models import ServiceCategory
from app.db import transaction
from app.extensions import db
from app.members.models import Member
from app.needs import operations
from app.needs.models import Need
from app.org.models import Community, Grid

# (what is needed, the resident, their phone's last digits); residents' phones are 139 0000 xxxx, made up.
WANTS = (
    ("独居老人家中水龙头漏水，请帮忙维修", "林阿婆"),
    ("想了解医保异地报销政策，请党员上门讲解", "陈大伯"),
    ("孩子放学后无人看管，希望有志愿者辅导作业", "黄女士"),
    ("楼道灯坏了一个月，晚上出行不便", "郑先生"),
    ("行动不便，需要帮忙代购一周的药品", "吴奶奶"),
    ("小区空地堆放杂物，希望组织清理", "刘先生"),
)


def _phone(community_index: int, n: int) -> str:
    return f"1390000{community_index % 1000:03d}{n}"


def _serving_unit(community_id: int) -> tuple[Account, list[int]] | None:
    """The work unit with a secretary whose members most often live in this community: its secretary and
    two of those members (the unit's 帮帮团 for the community)."""
    row = db.session.execute(
        select(Member.unit_id, Account.id)
        .join(Account, (Account.unit_id == Member.unit_id) & (Account.role == "secretary"))
        .where(Member.community_id == community_id, Member.active)
        .group_by(Member.unit_id, Account.id)
        .order_by(func.count(Member.id).desc(), Member.unit_id)
        .limit(1)
    ).first()
    if row is None:
        return None
    members = db.session.scalars(
        select(Member.id)
        .where(Member.community_id == community_id, Member.unit_id == row[0], Member.active)
        .order_by(Member.id)
        .limit(2)
    ).all()
    return db.session.get_one(Account, row[1]), list(members)


def _community_needs(index: int, community: Community, category_ids: list[int], now: datetime) -> int:
    secretary = db.session.scalars(
        select(Account).where(Account.role == "secretary", Account.community_id == community.id).order_by(Account.id)
    ).first()
    serving = _serving_unit(community.id)
    if secretary is None or serving is None or not serving[1]:
        return 0
    unit_secretary, members = serving
    grid_id = db.session.scalar(select(Grid.id).where(Grid.community_id == community.id).order_by(Grid.id))

    def need(n: int, days_ago: int):
        content, name = WANTS[n]
        return operations.submit(
            community.id,
            grid_id=grid_id,
            category_id=category_ids[(index + n) % len(category_ids)],
            content=content,
            resident_name=name,
            resident_phone=_phone(index, n),
            now=now - timedelta(days=days_ago),
        )

    def to_unit(n: int, days_ago: int) -> tuple[int, str]:
        found, code = need(n, days_ago)
        at = now - timedelta(days=days_ago, hours=-2)
        operations.dispatch(secretary, found["id"], unit_id=unit_secretary.unit_id, now=at)
        operations.assign(unit_secretary, found["id"], members, at + timedelta(hours=3))
        return found["id"], code

    need(0, 1)  # received: waiting for the secretary
    opened, _ = need(1, 2)  # open: for the community's members to claim
    operations.dispatch(secretary, opened["id"], open_to_members=True, now=now - timedelta(days=2, hours=-1))
    to_unit(2, 3)  # taken
    done_id, _ = to_unit(3, 5)
    operations.mark_done(members[0], done_id, "已上门处理完毕", now - timedelta(days=4))
    rated_id, code = to_unit(4, 8)
    operations.mark_done(members[0], rated_id, "已代购并送药上门", now - timedelta(days=7))
    operations.rate(rated_id, code, 5, "党员服务很贴心，谢谢！", now - timedelta(days=6))
    refused, _ = need(5, 4)
    operations.refuse(secretary, refused["id"], "属于物业公司职责，已转告物业处理", now - timedelta(days=3))
    return 6


def add_demo(now: datetime) -> int:
    """Adds the needs of every community that has none yet; returns how many needs were added."""
    category_ids = list(db.session.scalars(select(ServiceCategory.id).order_by(ServiceCategory.position)))
    if not category_ids:
        return 0
    with transaction():
        done = set(db.session.scalars(select(Need.community_id).distinct()))
        communities = db.session.scalars(select(Community).order_by(Community.id)).all()
        return sum(
            _community_needs(index, community, category_ids, now)
            for index, community in enumerate(communities)
            if community.id not in done
        )
