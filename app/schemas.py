"""Base marshmallow schema for the API: unknown fields are ignored, so older clients keep working."""
from marshmallow import EXCLUDE, Schema as _Schema


class Schema(_Schema):
    class Meta:
        unknown = EXCLUDE
        ordered = True
