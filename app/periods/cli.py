"""`flask period close YYYY-MM`: the same month close as the API and the scheduler."""

import click
from flask.cli import AppGroup

from app.cli import refusals_exit
from app.db import utcnow
from app.periods.operations import close_month
from ledger.periods import TZ

period_cli = AppGroup("period", help="月度结账")


@period_cli.command("close")
@click.argument("period")
def close(period):
    """Close PERIOD (YYYY-MM): carry pending entries, seal the chains, freeze the rankings."""
    with refusals_exit():
        closing = close_month(period, None, utcnow())
    when = closing.closed_at.astimezone(TZ).isoformat(timespec="seconds")
    if closing.already_closed:
        click.echo(f"{period} 已于 {when} 结账，未作改动（封存值 {closing.seal}）")
        return
    click.echo(f"{period} 已结账（{when}），封存值 {closing.seal}")
    if closing.carried:
        click.echo(f"尚未审核的 {closing.carried} 条积分已顺延至 {closing.to_period}")
