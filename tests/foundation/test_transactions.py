"""One unit of work per public operation: a transaction opened inside another joins it."""

import pytest
from sqlalchemy import select

from app.db import transaction
from app.extensions import db
from app.models import Unit


def _units(name):
    return db.session.scalars(select(Unit).where(Unit.name == name)).all()


def test_an_operation_inside_another_lands_in_the_outer_commit_or_in_none(app, make):
    make.county()
    with app.app_context():
        with pytest.raises(RuntimeError), transaction():
            with transaction():
                db.session.add(Unit(name="内层单位", party_org="内层单位党支部"))
            raise RuntimeError("the outer operation fails after the inner one ended")
        assert _units("内层单位") == []


def test_the_outermost_transaction_commits(app, make):
    make.county()
    with app.app_context():
        with transaction(), transaction():
            db.session.add(Unit(name="内层单位", party_org="内层单位党支部"))
        db.session.rollback()
        assert len(_units("内层单位")) == 1
