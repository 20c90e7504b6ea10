"""The core loop end to end, as the county runs it: a member scans the printed code, logs a visit, the
secretary audits it, the public ranking and the member's rank follow, the ledger verifies, and the
month's report carries it all."""

from datetime import timedelta
from io import BytesIO
from urllib.parse import urlsplit

import zxingcpp
from openpyxl import load_workbook
from PIL import Image

from app.db import utcnow
from ledger import periods


def test_scan_visit_audit_rank_verify_report(app, client, make, auth, runner, tmp_path):
    community = make.community("桃城社区")
    member, rival = make.member(community, name="林秀英"), make.member(community, name="陈志强")
    secretary = make.secretary(community)
    household = make.household(community, member=member, hardship=True)
    event = make.event(community, title="11月回家日", starts_at=utcnow() - timedelta(minutes=5))
    month = periods.month_of(utcnow())

    png = client.get(f"/api/v1/events/{event.id}/qr.png", headers=auth(secretary)).data
    url = zxingcpp.read_barcodes(Image.open(BytesIO(png)))[0].text
    token = urlsplit(url).path.rsplit("/", 1)[1]
    scanned = client.post("/api/v1/checkins", json={"token": token}, headers=auth(member.account))
    assert scanned.status_code == 201 and scanned.get_json()["status"] == "posted"
    rival_scan = client.post("/api/v1/checkins", json={"token": token}, headers=auth(rival.account))
    assert rival_scan.status_code == 201

    visit = client.post(
        "/api/v1/visits",
        headers=auth(member.account),
        json={
            "household_id": household.id,
            "category": "hardship",
            "visited_on": periods.local(utcnow()).date().isoformat(),
        },
    )
    assert visit.status_code == 201
    queue = client.get("/api/v1/audit/queue", headers=auth(secretary)).get_json()["entries"]
    assert [e["id"] for e in queue] == [visit.get_json()["entry_id"]]
    assert "困难群众" in queue[0]["explanation"]
    approved = client.post(f"/api/v1/ledger/entries/{queue[0]['id']}/approve", headers=auth(secretary))
    assert approved.status_code == 200 and approved.get_json()["state"] == "posted"

    me = client.get("/api/v1/me", headers=auth(member.account)).get_json()
    assert (me["points_month"], me["rank_month"]) == (8, 1)
    entries = client.get("/api/v1/ledger/entries", headers=auth(member.account)).get_json()["entries"]
    assert sum(e["points"] for e in entries if e["state"] == "posted") == 8
    assert any("11月回家日" in e["explanation"] for e in entries)

    board = client.get(f"/api/v1/rankings?period={month}&by=member").get_json()
    assert [(r["rank"], r["name"], r["points"]) for r in board["rows"]] == [(1, "林秀英", 8), (2, "陈志强", 5)]
    assert "林秀英" in client.get(f"/board?period={month}").text

    verified = runner.invoke(args=["ledger", "verify"])
    assert verified.exit_code == 0, verified.output

    made = runner.invoke(args=["report", "month", month, "--out", str(tmp_path)])
    assert made.exit_code == 0, made.output
    book = load_workbook(next(tmp_path.glob("*.xlsx")))
    names = [row[1:3] for row in book["党员排名"].iter_rows(values_only=True)]
    assert any("林秀英" in (cell or "") for row in names for cell in row if isinstance(cell, str))
    assert next(tmp_path.glob("*.pdf")).read_bytes().startswith(b"%PDF")
