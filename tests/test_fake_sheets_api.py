"""The fake Google APIs behave like Google where the adapter's tests rely on it."""

from __future__ import annotations

import pytest
import requests
from gspread.exceptions import APIError

from fake_sheets_api import FakeGoogle, client_for, parse_partial_fields, select_fields


@pytest.fixture
def fake():
    with FakeGoogle() as server:
        yield server


@pytest.fixture
def client(fake):
    return client_for(fake)


def test_gspread_high_level_calls_work_against_the_fake(fake, client):
    book = fake.add_spreadsheet("Sổ theo dõi", ("Trang tính1",))

    spreadsheet = client.open_by_key(book.spreadsheet_id)
    worksheet = spreadsheet.sheet1
    worksheet.update([["Mã", "Số liệu"], ["H01", "1250"], ["H02", "96,5"]], "A1:B3", raw=False)
    worksheet.update_acell("C1", "ghi chú")

    assert worksheet.get_all_values() == [["Mã", "Số liệu", "ghi chú"], ["H01", "1250", ""], ["H02", "96,5", ""]]
    assert fake.sheet(book.spreadsheet_id, "Trang tính1").value("B2") == 1250.0  # USER_ENTERED digits → number
    assert fake.sheet(book.spreadsheet_id, "Trang tính1").value("B3") == "96,5"  # an en_US sheet keeps it as text
    assert spreadsheet.values_batch_get(["'Trang tính1'!A2", "'Trang tính1'!B2:B3"])["valueRanges"][1]["values"] == [
        ["1250"], ["96,5"]]
    assert [f["name"] for f in client.list_spreadsheet_files()] == ["Sổ theo dõi"]
    spreadsheet.share("thon@example.org", perm_type="user", role="writer", notify=False)
    assert fake.spreadsheet(book.spreadsheet_id).editors() == ["thon@example.org"]
    assert {r.kind for r in fake.requests} >= {"spreadsheets.get", "values.update", "values.get",
                                                "values.batchGet", "drive.files.list", "drive.permissions.create"}


def test_responses_hold_only_the_fields_asked_for(fake, client):
    book = fake.add_spreadsheet("Thôn", ("Báo cáo",))
    fake.type_value(book.spreadsheet_id, "Báo cáo", "A1", "x")
    fake.put_note(book.spreadsheet_id, "Báo cáo", "A1", "ghi chú")

    response = client.http_client.spreadsheets_get(book.spreadsheet_id, params={
        "includeGridData": "true", "fields": "sheets(properties/title,data(rowData(values(effectiveValue))))"})

    assert response == {"sheets": [{"properties": {"title": "Báo cáo"},
                                    "data": [{"rowData": [{"values": [{"effectiveValue": {"stringValue": "x"}}]}]}]}]}


def test_field_selection_syntax():
    tree = parse_partial_fields("a,b/c,d(e,f/g),d/h")
    assert tree == {"a": None, "b": {"c": None}, "d": {"e": None, "f": {"g": None}, "h": None}}
    value = {"a": 1, "b": {"c": 2, "x": 3}, "d": [{"e": 4, "f": {"g": 5, "y": 6}, "z": 7}], "w": 8}
    assert select_fields(value, tree) == {"a": 1, "b": {"c": 2}, "d": [{"e": 4, "f": {"g": 5}}]}


def test_a_batch_update_is_all_or_nothing(fake, client):
    book = fake.add_spreadsheet("Thôn", ("Báo cáo",))
    good = {"updateCells": {"start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 0},
                            "rows": [{"values": [{"note": "x"}]}], "fields": "note"}}
    outside = {"updateCells": {"start": {"sheetId": 0, "rowIndex": 5000, "columnIndex": 0},
                               "rows": [{"values": [{"note": "y"}]}], "fields": "note"}}

    with pytest.raises(APIError) as failed:
        client.http_client.batch_update(book.spreadsheet_id, {"requests": [good, outside]})

    assert failed.value.response.status_code == 400
    assert fake.sheet(book.spreadsheet_id, "Báo cáo").note("A1") is None


@pytest.mark.parametrize("request_json", [
    {"frobnicate": {}},
    {"updateCells": {"start": {"sheetId": 0}, "rows": [{"values": [{"notes": "typo"}]}], "fields": "note"}},
    {"updateCells": {"start": {"sheetId": 0}, "rows": [{"values": [{"note": "x"}]}], "fields": ""}},
    {"updateCells": {"start": {"sheetId": 9}, "rows": [{"values": [{"note": "x"}]}], "fields": "note"}},
    {"addSheet": {"properties": {"title": "Báo cáo"}}},
])
def test_mistaken_requests_are_rejected(fake, client, request_json):
    book = fake.add_spreadsheet("Thôn", ("Báo cáo",))
    with pytest.raises(APIError) as failed:
        client.http_client.batch_update(book.spreadsheet_id, {"requests": [request_json]})
    assert failed.value.response.status_code == 400


def test_requests_need_a_token_and_the_right_host(fake):
    book = fake.add_spreadsheet("Thôn")
    url = f"{fake.base_url}/v4/spreadsheets/{book.spreadsheet_id}"

    assert requests.get(url, headers={"X-Fake-Original-Host": "sheets.googleapis.com"}).status_code == 401
    assert requests.get(url, headers={"Authorization": "Bearer t",
                                      "X-Fake-Original-Host": "www.googleapis.com"}).status_code == 404
    assert requests.get(url, headers={"Authorization": "Bearer t",
                                      "X-Fake-Original-Host": "sheets.googleapis.com"}).status_code == 200


def test_faults_are_counted_and_recorded(fake, client):
    book = fake.add_spreadsheet("Thôn")
    fake.fail(book.spreadsheet_id, 429, times=1, retry_after=3)

    with pytest.raises(APIError) as failed:
        client.http_client.spreadsheets_get(book.spreadsheet_id)
    client.http_client.spreadsheets_get(book.spreadsheet_id)

    assert failed.value.response.headers["Retry-After"] == "3"
    assert failed.value.error["status"] == "RESOURCE_EXHAUSTED"
    assert [r.status for r in fake.requests_for(book.spreadsheet_id)] == [429, 200]
