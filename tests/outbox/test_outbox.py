"""The outbox: each message sent once, retried with backoff after a failure, given up after the last attempt
or a permanent failure (the reason kept), never sent after it expires; two deliverers at once send each once."""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.outbox.models import OutboxMessage
from app.outbox.operations import BACKOFF, MAX_ATTEMPTS, deliver_due, enqueue
from app.outbox.senders import DeliveryFailed, LogSender, configured_sender
from scheduler.jobs import JOBS

NOW = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


class Recording:
    """Delivers, remembering what it delivered (threads share it)."""

    def __init__(self, pause: float = 0.0):
        self.sent: list[int] = []
        self.pause = pause
        self.lock = threading.Lock()

    def send(self, message):
        time.sleep(self.pause)
        with self.lock:
            self.sent.append(message.id)


class Unreachable:
    """The provider is down: every attempt fails, worth retrying."""

    def send(self, message):
        raise DeliveryFailed("短信网关连接超时")


class BadNumber:
    """The provider refuses the number: retrying cannot help."""

    def send(self, message):
        raise DeliveryFailed("号码无效", permanent=True)


def _queue(app, n=1, **fields):
    with app.app_context():
        for i in range(n):
            enqueue(text=f"消息{i}", phone=f"1380000{i:04d}", dedupe=f"test:{i}", now=NOW, **fields)


def _messages(app):
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return rows


def test_a_message_is_queued_once_per_dedupe_key_and_sent_once(app):
    _queue(app)
    _queue(app)
    sender = Recording()
    with app.app_context():
        assert deliver_due(NOW, sender=sender) == {"sent": 1, "retry": 0, "failed": 0}
        assert deliver_due(NOW + timedelta(hours=1), sender=sender)["sent"] == 0
    [message] = _messages(app)
    assert sender.sent == [message.id]
    assert (message.state, message.attempts, message.sent_at) == ("sent", 1, NOW)


def test_a_failing_sender_is_retried_with_backoff_then_given_up_with_its_reason(app):
    _queue(app)
    now = NOW
    with app.app_context():
        for attempt in range(1, MAX_ATTEMPTS):
            assert deliver_due(now, sender=Unreachable())["retry"] == 1
            [message] = _messages(app)
            assert (message.state, message.attempts) == ("pending", attempt)
            assert message.next_attempt_at == now + BACKOFF[attempt - 1]
            # Not due a second before the wait is over.
            assert deliver_due(message.next_attempt_at - timedelta(seconds=1), sender=Unreachable())["retry"] == 0
            now = message.next_attempt_at
        assert deliver_due(now, sender=Unreachable()) == {"sent": 0, "retry": 0, "failed": 1}
        assert deliver_due(now + timedelta(days=1), sender=Recording()) == {"sent": 0, "retry": 0, "failed": 0}
    [message] = _messages(app)
    assert (message.state, message.attempts, message.last_error) == ("failed", MAX_ATTEMPTS, "短信网关连接超时")


def test_a_recovered_provider_delivers_on_the_next_attempt(app):
    _queue(app)
    with app.app_context():
        deliver_due(NOW, sender=Unreachable())
        sender = Recording()
        assert deliver_due(NOW + BACKOFF[0], sender=sender)["sent"] == 1
    [message] = _messages(app)
    assert (message.state, message.attempts, message.last_error) == ("sent", 2, None)


def test_a_permanent_failure_gives_up_at_once(app):
    _queue(app)
    with app.app_context():
        assert deliver_due(NOW, sender=BadNumber())["failed"] == 1
    [message] = _messages(app)
    assert (message.state, message.attempts, message.last_error) == ("failed", 1, "号码无效")


def test_an_expired_message_is_never_sent(app):
    _queue(app, expires_at=NOW + timedelta(minutes=30))
    sender = Recording()
    with app.app_context():
        deliver_due(NOW, sender=Unreachable())
        assert deliver_due(NOW + timedelta(hours=1), sender=sender)["failed"] == 1
    assert sender.sent == []
    assert _messages(app)[0].last_error == "已过期，未发送"


def test_the_log_sender_is_the_default_and_the_job_uses_it(app, caplog):
    _queue(app)
    with app.app_context():
        assert isinstance(configured_sender(), LogSender)
        with caplog.at_level("INFO", logger="app.outbox.senders"):
            assert "成功 1" in JOBS["deliver_outbox"].run(NOW)
    assert "消息0" in caplog.text and "13800000000" in caplog.text


@pytest.mark.parametrize("app_config", [{"OUTBOX_SENDER": "tests.outbox.test_outbox:BadNumber"}], indirect=True)
def test_a_provider_is_named_by_the_setting(app):
    _queue(app)
    with app.app_context():
        assert type(configured_sender()).__name__ == "BadNumber"
        assert "放弃 1" in JOBS["deliver_outbox"].run(NOW)


def test_two_deliverers_at_once_send_each_message_once(app):
    _queue(app, n=30)
    sender = Recording(pause=0.01)
    start = threading.Barrier(2)
    counts = []

    def deliver():
        with app.app_context():
            start.wait()
            counts.append(deliver_due(NOW, sender=sender)["sent"])

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(sender.sent) == [m.id for m in _messages(app)]
    assert sum(counts) == 30 and all(m.state == "sent" for m in _messages(app))
