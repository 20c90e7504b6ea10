"""Every model, imported in one place so that Alembic and `create_all` see the whole schema."""

from app.action_log.models import ActionLogEntry  # noqa: F401
from app.auth.models import Account, LoginFailure, LoginSession  # noqa: F401
from app.catalogue.models import PointsRule, ServiceCategory, ServiceItem  # noqa: F401
from app.checkins.models import Checkin  # noqa: F401
from app.deliberation.models import (  # noqa: F401
    AgendaItem,
    AgendaStep,
    CommitteeTerm,
    DeliberationAttendance,
    DeliberationDay,
)
from app.duty.models import QuarterOutcome  # noqa: F401
from app.events.models import Event, Signup  # noqa: F401
from app.integrity.models import VerifyRun  # noqa: F401
from app.leave.models import LeaveRequest  # noqa: F401
from app.members.models import ImportJob, Member  # noqa: F401
from app.needs.models import Need, NeedServer, NeedStep  # noqa: F401
from app.notices.models import InboxItem, Notice  # noqa: F401
from app.org.models import Building, Community, CountySettings, Grid, Region, Unit  # noqa: F401
from app.outbox.models import OutboxMessage  # noqa: F401
from app.pairing.models import Household, Pairing  # noqa: F401
from app.periods.models import Period, SealHead  # noqa: F401
from app.pledges.models import Pledge, PledgeProgress, PledgeReview  # noqa: F401
from app.points.models import Balance, EntryStatus, LedgerRecord  # noqa: F401
from app.rankings.models import RankingRow  # noqa: F401
from app.registrations.models import Registration  # noqa: F401
from app.visits.models import Visit  # noqa: F401
from app.year_record.models import UnitFileJob  # noqa: F401
