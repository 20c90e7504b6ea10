"""flask-smorest's Api with the project's error shape, for /api/ paths only (pages keep HTML errors)."""

import logging
from typing import Any, Protocol

import flask_smorest
from flask import request
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException

from app.schemas import Error

log = logging.getLogger(__name__)


def is_api_request() -> bool:
    return request.path.startswith("/api/")


class _Parser(FlaskParser):
    DEFAULT_VALIDATION_STATUS = 400

    def load_json(self, req, schema):
        try:
            return super().load_json(req, schema)
        except (ValueError, RecursionError) as error:
            # Valid JSON that Python will not read: a number of over 4,300 digits, arrays nested thousands deep.
            return self._handle_invalid_json_error(error, req)


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint, its request validation failing with the 400 the API sends (not 422)."""

    ARGUMENTS_PARSER = _Parser()

    def arguments(self, schema, *args, **kwargs):
        # Given a schema class, webargs builds an instance of it on every request (a tenth of a check-in's CPU
        # with its parse); one instance serves them all, as marshmallow's load keeps no state between calls.
        return super().arguments(schema() if isinstance(schema, type) else schema, *args, **kwargs)


class PageErrors(Protocol):
    """How a page (not /api/) shows an error: app.pages, handed over by create_app, because this plumbing
    stands below the pages and must not import them."""

    def error_page(self, status: int, message: str | None = None) -> Any: ...

    def refusal_page(self, refusal: Any, template: str | None = None, **context: Any) -> Any: ...


class Api(flask_smorest.Api):
    # The OpenAPI document describes the errors this API really sends (flask-smorest's own has an integer code).
    ERROR_SCHEMA = Error
    pages: PageErrors

    def handle_http_exception(self, error: HTTPException):
        from app.errors import http_error_response

        if not is_api_request():
            return self.pages.error_page(error.code or 500)
        data = getattr(error, "data", None) or {}
        messages = data.get("messages")
        if (
            messages is None
            and error.code == 400
            and getattr(error, "description", None)
            and "JSON" in str(error.description)
        ):
            messages = {"json": ["Invalid JSON body."]}
        return http_error_response(error.code or 500, messages)

    def _register_error_handlers(self):
        from app.errors import Refusal, http_error_response, refusal_response

        pages = self.pages
        app = self._app
        app.register_error_handler(HTTPException, self.handle_http_exception)
        # A refusal raised on a page (out of scope, not found) is a Chinese page; on the API, the JSON shape.
        app.register_error_handler(
            Refusal, lambda e: refusal_response(e) if is_api_request() else pages.refusal_page(e)
        )

        @app.errorhandler(Exception)
        def unexpected(error):
            from app.outage import DatabaseUnavailable, is_unavailable, release_session

            if is_unavailable(error):
                # Not a bug to trace: the database is down, full or read-only; the client may come back.
                log.warning("database unavailable on %s %s: %s", request.method, request.path, error)
                release_session()
                refusal = DatabaseUnavailable()
                return refusal_response(refusal) if is_api_request() else pages.refusal_page(refusal)
            # Logged with its trace; the client gets the one shape and no internals.
            log.exception("unexpected error on %s %s", request.method, request.path)
            if isinstance(error, HTTPException):
                return self.handle_http_exception(error)
            if is_api_request():
                return http_error_response(500)
            return pages.error_page(500)
