"""`flask members template|import`: the members import from a spreadsheet (CONTRACT.md, "Members import")."""

from pathlib import Path

import click
from flask.cli import AppGroup

from app.cli import refusals_exit
from app.db import utcnow
from app.members import importer, operations

members = AppGroup("members", help="在职党员名单：导入模板与导入。")


@members.command("template")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="写出的 .xlsx 文件")
def template(out: Path):
    """写出导入模板（.xlsx），第二页为填写说明及有效的单位、社区、网格名称。"""
    importer.write_template(out)
    click.echo(f"已写出导入模板：{out}")


@members.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--initial-password", default=None, help="为新增党员建立账号，初始密码为此值")
def import_(file: Path, initial_password: str | None):
    """导入党员名单（.xlsx 或 UTF-8 .csv）；任一行有误则不导入，并列出每行错误。"""
    with refusals_exit():
        try:
            summary = operations.import_members(file, initial_password, utcnow())
        except importer.ImportRejected as rejected:
            for problem in rejected.problems:
                click.echo(str(problem))
            if rejected.unlisted_rows:
                click.echo(f"…还有 {rejected.unlisted_rows} 行有误")
            click.echo(f"导入失败：{rejected.message}")
            raise SystemExit(1) from None
    click.echo(f"导入完成：{summary}")
