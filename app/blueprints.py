"""Every feature's blueprint, in one list: the API under /api/v1, pages at the root, and CLI groups."""
from app.auth.api import blp as auth_api
from app.auth.pages import bp as auth_pages
from app.demo.cli import demo
from app.health import bp as health
from app.members.api import blp as members_api
from app.members.cli import members


def register(app, api, csrf):
    app.register_blueprint(health)
    app.register_blueprint(auth_pages)
    for blp in (auth_api, members_api):
        api.register_blueprint(blp)
        # The API authenticates by bearer token, not by cookie, so cross-site forms cannot ride on it.
        csrf.exempt(blp)
    app.cli.add_command(demo)
    app.cli.add_command(members)
