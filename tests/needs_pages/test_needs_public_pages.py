"""/n/{community_id} and its tracking page: the resident's form, the code shown once, progress read with the
code, and the rating given once, on the page itself."""

from app.extensions import db
from app.needs import operations
from app.needs.models import Need
from tests.needs_pages.conftest import RESIDENT, hook


def test_the_form_offers_the_community_s_grids_and_the_catalogue(client, town):
    html = client.get(f"/n/{town['a'].id}").text
    assert "桃源社区" in html and "第1网格" in html and "助老助残" in html
    for field in ("resident_name", "resident_phone", "grid_id", "category_id", "content"):
        assert f'name="{field}"' in html


def test_an_unknown_community_is_a_chinese_404(client, town):
    response = client.get("/n/999999")
    assert response.status_code == 404 and "社区不存在" in response.text


def test_the_code_is_shown_once_with_the_tracking_link_and_never_cached(client, town, submit):
    need_id, code, html = submit()
    assert "请记下" in html and f"/n/{town['a'].id}/t/{need_id}?code={code}" in html
    again = client.get(f"/n/{town['a'].id}")
    assert code not in again.text
    response = client.get(f"/n/{town['a'].id}/t/{need_id}?code={code}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert hook(response.text, "data-need-status") == "received"


def test_a_wrong_code_or_another_need_s_code_opens_nothing(client, town, submit):
    first, code, _ = submit()
    second, _, _ = submit(content="楼道灯坏了")
    for url in (f"/n/{town['a'].id}/t/{first}?code=WRONG", f"/n/{town['a'].id}/t/{second}?code={code}"):
        response = client.get(url)
        assert response.status_code == 403 and "家里水管漏水" not in response.text and "楼道灯坏了" not in response.text


def test_a_form_the_operation_refuses_is_shown_again_with_its_chinese_reason(client, town):
    response = client.post(f"/n/{town['a'].id}", data=RESIDENT | {"category_id": town["category_id"], "content": "   "})
    assert 400 <= response.status_code < 500
    assert hook(response.text, "data-need-status") not in ("received", "")
    assert 'class="error"' in response.text and RESIDENT["resident_name"] in response.text


def test_a_need_not_done_offers_no_rating_and_a_rating_posted_anyway_is_refused(client, town, submit):
    need_id, code, _ = submit()
    page = client.get(f"/n/{town['a'].id}/t/{need_id}?code={code}").text
    assert 'name="stars"' not in page
    response = client.post(f"/n/{town['a'].id}/t/{need_id}", data={"code": code, "stars": "5"})
    assert response.status_code == 409 and hook(response.text, "data-rating-status") == "not_done"


def test_the_form_is_limited_per_address_with_a_chinese_page(app, client, town, submit):
    app.config["RATELIMIT_NEEDS"] = "2 per hour"
    submit()
    submit(resident_phone="13712345679")
    response = client.post(
        f"/n/{town['a'].id}", data=RESIDENT | {"category_id": town["category_id"], "content": "再来"}
    )
    assert response.status_code == 429 and "请求过于频繁" in response.text and response.headers["Retry-After"]


def test_a_need_under_another_community_s_address_is_an_unknown_need_and_its_code_is_not_tried(
    app, client, town, submit
):
    need_id, code, _ = submit()
    a, b = town["a"].id, town["b"].id
    unknown = client.get(f"/n/{a}/t/{need_id + 1000}?code={code}")
    assert unknown.status_code == 404 and "需求不存在" in unknown.text
    elsewhere = [
        client.get(f"/n/{b}/t/{need_id}?code={code}"),
        client.get(f"/n/{b}/t/{need_id}?code=WRONG"),
        client.post(f"/n/{b}/t/{need_id}", data={"code": "WRONG", "stars": "5"}),
    ]
    for response in elsewhere:
        assert (response.status_code, response.text) == (unknown.status_code, unknown.text)
        assert response.headers.get("Cache-Control") == unknown.headers.get("Cache-Control")
    with app.app_context():
        assert db.session.get(Need, need_id).code_failures == 0
    assert client.get(f"/n/{a}/t/{need_id}?code={code}").status_code == 200
    # The wrong codes tried under the need's own address still hold every code back, there and only there.
    for _ in range(operations.CODE_TRIES):
        assert client.get(f"/n/{a}/t/{need_id}?code=WRONG").status_code == 403
    assert client.get(f"/n/{a}/t/{need_id}?code={code}").status_code == 429
    assert client.get(f"/n/{b}/t/{need_id}?code={code}").status_code == 404
