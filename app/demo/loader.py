"""Loading the demo county in chunks, and listing its accounts for `flask demo --json`."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.auth.models import Account
from app.auth.passwords import check_password, hash_password
from app.db import transaction
from app.deliberation import demo as deliberation_demo
from app.demo import county as structure
from app.demo import people
from app.extensions import db
from app.members.models import Member
from app.needs import demo as needs_demo
from app.pledges import demo as pledges_demo

# The year around the return day, after the members' histories it refers to (a pledge's progress names a
# check-in): residents' needs, pledges, deliberation days. Each adds what is missing of its own rows.
CALENDAR = (needs_demo.add_demo, pledges_demo.add_demo, deliberation_demo.add_demo)
CHUNK = 250  # members per transaction: a crash loses at most one chunk, and the session stays small


@dataclass
class Loaded:
    communities: int
    grids: int
    units: int
    members_added: int
    entries_written: int
    rows_added: int


def load(
    members: int, password: str, now: datetime, progress: Callable[[int, int], None] = lambda added, missing: None
) -> Loaded:
    """Adds what is missing of a demo county with `members` members; `progress(added, missing)` after each chunk."""
    # One hash for every demo account: Argon2 is slow on purpose, and thousands of accounts share the password.
    password_hash = hash_password(password)
    with transaction():
        county = structure.build(members, password_hash, now)
        admin = db.session.get_one(Account, county.admin_id)
        if not check_password(admin.password_hash, password):
            structure.set_password(
                structure.staff_phones(county) + [structure.member_phone(i) for i in range(members)], password_hash
            )
        entries = people.fill(county, people.unpaired(county), now)
    missing = people.missing_indices(members)
    for start in range(0, len(missing), CHUNK):
        chunk = missing[start : start + CHUNK]
        with transaction():
            entries += people.fill(county, people.add_members(county, chunk, password_hash, now), now)
        progress(len(chunk), len(missing))
    calendar_rows = sum(add(now) for add in CALENDAR)
    return Loaded(
        communities=len(county.communities),
        grids=sum(len(p.grids) for p in county.communities),
        units=len(county.unit_ids),
        members_added=len(missing),
        entries_written=entries,
        rows_added=county.added + len(missing) + calendar_rows,
    )


def accounts(members: int, password: str) -> list[dict]:
    """The demo's accounts as `flask demo --json` prints them: staff first, then the N members in order."""
    county_size = structure.communities_for(members)
    phones = (
        [structure.ADMIN_PHONE]
        + [structure.community_secretary_phone(i) for i in range(county_size)]
        + [structure.unit_secretary_phone(i) for i in range(len(structure.data.UNIT_SECRETARIES))]
        + [structure.member_phone(i) for i in range(members)]
    )
    found = {}
    rows = db.session.execute(select(Account, Member).outerjoin(Member, Account.member_id == Member.id))
    for account, member in rows:
        found[account.phone] = (account, member)
    listed = []
    for phone in phones:
        account, member = found[phone]
        # A secretary shows the scope they manage; a member, where they live and work.
        in_scope = account.role != "member" or member is None
        listed.append(
            {
                "phone": account.phone,
                "password": password,
                "role": account.role,
                "name": account.name,
                "member_id": account.member_id,
                "community_id": account.community_id if in_scope else member.community_id,
                "unit_id": account.unit_id if in_scope else member.unit_id,
            }
        )
    return listed
