"""/office/reports and /office/log: the bulletin and the auditor's export with the session alone, the
action log readable by admins; a secretary gets the Chinese 403 page on each."""

import json
import subprocess
import sys
import zipfile
from io import BytesIO

import pytest

from app.action_log import operations as action_log
from app.db import transaction
from tests.factories import earn, local, log_in, ten_eight_eight_five


@pytest.fixture
def county(app, make):
    community = make.community("桃城社区")
    members = ten_eight_eight_five(app, make, community=community)
    return {"community": community, "admin": make.admin(), "secretary": make.secretary(community), "members": members}


def test_an_admin_downloads_the_bulletin_for_a_community_with_the_session_alone(client, county):
    log_in(client, county["admin"])
    page = client.get(f"/office/reports?period=2026-10&scope=community:{county['community'].id}")
    assert page.status_code == 200 and 'data-report="pdf"' in page.text
    pdf = client.get(f"/office/reports/2026-10.pdf?community_id={county['community'].id}")
    xlsx = client.get("/office/reports/2026-10.xlsx")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK")


def test_the_auditors_export_carries_a_checker_that_passes_it_and_catches_a_changed_line(client, county, tmp_path):
    log_in(client, county["admin"])
    response = client.get("/office/reports/ledger.zip", buffered=True)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(BytesIO(response.data)) as archive:
        assert sorted(archive.namelist()) == ["README.txt", "check_export.py", "ledger.jsonl", "manifest.json"]
        archive.extractall(tmp_path)
    lines = (tmp_path / "ledger.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 7  # seven earned entries, each a record, and their audits

    def check():
        return subprocess.run(
            [sys.executable, "check_export.py", "ledger.jsonl"], cwd=tmp_path, capture_output=True, text=True
        )

    passed = check()
    assert passed.returncode == 0 and "校验通过" in passed.stdout, passed.stdout + passed.stderr
    record = json.loads(lines[0])
    record["kind"] = record["kind"] + "x"  # one field changed in the file, its stored hash kept
    (tmp_path / "ledger.jsonl").write_text("\n".join([json.dumps(record, ensure_ascii=False)] + lines[1:]), "utf-8")
    changed = check()
    assert changed.returncode == 1 and "hash does not match" in changed.stderr, changed.stderr
    # A record taken out: its chain no longer starts at seq 1, and the count is short of the manifest's.
    (tmp_path / "ledger.jsonl").write_text("\n".join(lines[1:]), encoding="utf-8")
    gap = check()
    assert gap.returncode == 1 and "seq 1" in gap.stderr, gap.stderr
    (tmp_path / "ledger.jsonl").write_text("\n".join(lines[:-1]), encoding="utf-8")
    short = check()
    assert short.returncode == 1 and "records, but the export wrote" in short.stderr, short.stderr


def test_a_months_export_is_its_stretch_of_each_chain(client, county, app, make):
    earn(app, county["members"][0], "return_day", period="2026-11", now=local(2026, 11, 20, 10))
    log_in(client, county["admin"])
    month = client.get("/office/reports/ledger.zip?period=2026-11", buffered=True)
    with zipfile.ZipFile(BytesIO(month.data)) as archive:
        assert json.loads(archive.read("manifest.json")) == {"period": "2026-11", "records": 1}
    bad = client.get("/office/reports/ledger.zip?period=2026-13")
    assert bad.status_code == 400 and "text/html" in bad.content_type


def test_the_action_log_shows_every_act_newest_first(client, county, app):
    with app.app_context(), transaction():
        action_log.record(county["secretary"], "event.rotate_key", "活动#1 十月回家日", voided=1)
        action_log.record(None, "period.close", "2026-10")
    log_in(client, county["admin"])
    html = client.get("/office/log").text
    assert html.index('data-action="period.close"') < html.index('data-action="event.rotate_key"')
    assert "作废旧码" in html and "活动#1 十月回家日" in html and county["secretary"].name in html
    only = client.get("/office/log?action=period.close").text
    assert 'data-action="event.rotate_key"' not in only


@pytest.mark.parametrize(
    "path", ["/office/reports", "/office/reports/2026-10.pdf", "/office/reports/ledger.zip", "/office/log"]
)
def test_a_secretary_gets_the_chinese_403_page_on_the_offices_reports_and_log(client, county, path):
    log_in(client, county["secretary"])
    response = client.get(path)
    assert response.status_code == 403 and "text/html" in response.content_type and "组织部" in response.text
