"""Who scans, as a member's check-in needs to know it: a few columns read in one Core statement.

On the return day every member in a hall scans within minutes, and loading the ORM's Account (with its
member) cost a fifth of a check-in's CPU (bench/burst). A check-in reads nothing else of the account."""

from dataclasses import dataclass

from sqlalchemy import bindparam, select

from app.auth.models import Account
from app.hot_statements import HotStatement
from app.members.models import Member


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
        )


_READ = HotStatement(
    select(
        Account.id,
        Account.token_version,
        Account.role,
        Account.community_id,
        Account.unit_id,
        Account.member_id,
        Account.suspended,
        Member.active,
    )
    .outerjoin(Member, Member.id == Account.member_id)
    .where(Account.id == bindparam("account_id"))
)


def read(account_id: int) -> Caller | None:
    row = _READ.run({"account_id": account_id}).first()
    if row is None:
        return None
    # A member-less account's outer join reads NULL for the member's flag.
    return Caller(
        row.id,
        row.token_version,
        row.role,
        row.community_id,
        row.unit_id,
        row.member_id,
        row.suspended,
        bool(row.active),
    )
