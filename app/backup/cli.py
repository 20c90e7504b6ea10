"""`flask db backup FILE`, beside Flask-Migrate's `db upgrade`: a consistent copy of the SQLite database."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from app.backup.copy import backup_sqlite
from app.cli import refusals_exit
from app.extensions import db


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(file: Path):
    """Copy the SQLite database to FILE while it serves (on PostgreSQL: use pg_dump, which it names)."""
    with refusals_exit():
        copied = backup_sqlite(db.engine, file)
    click.echo(f"已备份到 {file}：{copied['pages']} 页，{copied['bytes']} 字节；恢复时把它放回 DATABASE_URL 所指的位置")
