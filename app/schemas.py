"""Base marshmallow schema for the API: unknown fields are ignored, so older clients keep working."""
from marshmallow import EXCLUDE, Schema as _Schema, fields


class Schema(_Schema):
    class Meta:
        unknown = EXCLUDE
        ordered = True


class ScopeQuery(Schema):
    """?community_id= / ?unit_id=: the community or work unit a secretary's view is cut to."""

    community_id = fields.Integer()
    unit_id = fields.Integer()
