"""`flask report month YYYY-MM --out DIR`: the month's leaderboard workbook and PDF, written to DIR; `flask
report year YYYY --out DIR`: every work unit's year-end record (PDF and workbook)."""

import time
from pathlib import Path

import click
from flask.cli import AppGroup

from app.cli import refusals_exit
from app.db import utcnow
from app.errors import Refusal
from app.org.queries import unit_choices
from app.reports.files import month_files
from app.year_record.files import unit_files
from app.year_record.queries import year_span

report_cli = AppGroup("report", help="月度积分通报、年度报到服务记实")


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


@report_cli.command("year")
@click.argument("year")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="输出目录")
@click.option("--unit-id", type=int, help="只出该单位的年度记实")
def year(year, out_dir, unit_id):
    """Write YEAR's (YYYY) 年度报到服务记实 of every work unit (or one) as A4 .pdf and .xlsx into DIR."""
    now = utcnow()
    try:
        year = year_span(year, now)["year"]
    except Refusal as refusal:
        # A year that is no year is a usage error, as click's own (exit 2), said in Chinese.
        click.echo(f"错误：{refusal.message}", err=True)
        raise SystemExit(2) from None
    units = [(i, name) for i, name in unit_choices() if unit_id is None or i == unit_id]
    if unit_id is not None and not units:
        click.echo(f"错误：没有编号为 {unit_id} 的单位", err=True)
        raise SystemExit(2)
    out_dir.mkdir(parents=True, exist_ok=True)
    started, files = time.monotonic(), 0
    for n, (i, name) in enumerate(units, start=1):
        written = unit_files(None, year, i, now=now)
        for file_name, data in written.items():
            (out_dir / file_name).write_bytes(data)
        files += len(written)
        click.echo(f"[{n}/{len(units)}] {name}：{', '.join(written)}")
    click.echo(
        f"{year} 年度记实：{len(units)} 个单位，{files} 个文件，写入 {out_dir}，用时 {time.monotonic() - started:.1f} 秒"
    )
