"""`flask ledger verify` and `flask ledger export`: the ledger's integrity, for operators and outside auditors."""

import os
import sys
from contextlib import nullcontext

import click
from flask.cli import AppGroup

from app.extensions import db
from app.points.export import export_file
from app.points.verify import LedgerBroken
from app.points.verify import verify as verify_records
from ledger import periods
from ledger.errors import InvalidPeriod

ledger = AppGroup("ledger", help="积分台账：校验与导出")


@ledger.command("verify")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=lambda: min(os.cpu_count() or 1, 8),
    show_default="CPUs",
    help="processes sharing the chains",
)
def verify(workers):
    """Check every record's hash and link, every entry status, balance and seal; exit 1 at the first failure."""
    try:
        summary = verify_records(db.engine, workers)
    except LedgerBroken as broken:
        click.echo(f"ledger verify: FAILED — {broken}", err=True)
        sys.exit(1)
    click.echo(
        "ledger verify: OK — {records} records, {chains} chains, {entries} entries, {audits} audits, "
        "{balances} balances, {seals} seals, {seconds} s".format(**summary)
    )


@ledger.command("export")
@click.option("--period", help="YYYY-MM: only the stretch of each chain written in that month (Asia/Shanghai)")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="file to write (default: stdout)")
def export(period, out):
    """JSON Lines of every stored record with its stored hash, chain then seq order."""
    if period is not None:
        try:
            periods.parse_month(period)
        except InvalidPeriod as error:
            raise click.BadParameter(error.message, param_hint="--period") from None
    with open(out, "w", encoding="utf-8", newline="\n") if out else nullcontext(sys.stdout) as stream:
        written = export_file(stream, period)
    click.echo(f"ledger export: {written} records", err=True)
