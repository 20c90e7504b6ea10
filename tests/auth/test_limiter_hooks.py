"""The private parts of Flask-Limiter 4.1.1 that app/auth/limits.py leans on to count a request cheaply, each
held to Flask-Limiter's own answers, so that an upgrade that changes one fails here (the in-memory
fallback's: test_limiter_fallback.py)."""

from flask_limiter import Limiter
from flask_limiter._manager import LimitManager
from flask_limiter.util import get_qualified_name


def _answers(manager, app, resolve) -> dict:
    """What `resolve` (a LimitManager's method or ours) answers for every endpoint of the app."""
    answers = {}
    for endpoint, view in app.view_functions.items():
        blueprint = endpoint.rpartition(".")[0] or None
        for in_middleware in (True, False):
            limits = resolve(manager, app, endpoint, blueprint, get_qualified_name(view), in_middleware, False)
            answers[endpoint, in_middleware] = limits
    return answers


def test_the_limit_manager_answers_as_flask_limiters_own_for_every_endpoint(app):
    limiter = app.extensions["rate_limiter"]
    manager = limiter.limit_manager
    with app.test_request_context("/api/v1/me"):
        ours = _answers(manager, app, type(manager).resolve_limits)
        assert ours == _answers(manager, app, LimitManager.resolve_limits)
        assert {endpoint: manager.exemption_scope(app, endpoint, None) for endpoint in app.view_functions} == {
            endpoint: LimitManager.exemption_scope(manager, app, endpoint, None) for endpoint in app.view_functions
        }
        assert all(defaults for defaults, decorated in ours.values())
        # Once a route is declared exempt, it answers as Flask-Limiter does again.
        limiter.exempt(app.view_functions["me.Me"])
        exempted = _answers(manager, app, type(manager).resolve_limits)
        assert exempted == _answers(manager, app, LimitManager.resolve_limits)
        assert exempted["me.Me", True] == ([], [])


def test_the_request_state_is_the_one_flask_limiter_keeps(app):
    limiter = app.extensions["rate_limiter"]
    with app.test_request_context("/"):
        assert limiter.context is Limiter.context.fget(limiter)
    with app.test_request_context("/"):
        kept = Limiter.context.fget(limiter)
        assert limiter.context is kept
