"""The year-end record's figures are the ledger's and the duty API's, for a whole unit in one go."""

from tests.year_record.conftest import YEAR


def test_a_units_rows_are_its_members_in_name_order_with_the_years_figures(client, auth, county):
    answer = client.get(
        "/api/v1/year-records", query_string={"year": YEAR, "unit_id": county.unit.id}, headers=auth(county.unit_secretary)
    )
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    print(body)
    li, zhang = body["rows"]
    assert (li["name"], zhang["name"]) == ("李四", "张三")
