"""A list asked as a table (``?format=csv|xlsx``) still answers its errors in the one JSON error format."""

import pytest


@pytest.mark.parametrize("table", ["csv", "xlsx"])
def test_a_refused_table_export_answers_json(client, world, table):
    client.force_login(world.manager)
    response = client.get("/api/agreement-acceptances/", {"format": table, "version": "null"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["fields"]["version"]


def test_the_same_list_as_csv_is_a_table(client, world):
    client.force_login(world.manager)
    response = client.get("/api/agreement-acceptances/", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
