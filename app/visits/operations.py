"""Logging a visit to a paired household (入户走访, 四必访): once per member, household and day, with its
ledger entry in the same transaction. The note is private and never logged."""

import logging
from datetime import date, datetime, timedelta

from sqlalchemy import select

from app.db import insert, transaction
from app.errors import Forbidden, Refusal
from app.extensions import db
from app.idempotency import require_same_target
from app.org.settings import county_settings
from app.pairing.models import Pairing
from app.pairing.queries import active_pairings
from app.points.models import EntryStatus
from app.points.operations import append_entry, lock_member
from app.visits.models import NOTE_MAX, Visit
from ledger import periods
from ledger.explain import date_words
from ledger.words import VISIT_CATEGORIES

log = logging.getLogger(__name__)

KEY_LENGTH = Visit.idempotency_key.type.length


def _check(category: str, visited_on: date, note: str | None, idempotency_key: str | None, now: datetime) -> None:
    if category not in VISIT_CATEGORIES:
        raise Refusal("invalid_category", "走访类别应为：" + "、".join(VISIT_CATEGORIES.values()))
    if note is not None and len(note) > NOTE_MAX:
        raise Refusal("note_too_long", f"走访备注不能超过{NOTE_MAX}个字")
    today = periods.local(now).date()
    if visited_on > today:
        raise Refusal("future_date", "走访日期不能晚于今天", status=409)
    # However late a visit is logged it lands in an open month; the bound keeps it from reaching back to a
    # month whose cap was never used (a visit "on 1900-01-01" earned a fresh month of points).
    max_age = county_settings().visit_max_age_days
    oldest = today - timedelta(days=max_age)
    if visited_on < oldest:
        raise Refusal("too_old", f"只能登记最近{max_age}天内的走访（{date_words(oldest)}及以后）", status=409)
    if idempotency_key is not None and not 0 < len(idempotency_key) <= KEY_LENGTH:
        raise Refusal("invalid_idempotency_key", f"Idempotency-Key 应为 1–{KEY_LENGTH} 个字符")


def _answer(visit_id: int) -> dict:
    entry_id = db.session.scalar(
        select(EntryStatus.entry_id).where(EntryStatus.source == "visit", EntryStatus.source_id == visit_id)
    )
    return {"visit_id": visit_id, "entry_id": entry_id}


def log_visit(
    member_id: int,
    household_id: int,
    category: str,
    visited_on: date,
    note: str | None,
    idempotency_key: str | None,
    now: datetime,
) -> tuple[dict, bool]:
    """A member's visit to a household paired with them; (visit_id and entry_id, whether it is new).

    The same member, household and day again, or the same Idempotency-Key for them, answers the first visit:
    a phone that retries on a bad connection must not earn twice. The key sent for another household or
    day is refused (idempotency_key_reused)."""
    _check(category, visited_on, note, idempotency_key, now)
    with transaction():
        lock_member(member_id)  # one member's retries take turns, so the checks below hold until commit
        if idempotency_key is not None:
            replayed = db.session.scalars(
                select(Visit).where(Visit.member_id == member_id, Visit.idempotency_key == idempotency_key)
            ).first()
            if replayed is not None:
                require_same_target((replayed.household_id, replayed.visited_on) == (household_id, visited_on))
                return _answer(replayed.id), False
        paired = db.session.scalar(
            active_pairings().where(Pairing.member_id == member_id, Pairing.household_id == household_id)
        )
        if paired is None:
            raise Forbidden("只能登记与本人结对住户的走访", code="not_paired")
        visit_id = db.session.scalar(
            insert(Visit)
            .values(
                member_id=member_id,
                household_id=household_id,
                category=category,
                visited_on=visited_on,
                note=note,
                idempotency_key=idempotency_key,
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=["member_id", "household_id", "visited_on"])
            .returning(Visit.id)
        )
        if visit_id is None:
            # The insert met the same day's visit, so it is there.
            same_day = db.session.execute(
                select(Visit.id).where(
                    Visit.member_id == member_id, Visit.household_id == household_id, Visit.visited_on == visited_on
                )
            ).scalar_one()
            return _answer(same_day), False
        entry = append_entry(
            member_id,
            natural_period=periods.month_of_date(visited_on),
            source="visit",
            source_id=visit_id,
            now=now,
            category=category,
        )
        answer = {"visit_id": visit_id, "entry_id": entry.id}
    log.info("visit %s: member %s, household %s, %s on %s", visit_id, member_id, household_id, category, visited_on)
    return answer, True
