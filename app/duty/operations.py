"""Recording each closed quarter's duty outcome once (季度报到结果存档), so later changes to members or
entries do not rewrite what a quarter was judged to be."""

import logging
from datetime import datetime

from sqlalchemy import func, select

from app.db import insert, transaction
from app.duty.models import QuarterOutcome
from app.duty.queries import quarter_duty
from app.errors import Refusal
from app.extensions import db
from ledger import periods

log = logging.getLogger(__name__)

BATCH = 1000


def record_quarter(quarter: str, now: datetime) -> dict:
    """Writes every active member's outcome for an ended quarter; members already recorded keep theirs.

    Returns {"quarter", "recorded" (new rows), "members", "met"} over the quarter's stored outcomes."""
    periods.parse_quarter(quarter)
    end = periods.bounds(quarter)[1]
    if now < end:
        raise Refusal("quarter_not_ended", f"{quarter} 尚未结束，不能存档", status=409)
    with transaction():
        rows = [
            {
                "quarter": quarter,
                "member_id": m["member_id"],
                "met": m["met"],
                "community_id": m["community_id"],
                "unit_id": m["unit_id"],
                "recorded_at": now,
            }
            for m in quarter_duty(quarter)
        ]
        recorded = 0
        # In slices: one statement's bound parameters are limited (SQLite 32,766), a county is thousands of members.
        for at in range(0, len(rows), BATCH):
            recorded += len(
                db.session.execute(
                    insert(QuarterOutcome)
                    .values(rows[at : at + BATCH])
                    .on_conflict_do_nothing(index_elements=["quarter", "member_id"])
                    .returning(QuarterOutcome.member_id)
                ).all()
            )
        members, met = db.session.execute(
            select(func.count(), func.count().filter(QuarterOutcome.met)).where(QuarterOutcome.quarter == quarter)
        ).one()
    log.info("quarter %s recorded: %s new outcomes", quarter, recorded)
    return {"quarter": quarter, "recorded": recorded, "members": members, "met": met}
