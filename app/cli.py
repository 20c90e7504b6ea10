"""What every command shares: a refusal ends it once, with its Chinese reason on stderr and exit status 1."""

from contextlib import contextmanager

import click

from app.errors import Refusal


@contextmanager
def refusals_exit():
    """Around a command's operation: a refusal (a domain's or the ledger's) prints "Error: <message>" to stderr
    and exits 1, as click does for every command error (scripts and the tests read that prefix)."""
    try:
        yield
    except Refusal as refusal:
        raise click.ClickException(refusal.message) from None
