"""The Flask application: `create_app` binds the extensions, the API and the pages."""

import logging

from flask import Flask
from flask.json.provider import DefaultJSONProvider

import config as settings


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(settings.Config.load(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    # Flask declares `app.json` as the JSONProvider base; the one it makes is the default, which has the flag.
    assert isinstance(app.json, DefaultJSONProvider)
    app.json.ensure_ascii = False
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Alembic lists every plugin it loads at INFO: noise on every command.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

    # models: the whole schema, for migrations; outage: its pool listener drops connections the server closed;
    # prepared: PostgreSQL connections keep their prepared statements across the rollback ending each read.
    from app import hosts, models, outage, pages, prepared, security  # noqa: F401
    from app.auth import current, limits
    from app.desk import access
    from app.extensions import api, csrf, db, migrate

    hosts.configure(app)
    db.init_app(app)
    hosts.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    security.init_app(app)
    pages.init_app(app)
    # In this order before each request: who is asking, then the rate limits (per account or per address),
    # then the CSRF check, so that a flood is turned away before anything else is done for it.
    current.init_app(app)
    limits.init_app(app)
    csrf.init_app(app)
    access.init_app(app)
    api.pages = pages
    api.init_app(app)

    from app.blueprints import register

    register(app, api, csrf)
    return app
