"""The month report's sheet 群众点单: one row per unit and per community, the communities adding up to the
total, every name held as text."""

from datetime import UTC, datetime
from io import BytesIO

from openpyxl import load_workbook

from app.reports.files import month_files
from tests.factories import log_in
from tests.needs_figures.conftest import Needs
from tests.reports.workbooks import HOSTILE_TEXTS, assert_held_as_text

NOW = datetime(2026, 11, 18, 4, tzinfo=UTC)


def _sheet(data: bytes):
    rows = list(load_workbook(BytesIO(data))["群众点单"].iter_rows(values_only=True))
    return rows[0], rows[1:-1], rows[-1]


def test_the_sheet_lists_units_then_communities_and_the_communities_add_up(app, october):
    with app.app_context():
        [data] = month_files(None, "2026-10", "xlsx", now=NOW).values()
    header, rows, total = _sheet(data)
    assert header == ("类别", "名称", "收到", "已派单", "办结", "办结天数中位数", "评价数", "平均评分")
    units = {r[1]: r[2:] for r in rows if r[0] == "单位"}
    communities = {r[1]: r[2:] for r in rows if r[0] == "社区"}
    assert units == {
        "县教育局": (1, 1, 2, 2.3, 2, 4.5),
        "县医院": (3, 3, 3, 1.5, 1, 4.0),
        "县林业局": (0, 0, 0, None, 0, None),
    }
    assert communities == {"东街社区": (3, 2, 3, 2.5, 2, 4.5), "西街社区": (4, 2, 2, 1.3, 1, 4.0)}
    assert total == ("合计", "各社区合计", 7, 4, 5, 2.0, 3, 4.33)
    for column in (0, 1, 2, 4):  # received, dispatched, done, rated
        assert sum(r[column] for r in communities.values()) == total[2 + column]


def test_a_secretarys_download_has_only_their_communitys_row(app, client, october):
    log_in(client, october.secretaries["west"])
    response = client.get(f"/stats/reports/2026-10.xlsx?community_id={october.west.id}")
    assert response.status_code == 200
    _, rows, total = _sheet(response.data)
    assert [(r[0], r[1]) for r in rows] == [("单位", "县医院"), ("社区", "西街社区")]
    assert total[2:5] == (4, 2, 2)


def test_hostile_names_are_written_as_text(app, make):
    from tests.needs_figures.conftest import County

    communities = [make.community(text) for text in HOSTILE_TEXTS[:3]]
    units = [make.unit(text) for text in HOSTILE_TEXTS[3:]]
    county = County(communities[0], communities[1], units[0], units[1], None, make.admin(), {}, {})
    member = make.member(communities[2], units[1])
    Needs(app, county)(communities[2], (2026, 10, 5, 9), unit=units[1], servers=[member], done=(2026, 10, 6, 9))
    with app.app_context():
        [data] = month_files(None, "2026-10", "xlsx", now=NOW).values()
    assert_held_as_text(data)
