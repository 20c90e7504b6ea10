"""Every feature's blueprint, in one list: the API under /api/v1, pages at the root, and CLI groups."""
from app.auth.api import blp as auth_api
from app.auth.pages import bp as auth_pages
from app.health import bp as health
from app.periods.api import blp as periods_api
from app.periods.cli import period_cli
from app.rankings.api import blp as rankings_api
from app.rankings.pages import bp as board_pages


def register(app, api, csrf):
    app.register_blueprint(health)
    app.register_blueprint(auth_pages)
    app.register_blueprint(board_pages)
    for blp in (auth_api, rankings_api, periods_api):
        api.register_blueprint(blp)
        # The API authenticates by bearer token, not by cookie, so cross-site forms cannot ride on it.
        csrf.exempt(blp)
    app.cli.add_command(period_cli)
