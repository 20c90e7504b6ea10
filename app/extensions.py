"""The Flask extensions, created unbound here and bound to an app in `create_app`."""

from typing import TYPE_CHECKING

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from app.api_base import Api
from app.hosts import RoutedSession


class Base(DeclarativeBase):
    # Named constraints, so Alembic migrations read the same on SQLite and PostgreSQL.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


# RoutedSession: the public reads may go to a replica (app.hosts).
db = SQLAlchemy(model_class=Base, session_options={"class_": RoutedSession})

# The models' base class. At run time it is `db.Model` itself (so `db.create_all()` and
# Alembic see every table); Flask-SQLAlchemy types `db.Model` as a plain attribute, which
# mypy cannot use as a base class, so the checker is told it is `Base`, which it subclasses.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate(render_as_batch=True)
csrf = CSRFProtect()
api = Api()
