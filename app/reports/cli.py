"""`flask report month YYYY-MM --out DIR`: the month's leaderboard workbook and PDF, written to DIR."""

from pathlib import Path

import click
from flask.cli import AppGroup

from app.cli import refusals_exit
from app.db import utcnow
from app.reports.files import month_files

report_cli = AppGroup("report", help="月度积分通报")


@report_cli.command("month")
@click.argument("period")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="输出目录")
@click.option("--community-id", type=int, help="只出该社区的通报")
@click.option("--unit-id", type=int, help="只出该单位的通报")
def month(period, out_dir, community_id, unit_id):
    """Write PERIOD's (YYYY-MM) leaderboard as .xlsx and A4 .pdf into DIR."""
    with refusals_exit():
        files = month_files(None, period, community_id=community_id, unit_id=unit_id, now=utcnow())
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (out_dir / name).write_bytes(data)
        click.echo(str(out_dir / name))
