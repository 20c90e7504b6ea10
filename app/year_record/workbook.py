"""The year-end record as a work unit's workbook: a row per member, a column per figure, and a total row
of numbers summed here (no formula: app.spreadsheets keeps every text a text)."""

from app.background import Progress
from app.reports.workbook import add_sheet
from app.spreadsheets import Workbook
from app.year_record.pdf import QUARTER_WORDS, as_of_words, met_words, title_words
from app.year_record.queries import progress_count
from ledger.words import VISIT_CATEGORIES


def headers(kinds: tuple[str, ...]) -> list[str]:
    return [
        "姓名",
        "工作单位",
        "报到社区",
        "网格",
        *(f"{q}报到次数（各社区）" for q in QUARTER_WORDS),
        *(f"{q}其中本社区" for q in QUARTER_WORDS),
        *(f"{q}报到任务" for q in QUARTER_WORDS),
        *(f"走访{VISIT_CATEGORIES[k]}" for k in kinds),
        "走访合计",
        *(f"{month}月积分" for month in range(1, 13)),
        "全年积分",
        "服务群众订单",
        "承诺数",
        "践诺次数",
        "评诺等次",
        "议事日出席次数",
        "议事日应出席次数（兼职委员）",
        "兼职委员任期",
    ]


def row(m: dict, kinds: tuple[str, ...]) -> list:
    return [
        m["name"],
        m["unit"],
        m["community"],
        m["grid"],
        *(c["any"] for c in m["checkins"]),
        *(c["home"] for c in m["checkins"]),
        *(met_words(d) for d in m["duty"]),
        *(m["visits"][k] for k in kinds),
        m["visits"]["total"],
        *m["points"]["months"].values(),
        m["points"]["total"],
        m["orders_served"],
        len(m["pledges"]["pledges"]),
        progress_count(m),
        m["pledges"]["review"]["grade_words"] if m["pledges"]["review"] else "未评议",
        m["deliberation"]["attended"],
        m["deliberation"]["days"],
        "；".join(f"{t['community']} {t['start']}至{t['end']}" for t in m["deliberation"]["terms"]) or None,
    ]


def total_row(record: dict) -> list:
    """合计: the sums of the numeric columns; under each quarter's duty, how many members met it."""
    t = record["totals"]
    return [
        "合计",
        f"{t['members']} 人",
        None,
        None,
        *(c["any"] for c in t["checkins"]),
        *(c["home"] for c in t["checkins"]),
        *(d["met"] for d in t["duty_met"]),
        *(t["visits"][k] for k in record["visit_kinds"]),
        t["visits"]["total"],
        *t["points"]["months"].values(),
        t["points"]["total"],
        t["orders_served"],
        t["pledges"],
        t["progress"],
        f"已评议 {t['reviewed']} 人",
        t["attended"],
        t["days"],
        None,
    ]


def _rows(record: dict, progress: Progress | None):
    """The members' rows as the sheet takes them, telling `progress` of each."""
    kinds, total = record["visit_kinds"], len(record["members"])
    for done, m in enumerate(record["members"], start=1):
        yield row(m, kinds)
        if progress is not None:
            progress(done, total)


def year_workbook(record: dict, progress: Progress | None = None) -> bytes:
    """`progress(done, total)` hears of each member's row as it is written."""
    book = Workbook()
    book.remove(book.active)
    add_sheet(
        book,
        f"{record['year']}年度记实",
        headers(record["visit_kinds"]),
        _rows(record, progress),
        total=total_row(record),
    )
    book.properties.title = f"{record['scope']}{title_words(record)}（{as_of_words(record)}）"  # type: ignore[attr-defined]  # openpyxl-stubs omits Workbook.properties
    return book.to_bytes()
