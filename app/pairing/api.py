"""/api/v1/pairings, /api/v1/households and /api/v1/me/households: the 1+10 pairings (帮联)."""

from flask.views import MethodView
from marshmallow import fields

from app.api_base import Blueprint
from app.auth.current import actor, member_actor
from app.db import utcnow
from app.pairing import operations, queries
from app.schemas import ID_PATH, Id, LocalDateTime, Schema

blp = Blueprint("pairing", __name__, url_prefix="/api/v1", description="1+10 帮联：党员与住户结对")

FLAGS = ("hardship", "sickness", "abnormal_family", "dispute")


class PairRequest(Schema):
    member_id = Id(required=True)
    household_id = Id(required=True)


class PairingMoveRequest(Schema):
    member_id = Id(required=True)


class PairingCommunityRequest(Schema):
    community_id = Id(required=True)


class PairingCommunityQuery(Schema):
    community_id = Id(strict=False, required=True)


class PairingResponse(Schema):
    pairing_id = fields.Integer()
    member_id = fields.Integer()
    household_id = fields.Integer()
    started_at = LocalDateTime()
    ended_at = LocalDateTime(allow_none=True)


class AutoPairResponse(Schema):
    community_id = fields.Integer()
    target = fields.Integer()
    pairings = fields.Integer(metadata={"description": "新建的结对数"})
    members = fields.Integer(metadata={"description": "新分到住户的党员数"})
    below_target = fields.Integer(metadata={"description": "仍未达到目标户数的党员数"})


class BelowTargetMember(Schema):
    member_id = fields.Integer()
    name = fields.String()
    households = fields.Integer()


class BelowTargetResponse(Schema):
    target = fields.Integer()
    members = fields.List(fields.Nested(BelowTargetMember))


class HouseholdView(Schema):
    id = fields.Integer()
    address = fields.String()
    grid = fields.String(allow_none=True)
    head_name = fields.String(allow_none=True)
    flags = fields.List(fields.String(), metadata={"description": "|".join(FLAGS)})
    note = fields.String(allow_none=True)


class HouseholdWithMember(HouseholdView):
    member_id = fields.Integer(allow_none=True)
    member = fields.String(allow_none=True)


class HouseholdsResponse(Schema):
    households = fields.List(fields.Nested(HouseholdView))


class CommunityHouseholdsResponse(Schema):
    households = fields.List(fields.Nested(HouseholdWithMember))


@blp.route("/pairings")
class Pairings(MethodView):
    @blp.doc(operationId="createPairing")
    @blp.arguments(PairRequest)
    @blp.response(201, PairingResponse)
    @blp.alt_response(200, schema=PairingResponse, description="已结对：原来的结对")
    def post(self, body):
        """Pair a member with a household of their residence community (a secretary of it, an admin)."""
        pairing, created = operations.pair(actor(), body["member_id"], body["household_id"], utcnow())
        return pairing, 201 if created else 200


@blp.route(f"/pairings/<{ID_PATH}:pairing_id>")
class PairingById(MethodView):
    @blp.doc(operationId="endPairing")
    @blp.response(200, PairingResponse)
    def delete(self, pairing_id):
        """End a pairing; it stays on record with its ended_at."""
        return operations.end(actor(), pairing_id, utcnow())


@blp.route(f"/pairings/<{ID_PATH}:pairing_id>/move")
class PairingMove(MethodView):
    @blp.doc(operationId="movePairing")
    @blp.arguments(PairingMoveRequest)
    @blp.response(201, PairingResponse)
    def post(self, body, pairing_id):
        """Hand the household to another member: the old pairing ends, the new one starts, in one go."""
        return operations.move(actor(), pairing_id, body["member_id"], utcnow())


@blp.route("/pairings/auto")
class PairingAuto(MethodView):
    @blp.doc(operationId="autoPair")
    @blp.arguments(PairingCommunityRequest)
    @blp.response(200, AutoPairResponse)
    def post(self, body):
        """Fill every member of the community up to the target: same grid first, then the rest."""
        return operations.auto_pair(actor(), body["community_id"], utcnow())


@blp.route("/pairings/below-target")
class PairingsBelowTarget(MethodView):
    @blp.doc(operationId="listMembersBelowTarget")
    @blp.arguments(PairingCommunityQuery, location="query")
    @blp.response(200, BelowTargetResponse)
    def get(self, query):
        """Members of the community paired with fewer households than the county's target."""
        return queries.below_target(actor(), query["community_id"])


@blp.route("/households")
class Households(MethodView):
    @blp.doc(operationId="listHouseholds")
    @blp.arguments(PairingCommunityQuery, location="query")
    @blp.response(200, CommunityHouseholdsResponse)
    def get(self, query):
        """A community's households and who is paired with each (its secretary, an admin)."""
        return {"households": queries.community_households(actor(), query["community_id"])}


@blp.route(f"/households/<{ID_PATH}:household_id>")
class HouseholdById(MethodView):
    @blp.doc(operationId="getHousehold")
    @blp.response(200, HouseholdWithMember)
    def get(self, household_id):
        """One household: its paired member, its community's secretary, an admin."""
        return queries.household(actor(), household_id)


@blp.route("/me/households")
class MyHouseholds(MethodView):
    @blp.doc(operationId="listMyHouseholds")
    @blp.response(200, HouseholdsResponse)
    def get(self):
        """The households paired with the calling member."""
        return {"households": queries.my_households(member_actor().member_id)}
