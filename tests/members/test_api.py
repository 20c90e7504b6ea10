"""GET /api/v1/members: a secretary sees the members of their community or unit, an admin everyone's."""

import pytest

FIELDS = {"member_id", "name", "phone", "community_id", "community", "unit_id", "unit", "grid"}


@pytest.fixture
def register(make, county):
    """Three members: two living in 桃东社区 (one from each unit), one in 五里街社区."""
    taodong, wulijie = county["桃东社区"], county["五里街社区"]
    education, hospital = county["县教育局"], county["县人民医院"]
    return {
        "chen": make.member(taodong, education, name="陈建国", phone="13800001111"),
        "lin": make.member(taodong, hospital, name="林秀英", phone="13900002222"),
        "huang": make.member(wulijie, education, name="黄建华", phone="13700003333"),
    }


def listed(client, headers, **query):
    response = client.get("/api/v1/members", query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    return body, [m["name"] for m in body["members"]]


def test_a_community_secretary_lists_their_community_with_names_of_unit_community_and_grid(
    client, make, auth, county, register
):
    secretary = make.secretary(community=county["桃东社区"])
    body, names = listed(client, auth(secretary), community_id=county["桃东社区"].id)
    assert names == ["陈建国", "林秀英"] and body["total"] == 2
    chen = body["members"][0]
    assert set(chen) == FIELDS
    assert chen == {
        "member_id": register["chen"].id,
        "name": "陈建国",
        "phone": "13800001111",
        "community_id": county["桃东社区"].id,
        "community": "桃东社区",
        "unit_id": county["县教育局"].id,
        "unit": "县教育局",
        "grid": "第1网格",
    }


def test_a_unit_secretary_lists_their_units_members_wherever_they_live(client, make, auth, county, register):
    secretary = make.secretary(unit=county["县教育局"])
    _, names = listed(client, auth(secretary), unit_id=county["县教育局"].id)
    assert names == ["陈建国", "黄建华"]


@pytest.mark.parametrize("query", [{"community": "五里街社区"}, {"unit": "县人民医院"}, {}])
def test_a_secretary_outside_the_scope_asked_for_is_refused(client, make, auth, county, register, query):
    secretary = make.secretary(community=county["桃东社区"])
    args = {f"{k}_id": county[v].id for k, v in query.items()}
    response = client.get("/api/v1/members", query_string=args, headers=auth(secretary))
    assert response.status_code == 403 and response.get_json()["code"] == "forbidden"


def test_a_member_may_not_list_members_and_a_stranger_must_log_in(client, auth, county, register):
    response = client.get(
        "/api/v1/members", query_string={"community_id": county["桃东社区"].id}, headers=auth(register["chen"].account)
    )
    assert response.status_code == 403
    assert client.get("/api/v1/members").status_code == 401


def test_an_admin_searches_every_member_by_part_of_a_name_or_a_phone(client, make, auth, county, register):
    headers = auth(make.admin())
    assert listed(client, headers)[0]["total"] == 3
    assert listed(client, headers, q="建")[1] == ["陈建国", "黄建华"]
    assert listed(client, headers, q="0000222")[1] == ["林秀英"]
    assert listed(client, headers, q="%")[1] == []
    body, names = listed(client, headers, limit=1, offset=1)
    assert names == ["林秀英"] and body["total"] == 3


@pytest.mark.parametrize("query", [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"community_id": "abc"}])
def test_a_bad_query_is_a_400(client, make, auth, county, query):
    response = client.get("/api/v1/members", query_string=query, headers=auth(make.admin()))
    assert response.status_code == 400 and response.get_json()["code"] == "invalid_request"


def test_imported_members_are_listed_to_their_community_secretary_over_http(
    client, runner, make, auth, county, write_csv
):
    path = write_csv([("王丽华", "15900001234", "县人民医院", "五里街社区", "第2网格", "五里街8号", "2025-06-01")])
    assert runner.invoke(args=["members", "import", str(path)]).exit_code == 0
    secretary = make.secretary(community=county["五里街社区"])
    body, names = listed(client, auth(secretary), community_id=county["五里街社区"].id, q="1590000")
    assert names == ["王丽华"] and body["members"][0]["grid"] == "第2网格"
