"""`flask duty record YYYY-Qn`: store a closed quarter's duty outcomes."""
import click
from flask.cli import AppGroup

from app.db import utcnow
from app.duty.operations import record_quarter
from app.errors import Refusal
from ledger.errors import LedgerError

cli = AppGroup("duty", help="季度报到服务")


@cli.command("record")
@click.argument("quarter")
def record(quarter):
    """Record every member's outcome for QUARTER (YYYY-Qn), once; running it again adds nothing."""
    try:
        done = record_quarter(quarter, utcnow())
    except (Refusal, LedgerError) as refused:
        raise click.ClickException(refused.message) from None
    click.echo(f"{done['quarter']}：新存档 {done['recorded']} 人；共 {done['members']} 人，达标 {done['met']} 人")
