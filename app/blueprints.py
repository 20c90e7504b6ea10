"""Every feature's blueprint, in one list: the API under /api/v1, pages at the root, and CLI groups."""
from app.auth.api import blp as auth_api
from app.auth.pages import bp as auth_pages
from app.health import bp as health
from app.points.api import blp as points_api
from app.points.cli import ledger as ledger_cli


def register(app, api, csrf):
    app.register_blueprint(health)
    app.register_blueprint(auth_pages)
    for blp in (auth_api, points_api):
        api.register_blueprint(blp)
        # The API authenticates by bearer token, not by cookie, so cross-site forms cannot ride on it.
        csrf.exempt(blp)
    app.cli.add_command(ledger_cli)
