"""`flask ledger verify` and `flask ledger export`: the ledger's integrity, for operators and outside auditors."""

import sys
from contextlib import nullcontext

import click
from flask.cli import AppGroup

from app.integrity.operations import default_workers, verify_and_record
from app.points.export import export_file
from ledger import periods
from ledger.errors import InvalidPeriod

ledger = AppGroup("ledger", help="积分台账：校验与导出")


@ledger.command("verify")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=default_workers,
    show_default="CPUs",
    help="processes sharing the chains",
)
def verify(workers):
    """Check every record's hash and link, every entry status, balance and seal; exit 1 at the first failure."""
    verified = verify_and_record("cli", workers)
    if not verified.ok:
        click.echo(f"ledger verify: FAILED — {verified.failure}", err=True)
        sys.exit(1)
    summary = verified.summary
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
