"""The demo county's needs: every community shows needs in every status, one rated with its entries, and
adding them twice adds nothing twice."""

from sqlalchemy import func, select

from app.db import utcnow
from app.extensions import db
from app.needs.demo import add_demo
from app.needs.models import Need, NeedServer, NeedStep
from app.org.models import Community
from app.points.models import EntryStatus


def _counts():
    return {
        "needs": db.session.scalar(select(func.count()).select_from(Need)),
        "steps": db.session.scalar(select(func.count()).select_from(NeedStep)),
        "entries": db.session.scalar(select(func.count()).where(EntryStatus.source == "order")),
    }


def test_the_demo_adds_needs_in_every_status_once(app, runner, ledger_verifies, monkeypatch):
    monkeypatch.setattr("app.demo.loader.CALENDAR", ())  # the county alone: this part is added below
    result = runner.invoke(args=["demo", "--members", "60"])
    assert result.exit_code == 0, result.output
    now = utcnow()
    with app.app_context():
        added = add_demo(now)
        communities = db.session.scalar(select(func.count()).select_from(Community))
        assert added == 6 * communities  # a handful per community, never per member: the demo stays fast
        first = _counts()
        assert add_demo(now) == 0
        assert _counts() == first
        statuses = db.session.execute(select(Need.status, func.count()).group_by(Need.status)).tuples().all()
        assert dict(statuses) == {s: communities for s in ("received", "open", "taken", "done", "closed", "refused")}
        rated = db.session.scalars(select(Need).where(Need.status == "closed")).all()
        assert {n.rating for n in rated} == {5}
        servers = db.session.scalar(
            select(func.count()).select_from(NeedServer).join(Need).where(Need.status == "closed")
        )
        assert first["entries"] == servers >= communities  # one entry per member serving a rated need
    ledger_verifies()
