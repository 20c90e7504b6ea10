"""/api/v1/ledger and /api/v1/audit: a member's entries, 积分审核 (approve, reject, reverse, in bulk), the queue."""

from flask.views import MethodView
from marshmallow import ValidationError, fields, missing, validate, validates_schema

from app.api_base import Blueprint
from app.auth.current import actor
from app.db import utcnow
from app.points import operations, queries
from app.schemas import CODE_MAX, ID_PATH, MONTH, Id, Limit, Offset, Schema, ScopeQuery, Text
from app.text import visible
from ledger.states import Decision, State
from ledger.words import SOURCES

blp = Blueprint("points", __name__, url_prefix="/api/v1", description="积分台账与积分审核")


class Page(Schema):
    limit = Limit(200, 1000)
    offset = Offset()


class EntryQuery(Page):
    member_id = Id(strict=False)
    period = Text(max=CODE_MAX, metadata=MONTH)
    state = fields.String(validate=validate.OneOf([s.value for s in State]))


class QueueQuery(Page, ScopeQuery):
    """The pending entries a secretary may decide, page by page, optionally of one event, one source or
    one month."""

    event_id = Id(strict=False, metadata={"description": "只看该活动的签到积分"})
    source = fields.String(
        validate=validate.OneOf(list(SOURCES)),
        metadata={"description": "只看该来源：checkin、visit、manual、rule、order"},
    )
    month = Text(max=CODE_MAX, metadata={**MONTH, "description": "只看记入该月（YYYY-MM）的积分"})


class Entry(Schema):
    id = fields.Integer()
    member_id = fields.Integer()
    period = fields.String()
    points = fields.Integer()
    rule = fields.String()
    source = fields.String()
    source_id = fields.Integer(allow_none=True)
    state = fields.String()
    reverses = fields.Integer(allow_none=True)
    created_at = fields.String(metadata={"description": "ISO 8601, +08:00"})
    explanation = fields.String()


class Entries(Schema):
    entries = fields.List(fields.Nested(Entry))


class QueueEntry(Entry):
    member_name = fields.String()
    may_decide = fields.Boolean(metadata={"description": "调用者能否审核该条（本人的积分不能自己审核）"})
    why_not = fields.String(allow_none=True, metadata={"description": "不能审核时的原因"})


class QueueEntries(Schema):
    entries = fields.List(fields.Nested(QueueEntry))


class Reason(Schema):
    # Optional here: the operation asks for it only after checking who is asking (own entry → 403 first).
    reason = Text(allow_none=True, load_default=None, max=500, metadata={"description": "审核意见，可不填"})


class _AskedAfterWho(Text):
    """Text the document marks required, as no call succeeds without it, but that loading lets through
    missing: the operation refuses it (`reason_required`) only after checking who asks (own entry: 403 first)."""

    def __init__(self, **kwargs):
        super().__init__(required=True, allow_none=True, **kwargs)
        self.load_default = None

    def _validate_missing(self, value):
        if value is not missing:
            super()._validate_missing(value)


class RequiredReason(Schema):
    reason = _AskedAfterWho(max=500, metadata={"description": "驳回或冲正的原因，须填写"})


class Bulk(Reason):
    ids = fields.List(Id(required=True), required=True, validate=validate.Length(min=1, max=500))
    action = fields.String(required=True, validate=validate.OneOf([Decision.APPROVE.value, Decision.REJECT.value]))

    @validates_schema
    def reject_needs_reason(self, data, **_):
        if data.get("action") == Decision.REJECT.value and not visible(data.get("reason")):
            raise ValidationError("驳回须填写原因", "reason")


class Refused(Schema):
    id = fields.Integer()
    code = fields.String()
    message = fields.String()


class BulkResult(Schema):
    done = fields.List(fields.Integer())
    refused = fields.List(fields.Nested(Refused))


@blp.route("/ledger/entries")
class LedgerEntries(MethodView):
    @blp.doc(operationId="listEntries")
    @blp.arguments(EntryQuery, location="query")
    @blp.response(200, Entries)
    def get(self, args):
        """积分明细: a member's entries, oldest first, each with a sentence saying why.

        Without member_id: a member gets their own entries, a secretary those of every member of their
        community or work unit, an admin everyone's (page with limit/offset)."""
        return {"entries": queries.entries(actor(), **args)}


class Decide(MethodView):
    def post(self, body, entry_id, action):
        """积分审核: approve or reject (with a reason) a pending entry."""
        operations.decide(actor(), entry_id, action, body["reason"], utcnow())
        return queries.entry(actor(), entry_id)


# Two paths, each with its own body, so a generated client has approve_entry and reject_entry; the URLs are
# those the one `/<any(approve, reject):action>` route answered before.
@blp.route(f"/ledger/entries/<{ID_PATH}:entry_id>/approve")
class Approve(Decide):
    @blp.doc(operationId="approveEntry")
    @blp.arguments(Reason, required=False)
    @blp.response(200, Entry)
    def post(self, body, entry_id):
        """积分审核（通过）: a pending entry is posted; approving a posted entry changes nothing."""
        return super().post(body, entry_id, Decision.APPROVE.value)


@blp.route(f"/ledger/entries/<{ID_PATH}:entry_id>/reject")
class Reject(Decide):
    @blp.doc(operationId="rejectEntry")
    @blp.arguments(RequiredReason)
    @blp.response(200, Entry)
    def post(self, body, entry_id):
        """积分审核（驳回）: a pending entry is rejected, with the reason the member will read."""
        return super().post(body, entry_id, Decision.REJECT.value)


@blp.route(f"/ledger/entries/<{ID_PATH}:entry_id>/reverse")
class Reverse(MethodView):
    @blp.doc(operationId="reverseEntry")
    @blp.arguments(RequiredReason)
    @blp.response(200, Entry)
    def post(self, body, entry_id):
        """冲正: a posted entry is taken back by a new entry in the open month, naming it and the reason."""
        reversal = operations.reverse(actor(), entry_id, body["reason"], utcnow())
        return queries.entry(actor(), reversal.entry_id)


@blp.route("/ledger/entries/bulk")
class BulkDecide(MethodView):
    @blp.doc(operationId="decideEntries")
    @blp.arguments(Bulk)
    @blp.response(200, BulkResult)
    def post(self, body):
        """批量审核: each id decided on its own; the refused ones say why."""
        done, refused = operations.decide_each(actor(), body["ids"], body["action"], body["reason"], utcnow())
        return {"done": done, "refused": refused}


@blp.route("/audit/queue")
class AuditQueue(MethodView):
    @blp.doc(operationId="getAuditQueue")
    @blp.arguments(QueueQuery, location="query")
    @blp.response(200, QueueEntries)
    def get(self, args):
        """待审核: pending entries in scope, oldest first; a secretary naming no scope gets their own."""
        return {"entries": queries.audit_queue(actor(), **args)}
