"""/office/import: the upload page runs the command's own import in a background job with a progress bar;
a bad file imports nothing and names every bad cell, a good one shows the summary, the same file again
changes nothing, and the importer's limits hold."""

import io
import time
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder

from app.action_log.models import ActionLogEntry
from app.background import STALL_SECONDS
from app.db import utcnow
from app.extensions import db
from app.members import importer
from app.members.models import ImportJob, Member
from tests.office.conftest import hook

GOOD = [
    ("陈建国", "13800001111", "县教育局", "桃东社区", "第1网格", "桃东路8号幸福家园3栋201室", "2024-03-01"),
    ("林秀英", "13900002222", "县人民医院", "五里街社区", "", "五里街12号", ""),
]
BAD_PHONE = ("王强", "2380000444", "县教育局", "桃东社区", "", "某路2号", "")


@pytest.fixture
def county(make):
    for name in ("桃东社区", "五里街社区"):
        make.community(name)
    for name in ("县教育局", "县人民医院"):
        make.unit(name)


def csv_bytes(rows) -> bytes:
    return "\r\n".join([",".join(importer.COLUMNS), *(",".join(r) for r in rows)]).encode("utf-8")


def upload(client, data: bytes, name="名册.csv"):
    environ = EnvironBuilder(
        path="/office/import", method="POST", data={"file": (io.BytesIO(data), name)}
    ).get_environ()
    try:
        return client.open(environ)
    finally:
        # Past 500 KB the test client spools the body to a file of its own, which it leaves open.
        environ["wsgi.input"].close()


def finished(client, response):
    """Follow the upload to its job's page and wait there until the job has finished."""
    assert response.status_code == 303, response.text
    path = response.location
    deadline = time.monotonic() + 30
    while client.get(path + ".json").get_json()["running"]:
        assert time.monotonic() < deadline, "the import job did not finish"
        time.sleep(0.05)
    return client.get(path)


def member_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Member))


def test_the_page_has_the_file_field_and_the_template_link(client, admin):
    html = client.get("/office/import").text
    assert 'type="file" id="file" name="file"' in html and 'enctype="multipart/form-data"' in html
    assert 'href="/office/import/template.xlsx"' in html


def test_the_template_downloads_with_the_session_and_is_the_commands_template(client, admin, county):
    response = client.get("/office/import/template.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    workbook = load_workbook(io.BytesIO(response.data))
    assert [c.value for c in workbook.worksheets[0][1]] == list(importer.COLUMNS)
    assert "桃东社区" in [c.value for c in workbook["填写说明"]["B"]]


def test_one_bad_row_is_named_and_nothing_imported_then_fixed_it_imports_then_again_changes_nothing(
    app, client, admin, county
):
    page = finished(client, upload(client, csv_bytes([GOOD[0], BAD_PHONE, GOOD[1]])))
    assert hook(page.text, "data-job-state") == "rejected"
    [cell] = (
        page.text.split('class="list stackable bad-cells"', 1)[1]
        .split("<tbody>")[1]
        .split("</tbody>")[0]
        .split("</tr>")[:-1]
    )
    assert hook(cell, "data-row") == "3" and hook(cell, "data-column") == "手机号" and "不是有效的手机号" in cell
    assert "未导入任何数据" in page.text and member_count(app) == 0

    fixed = [GOOD[0], ("王强", "13800004444", *BAD_PHONE[2:]), GOOD[1]]
    page = finished(client, upload(client, csv_bytes(fixed)))
    assert hook(page.text, "data-job-state") == "done"
    assert (hook(page.text, "data-created"), hook(page.text, "data-updated"), hook(page.text, "data-unchanged")) == (
        "3",
        "0",
        "0",
    )
    assert '<progress max="3" value="3"' in page.text
    assert member_count(app) == 3

    again = finished(client, upload(client, csv_bytes(fixed)))
    assert (hook(again.text, "data-created"), hook(again.text, "data-unchanged")) == ("0", "3")
    assert member_count(app) == 3
    with app.app_context():
        logged = db.session.scalars(select(ActionLogEntry).order_by(ActionLogEntry.id)).all()
    assert not list(Path(app.instance_path, "imports").glob("*")), "an uploaded roster left behind"
    assert [
        (e.action, e.account_id, e.target, e.address, e.detail["added"], e.detail["unchanged"]) for e in logged
    ] == [
        ("members.import", admin.id, "名册.csv", "127.0.0.1", 3, 0),
        ("members.import", admin.id, "名册.csv", "127.0.0.1", 0, 3),
    ]


def test_a_running_job_shows_a_progress_bar_that_refreshes_itself_with_and_without_javascript(app, client, admin):
    with app.app_context():
        now = utcnow()
        job = ImportJob(
            account_id=admin.id,
            file_name="大名册.xlsx",
            stored_path="/nonexistent",
            state="checking",
            rows_done=2000,
            rows_total=50000,
            created_at=now,
            updated_at=now,
        )
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    html = client.get(f"/office/import/{job_id}").text
    assert '<meta http-equiv="refresh" content="2">' in html and "job-progress.js" in html
    assert '<progress max="50000" value="2000"' in html and hook(html, "data-job-state") == "checking"
    assert client.get(f"/office/import/{job_id}.json").get_json() == {
        "id": job_id,
        "state": "checking",
        "running": True,
        "rows_done": 2000,
        "rows_total": 50000,
    }


def test_a_job_whose_thread_died_is_marked_failed_once_it_stops_advancing(app, client, admin):
    with app.app_context():
        then = utcnow() - timedelta(seconds=STALL_SECONDS + 1)
        job = ImportJob(
            account_id=admin.id,
            file_name="名册.xlsx",
            stored_path="/nonexistent",
            state="importing",
            rows_done=10,
            rows_total=10,
            created_at=then,
            updated_at=then,
        )
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    html = client.get(f"/office/import/{job_id}").text
    assert hook(html, "data-job-state") == "failed" and "导入已中断" in html and "http-equiv" not in html
    assert client.get(f"/office/import/{job_id}.json").get_json()["running"] is False


@pytest.mark.parametrize(
    "name, data, code, words",
    [
        ("名册.txt", b"x", "bad_file", "只支持 .xlsx 或 .csv 文件"),
        ("名册.csv", b"x" * (importer.MAX_FILE_BYTES + 1), "too_large", "文件超过 10 MB"),
    ],
)
def test_a_wrong_kind_or_an_oversized_file_is_refused_at_once_in_chinese(app, client, admin, name, data, code, words):
    response = upload(client, data, name)
    assert response.status_code in (400, 413)
    assert hook(response.text, "data-import-status") == code and words in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 0


def test_an_upload_past_the_request_limit_gets_the_same_chinese_reason(client, admin):
    response = upload(client, b"x" * (importer.MAX_FILE_BYTES + 200 * 1024))
    assert response.status_code == 413 and "文件超过 10 MB" in response.text


def test_no_file_chosen_is_refused(client, admin):
    response = client.post("/office/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and hook(response.text, "data-import-status") == "no_file"


def test_more_rows_than_the_limit_are_refused_with_the_importers_reason(app, client, admin, county):
    rows = [("党员", f"138{n:08d}", "县教育局", "桃东社区", "", "某路", "") for n in range(importer.MAX_ROWS + 1)]
    page = finished(client, upload(client, csv_bytes(rows)))
    assert hook(page.text, "data-import-status") == "too_many_rows" and "50,000" in page.text
    assert member_count(app) == 0


def test_another_admins_unknown_job_is_a_chinese_404(client, admin):
    response = client.get("/office/import/999")
    assert response.status_code == 404 and "导入任务不存在" in response.text
