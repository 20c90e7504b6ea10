"""The action log is written inside the act's transaction and is never changed afterwards."""

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DatabaseError

from app.action_log import operations
from app.action_log.models import ActionLogEntry
from app.db import transaction
from app.extensions import db


def test_an_act_leaves_one_row_naming_who_and_what(ctx, make):
    secretary = make.secretary()
    with transaction():
        operations.record(secretary, "event.rotate_key", "活动#1 回家日", old_codes=3)
    row = db.session.scalars(select(ActionLogEntry)).one()
    assert (row.account_id, row.account_name, row.role) == (secretary.id, secretary.name, "secretary")
    assert (row.action, row.target, row.detail) == ("event.rotate_key", "活动#1 回家日", {"old_codes": 3})
    assert row.address == "命令行/定时任务"


def test_a_rolled_back_act_leaves_no_row(ctx, make):
    secretary = make.secretary()
    with pytest.raises(RuntimeError), transaction():
        operations.record(secretary, "period.close", "2026-11")
        raise RuntimeError("the act itself failed")
    assert db.session.scalars(select(ActionLogEntry)).all() == []


@pytest.mark.parametrize("change", [update(ActionLogEntry).values(action="nothing"), delete(ActionLogEntry)])
def test_the_database_refuses_to_change_a_logged_row(ctx, make, change):
    with transaction():
        operations.record(None, "period.close", "2026-11")
    with pytest.raises(DatabaseError), transaction():
        db.session.execute(change)
    db.session.rollback()
    assert db.session.scalars(select(ActionLogEntry.action)).all() == ["period.close"]
