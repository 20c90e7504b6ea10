"""Reads for the check-in page: which event a scanned code names, before the member taps."""
from flask import current_app

from app.checkins import tokens
from app.errors import Refusal
from app.events.models import Event
from app.extensions import db


def event_for_token(token: str) -> Event | None:
    """The event an authentic code names, for showing its title; None for a bad code (the tap will say why)."""
    try:
        claim = tokens.read(current_app.config["SECRET_KEY"], token)
    except Refusal:
        return None
    return db.session.get(Event, claim.event_id)
