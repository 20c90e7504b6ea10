"""The /c page's tap: the check-in and what its answer page shows of it, read in the check-in's own transaction.

Read after the commit instead, the answer cost a transaction of its own (BEGIN, the read, ROLLBACK): two of the
tap's round trips, on the request every member sends on the return day."""

from datetime import datetime

from sqlalchemy import Row

from app.auth.caller import Caller
from app.checkins import operations, queries
from app.db import transaction


@transaction()
def check_in_and_read(
    account: Caller, token: str, *, signing_key: str, now: datetime, **scan
) -> tuple[operations.Outcome, Row | None, Row | None]:
    """operations.check_in, then queries.scanned for its member (the event, and the check-in's ledger entry), in one
    transaction. A refusal rolls back as check_in's own does, and reads nothing."""
    outcome = operations.check_in(account, token, now=now, signing_key=signing_key, **scan)
    event, entry = queries.scanned(token, signing_key, outcome.member_id)
    return outcome, event, entry
