"""Formula injection: a name imported from a roster comes back in every workbook as the text it is,
never as a formula a spreadsheet program runs (CONTRACT.md, "Rulings on integrity and abuse")."""

import ast
import csv
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.members.importer import COLUMNS
from app.members.models import Member
from app.spreadsheets import Workbook
from tests.factories import earn
from tests.reports.workbooks import HOSTILE_TEXTS, assert_held_as_text, formulas

APP = Path(__file__).parents[2] / "app"


@pytest.fixture
def imported(app, make, runner, tmp_path):
    """Members named by HOSTILE_TEXTS, imported through the CLI (a name is data: they may import), each
    with October points, in a unit and a community named in the same way."""
    community, unit = make.community("+1 桃东社区"), make.unit("@县教育局")
    path = tmp_path / "roster.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for n, name in enumerate(HOSTILE_TEXTS):
            writer.writerow([name, f"1380000{n:04d}", unit.name, community.name, "第1网格", f"桃东路{n}号", ""])
    result = runner.invoke(args=["members", "import", str(path)])
    assert result.exit_code == 0 and f"新增 {len(HOSTILE_TEXTS)} 人" in result.output, result.output
    with app.app_context():
        members = db.session.scalars(select(Member).order_by(Member.id)).all()
        assert [m.name for m in members] == list(HOSTILE_TEXTS)
    for member in members:
        earn(app, member, "return_day")
    return community, unit


def test_the_month_report_written_by_the_command_holds_imported_names_as_text(imported, runner, tmp_path):
    result = runner.invoke(args=["report", "month", "2026-10", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    [xlsx] = (tmp_path / "out").glob("*.xlsx")
    data = xlsx.read_bytes()
    assert_held_as_text(data, HOSTILE_TEXTS + ("+1 桃东社区", "@县教育局"))
    # The figures the software writes stay numbers.
    members = load_workbook(BytesIO(data))["党员排名"]
    assert [(row[0], row[4]) for row in members.iter_rows(min_row=2, max_row=6, values_only=True)] == [(1, 5)] * 5


def test_the_month_report_downloaded_holds_imported_names_as_text(imported, make, client, auth):
    community, unit = imported
    admin = auth(make.admin())
    for query in ("", f"?community_id={community.id}", f"?unit_id={unit.id}"):
        response = client.get(f"/api/v1/reports/2026-10.xlsx{query}", headers=admin)
        assert response.status_code == 200, query
        assert_held_as_text(response.data)


def test_a_text_that_opens_like_a_formula_is_saved_as_that_same_text():
    leads = ["=1+1", "+1", "-1", "@A1", "\t=1+1", "\r=1+1", "=", "#N/A", "普通文字"]
    book = Workbook()
    book.active.append(leads + [42, -3, 0.5])
    data = book.to_bytes()
    assert formulas(data) == []
    [row] = load_workbook(BytesIO(data)).active.iter_rows()
    # XML reads every carriage return as a line feed, in any cell of any workbook.
    assert [cell.value for cell in row] == [t.replace("\r", "\n") for t in leads] + [42, -3, 0.5]
    assert [cell.data_type for cell in row] == ["s"] * len(leads) + ["n"] * 3
    assert [cell.quotePrefix for cell in row] == [True] * 7 + [False] * 5


def test_every_workbook_the_app_writes_is_built_from_the_one_that_holds_text():
    """openpyxl's own Workbook would write "=…" as a formula: only app/spreadsheets.py may use it."""
    users = []
    for path in APP.rglob("*.py"):
        if path == APP / "spreadsheets.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("openpyxl"):
                users += [f"{path.relative_to(APP)}: {a.name}" for a in node.names if a.name in ("Workbook", "*")]
            elif (
                isinstance(node, ast.Attribute)
                and node.attr == "Workbook"
                and isinstance(node.value, ast.Name)
                and node.value.id == "openpyxl"
            ):
                users.append(f"{path.relative_to(APP)}: openpyxl.Workbook")
    assert users == []


def test_a_control_character_stored_in_a_name_is_dropped_from_the_workbook_not_fatal_to_it(app, make, client, auth):
    """XML cannot carry most control characters: a forged form that stored one must not stop the month's report."""
    community = make.community("东关\x01社区")
    earn(app, make.member(community), "return_day")
    response = client.get("/api/v1/reports/2026-10.xlsx", headers=auth(make.admin()))
    assert response.status_code == 200
    names = [row[1] for row in load_workbook(BytesIO(response.data))["社区排名"].iter_rows(min_row=2, values_only=True)]
    assert "东关社区" in names
