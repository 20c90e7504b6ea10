"""Reads for the check-in page: which event a scanned code names, before the member taps."""
from app.errors import Refusal
from app.events import codes
from app.events.models import Event
from app.extensions import db


def event_for_token(token: str, signing_key: str) -> Event | None:
    """The event an authentic code names, for showing its title; None for a bad code (the tap will say why)."""
    try:
        claim = codes.read(signing_key, token)
    except Refusal:
        return None
    return db.session.get(Event, claim.event_id)
