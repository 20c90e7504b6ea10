"""/office/import (名册导入): upload a roster (.xlsx or .csv), follow its check and import on a page with a
progress bar, then see the summary or every bad cell; the same import as `flask members import`, and the
same template as `flask members template`, downloaded with the session."""

import io

from flask import Blueprint, jsonify, redirect, render_template, request, send_file, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.exceptions import RequestEntityTooLarge

from app.db import utcnow
from app.members import importer, operations
from app.office.access import office_actor
from app.pages import Outcome, attempt, page_status

bp = Blueprint("office_import", __name__)

# The form's own fields and multipart framing ride on top of the file the importer allows.
UPLOAD_MAX = importer.MAX_FILE_BYTES + 64 * 1024
TOO_LARGE = f"文件超过 {importer.MAX_FILE_BYTES // importer.MB} MB，请分成几个文件导入"
POLL_SECONDS = 2


class ImportForm(FlaskForm):
    file = FileField()


@bp.url_value_preprocessor
def _room_for_a_roster(endpoint, _values):
    # Before every before_request hook (the CSRF check reads the form): the upload may be 10 MB where
    # every other request keeps the app's 1 MB.
    if endpoint == "office_import.upload" and request.method == "POST":
        request.max_content_length = UPLOAD_MAX


def _form_page(outcome: Outcome | None = None):
    status = page_status(outcome)
    # No form object here: past the size limit, reading the request's body again would raise once more.
    return render_template("office/import.html", outcome=outcome, limits=importer), status


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error):
    office_actor()
    return _form_page(Outcome(code="too_large", message=TOO_LARGE, status=413))


@bp.get("/office/import")
def form():
    office_actor()
    return _form_page()


@bp.post("/office/import")
def upload():
    account = office_actor()
    form = ImportForm()
    upload = form.file.data
    if not form.validate() or upload is None:
        return _form_page(Outcome(code="no_file", message="请选择要导入的文件（.xlsx 或 .csv）", status=400))
    outcome = attempt(operations.start_import, account, upload.filename, upload.stream, utcnow())
    if outcome.refused:
        return _form_page(outcome)
    return redirect(url_for("office_import.job", job_id=outcome.value), 303)


@bp.get("/office/import/<int:job_id>")
def job(job_id: int):
    job = operations.import_job(office_actor(), job_id, utcnow())
    return render_template("office/import_job.html", job=job, poll_seconds=POLL_SECONDS, limits=importer)


@bp.get("/office/import/<int:job_id>.json")
def job_progress(job_id: int):
    job = operations.import_job(office_actor(), job_id, utcnow())
    return jsonify({k: job[k] for k in ("id", "state", "running", "rows_done", "rows_total")})


@bp.get("/office/import/template.xlsx")
def template():
    office_actor()
    out = io.BytesIO()
    importer.write_template(out)
    out.seek(0)
    return send_file(
        out,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name="党员名单导入模板.xlsx",
    )
