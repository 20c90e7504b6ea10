"""GET /healthz: the process is up and the database answers."""

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.errors import refusal_response
from app.extensions import db
from app.outage import DatabaseUnavailable, release_session

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        # A monitor reads JSON, whatever the error: no answer from the database is not healthy.
        release_session()
        return refusal_response(DatabaseUnavailable())
    return jsonify({"status": "ok"})
