"""Base marshmallow schema for the API: unknown fields are ignored, so older clients keep working."""
from marshmallow import EXCLUDE, Schema as _Schema, fields

from ledger.periods import local


class Schema(_Schema):
    class Meta:
        unknown = EXCLUDE
        ordered = True


class LocalDateTime(fields.AwareDateTime):
    """A time in, with its offset (a naive time is refused); out, in China Standard Time (+08:00)."""

    default_error_messages = {"invalid_awareness": "应为带时区的时间（如 2026-11-29T09:00:00+08:00）"}

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else local(value).isoformat()
