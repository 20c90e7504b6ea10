"""Queueing outbox messages and delivering what is due: the one write path of the outbox."""

import logging
from datetime import datetime, timedelta

from sqlalchemy import select

from app.db import insert, transaction
from app.extensions import db
from app.outbox.models import CHANNELS, TEXT_MAX, OutboxMessage
from app.outbox.senders import DeliveryFailed, Sender, configured_sender

log = logging.getLogger(__name__)

# The wait after the 1st, 2nd... failed attempt; one more failure after the last wait gives up.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
ERROR_MAX = 500


def enqueue(
    *,
    text: str,
    now: datetime,
    phone: str | None = None,
    account_id: int | None = None,
    channel: str = "sms",
    dedupe: str | None = None,
    expires_at: datetime | None = None,
) -> bool:
    """Queue one message (once per dedupe key); True when it is new. Joins the caller's transaction."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel}")
    with transaction():
        added = db.session.execute(
            insert(OutboxMessage)
            .values(
                phone=phone,
                account_id=account_id,
                channel=channel,
                text=text[:TEXT_MAX],
                state="pending",
                attempts=0,
                next_attempt_at=now,
                expires_at=expires_at,
                dedupe=dedupe,
                created_at=now,
            )
            .on_conflict_do_nothing()
            .returning(OutboxMessage.id)
        ).all()
    return bool(added)


def _claim(now: datetime) -> OutboxMessage | None:
    # SKIP LOCKED: a second deliverer running beside this one takes the next message instead of waiting for
    # this one, and once this one is committed as sent it no longer matches. SQLite's writer lock serialises.
    return db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.state == "pending", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()


def _fail(message: OutboxMessage, reason: str, permanent: bool, now: datetime) -> None:
    message.last_error = reason[:ERROR_MAX]
    if permanent or message.attempts >= MAX_ATTEMPTS:
        message.state = "failed"
        log.warning("outbox %s given up after %s attempts: %s", message.id, message.attempts, reason)
    else:
        message.next_attempt_at = now + BACKOFF[message.attempts - 1]


def deliver_one(now: datetime, sender: Sender) -> OutboxMessage | None:
    """Send the next due message, in its own transaction: sent, or put back for later, or given up."""
    with transaction():
        message = _claim(now)
        if message is None:
            return None
        if message.expires_at is not None and message.expires_at <= now:
            message.last_error = "已过期，未发送"
            message.state = "failed"
            return message
        message.attempts += 1
        try:
            sender.send(message)
        except DeliveryFailed as failure:
            _fail(message, failure.reason, failure.permanent, now)
        else:
            message.state = "sent"
            message.sent_at = now
            message.last_error = None
    return message


def deliver_due(now: datetime, *, sender: Sender | None = None, limit: int = 1000) -> dict:
    """发送: every message due by `now`, at most `limit` in one run. Returns counts by outcome."""
    sender = sender or configured_sender()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for _ in range(limit):
        message = deliver_one(now, sender)
        if message is None:
            break
        counts["retry" if message.state == "pending" else message.state] += 1
    return counts
