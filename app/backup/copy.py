"""The SQLite copy: sqlite3's online backup API, so a database being written is copied as of one moment."""

import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import Engine

from app.errors import Refusal

PG_DUMP_HINT = (
    "PostgreSQL 数据库请用 pg_dump 备份：pg_dump -Fc -d 数据库地址 -f 备份文件；"
    "恢复用 pg_restore --clean --if-exists -d 数据库地址 备份文件，再运行 flask --app wsgi ledger verify 校验"
)


def backup_sqlite(engine: Engine, target: Path) -> dict:
    """Copy the engine's SQLite database to `target` (a new file) while others go on writing; returns
    {"pages", "bytes"} of the copy, which SQLite has checked (quick_check)."""
    if engine.dialect.name != "sqlite":
        raise Refusal("not_sqlite", f"flask db backup 只备份 SQLite 数据库。{PG_DUMP_HINT}")
    if target.exists():
        raise Refusal("backup_exists", f"备份文件 {target} 已存在，请换一个文件名（不会覆盖已有的备份）")
    if not target.parent.is_dir():
        raise Refusal("no_folder", f"备份文件所在的目录 {target.parent} 不存在")
    partial = target.with_name(f".{target.name}.partial")
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        copy = sqlite3.connect(partial)
        try:
            # pages=-1: every page in one step, under one read snapshot of the WAL, so writers go on meanwhile
            # and the copy is the database as of one commit (a stepwise copy restarts on every write).
            source.backup(copy, pages=-1)
            check = copy.execute("PRAGMA quick_check").fetchone()[0]
            pages = copy.execute("PRAGMA page_count").fetchone()[0]
            # One file to carry away, with no -wal beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    finally:
        raw.close()
    if check != "ok":
        partial.unlink(missing_ok=True)
        raise Refusal("backup_damaged", f"备份副本未通过 SQLite 校验：{check}")
    os.replace(partial, target)
    return {"pages": pages, "bytes": target.stat().st_size}
