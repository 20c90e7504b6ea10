"""The demo's pledges: a few per community, through the operations, reviewed in the window; run twice, the
second adds nothing."""

from datetime import timedelta

from sqlalchemy import func, select

from app.db import utcnow
from app.extensions import db
from app.org.models import Community
from app.pledges.demo import PER_COMMUNITY, add_demo
from app.pledges.models import Pledge, PledgeProgress, PledgeReview
from ledger import periods
from tests.factories import local


def _counts():
    return [db.session.scalar(select(func.count()).select_from(t)) for t in (Pledge, PledgeProgress, PledgeReview)]


def test_the_demo_adds_pledges_progress_and_reviews_once(app, runner, monkeypatch):
    monkeypatch.setattr("app.demo.loader.CALENDAR", ())  # the county alone: this part is added below
    result = runner.invoke(args=["demo", "--members", "30"])
    assert result.exit_code == 0, result.output
    # December of the year of the demo's history (its three months before today), so the review window is open.
    now = local(periods.local(utcnow() - timedelta(days=45)).year, 12, 10, 10, 0)
    with app.app_context():
        communities = db.session.scalar(select(func.count()).select_from(Community))
        added = add_demo(now)
        pledges, progress, reviews = _counts()
        assert added == pledges + progress + reviews
        assert pledges == 2 * progress and 0 < progress <= communities * PER_COMMUNITY
        assert reviews > 0
        linked = db.session.scalar(select(func.count()).where(PledgeProgress.checkin_id.is_not(None)))
        assert linked > 0  # the demo's members have check-ins this year to link
        assert add_demo(now) == 0
        assert _counts() == [pledges, progress, reviews]
