"""Every feature's blueprint, in one list: the API under /api/v1, pages at the root, and CLI groups."""
from app.auth.api import blp as auth_api
from app.auth.pages import bp as auth_pages
from app.checkins.api import blp as checkins_api
from app.checkins.pages import bp as checkin_pages
from app.duty.api import blp as duty_api
from app.duty.cli import cli as duty_cli
from app.events.api import blp as events_api
from app.events.pages import bp as event_pages
from app.health import bp as health
from app.pairing.api import blp as pairing_api
from app.stats.api import blp as stats_api
from app.visits.api import blp as visits_api


def register(app, api, csrf):
    app.register_blueprint(health)
    app.register_blueprint(auth_pages)
    app.register_blueprint(checkin_pages)
    app.register_blueprint(event_pages)
    app.cli.add_command(duty_cli)
    for blp in (auth_api, events_api, checkins_api, pairing_api, visits_api, duty_api, stats_api):
        api.register_blueprint(blp)
        # The API authenticates by bearer token, not by cookie, so cross-site forms cannot ride on it.
        csrf.exempt(blp)
