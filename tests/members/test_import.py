"""Members import: a good file imports whole, a bad one imports nothing and names every bad row."""

from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.auth.models import Account
from app.extensions import db
from app.members.importer import COLUMNS
from app.members.models import Member
from tests.reports.workbooks import HOSTILE_TEXTS, assert_held_as_text


def import_file(runner, path, *args):
    return runner.invoke(args=["members", "import", str(path), *args])


def members_by_phone(app):
    with app.app_context():
        return {
            m.phone: (m.name, m.unit.name, m.community.name, m.grid.name if m.grid else None, m.address, m.reported_on)
            for m in db.session.scalars(select(Member))
        }


GOOD = [
    ("陈建国", "13800001111", "县教育局", "桃东社区", "第1网格", "桃东路8号幸福家园3栋201室", date(2024, 3, 1)),
    ("林秀英", "13900002222", "县人民医院", "五里街社区", None, "五里街12号", None),
]


def test_a_good_xlsx_imports_every_member_and_ignores_blank_trailing_rows(app, runner, county, write_xlsx):
    # Excel hands a phone typed without a leading quote back as a number, and a date as a datetime.
    rows = [(n, int(p), u, c, g, a, datetime(d.year, d.month, d.day) if d else None) for n, p, u, c, g, a, d in GOOD]
    result = import_file(runner, write_xlsx(rows + [(None,) * 7, ("", "", "", "", "", "", "")]))
    assert result.exit_code == 0, result.output
    assert "新增 2 人，更新 0 人，未变 0 人" in result.output
    assert members_by_phone(app) == {
        "13800001111": ("陈建国", "县教育局", "桃东社区", "第1网格", "桃东路8号幸福家园3栋201室", date(2024, 3, 1)),
        "13900002222": ("林秀英", "县人民医院", "五里街社区", None, "五里街12号", None),
    }


@pytest.mark.parametrize("bom", [True, False])
def test_a_good_utf8_csv_imports_with_or_without_a_byte_order_mark(app, runner, county, write_csv, bom):
    rows = [(n, p, u, c, g, a, d.isoformat() if d else "") for n, p, u, c, g, a, d in GOOD]
    result = import_file(runner, write_csv(rows + [("",) * 7], bom=bom))
    assert result.exit_code == 0, result.output
    assert "新增 2 人" in result.output
    assert members_by_phone(app)["13800001111"][3:] == ("第1网格", "桃东路8号幸福家园3栋201室", date(2024, 3, 1))


def test_a_file_with_bad_rows_imports_nothing_and_names_each_by_row_column_and_reason(app, runner, county, write_xlsx):
    rows = [
        GOOD[0],  # row 2
        (None, "13800003333", "县教育局", "桃东社区", None, "某路1号", None),  # 3: no name
        ("王强", "2380000444", "县教育局", "桃东社区", None, "某路2号", None),  # 4: not a mobile
        ("张伟", "13800005555", "县财政局", "桃东社区", None, "某路3号", None),  # 5: unknown unit
        ("李华", "13800006666", "县教育局", "月亮社区", None, "某路4号", None),  # 6: unknown community
        ("刘静", "13800007777", "县教育局", "五里街社区", "第9网格", "某路5号", None),  # 7: grid elsewhere
        ("吴婷", "13800008888", "县教育局", "桃东社区", None, None, None),  # 8: no address
        ("周杰", "13800009999", "县教育局", "桃东社区", None, "某路6号", "去年春天"),  # 9: not a date
        ("郑海", "13800001111", "县人民医院", "桃东社区", None, "某路7号", None),  # 10: phone of row 2
    ]
    result = import_file(runner, write_xlsx(rows))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("第")]
    assert lines == [
        "第3行 [姓名] 不能为空",
        "第4行 [手机号] 「2380000444」不是有效的手机号（11 位数字，以 1 开头）",
        "第5行 [工作单位] 单位「县财政局」不存在",
        "第6行 [居住社区] 社区「月亮社区」不存在",
        "第7行 [网格] 网格「第9网格」不在「五里街社区」",
        "第8行 [详细地址] 不能为空",
        "第9行 [双报到日期] 「去年春天」不是有效日期（如 2024-03-01）",
        "第10行 [手机号] 与第2行的手机号重复",
    ]
    assert members_by_phone(app) == {}


def test_a_name_or_address_holding_a_control_character_no_workbook_can_hold_is_a_bad_row(
    app, runner, county, write_csv
):
    rows = [
        ("张\x07三", "13800003333", "县教育局", "桃东社区", None, "某路1号", None),
        ("李四", "13800004444", "县教育局", "桃东社区", None, "某路\x0b2号", None),
    ]
    result = import_file(runner, write_csv(rows))
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if line.startswith("第")] == [
        "第2行 [姓名] 含有控制字符（无法写入 Excel 通报），请删除后再导入",
        "第3行 [详细地址] 含有控制字符（无法写入 Excel 通报），请删除后再导入",
    ]
    assert members_by_phone(app) == {}


def test_a_header_without_a_required_column_is_named_on_row_1(app, runner, county, write_csv):
    result = import_file(runner, write_csv([GOOD[0][:6]], header=COLUMNS[:5] + ("地址",)))
    assert result.exit_code == 1
    assert "第1行 [详细地址] 表头缺少此列" in result.output


def test_importing_the_same_file_twice_changes_nothing(app, runner, county, write_xlsx):
    path = write_xlsx(GOOD)
    assert import_file(runner, path, "--initial-password", "start-123").exit_code == 0
    before = members_by_phone(app)
    again = import_file(runner, path, "--initial-password", "start-123")
    assert again.exit_code == 0 and "新增 0 人，更新 0 人，未变 2 人" in again.output
    assert members_by_phone(app) == before
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Account)) == 2


def test_a_changed_row_updates_the_member_matched_on_phone(app, runner, county, write_xlsx):
    assert import_file(runner, write_xlsx(GOOD)).exit_code == 0
    moved = [GOOD[0][:3] + ("五里街社区", "第2网格", "五里街20号", None), GOOD[1]]
    result = import_file(runner, write_xlsx(moved, name="moved.xlsx"))
    assert result.exit_code == 0 and "新增 0 人，更新 1 人，未变 1 人" in result.output
    assert members_by_phone(app)["13800001111"] == ("陈建国", "县教育局", "五里街社区", "第2网格", "五里街20号", None)


def test_an_initial_password_gives_each_new_member_an_account_that_logs_in_and_must_change_it(
    app, runner, client, county, write_xlsx
):
    result = import_file(runner, write_xlsx(GOOD), "--initial-password", "start-123")
    assert result.exit_code == 0 and "新建党员账号 2 个" in result.output
    response = client.post("/api/v1/auth/token", json={"phone": "13900002222", "password": "start-123"})
    assert response.status_code == 200
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {response.get_json()['access_token']}"})
    assert me.get_json()["name"] == "林秀英"
    first_login = app.test_client().post("/login", data={"phone": "13900002222", "password": "start-123"})
    assert first_login.location.startswith("/me/password")


@pytest.mark.parametrize(
    "name, content",
    [
        ("members.txt", "姓名\n".encode()),
        ("members.csv", "姓名,手机号\n".encode("gbk")),
        ("members.xlsx", b"not a workbook"),
    ],
)
def test_a_file_that_is_not_a_utf8_csv_or_an_xlsx_is_refused(app, runner, county, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    result = import_file(runner, path)
    assert result.exit_code == 1 and "Error" in result.output
    assert members_by_phone(app) == {}


def test_the_template_has_the_header_and_the_valid_unit_community_and_grid_names(app, runner, county, tmp_path):
    out = tmp_path / "template.xlsx"
    result = runner.invoke(args=["members", "template", "--out", str(out)])
    assert result.exit_code == 0, result.output
    workbook = load_workbook(out)
    first, guide = workbook.worksheets
    assert [c.value for c in first[1]] == list(COLUMNS)
    names = {cell for row in guide.iter_rows(values_only=True) for cell in row if cell}
    assert {"县教育局", "县人民医院", "桃东社区", "五里街社区", "第1网格、第2网格"} <= names
    # The untouched template is a file of no members, not an error.
    assert "新增 0 人" in import_file(runner, out).output


def test_the_template_holds_names_that_open_like_formulas_as_text(app, runner, make, tmp_path):
    make.unit(HOSTILE_TEXTS[0])
    make.community(HOSTILE_TEXTS[1])
    out = tmp_path / "template.xlsx"
    assert runner.invoke(args=["members", "template", "--out", str(out)]).exit_code == 0
    assert_held_as_text(out.read_bytes(), HOSTILE_TEXTS[:2])
