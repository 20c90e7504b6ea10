"""Who scans, as a member's check-in needs to know it: a few columns, read in the scan's own statement.

On the return day every member in a hall scans within minutes, and loading the ORM's Account (with its
member) cost a fifth of a check-in's CPU (bench/burst), its own round trip another tenth. A bearer token
names its account under the server's signature; the check-in reads that account's columns in the same
statement as the event (COLUMNS, `joined`) and only then takes the caller at its word (`verified`)."""

from dataclasses import dataclass
from typing import TypeVar

from app.auth.models import Account
from app.errors import Forbidden, Unauthenticated
from app.members.models import Member

STALE = ("登录已失效，请重新登录", "invalid_token_auth")
SUSPENDED = ("账号已停用，请联系社区书记", "not_allowed")


@dataclass(frozen=True)
class Bearer:
    """A bearer token's account, as its signature vouches for it: not yet read, so not yet known to be
    current (a password change since), active, or a member's."""

    id: int
    token_version: int | None  # None: a token that carries none, which no account matches


@dataclass(frozen=True)
class Caller:
    id: int
    token_version: int
    role: str
    community_id: int | None
    unit_id: int | None
    member_id: int | None
    suspended: bool
    # Whether the account's member is in service (False without a member).
    member_active: bool
    # The community the account's member lives in (None without a member): a scan elsewhere earns points, not duty.
    home_community_id: int | None

    @classmethod
    def of(cls, account: Account) -> "Caller":
        member = account.member
        return cls(
            account.id,
            account.token_version,
            account.role,
            account.community_id,
            account.unit_id,
            account.member_id,
            account.suspended,
            member is not None and member.active,
            member.community_id if member is not None else None,
        )


@dataclass(frozen=True)
class Shown:
    """Who a page's layout names (its header, its menus): the account as the request found it. A write's commit
    expires the ORM's copy, and the /c tap's answer then read the account again only to print the name."""

    id: int
    name: str
    role: str
    community_id: int | None
    unit_id: int | None
    member_id: int | None

    @classmethod
    def of(cls, account: Account) -> "Shown":
        return cls(account.id, account.name, account.role, account.community_id, account.unit_id, account.member_id)

    @classmethod
    def of_row(cls, row) -> "Shown":
        """From a row of COLUMNS and the account's name as `caller_name`."""
        return cls(
            row.caller_id,
            row.caller_name,
            row.caller_role,
            row.caller_community_id,
            row.caller_unit_id,
            row.caller_member_id,
        )


Scanning = TypeVar("Scanning", "Caller", Account)

# The caller's columns, named apart from the columns of the statement they ride in.
COLUMNS = (
    Account.id.label("caller_id"),
    Account.token_version.label("caller_token_version"),
    Account.role.label("caller_role"),
    Account.community_id.label("caller_community_id"),
    Account.unit_id.label("caller_unit_id"),
    Account.member_id.label("caller_member_id"),
    Account.suspended.label("caller_suspended"),
    Member.active.label("caller_member_active"),
    Member.community_id.label("caller_home_community_id"),
)


def joined(statement):
    """`statement` (a select of COLUMNS and more) read from the caller's account and its member: add
    `.where(Account.id == bindparam("account_id"))` and outer-join the rest to them."""
    return statement.select_from(Account).outerjoin(Member, Member.id == Account.member_id)


def verified(bearer: Bearer, row) -> Caller:
    """The bearer's caller from a row of COLUMNS (None: no such account); 401 when the token is stale."""
    if row is None or row.caller_token_version != bearer.token_version:
        raise Unauthenticated(*STALE)
    return of_row(row)


def of_row(row) -> Caller:
    """The caller a row of COLUMNS reads."""
    # A member-less account's outer join reads NULL for the member's flag.
    return Caller(
        row.caller_id,
        row.caller_token_version,
        row.caller_role,
        row.caller_community_id,
        row.caller_unit_id,
        row.caller_member_id,
        row.caller_suspended,
        bool(row.caller_member_active),
        row.caller_home_community_id,
    )


def admitted_member(caller: Scanning) -> Scanning:
    """The caller of a call only an in-service member's account makes; 403 for a suspended or member-less one."""
    if caller.suspended:
        raise Forbidden(*SUSPENDED)
    if caller.member_id is None:
        raise Forbidden("该账号不是在职党员账号", code="not_allowed")
    return caller
