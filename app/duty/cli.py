"""`flask duty record YYYY-Qn`: store a closed quarter's duty outcomes."""

import click
from flask.cli import AppGroup

from app.cli import refusals_exit
from app.db import utcnow
from app.duty.operations import record_quarter

cli = AppGroup("duty", help="季度报到服务")


@cli.command("record")
@click.argument("quarter")
def record(quarter):
    """Record every member's outcome for QUARTER (YYYY-Qn), once; running it again adds nothing."""
    with refusals_exit():
        done = record_quarter(quarter, utcnow())
    click.echo(f"{done['quarter']}：新存档 {done['recorded']} 人；共 {done['members']} 人，达标 {done['met']} 人")
