"""How an outbox message leaves the site: one `Sender` interface, and the log sender this machine can run.

No SMS or WeChat provider is reachable from here, so none is shipped: a provider's sender is a class with
`send(message)` named in the setting OUTBOX_SENDER as "package.module:Class"."""

import importlib
import logging
from typing import Protocol

from flask import current_app

from app.outbox.models import OutboxMessage

log = logging.getLogger(__name__)


class DeliveryFailed(Exception):
    """The sender could not deliver: `permanent` when retrying cannot help (a bad number, a refused template)."""

    def __init__(self, reason: str, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class Sender(Protocol):
    def send(self, message: OutboxMessage) -> None:
        """Deliver the message or raise DeliveryFailed."""


class LogSender:
    """Writes the message to the log: the record of what would have gone out, and all this machine can do."""

    def send(self, message: OutboxMessage) -> None:
        log.info(
            "outbox %s %s to %s: %s",
            message.id,
            message.channel,
            message.phone or f"account {message.account_id}",
            message.text,
        )


SENDERS: dict[str, type] = {"log": LogSender}


def configured_sender() -> Sender:
    """The sender the setting OUTBOX_SENDER names: "log" (the default) or "package.module:Class"."""
    name = current_app.config.get("OUTBOX_SENDER") or "log"
    if name in SENDERS:
        return SENDERS[name]()
    module, _, attribute = name.partition(":")
    if not attribute:
        raise RuntimeError(f"OUTBOX_SENDER 设置无效：{name}（应为 log 或 包.模块:类名）")
    return getattr(importlib.import_module(module), attribute)()
