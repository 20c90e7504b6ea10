"""A unit's year-end file as a background job, on the API and at the desk: started, followed a member at a
time, downloaded by those who may have the record and nobody else; a second ask joins the running job, a
bad id is a {code, message}, and a file is kept a day."""

import subprocess
import time
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.background import STALL_SECONDS
from app.db import utcnow
from app.extensions import db
from app.schemas import ID_MAX
from app.year_record import operations
from app.year_record.models import UnitFileJob
from tests.factories import log_in
from tests.year_record.conftest import YEAR


def jobs_path(county, unit=None) -> str:
    return f"/api/v1/year-records/{YEAR}/units/{(unit or county.unit).id}/jobs"


def finished(client, path: str, headers=None) -> dict:
    """Poll the job's progress until it is no longer running."""
    deadline = time.monotonic() + 60
    while (job := client.get(path, headers=headers).get_json())["running"]:
        assert time.monotonic() < deadline, "the year-end file job did not finish"
        time.sleep(0.05)
    return job


def pdf_text(data: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "unit.pdf"
    pdf.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True).stdout


def job_row(app, county, *, state: str, at, kind="pdf") -> int:
    with app.app_context():
        job = UnitFileJob(
            account_id=county.unit_secretary.id,
            unit_id=county.unit.id,
            year=YEAR,
            kind=kind,
            state=state,
            rows_done=1,
            rows_total=2,
            result={"file_name": "old.pdf", "bytes": 8} if state == "done" else {},
            content=b"%PDF-old" if state == "done" else None,
            created_at=at,
            updated_at=at,
        )
        db.session.add(job)
        db.session.commit()
        return job.id


def test_the_units_secretary_starts_follows_and_downloads_the_units_pdf_and_workbook(client, county, auth, tmp_path):
    headers = auth(county.unit_secretary)
    started = client.post(jobs_path(county), json={"kind": "pdf"}, headers=headers)
    assert started.status_code == 202, started.text
    body = started.get_json()
    assert (body["unit_id"], body["year"], body["kind"], body["joined"]) == (county.unit.id, YEAR, "pdf", False)
    job = finished(client, f"{jobs_path(county)}/{body['job_id']}", headers)
    assert (job["state"], job["rows_done"], job["rows_total"], job["message"]) == ("done", 2, 2, None)
    assert job["file_name"] == f"年度记实-{YEAR}-{county.unit.id}-县财政局.pdf"
    answer = client.get(job["file_url"], headers=headers)
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    text = pdf_text(answer.data, tmp_path)
    assert f"县财政局 · {YEAR}年 · 党员 2 人" in text and "张三" in text and "李四" in text

    workbook = client.post(jobs_path(county), json={"kind": "xlsx"}, headers=auth(county.admin)).get_json()
    job = finished(client, f"{jobs_path(county)}/{workbook['job_id']}", headers)
    [sheet] = load_workbook(BytesIO(client.get(job["file_url"], headers=headers).data))
    assert sheet.max_row == 4  # header, two members, total


def test_another_units_secretary_is_refused_and_a_job_of_another_unit_is_not_there(app, client, county, auth):
    job_id = job_row(app, county, state="writing", at=utcnow())
    other = auth(county.other_secretary)
    refused = client.post(jobs_path(county), json={"kind": "pdf"}, headers=other)
    assert refused.status_code == 403 and refused.get_json()["code"] == "out_of_scope"
    for path in (f"{jobs_path(county)}/{job_id}", f"{jobs_path(county)}/{job_id}/file"):
        answer = client.get(path, headers=other)
        assert answer.status_code == 403 and answer.get_json()["code"] == "out_of_scope"
    # Named under their own unit, the job is not there.
    answer = client.get(f"{jobs_path(county, county.other_unit)}/{job_id}", headers=other)
    assert answer.status_code == 404 and answer.get_json()["code"] == "not_found"
    # Nor under another year, even for an admin.
    answer = client.get(
        f"/api/v1/year-records/{YEAR - 1}/units/{county.unit.id}/jobs/{job_id}", headers=auth(county.admin)
    )
    assert answer.status_code == 404


@pytest.mark.parametrize(
    "path, body, status, code",
    [
        ("/jobs/999", None, 404, "not_found"),
        (f"/jobs/{ID_MAX + 1}", None, 404, "not_found"),
        ("/jobs/abc", None, 404, "not_found"),
        ("/jobs", {"kind": "doc"}, 400, "invalid_request"),
        ("/jobs", {}, 400, "invalid_request"),
    ],
)
def test_bad_ids_and_kinds_are_a_code_and_a_chinese_message(client, county, auth, path, body, status, code):
    base = jobs_path(county).removesuffix("/jobs")
    headers = auth(county.unit_secretary)
    answer = (
        client.get(base + path, headers=headers)
        if body is None
        else client.post(base + path, json=body, headers=headers)
    )
    assert answer.status_code == status, answer.text
    assert answer.get_json()["code"] == code and answer.get_json()["message"]


def test_an_unknown_unit_a_bad_year_and_a_year_to_come_are_refused_before_any_job(app, client, county, auth):
    admin = auth(county.admin)
    for path, status, code in (
        (f"/api/v1/year-records/{YEAR}/units/{ID_MAX}/jobs", 404, "not_found"),
        (f"/api/v1/year-records/20x6/units/{county.unit.id}/jobs", 400, "invalid_year"),
        (f"/api/v1/year-records/9000/units/{county.unit.id}/jobs", 400, "future_year"),
    ):
        answer = client.post(path, json={"kind": "pdf"}, headers=admin)
        assert (answer.status_code, answer.get_json()["code"]) == (status, code)
    with app.app_context():
        assert db.session.query(UnitFileJob).count() == 0


def test_a_second_ask_joins_the_running_job_and_one_whose_thread_died_is_not_joined(app, client, county, auth):
    running = job_row(app, county, state="writing", at=utcnow())
    answer = client.post(jobs_path(county), json={"kind": "pdf"}, headers=auth(county.admin))
    assert answer.status_code == 202
    assert (answer.get_json()["job_id"], answer.get_json()["joined"]) == (running, True)
    assert answer.get_json()["rows_done"] == 1 and answer.get_json()["rows_total"] == 2
    # Another kind is another job.
    other = client.post(jobs_path(county), json={"kind": "xlsx"}, headers=auth(county.admin)).get_json()
    assert other["job_id"] != running and other["joined"] is False
    finished(client, f"{jobs_path(county)}/{other['job_id']}", auth(county.admin))

    with app.app_context():
        db.session.get(UnitFileJob, running).updated_at = utcnow() - timedelta(seconds=STALL_SECONDS + 1)
        db.session.commit()
    fresh = client.post(jobs_path(county), json={"kind": "pdf"}, headers=auth(county.admin)).get_json()
    assert fresh["job_id"] != running and fresh["joined"] is False
    finished(client, f"{jobs_path(county)}/{fresh['job_id']}", auth(county.admin))
    stalled = client.get(f"{jobs_path(county)}/{running}", headers=auth(county.admin)).get_json()
    assert stalled["state"] == "failed" and "重新生成" in stalled["message"]


def test_a_file_not_yet_built_is_a_409_and_one_past_a_day_is_a_410_then_removed(app, client, county, auth, tmp_path):
    headers = auth(county.unit_secretary)
    running = job_row(app, county, state="reading", at=utcnow())
    answer = client.get(f"{jobs_path(county)}/{running}/file", headers=headers)
    assert (answer.status_code, answer.get_json()["code"]) == (409, "not_ready")

    then = utcnow() - operations.KEPT - timedelta(minutes=1)
    old = job_row(app, county, state="done", at=then, kind="xlsx")
    answer = client.get(f"{jobs_path(county)}/{old}/file", headers=headers)
    assert (answer.status_code, answer.get_json()["code"]) == (410, "expired") and "24 小时" in answer.get_json()[
        "message"
    ]
    assert client.get(f"{jobs_path(county)}/{old}", headers=headers).get_json()["state"] == "expired"

    # The next start removes it for good.
    started = client.post(jobs_path(county), json={"kind": "xlsx"}, headers=headers).get_json()
    finished(client, f"{jobs_path(county)}/{started['job_id']}", headers)
    with app.app_context():
        row = db.session.get(UnitFileJob, old)
        assert (row.state, row.content) == ("expired", None)


def test_the_desk_buttons_start_the_job_and_its_page_follows_it_to_the_download(client, county, tmp_path):
    log_in(client, county.unit_secretary)
    html = client.get(f"/desk/year?year={YEAR}").text
    assert f'action="/desk/year/{YEAR}/unit.pdf/jobs"' in html and 'data-year-download="xlsx"' in html
    started = client.post(f"/desk/year/{YEAR}/unit.pdf/jobs")
    assert started.status_code == 303
    page = started.location
    deadline = time.monotonic() + 60
    while client.get(page + ".json").get_json()["running"]:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    html = client.get(page).text
    assert 'data-job-state="done"' in html and "http-equiv" not in html and "data-job-file" in html
    answer = client.get(page + "/file")
    assert answer.status_code == 200 and "张三" in pdf_text(answer.data, tmp_path)
    client.post("/logout")
    log_in(client, county.other_secretary)
    assert client.get(page).status_code == 403 and client.get(page + "/file").status_code == 403


def test_the_desk_lists_the_files_kept_and_only_those(app, client, county):
    now = utcnow()
    kept = job_row(app, county, state="done", at=now - timedelta(hours=2))
    gone = job_row(app, county, state="done", at=now - operations.KEPT - timedelta(minutes=1))
    failed = job_row(app, county, state="failed", at=now)
    log_in(client, county.unit_secretary)
    html = client.get(f"/desk/year?year={YEAR}").text
    assert "最近生成的文件" in html and f'data-recent-file="{kept}"' in html
    assert f'data-recent-file="{gone}"' not in html and f'data-recent-file="{failed}"' not in html
    assert client.get(f"/desk/year/jobs/{kept}/file").data == b"%PDF-old"
    client.post("/logout")
    log_in(client, county.other_secretary)
    assert "最近生成的文件" not in client.get(f"/desk/year?year={YEAR}").text


def test_the_offices_buttons_start_the_same_job_whose_page_wears_the_offices_menu(client, county, tmp_path):
    log_in(client, county.admin)
    started = client.post(f"/desk/year/{YEAR}/unit.pdf/jobs?unit_id={county.unit.id}&from=office")
    assert started.status_code == 303
    page = started.location
    assert page.endswith("?from=office")
    job_id = page.removeprefix("/desk/year/jobs/").removesuffix("?from=office")
    deadline = time.monotonic() + 60
    while client.get(f"/desk/year/jobs/{job_id}.json").get_json()["running"]:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    html = client.get(page).text
    assert 'class="menu office-menu"' in html and "desk-menu" not in html
    assert '<a href="/office/reports" aria-current="page">报表</a>' in html
    assert f'href="/office/reports?year={YEAR}&amp;year_unit={county.unit.id}#year-record"' in html
    answer = client.get(f"/desk/year/jobs/{job_id}/file")
    assert answer.status_code == 200 and "张三" in pdf_text(answer.data, tmp_path)
    # The same job from the desk's own address is the desk's page.
    desk = client.get(f"/desk/year/jobs/{job_id}").text
    assert 'class="menu desk-menu"' in desk and "office-menu" not in desk and "返回年度记实" in desk


def test_a_fault_while_building_is_a_chinese_message_on_the_jobs_page_never_a_500(client, county, monkeypatch):
    def broken(record, kind, progress):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(operations, "unit_file", broken)
    log_in(client, county.unit_secretary)
    page = client.post(f"/desk/year/{YEAR}/unit.xlsx/jobs").location
    deadline = time.monotonic() + 60
    while client.get(page + ".json").get_json()["running"]:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    answer = client.get(page)
    assert answer.status_code == 200 and 'data-job-status="failed"' in answer.text
    assert "未能生成文件：生成文件时出错，请稍后重试" in answer.text
    refused = client.get(page + "/file")
    assert refused.status_code == 409 and "生成文件时出错" in refused.text
