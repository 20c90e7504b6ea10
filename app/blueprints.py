"""Every feature's blueprint, in one list: the API under /api/v1, pages at the root, and CLI groups."""

from flask_migrate.cli import db as migrations_cli

from app.auth.api import blp as auth_api
from app.auth.pages import bp as auth_pages
from app.backup.cli import backup
from app.catalogue.api import blp as catalogue_api
from app.checkins.api import blp as checkins_api
from app.checkins.pages import bp as checkin_pages
from app.deliberation.api import blp as deliberation_api
from app.demo.cli import demo
from app.desk.audit import bp as desk_audit
from app.desk.deliberation import bp as desk_deliberation
from app.desk.duty import bp as desk_duty
from app.desk.events import bp as desk_events
from app.desk.home import bp as desk_home
from app.desk.inbox import bp as desk_inbox
from app.desk.leave import bp as desk_leave
from app.desk.members import bp as desk_members
from app.desk.notices import bp as desk_notices
from app.desk.pledges import bp as desk_pledges
from app.desk.registrations import bp as desk_registrations
from app.desk.stats import bp as desk_stats
from app.desk.year import bp as desk_year
from app.duty.api import blp as duty_api
from app.duty.cli import cli as duty_cli
from app.events.api import blp as events_api
from app.events.pages import bp as event_pages
from app.health import bp as health
from app.leave.api import blp as leave_api
from app.me.api import blp as me_api
from app.me.pages import bp as me_pages
from app.members.api import blp as members_api
from app.members.cli import members
from app.needs.api import blp as needs_api
from app.notices.api import blp as notices_api
from app.office.accounts import bp as office_accounts
from app.office.home import bp as office_home
from app.office.imports import bp as office_import
from app.office.log import bp as office_log
from app.office.org import bp as office_org
from app.office.periods import bp as office_periods
from app.office.reports import bp as office_reports
from app.office.rules import bp as office_rules
from app.org.api import blp as org_api
from app.pairing.api import blp as pairing_api
from app.periods.api import blp as periods_api
from app.periods.cli import period_cli
from app.pledges.api import blp as pledges_api
from app.pledges.pages import bp as me_pledges
from app.points.api import blp as points_api
from app.points.cli import ledger as ledger_cli
from app.rankings.api import blp as rankings_api
from app.rankings.pages import bp as board_pages
from app.registrations.api import blp as registrations_api
from app.registrations.pages import bp as registration_pages
from app.reports.api import blp as reports_api
from app.reports.cli import report_cli
from app.stats.api import blp as stats_api
from app.visits.api import blp as visits_api
from app.year_record.api import blp as year_record_api

API = (
    auth_api,
    me_api,
    members_api,
    events_api,
    checkins_api,
    points_api,
    pairing_api,
    visits_api,
    duty_api,
    stats_api,
    rankings_api,
    periods_api,
    reports_api,
    leave_api,
    notices_api,
    org_api,
    catalogue_api,
    registrations_api,
    year_record_api,
    pledges_api,
    deliberation_api,
    needs_api,
)
PAGES = (
    health,
    auth_pages,
    me_pages,
    checkin_pages,
    event_pages,
    board_pages,
    office_org,
    office_accounts,
    office_rules,
    desk_home,
    desk_inbox,
    desk_audit,
    desk_members,
    desk_duty,
    office_reports,
    office_log,
    desk_registrations,
    desk_stats,
    desk_year,
    registration_pages,
    desk_notices,
    desk_leave,
    desk_pledges,
    me_pledges,
    desk_events,
    desk_deliberation,
    office_home,
    office_periods,
    office_import,
)
COMMANDS = (
    demo,
    members,
    ledger_cli,
    duty_cli,
    period_cli,
    report_cli,
)


def register(app, api, csrf):
    for bp in PAGES:
        app.register_blueprint(bp)
    for command in COMMANDS:
        app.cli.add_command(command)
    # Beside `flask db upgrade`: Flask-Migrate's group is the one `flask db` finds.
    migrations_cli.add_command(backup)
    for blp in API:
        api.register_blueprint(blp)
        # The API authenticates by bearer token, not by cookie, so cross-site forms cannot ride on it.
        csrf.exempt(blp)
