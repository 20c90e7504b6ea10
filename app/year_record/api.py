"""The year-end record (年度报到服务记实) on the API: a work unit's rows as JSON, its PDF and workbook (within
the request, or as a job to follow and then download), and one member's PDF page."""

from io import BytesIO
from pathlib import Path

from flask import send_file, url_for
from flask.views import MethodView
from marshmallow import fields, validate

from app.api_base import Blueprint
from app.auth.current import actor
from app.db import utcnow
from app.reports.files import MIMETYPES
from app.schemas import ID_PATH, YEAR, Error, Id, Schema, Text
from app.year_record import operations
from app.year_record.files import IN_REQUEST_MEMBERS, member_file, unit_file_in_request
from app.year_record.models import KINDS
from app.year_record.queries import unit_record

blp = Blueprint("year_record", __name__, url_prefix="/api/v1", description="年度报到服务记实（JSON、PDF、Excel）")

YEAR_IN_PATH = [{"in": "path", "name": "year", "schema": {"type": "string", "maxLength": 4, **YEAR}}]


class YearQuery(Schema):
    year = Text(required=True, max=4, metadata=YEAR)
    unit_id = Id(required=True, strict=False)


class YearQuarterCount(Schema):
    quarter = fields.String(metadata={"description": "YYYY-Qn"})
    any = fields.Integer(metadata={"description": "报到次数（任一社区的活动，不含被驳回的）"})
    home = fields.Integer(metadata={"description": "其中在本人报到社区的"})


class YearQuarterDuty(Schema):
    quarter = fields.String()
    met = fields.Boolean(allow_none=True, metadata={"description": "季度报到任务是否完成；尚未开始的季度为 null"})
    recorded = fields.Boolean(metadata={"description": "true：季度结束时存档的结果；false：按当前台账计算"})
    ended = fields.Boolean(metadata={"description": "该季度是否已结束（未结束的季度尚未报到不算未完成）"})


class YearVisits(Schema):
    hardship = fields.Integer()
    sickness = fields.Integer()
    abnormal_family = fields.Integer()
    dispute = fields.Integer()
    routine = fields.Integer()
    total = fields.Integer()


class YearPoints(Schema):
    months = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata={"description": "YYYY-MM → 已入账积分"}
    )
    total = fields.Integer()


class YearLinked(Schema):
    kind = fields.String(metadata={"description": "checkin 或 visit"})
    id = fields.Integer()
    words = fields.String()


class YearProgress(Schema):
    on = fields.Date()
    note = fields.String()
    linked = fields.Nested(YearLinked, allow_none=True)


class YearPledge(Schema):
    category = fields.String()
    text = fields.String()
    progress = fields.List(fields.Nested(YearProgress))


class YearReview(Schema):
    grade = fields.String()
    grade_words = fields.String()
    comment = fields.String(allow_none=True)
    by = fields.String()
    at = fields.DateTime()


class YearPledges(Schema):
    pledges = fields.List(fields.Nested(YearPledge))
    review = fields.Nested(
        YearReview, allow_none=True, metadata={"description": "评诺（最后一次为准）；尚未评议为 null"}
    )


class YearTerm(Schema):
    community = fields.String()
    start = fields.String(metadata={"description": "YYYY-MM-DD"})
    end = fields.String(metadata={"description": "YYYY-MM-DD"})


class YearDeliberation(Schema):
    attended = fields.Integer(metadata={"description": "当年出席议事日次数"})
    days = fields.Integer(allow_none=True, metadata={"description": "任兼职委员期间应出席次数；当年未任为 null"})
    terms = fields.List(fields.Nested(YearTerm))


class YearRow(Schema):
    member_id = fields.Integer()
    name = fields.String()
    unit_id = fields.Integer()
    unit = fields.String()
    community_id = fields.Integer()
    community = fields.String()
    grid = fields.String(allow_none=True)
    checkins = fields.List(fields.Nested(YearQuarterCount))
    duty = fields.List(fields.Nested(YearQuarterDuty))
    visits = fields.Nested(YearVisits, metadata={"description": "当年走访（不含被驳回的），按类别"})
    points = fields.Nested(YearPoints)
    orders_served = fields.Integer(metadata={"description": "当年办结、本人参与服务的群众需求订单数"})
    pledges = fields.Nested(YearPledges, metadata={"description": "承诺践诺评诺"})
    deliberation = fields.Nested(YearDeliberation, metadata={"description": "议事日出席与兼职委员任期"})


class YearQuarterMet(Schema):
    quarter = fields.String()
    met = fields.Integer()


class YearTotals(Schema):
    members = fields.Integer()
    checkins = fields.List(fields.Nested(YearQuarterCount))
    duty_met = fields.List(fields.Nested(YearQuarterMet))
    visits = fields.Nested(YearVisits)
    points = fields.Nested(YearPoints)
    orders_served = fields.Integer()
    pledges = fields.Integer()
    progress = fields.Integer()
    reviewed = fields.Integer()
    attended = fields.Integer()
    days = fields.Integer()


class YearRecordResponse(Schema):
    year = fields.Integer()
    as_of = fields.Date(allow_none=True, metadata={"description": "年度未结束时，记实截至的日期；已结束为 null"})
    made_at = fields.DateTime()
    unit_id = fields.Integer()
    unit = fields.String(attribute="scope")
    rows = fields.List(fields.Nested(YearRow), attribute="members")
    totals = fields.Nested(YearTotals)


class UnitFileJobRequest(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS), metadata={"description": "pdf 或 xlsx"})


class UnitFileJobResponse(Schema):
    job_id = fields.Integer()
    unit_id = fields.Integer()
    year = fields.Integer()
    kind = fields.String(metadata={"description": "pdf 或 xlsx"})
    state = fields.String(
        metadata={
            "description": "queued、reading（读取台账）、writing（逐人生成）为进行中；done 可下载，"
            "rejected、failed 未能生成（见 message），expired 文件已删除（保留 24 小时）"
        }
    )
    running = fields.Boolean()
    rows_done = fields.Integer(metadata={"description": "已生成的党员人数"})
    rows_total = fields.Integer(metadata={"description": "单位在册党员人数（读取台账之后）"})
    joined = fields.Boolean(metadata={"description": "POST：同一单位、年度和文件类型已有任务在生成，返回的是那个任务"})
    file_name = fields.String(allow_none=True, metadata={"description": "done 时的文件名"})
    file_url = fields.String(allow_none=True, metadata={"description": "done 时下载文件的地址"})
    message = fields.String(allow_none=True, metadata={"description": "rejected、failed 时的中文原因"})
    created_at = fields.DateTime()


def _file(name: str, data: bytes, kind: str):
    return send_file(BytesIO(data), mimetype=MIMETYPES[kind], as_attachment=True, download_name=name)


def _job(view: dict, *, joined: bool = False) -> dict:
    done = view["state"] == "done"
    return {
        **view,
        "job_id": view["id"],
        "joined": joined,
        "file_name": view["result"].get("file_name") if done else None,
        "file_url": url_for("year_record.UnitFile", year=view["year"], unit_id=view["unit_id"], job_id=view["id"])
        if done
        else None,
        "message": view["result"].get("message") if view["state"] in ("rejected", "failed") else None,
    }


@blp.route("/year-records")
class YearRecords(MethodView):
    @blp.doc(operationId="listYearRecords")
    @blp.arguments(YearQuery, location="query")
    @blp.response(200, YearRecordResponse)
    def get(self, query):
        """A work unit's members' year in figures, a row each (its secretary, an admin); the year under way
        runs to today (`as_of`), a year not begun is a 400."""
        return unit_record(actor(), query["year"], query["unit_id"], now=utcnow())


@blp.route(f"/year-records/<year>/units/<{ID_PATH}:unit_id>.<any(pdf, xlsx):kind>", parameters=YEAR_IN_PATH)
class UnitYearFile(MethodView):
    @blp.doc(operationId="getUnitYearRecord")
    @blp.response(
        200, description="pdf：封面一行，之后每名党员一页 A4（按姓名）；xlsx：每名党员一行、每项数字一列，末行合计"
    )
    @blp.alt_response(
        409,
        schema=Error,
        description=f"`use_background_job`：单位在册党员超过 {IN_REQUEST_MEMBERS} 人，文件不在请求内生成，"
        "请用 POST …/jobs 在后台生成",
    )
    def get(self, year, unit_id, kind):
        """The unit's file built within the request, for a small unit; a larger one is a 409
        `use_background_job` and nothing is built: start its job (POST …/jobs) instead."""
        return _file(*unit_file_in_request(actor(), year, unit_id, kind, now=utcnow()), kind)


UNIT_JOBS = f"/year-records/<year>/units/<{ID_PATH}:unit_id>/jobs"


@blp.route(UNIT_JOBS, parameters=YEAR_IN_PATH)
class UnitFileJobs(MethodView):
    @blp.doc(operationId="startUnitYearRecordJob")
    @blp.arguments(UnitFileJobRequest)
    @blp.response(202, UnitFileJobResponse)
    def post(self, body, year, unit_id):
        """Start building the unit's PDF or workbook in the background (its secretary, an admin); while one
        of the same kind is being built for the unit and year, its job is the answer (`joined`). Follow it
        with GET …/jobs/{job_id}, then download …/jobs/{job_id}/file, kept 24 hours."""
        now = utcnow()
        job_id, joined = operations.start_unit_file(actor(), year, unit_id, body["kind"], now)
        return _job(operations.unit_file_job(actor(), job_id, now), joined=joined), 202


@blp.route(f"{UNIT_JOBS}/<{ID_PATH}:job_id>", parameters=YEAR_IN_PATH)
class UnitFileJob(MethodView):
    @blp.doc(operationId="getUnitYearRecordJob")
    @blp.response(200, UnitFileJobResponse)
    def get(self, year, unit_id, job_id):
        """How far the job is: rows_done of rows_total members; a job of another unit or year is a 404."""
        return _job(operations.unit_file_job(actor(), job_id, utcnow(), year=year, unit_id=unit_id))


@blp.route(f"{UNIT_JOBS}/<{ID_PATH}:job_id>/file", parameters=YEAR_IN_PATH)
class UnitFile(MethodView):
    @blp.doc(operationId="getUnitYearRecordJobFile")
    @blp.response(200, description="任务生成的 PDF 或 xlsx；仍在生成或未能生成为 409，已删除为 410")
    def get(self, year, unit_id, job_id):
        name, data = operations.unit_file_download(actor(), job_id, utcnow(), year=year, unit_id=unit_id)
        return _file(name, data, Path(name).suffix[1:])


@blp.route(f"/members/<{ID_PATH}:member_id>/year-record/<year>.pdf", parameters=YEAR_IN_PATH)
class MemberYearFile(MethodView):
    @blp.doc(operationId="getMemberYearRecord")
    @blp.response(200, description="该党员的年度记实，A4 PDF（本人、所在社区或单位书记、管理员）")
    def get(self, member_id, year):
        return _file(*member_file(actor(), year, member_id, now=utcnow()), "pdf")
