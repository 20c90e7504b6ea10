"""A long pledge list flows on to the member's own next page, the next member starting a page of their
own; and a unit's record costs the same few queries whatever its number of members (no query per member)."""

import subprocess
from datetime import date

from sqlalchemy import event

from app.db import utcnow
from app.extensions import db
from app.pledges.models import Pledge, PledgeProgress
from app.year_record.queries import unit_record
from tests.factories import check_in, local
from tests.year_record.conftest import YEAR


def _page(pdf, n: int) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_a_long_pledge_list_flows_to_a_second_page_and_the_next_member_starts_afresh(
    app, client, auth, county, tmp_path
):
    zhang = county.members[0]
    at = local(YEAR, 12, 1, 10)
    with app.app_context():
        for n in range(8):  # with the fixture's two, the ten a year allows
            pledge = Pledge(
                member_id=zhang.id,
                year=YEAR,
                category="助老服务",
                text=f"第{n + 1}项承诺" + "坚持每月到社区看望独居老人并帮助解决实际困难" * 4,
                created_at=at,
                updated_at=at,
            )
            db.session.add(pledge)
            db.session.flush()
            for month in (3, 6, 9):
                db.session.add(
                    PledgeProgress(
                        pledge_id=pledge.id, done_on=date(YEAR, month, 1), note="按承诺看望老人两户", created_at=at
                    )
                )
        db.session.commit()
    answer = client.get(f"/api/v1/year-records/{YEAR}/units/{county.unit.id}.pdf", headers=auth(county.admin))
    pdf = tmp_path / "unit.pdf"
    pdf.write_bytes(answer.data)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    pages = [_page(pdf, n).replace("\n", "") for n in range(1, count + 1)]
    [li_page] = [n for n, text in enumerate(pages) if "李四" in text]
    assert li_page == count - 1 >= 3, "张三's pages are the cover's next two or more, 李四's the last"
    zhang_pages = "".join(pages[1:li_page])
    assert all("张三" in pages[n] or "承诺" in pages[n] for n in range(1, li_page))
    assert all(f"第{n}项承诺" in zhang_pages for n in range(1, 9)) and "评诺：良好" in pages[li_page - 1]
    assert "助老服务" not in pages[li_page] and "本年度未填写承诺" in pages[li_page]


def test_a_units_record_takes_the_same_queries_for_two_members_as_for_eight(app, make, county):
    def count_queries() -> int:
        statements = []
        with app.app_context():
            engine = db.engine
            listener = lambda *args: statements.append(args[2])  # noqa: E731
            event.listen(engine, "before_cursor_execute", listener)
            try:
                record = unit_record(None, YEAR, county.unit.id, now=utcnow())
            finally:
                event.remove(engine, "before_cursor_execute", listener)
        return len(statements), len(record["members"])

    two, members = count_queries()
    assert members == 2
    april = make.event(county.home, starts_at=local(YEAR, 4, 12, 9))
    for _ in range(6):
        check_in(app, make.member(county.home, county.unit), april)
    eight, members = count_queries()
    assert members == 8 and eight == two
