"""The four orders end to end: 群众点单 → 联盟派单 → 支部接单 → 办结 → 大众评单, and the ledger entries it gives."""

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.needs.models import NeedStep
from app.points.models import EntryStatus
from tests.needs.conftest import T0


def test_a_rated_need_gives_each_serving_member_a_pending_entry_that_names_it(app, ops, town, ledger_verifies):
    need, code = ops.submit()
    assert need["status"] == "received" and "resident_phone" not in need
    assert len(code) == 8 and code.isdigit()
    ops("dispatch", town.secretary, need["id"], unit_id=town.unit.id, now=T0)
    ops("assign", town.unit_secretary, need["id"], [town.server.id, town.helper.id], T0)
    ops("mark_done", town.server.id, need["id"], "已送菜上门", T0 + timedelta(hours=2))
    closed = ops("rate", need["id"], code, 5, "很满意", T0 + timedelta(days=1))
    assert closed["status"] == "closed" and closed["rating"] == 5
    with app.app_context():
        entries = db.session.scalars(
            select(EntryStatus).where(EntryStatus.source == "order", EntryStatus.source_id == need["id"])
        ).all()
        assert sorted(e.member_id for e in entries) == sorted([town.server.id, town.helper.id])
        assert {(e.state, e.points, e.rule, e.period) for e in entries} == {("pending", 5, "order.served", "2026-11")}
        steps = db.session.scalars(select(NeedStep.step).where(NeedStep.need_id == need["id"]).order_by(NeedStep.id))
        assert steps.all() == ["received", "dispatched", "assigned", "assigned", "done", "rated"]
    ledger_verifies()
