"""DOMAIN rule 6 for residents' needs: the board's tab 群众点单 and the public units' ranking show a done
order's category, community, unit, rating and date, and never who asked, their phone, what they asked
(which may name a person or a home), the serving members' note or the resident's comment."""

import json

from sqlalchemy import select

from app.db import utcnow
from app.extensions import db
from app.needs.demo import add_demo
from app.needs.models import Need
from ledger import periods
from tests.needs_figures.conftest import Needs, small_county

PRIVATE = {
    "content": "请帮独居的李秀英老人修厨房水管，住杏林巷18号3楼",
    "resident_name": "李秀英",
    "resident_phone": "13912345678",
    "note": "已到杏林巷18号换好水管",
    "comment": "谢谢小张，李秀英很满意",
}


def test_no_public_page_or_call_shows_a_done_orders_private_fields(app, client, make, fresh_rankings):
    county = small_county(app, make)
    needs = Needs(app, county)
    member = county.members["a"]
    need_id = needs(
        county.east,
        (2026, 10, 2, 10),
        unit=county.one,
        servers=[member],
        done=(2026, 10, 4, 10),
        rated=(2026, 10, 5, 9),
        stars=5,
        **PRIVATE,
    )
    page = client.get("/board/needs?period=2026-10").get_data(as_text=True)
    assert f'data-need-id="{need_id}"' in page and "助老助残" in page and "5星" in page  # the order is shown
    responses = {
        "/board/needs?period=2026-10": page,
        f"/board/needs?period=2026-10&community_id={county.east.id}": None,
        "/board?period=2026-10": None,
        "/board?period=2026-10&by=unit": None,
        "/api/v1/needs/unit-ranking?period=2026-10": None,
        "/api/v1/needs/unit-ranking?period=2026-Q4": None,
    }
    for url in responses:
        response = client.get(url)
        assert response.status_code == 200, url
        text = json.dumps(response.get_json(), ensure_ascii=False) if url.startswith("/api/") else response.text
        leaked = [name for name, secret in PRIVATE.items() if secret in text]
        leaked += [f"a part of {name}" for name in ("content", "note") if "杏林巷18号" in text]
        assert leaked == [], (url, leaked)
        if "needs" in url:
            assert member.name not in text, url  # nor who served it: the tab names units only


def test_the_demo_countys_needs_stay_off_the_public_tab(app, client, runner, fresh_rankings):
    result = runner.invoke(args=["demo", "--members", "10"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        # Whether or not `flask demo` loads them yet, the demo's needs as app.needs.demo writes them.
        add_demo(utcnow())
        needs = db.session.scalars(select(Need)).all()
        secrets = {n.content for n in needs} | {n.resident_name for n in needs} | {n.resident_phone for n in needs}
        secrets |= {t for n in needs for t in (n.done_note, n.rating_comment) if t}
        months = sorted({periods.month_of(n.done_at) for n in needs if n.done_at is not None})
    assert months, "the demo has done needs to show"
    for month in months:
        page = client.get(f"/board/needs?period={month}")
        assert page.status_code == 200 and "data-need-id" in page.text, month
        ranking = json.dumps(client.get(f"/api/v1/needs/unit-ranking?period={month}").get_json(), ensure_ascii=False)
        leaked = [s for s in secrets if len(s) >= 2 and (s in page.text or s in ranking)]
        assert leaked == [], (month, leaked[:3])
