"""Points for ranking, close and report tests: real entries through the ledger's one write path."""
from datetime import datetime, timezone

import pytest

from app.db import transaction
from app.points import operations

OCTOBER = datetime(2026, 10, 20, 2, 0, tzinfo=timezone.utc)
# 2026-11-06 10:00 in Asia/Shanghai: October has ended and its audit day (the 5th) has passed.
AFTER_OCTOBER = datetime(2026, 11, 6, 2, 0, tzinfo=timezone.utc)
POINTS = {"return_day": 5, "service": 3}


@pytest.fixture(autouse=True)
def fresh_rankings(app):
    """Rankings are read straight from the database unless a test asks for the cache."""
    app.config["RANKING_CACHE_SECONDS"] = 0


def earn(app, member, *kinds, period="2026-10", now=OCTOBER) -> list[int]:
    """Posted check-in entries for `member`, one per kind: "return_day" is 5 points, "service" 3."""
    with app.app_context(), transaction():
        return [operations.append_entry(member.id, natural_period=period, source="checkin", source_id=None,
                                        now=now, kind=kind).id for kind in kinds]


def claim_visit(app, member, *, period="2026-10", now=OCTOBER) -> int:
    """A visit entry, which waits for a secretary's audit (pending, 3 points)."""
    with app.app_context(), transaction():
        return operations.append_entry(member.id, natural_period=period, source="visit", source_id=None,
                                       now=now, category="hardship").id


def ten_eight_eight_five(app, make, community=None, unit=None):
    """Four members on 10, 8, 8 and 5 points in October: ranks 1, 2, 2, 4."""
    members = [make.member(community, unit) for _ in range(4)]
    for member, kinds in zip(members, (("return_day", "return_day"), ("return_day", "service"),
                                       ("service", "return_day"), ("return_day",))):
        earn(app, member, *kinds)
    return members
