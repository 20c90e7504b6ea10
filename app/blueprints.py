"""Every feature's blueprint, in one list: the API under /api/v1, pages at the root, and CLI groups."""
from app.auth.api import blp as auth_api
from app.auth.pages import bp as auth_pages
from app.duty.api import blp as duty_api
from app.duty.cli import cli as duty_cli
from app.health import bp as health
from app.pairing.api import blp as pairing_api
from app.periods.api import blp as periods_api
from app.periods.cli import period_cli
from app.rankings.api import blp as rankings_api
from app.reports.api import blp as reports_api
from app.reports.cli import report_cli
from app.rankings.pages import bp as board_pages
from app.stats.api import blp as stats_api
from app.visits.api import blp as visits_api


def register(app, api, csrf):
    app.register_blueprint(health)
    app.register_blueprint(auth_pages)
    app.register_blueprint(board_pages)
    app.cli.add_command(duty_cli)
    app.cli.add_command(period_cli)
    app.cli.add_command(report_cli)
    for blp in (auth_api, pairing_api, visits_api, duty_api, stats_api, rankings_api, periods_api, reports_api):
        api.register_blueprint(blp)
        # The API authenticates by bearer token, not by cookie, so cross-site forms cannot ride on it.
        csrf.exempt(blp)
