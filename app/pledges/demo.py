"""The demo county's pledges: two members of each community pledge for the year and mark a progress; in the
review window their community's secretary reviews them. Through the operations, so the demo keeps the rules."""

from datetime import datetime

from sqlalchemy import func, select

from app.auth.models import Account
from app.catalogue.queries import category_names
from app.checkins.models import Checkin
from app.db import transaction
from app.events.models import Event
from app.extensions import db
from app.members.models import Member
from app.pledges import operations
from app.pledges.models import Pledge, PledgeReview
from app.pledges.queries import review_window, year_bounds
from ledger import periods

PER_COMMUNITY = 2
# What a member pledges, by the catalogue's category (a category missing here gets a plain line).
TEXTS = {
    "政策宣传": "每季度在小区宣讲一次惠民政策",
    "文明倡导": "带头做好垃圾分类，劝导楼道文明",
    "民意收集": "每月入户走访联系户，收集意见建议",
    "义诊": "参加社区健康义诊不少于两次",
    "关爱帮扶": "结对关爱一户空巢老人",
    "环境整治": "参加小区卫生大扫除",
    "平安建设": "参加一次治安巡逻",
}
GRADES = ("excellent", "good")


def _text(category: str) -> str:
    return TEXTS.get(category, f"在{category}方面为群众办一件实事")


def add_demo(now: datetime) -> int:
    """Adds the demo's pledges, progress and reviews of `now`'s year; run again, adds nothing. Answers the
    pledge, progress and review rows added (each review also leaves its action-log row)."""
    categories = category_names()
    if not categories:
        return 0
    year = periods.local(now).year
    today = periods.local(now).date()
    added = 0
    with transaction():
        # The first members of each community, by id: one query for the county, however many members it has.
        place = func.row_number().over(partition_by=Member.community_id, order_by=Member.id).label("place")
        ranked = select(Member.id, Member.community_id, place).where(Member.active.is_(True)).subquery()
        chosen = db.session.execute(
            select(ranked.c.id, ranked.c.community_id, Account)
            .join(Account, Account.member_id == ranked.c.id)
            .where(ranked.c.place <= PER_COMMUNITY)
            .order_by(ranked.c.id)
        ).all()
        ids = [member_id for member_id, _, _ in chosen]
        pledged = set(
            db.session.scalars(select(Pledge.member_id).where(Pledge.member_id.in_(ids), Pledge.year == year))
        )
        reviewed = set(
            db.session.scalars(
                select(PledgeReview.member_id).where(PledgeReview.member_id.in_(ids), PledgeReview.year == year)
            )
        )
        start, end = year_bounds(year)
        # Each member's latest check-in of the year, to link their progress to (the last row per member wins).
        last_checkin = {
            row.member_id: (row.id, row.starts_at)
            for row in db.session.execute(
                select(Checkin.member_id, Checkin.id, Event.starts_at)
                .join(Event, Event.id == Checkin.event_id)
                .where(Checkin.member_id.in_(ids), Event.starts_at >= start, Event.starts_at < end)
                .order_by(Event.starts_at, Checkin.id)
            )
        }
        secretaries = {
            a.community_id: a
            for a in db.session.scalars(
                select(Account).where(Account.role == "secretary", Account.community_id.is_not(None))
            )
        }
        opens, closes = review_window(year)
        for n, (member_id, community_id, account) in enumerate(chosen):
            if member_id not in pledged:
                first_category = categories[n % len(categories)]
                first = operations.add_pledge(account, year, first_category, _text(first_category), now)
                second_category = categories[(n + 3) % len(categories)]
                operations.add_pledge(account, year, second_category, _text(second_category), now)
                checkin_id, starts_at = last_checkin.get(member_id, (None, now))
                on = periods.local(starts_at).date()
                operations.mark_progress(
                    account, first.id, min(on, today), "按承诺参加社区活动，为群众服务", now, checkin_id=checkin_id
                )
                added += 3
            secretary = secretaries.get(community_id)
            if (
                member_id not in reviewed
                and secretary is not None
                and secretary.member_id != member_id
                and opens <= now < closes
            ):
                operations.review(secretary, member_id, year, GRADES[n % 2], "承诺具体，践诺扎实，群众认可", now)
                added += 1
    return added
