"""Time the roster import of N rows as /office/import runs it: the check (reading every row) and the write,
on DATABASE_URL, for a .csv and an .xlsx; a second import of the same file (nothing changes) too.

Run: DATABASE_URL=sqlite:////tmp/roster.sqlite3 flask --app wsgi db upgrade, then
DATABASE_URL=sqlite:////tmp/roster.sqlite3 PYTHONPATH=. python bench/roster_import/bench.py 5000 50000"""

import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import delete, select

from app import create_app
from app.db import transaction, utcnow
from app.extensions import db
from app.members import importer
from app.members.models import Member
from app.members.operations import import_members
from app.org.models import Community, Region, Unit

COMMUNITIES, UNITS = 24, 32


def county() -> None:
    with transaction():
        if db.session.scalar(select(Community.id).limit(1)) is not None:
            return
        region = Region(name="永春县", kind="county")
        db.session.add(region)
        db.session.flush()
        db.session.add_all(Community(name=f"社区{i}", region_id=region.id) for i in range(COMMUNITIES))
        db.session.add_all(Unit(name=f"单位{i}") for i in range(UNITS))


def rows(n: int):
    for i in range(n):
        yield (
            f"党员{i}",
            f"139{i:08d}",
            f"单位{i % UNITS}",
            f"社区{i % COMMUNITIES}",
            None,
            f"某路{i}号",
            "2024-03-01",
        )


def write(n: int, suffix: str, folder: Path) -> Path:
    path = folder / f"roster{n}{suffix}"
    if suffix == ".csv":
        path.write_text(
            "\n".join([",".join(importer.COLUMNS), *(",".join(c or "" for c in r) for r in rows(n))]), encoding="utf-8"
        )
    else:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(list(importer.COLUMNS))
        for r in rows(n):
            sheet.append(list(r))
        workbook.save(path)
    return path


def timed(path: Path) -> tuple[float, float]:
    """(seconds checking, seconds writing) of one import."""
    marks = {"start": time.perf_counter()}

    def progress(done, total):
        marks["checked"] = time.perf_counter()

    import_members(path, None, utcnow(), name=path.name, progress=progress)
    end = time.perf_counter()
    checked = marks.get("checked", marks["start"])
    return checked - marks["start"], end - checked


def main(sizes: list[int]) -> None:
    app = create_app()
    with app.app_context(), tempfile.TemporaryDirectory() as folder:
        county()
        for n in sizes:
            for suffix in (".csv", ".xlsx"):
                path = write(n, suffix, Path(folder))
                with transaction():
                    db.session.execute(delete(Member))
                first = timed(path)
                again = timed(path)
                print(
                    f"{n} rows {suffix} ({path.stat().st_size / 1e6:.1f} MB): new {sum(first):.1f} s "
                    f"(check {first[0]:.1f} s, write {first[1]:.1f} s); again {sum(again):.1f} s "
                    f"(check {again[0]:.1f} s, write {again[1]:.1f} s)",
                    flush=True,
                )


if __name__ == "__main__":
    main([int(n) for n in sys.argv[1:]] or [5000])
