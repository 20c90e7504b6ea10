"""The event's printable files (二维码, A4 海报) as HTTP answers: one renderer for the API's bearer routes
and the desk's session routes alike, so both hand out the same code under the same key."""

from flask import Response

from app.events import poster, qr, queries
from app.events.codes import signing_key


def _file(body: bytes, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    # The code changes when its key is rotated: never serve an old one from a cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def _printed_url(actor, event_id: int) -> tuple[queries.Code, str]:
    code = queries.printed_code(actor, event_id, signing_key())
    return code, qr.checkin_url(code.token)


def qr_png(actor, event_id: int) -> Response:
    return _file(qr.png(_printed_url(actor, event_id)[1]), "image/png")


def qr_svg(actor, event_id: int) -> Response:
    return _file(qr.svg(_printed_url(actor, event_id)[1]), "image/svg+xml")


def poster_pdf(actor, event_id: int) -> Response:
    code, url = _printed_url(actor, event_id)
    response = _file(poster.render(code.event, url), "application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="event-{event_id}-poster.pdf"'
    return response
