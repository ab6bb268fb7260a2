"""Google Sheets adapter, exercised with the real gspread client over HTTP against the local fake."""

from __future__ import annotations

import csv
import datetime as dt
import json
import time
from dataclasses import replace
from pathlib import Path

import gspread
import pandas as pd
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.oauth2 import service_account

from fake_sheets_api import ANY, CREATE, FAST_RETRY, SA_EMAIL, FakeGoogle, client_for, sheets_api
from helpers import fill_report, value_cells
from xlsync.core.issues import CannotRun, make_issue
from xlsync.core.numbers import Kind
from xlsync.core.plan import DataElement, Plan, PlanInfo, Unit
from xlsync.core.report import read_report
from xlsync.core.sheets import cell_address
from xlsync.core.template import report_layout
from xlsync.io.gsheets import client as gsheets_client
from xlsync.io.gsheets.client import make_client
from xlsync.io.gsheets.names import is_gsheet_source, spreadsheet_key
from xlsync.io.gsheets.push import push_report, push_reports
from xlsync.io.gsheets.registry import SheetRegistry
from xlsync.io.gsheets.spreadsheet import read_spreadsheet, write_feedback
from xlsync.io.gsheets.template import ERROR_FILL, INPUT_FILL, STATUS_OK_FILL, WARNING_FILL
from xlsync.io.retry import RetryPolicy
from xlsync.jobs.consolidate import consolidate_files, consolidate_paths
from xlsync.jobs.validate import load_source

REPORT = "Báo cáo"
CHECKED = dt.datetime(2025, 3, 12, 14, 5)


# --- fixtures ---------------------------------------------------------------------


@pytest.fixture
def client(fake: FakeGoogle) -> gspread.Client:
    return client_for(fake)


@pytest.fixture(scope="module")
def service_account_info() -> dict:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    return {"type": "service_account", "project_id": "an-hoa", "private_key_id": "k1", "private_key": pem,
            "client_email": SA_EMAIL, "client_id": "1", "token_uri": "https://oauth2.googleapis.com/token"}


@pytest.fixture
def sa_client(fake: FakeGoogle, service_account_info: dict) -> gspread.Client:
    """A client with service-account credentials (a token already in hand: no token request)."""
    credentials = service_account.Credentials.from_service_account_info(service_account_info)
    credentials.token = "test"
    credentials.expiry = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) + dt.timedelta(hours=1)
    return client_for(fake, credentials)


@pytest.fixture
def plan() -> Plan:
    village = ("Thôn",)
    elements = [
        DataElement("H01", "Tổng số hộ", "hộ", Kind.INTEGER, village),
        DataElement("H02", "Số hộ nghèo", "hộ", Kind.INTEGER, village),
        DataElement("T01", "Tỷ lệ trẻ em được tiêm chủng đầy đủ", "%", Kind.PERCENT, village),
        DataElement("D01", "Thôn đạt chuẩn văn hóa", "", Kind.PASS_FAIL, village),
    ]
    units = [
        Unit("T01", "Thôn Đông", "Thôn", "Khối thôn", email="truongthon.dong@example.org"),
        Unit("T02", "Thôn Tây", "Thôn", "Khối thôn", email="truongthon.tay@example.org"),
        Unit("T03", "Thôn Nam", "Thôn", "Khối thôn"),
    ]
    info = PlanInfo(plan_id="KH-12/2025", title="Phong trào thi đua năm 2025", issuer="UBND xã An Hòa",
                    year="2025", period="Năm 2025", version="1")
    return Plan(info=info, elements={e.code: e for e in elements}, units={u.code: u for u in units})


@pytest.fixture
def registry(tmp_path: Path) -> SheetRegistry:
    return SheetRegistry(tmp_path / "gsheets.csv")


def push(client, plan, code, registry, *, share=True, **options):
    return push_report(client, plan, plan.units[code], share=share, registry=registry, policy=FAST_RETRY, **options)


# --- push ---------------------------------------------------------------------------


def test_push_builds_the_report_layout_in_three_requests(fake, client, plan, registry):
    pushed = push(client, plan, "T01", registry, now=CHECKED)

    assert pushed.created and pushed.shared_with == "truongthon.dong@example.org"
    assert [r.kind for r in fake.requests] == [
        "spreadsheets.create", "spreadsheets.batchUpdate", "drive.permissions.create"]
    book = fake.spreadsheet(pushed.spreadsheet_id)
    assert book.title == "Thôn Đông (T01) – Báo cáo thi đua Năm 2025"
    assert (book.locale, book.time_zone) == ("vi_VN", "Asia/Ho_Chi_Minh")
    assert [(s.title, s.hidden) for s in sorted(book.sheets, key=lambda s: s.index)] == [
        ("Báo cáo", False), ("Hướng dẫn", False), ("_xlsync", True)]

    sheet = book.sheet(REPORT)
    assert sheet.value("A1") == "UBND XÃ AN HÒA"
    assert [sheet.value(a) for a in ("A5", "B5", "A6", "B6", "A7", "B7", "A8", "B8")] == [
        "Mã đơn vị:", "T01", "Tên đơn vị:", "Thôn Đông", "Kỳ báo cáo:", "Năm 2025", "Kết quả kiểm tra:", None]
    assert [sheet.value(f"{c}10") for c in "ABCDE"] == ["Mã", "Nội dung", "Đơn vị tính", "Số liệu", "Ghi chú"]
    assert [sheet.value(f"A{r}") for r in range(11, 15)] == ["H01", "H02", "T01", "D01"]
    assert sheet.value("B13") == "Tỷ lệ trẻ em được tiêm chủng đầy đủ"
    assert all(sheet.value(f"D{r}") is None and sheet.value(f"E{r}") is None for r in range(11, 15))
    assert all(sheet.background(f"{c}{r}") == INPUT_FILL for c in "DE" for r in range(11, 15))
    assert sheet.background("C11") is None

    dropdown = sheet.validation("D14")
    assert dropdown["condition"] == {"type": "ONE_OF_LIST",
                                     "values": [{"userEnteredValue": "Đạt"}, {"userEnteredValue": "Chưa đạt"}]}
    assert dropdown["strict"] is True
    assert [sheet.validation(f"D{r}") for r in (11, 12, 13)] == [None, None, None]

    (protected,) = sheet.protected_ranges
    assert protected["range"] == {"sheetId": 0}
    assert protected["warningOnly"] is False
    assert protected["unprotectedRanges"] == [
        {"sheetId": 0, "startRowIndex": 10, "endRowIndex": 14, "startColumnIndex": 3, "endColumnIndex": 5}]
    assert len(book.protected_ranges) == 3  # and the two other sheets, whole
    assert {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 2, "startColumnIndex": 0,
            "endColumnIndex": 5} in sheet.merges

    meta = book.sheet("_xlsync")
    layout = report_layout(plan, plan.units["T01"])
    assert {meta.value(f"A{r}"): meta.value(f"B{r}") for r in range(1, 9)} == layout.metadata
    assert layout.metadata["period_code"] == "2025"  # the Google Sheet carries the period's code

    permission = book.permissions[-1]
    assert (permission["type"], permission["role"], permission["emailAddress"]) == (
        "user", "writer", "truongthon.dong@example.org")
    assert permission["sendNotificationEmail"] == "True"
    assert "Thôn Đông" in permission["emailMessage"]

    with registry.path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows == [{"Mã đơn vị": "T01", "Tên đơn vị": "Thôn Đông", "Spreadsheet ID": pushed.spreadsheet_id,
                     "URL": f"https://docs.google.com/spreadsheets/d/{pushed.spreadsheet_id}/edit",
                     "Ngày tạo": "2025-03-12 14:05", "Chia sẻ với": "truongthon.dong@example.org"}]


def test_second_push_creates_nothing_and_keeps_what_villages_typed(fake, client, plan, registry):
    first = [push(client, plan, code, registry) for code in ("T01", "T02")]
    fake.type_value(first[0].spreadsheet_id, REPORT, "D11", 120.0)
    fake.type_value(first[0].spreadsheet_id, REPORT, "E11", "gồm 3 hộ mới")
    before = len(fake.requests)

    again = [push(client, plan, code, SheetRegistry(registry.path)) for code in ("T01", "T02")]

    assert [p.spreadsheet_id for p in again] == [p.spreadsheet_id for p in first]
    assert [p.created for p in again] == [False, False]
    assert [r.kind for r in fake.requests[before:]] == ["spreadsheets.get", "spreadsheets.get"]
    assert len(fake.live_spreadsheets()) == 2
    sheet = fake.sheet(first[0].spreadsheet_id, REPORT)
    assert (sheet.value("D11"), sheet.value("E11")) == (120.0, "gồm 3 hộ mới")
    assert len(fake.spreadsheet(first[0].spreadsheet_id).permissions) == 2  # owner + the village, once


def test_push_finishes_a_sheet_whose_setup_failed_without_making_another(fake, client, plan, registry):
    fake.fail(ANY, 503, kinds={"spreadsheets.batchUpdate"})
    with pytest.raises(CannotRun) as failed:
        push(client, plan, "T01", registry)
    assert failed.value.code == "gsheet-server-error"
    key = registry.get("T01").spreadsheet_id  # registered as soon as it was created
    assert registry.get("T01").shared_with == ""
    fake.faults.clear()

    pushed = push(client, plan, "T01", SheetRegistry(registry.path))

    assert (pushed.spreadsheet_id, pushed.created) == (key, False)
    assert fake.count("spreadsheets.create") == 1
    assert fake.sheet(key, REPORT).value("A11") == "H01"
    assert fake.spreadsheet(key).editors() == ["truongthon.dong@example.org"]


def test_push_makes_a_new_sheet_when_the_registered_one_was_deleted(fake, client, plan, registry):
    old = push(client, plan, "T01", registry)
    fake.delete(old.spreadsheet_id)

    new = push(client, plan, "T01", registry)

    assert new.created and new.spreadsheet_id != old.spreadsheet_id
    assert SheetRegistry(registry.path).get("T01").spreadsheet_id == new.spreadsheet_id
    assert len(fake.live_spreadsheets()) == 1


def test_push_into_a_drive_folder_creates_through_drive(fake, client, plan, registry):
    pushed = push(client, plan, "T02", registry, folder_id="0AFolderOfSharedDrive")

    create = fake.requests[0]
    assert create.kind == "drive.files.create"
    assert create.query["supportsAllDrives"] == ["true"]
    book = fake.spreadsheet(pushed.spreadsheet_id)
    assert book.parents == ["0AFolderOfSharedDrive"]
    assert [s.title for s in sorted(book.sheets, key=lambda s: s.index)] == ["Báo cáo", "Hướng dẫn", "_xlsync"]
    assert (book.locale, book.sheet(REPORT).value("B5")) == ("vi_VN", "T02")


def test_a_unit_with_two_addresses_is_shared_with_both_once(fake, client, plan, registry):
    two = replace(plan.units["T01"], email="truongthon.dong@example.org; ketoan.dong@example.org")
    plan = replace(plan, units={**plan.units, "T01": two})

    first = push(client, plan, "T01", registry)
    again = push(client, plan, "T01", SheetRegistry(registry.path))

    emails = [p["emailAddress"] for p in fake.spreadsheet(first.spreadsheet_id).permissions if p["role"] == "writer"]
    assert emails == ["truongthon.dong@example.org", "ketoan.dong@example.org"]
    assert first.shared_with == again.shared_with == "truongthon.dong@example.org; ketoan.dong@example.org"
    assert fake.count("drive.permissions.create") == 2  # the second push shares with nobody again


def test_push_without_email_is_not_shared_and_says_so(fake, client, plan, registry):
    pushed, issues = push_reports(client, plan, plan.units.values(), share=True, registry=registry, policy=FAST_RETRY)

    assert [p.shared_with for p in pushed] == ["truongthon.dong@example.org", "truongthon.tay@example.org", ""]
    assert fake.count("drive.permissions.create") == 2
    assert [(i.code, i.severity) for i in issues] == [("gsheet-no-email", "warning")]
    assert "Thôn Nam" in issues[0].message_vi and pushed[2].url in issues[0].message_vi


def test_service_account_without_drive_storage_gets_advice_not_retries(fake, sa_client, plan, registry):
    fake.fail(CREATE, 403, reason="storageQuotaExceeded", kinds={"spreadsheets.create"})

    with pytest.raises(CannotRun) as failed:
        push(sa_client, plan, "T01", registry)

    assert failed.value.code == "gsheet-storage-quota"
    assert SA_EMAIL in failed.value.message_vi and "OAuth" in failed.value.message_vi
    assert fake.count("spreadsheets.create") == 1
    assert len(registry) == 0


def test_one_unit_failing_does_not_stop_the_others(fake, client, plan, registry):
    fake.fail(CREATE, 429, times=FAST_RETRY.max_attempts)  # every attempt the first unit is allowed

    pushed, issues = push_reports(client, plan, [plan.units["T01"], plan.units["T02"]], share=False,
                                  registry=registry, policy=FAST_RETRY)

    assert [p.unit_code for p in pushed] == ["T02"]
    assert [i.code for i in issues] == ["gsheet-quota"]
    assert "Thôn Đông (T01)" in issues[0].message_vi


# --- read ----------------------------------------------------------------------------


def test_read_is_one_sheets_request_and_keeps_text_as_text(fake, client, plan, registry):
    key = push(client, plan, "T01", registry).spreadsheet_id
    for a1, value in (("D11", 1250.0), ("D12", 40.0), ("D13", "96,5"), ("D14", "Đạt"), ("E12", "hộ cận nghèo riêng")):
        fake.type_value(key, REPORT, a1, value)
    before = len(fake.requests)

    data = read_spreadsheet(client, f"gsheet:{key}", policy=FAST_RETRY)

    request, drive = fake.requests[before:]  # the grid, then when it was last changed (the village typed last)
    assert (request.kind, request.query["includeGridData"]) == ("spreadsheets.get", ["true"])
    assert (drive.kind, drive.query["fields"]) == ("drive.files.get", ["modifiedTime,lastModifyingUser(me)"])
    assert data.source == f"gsheet:{key}"
    typed_at = dt.datetime.fromisoformat(fake.spreadsheet(key).modified).astimezone().isoformat(timespec="seconds")
    assert data.metadata == {"title": "Thôn Đông (T01) – Báo cáo thi đua Năm 2025",
                             "url": f"https://docs.google.com/spreadsheets/d/{key}/edit",
                             "modified": typed_at}
    assert list(data.sheets) == ["Báo cáo", "Hướng dẫn", "_xlsync"]
    sheet = data.sheets[REPORT]
    assert sheet.cell(4, 1) == "T01"
    assert [sheet.cell(r, 3) for r in range(10, 14)] == [1250.0, 40.0, "96,5", "Đạt"]
    assert type(sheet.cell(10, 3)) is float
    assert sheet.cell(11, 4) == "hộ cận nghèo riêng"
    assert sheet.cell(7, 1) is None  # blank status cell
    assert data.sheet_ids == {"Báo cáo": 0, "Hướng dẫn": 1, "_xlsync": 2}


def test_read_converts_formulas_dates_booleans_and_errors(fake, client):
    book = fake.add_spreadsheet("Báo cáo thôn tự làm", ("Trang tính1",))
    key = book.spreadsheet_id
    fake.type_formula(key, "Trang tính1", "A1", "=10+5", 15)
    fake.type_value(key, "Trang tính1", "B1", True)
    fake.type_formula(key, "Trang tính1", "C1", "=1/0", {"errorValue": {"type": "DIVIDE_BY_ZERO"}})
    fake.type_value(key, "Trang tính1", "A3", 45658.5)
    fake.sheet(key, "Trang tính1").cells[(2, 0)]["userEnteredFormat"] = {"numberFormat": {"type": "DATE_TIME"}}
    fake.type_value(key, "Trang tính1", "B3", "")

    fake.type_value(key, "Trang tính1", "C3", 0.648)
    fake.sheet(key, "Trang tính1").cells[(2, 2)]["userEnteredFormat"] = {"numberFormat": {"type": "PERCENT"}}

    sheet = read_spreadsheet(client, key, policy=FAST_RETRY).sheets["Trang tính1"]

    # The error reads as blank, with its text kept so the report reader can say which error it is.
    assert sheet.rows == [[15.0, True], [], [dt.datetime(2025, 1, 1, 12, 0), None, 0.648]]
    assert sheet.error_cells == {(0, 2): "#ERROR!"}
    assert sheet.percent_cells == {(2, 2)}  # "64,8%" typed in a % cell: stored 0.648, shown as a percent


def test_read_then_parse_gives_the_values_a_file_would(fake, client, plan, registry):
    key = push(client, plan, "T01", registry).spreadsheet_id
    for a1, value in (("D11", 1250.0), ("D12", 40.0), ("D13", "96,5"), ("D14", "Đạt")):
        fake.type_value(key, REPORT, a1, value)

    report, issues = read_report(read_spreadsheet(client, key, policy=FAST_RETRY), plan)

    assert issues == []
    assert report.unit.code == "T01"
    assert {code: v.value for code, v in report.values.items()} == {"H01": 1250.0, "H02": 40.0, "T01": 96.5, "D01": True}
    assert report.values["T01"].cell == "D13"


# --- feedback ---------------------------------------------------------------------------


def test_feedback_is_one_batch_that_notes_and_highlights_the_bad_cell(fake, client, plan, registry):
    key = push(client, plan, "T01", registry).spreadsheet_id
    for a1, value in (("D11", 1250.0), ("D12", "khoảng 40"), ("D13", "96,5"), ("D14", "Đạt")):
        fake.type_value(key, REPORT, a1, value)
    data = read_spreadsheet(client, key, policy=FAST_RETRY)
    _, issues = read_report(data, plan)
    assert [(i.code, i.cell) for i in issues] == [("type-error", "D12")]
    before = len(fake.requests)

    summary = write_feedback(client, data, issues, checked_at=CHECKED, policy=FAST_RETRY)

    assert [r.kind for r in fake.requests[before:]] == ["spreadsheets.batchUpdate"]
    sheet = fake.sheet(key, REPORT)
    assert sheet.note("D12") == "xlsync: " + issues[0].message_vi
    assert "«khoảng 40» không phải là số" in sheet.note("D12")
    assert sheet.background("D12") == ERROR_FILL
    assert sheet.value("B8") == "Có 1 lỗi – kiểm tra lúc 14:05 12/03/2025"
    assert sheet.background("B8") == ERROR_FILL
    # nothing typed changed, nothing else noted
    assert [sheet.value(f"D{r}") for r in range(11, 15)] == [1250.0, "khoảng 40", "96,5", "Đạt"]
    assert {a: c["note"] for a, c in _cells(sheet).items() if "note" in c} == {"D12": sheet.note("D12")}
    assert summary.flagged == ("Báo cáo!D12",) and summary.status_cell == "Báo cáo!B8"


def test_feedback_clears_earlier_marks_once_the_cell_is_correct(fake, client, plan, registry):
    key = push(client, plan, "T01", registry).spreadsheet_id
    for a1, value in (("D11", 1250.0), ("D12", "khoảng 40"), ("D13", 96.5), ("D14", "Chưa đạt")):
        fake.type_value(key, REPORT, a1, value)
    data = read_spreadsheet(client, key, policy=FAST_RETRY)
    write_feedback(client, data, read_report(data, plan)[1], checked_at=CHECKED, policy=FAST_RETRY)
    assert fake.sheet(key, REPORT).note("D12") is not None
    fake.type_value(key, REPORT, "D12", 40.0)
    data = read_spreadsheet(client, key, policy=FAST_RETRY)
    report, issues = read_report(data, plan)
    assert issues == []
    before = len(fake.requests)

    summary = write_feedback(client, data, issues, checked_at=CHECKED, policy=FAST_RETRY)

    assert fake.count("spreadsheets.batchUpdate", key) == 3  # setup, first feedback, this one
    assert len(fake.requests) == before + 1
    sheet = fake.sheet(key, REPORT)
    assert sheet.note("D12") is None
    assert sheet.background("D12") == INPUT_FILL
    assert sheet.value("D12") == 40.0
    assert (sheet.value("B8"), sheet.background("B8")) == ("Hợp lệ – kiểm tra lúc 14:05 12/03/2025", STATUS_OK_FILL)
    assert sheet.note("B8") is None
    assert summary.cleared == ("Báo cáo!D12",)


def test_feedback_keeps_a_note_somebody_else_wrote(fake, client, plan, registry):
    key = push(client, plan, "T01", registry).spreadsheet_id
    fake.put_note(key, REPORT, "D11", "Số liệu đã đối chiếu với sổ hộ khẩu")
    warning = make_issue("ambiguous-number", file=f"gsheet:{key}", sheet=REPORT, cell="D11", value="1.250",
                         reading="1.250", other="1,25")

    write_feedback(client, read_spreadsheet(client, key, policy=FAST_RETRY), [warning], checked_at=CHECKED, policy=FAST_RETRY)
    sheet = fake.sheet(key, REPORT)
    assert sheet.note("D11") == ("xlsync: " + warning.message_vi + "\n———\nSố liệu đã đối chiếu với sổ hộ khẩu")
    assert sheet.background("D11") == WARNING_FILL
    assert sheet.value("B8") == "Hợp lệ, 1 cảnh báo – kiểm tra lúc 14:05 12/03/2025"

    write_feedback(client, read_spreadsheet(client, key, policy=FAST_RETRY), [], checked_at=CHECKED, policy=FAST_RETRY)
    assert sheet_note(fake, key, "D11") == "Số liệu đã đối chiếu với sổ hộ khẩu"
    assert fake.sheet(key, REPORT).background("D11") == INPUT_FILL


def test_feedback_puts_problems_without_a_cell_on_the_status_cell(fake, client, plan, registry):
    key = push(client, plan, "T01", registry).spreadsheet_id
    missing = make_issue("missing-row", file=f"gsheet:{key}", sheet=REPORT, code="H02", name="Số hộ nghèo")
    other = make_issue("type-error", file=f"gsheet:{key}", sheet=REPORT, cell="D11", value="x")

    write_feedback(client, read_spreadsheet(client, key, policy=FAST_RETRY), [missing, other],
                   checked_at=CHECKED, policy=FAST_RETRY)

    sheet = fake.sheet(key, REPORT)
    assert sheet.value("B8") == "Có 2 lỗi – kiểm tra lúc 14:05 12/03/2025"
    assert sheet.note("B8") == "xlsync: " + missing.message_vi
    assert sheet.note("D11") == "xlsync: " + other.message_vi


def test_feedback_outside_the_grid_goes_to_the_status_note_instead_of_failing(fake, client, plan, registry):
    key = push(client, plan, "T01", registry).spreadsheet_id
    far = make_issue("unexpected-value", file=f"gsheet:{key}", sheet=REPORT, cell="Z999", value="x")

    summary = write_feedback(client, read_spreadsheet(client, key, policy=FAST_RETRY), [far],
                             checked_at=CHECKED, policy=FAST_RETRY)

    assert summary.flagged == ()
    assert fake.sheet(key, REPORT).note("B8") == "xlsync: " + far.message_vi
    assert fake.requests[-1].status == 200


def test_feedback_with_nothing_to_say_sends_nothing(fake, client):
    key = fake.add_spreadsheet("Sổ riêng của thôn", ("Trang tính1",)).spreadsheet_id
    data = read_spreadsheet(client, key, policy=FAST_RETRY)
    before = len(fake.requests)

    summary = write_feedback(client, data, [], checked_at=CHECKED, policy=FAST_RETRY)

    assert len(fake.requests) == before
    assert summary.status_cell == ""


def test_feedback_for_twenty_villages_stays_inside_the_quota(fake, client, plan, registry):
    keys = []
    for number in range(20):
        unit = Unit(f"V{number:02d}", f"Thôn {number}", "Thôn", "Khối thôn", email=f"thon{number}@example.org")
        plan.units[unit.code] = unit
        keys.append(push_report(client, plan, unit, share=True, registry=registry, policy=FAST_RETRY).spreadsheet_id)
        fake.type_value(keys[-1], REPORT, "D11", "nhiều")
    before = len(fake.requests)

    for key in keys:
        data = read_spreadsheet(client, key, policy=FAST_RETRY)
        write_feedback(client, data, read_report(data, plan)[1], checked_at=CHECKED, policy=FAST_RETRY)

    per_sheet = {key: [r.kind for r in sheets_api(fake.requests[before:]) if r.spreadsheet_id == key] for key in keys}
    assert all(kinds == ["spreadsheets.get", "spreadsheets.batchUpdate"] for kinds in per_sheet.values())
    assert len(sheets_api(fake.requests[before:])) == 40  # 20 reads + 20 writes: each under the 60/minute quota
    assert all(fake.sheet(key, REPORT).background("D11") == ERROR_FILL for key in keys)


def test_sheets_and_files_with_the_same_values_give_the_same_consolidation(fake, client, bundled, tmp_path):
    """Push → villages type (text "96,5", one bad cell) → consolidate with feedback, as the office would."""
    plan = bundled.plan
    codes = ("T01", "T02", "T03")
    typed = {code: _typed_values(plan, code) for code in codes}
    typed["T02"][_first_integer(plan, "T02")] = "khoảng 40"
    registry = SheetRegistry(tmp_path / "gsheets.csv")
    keys = {code: push(client, plan, code, registry).spreadsheet_id for code in codes}
    for code, key in keys.items():
        for item in report_layout(plan, plan.units[code]).inputs:
            fake.type_value(key, REPORT, cell_address(item.row, item.col), typed[code][item.element.code])
    paths = [fill_report(plan, code, tmp_path / "files", typed[code]) for code in codes]
    before = len(fake.requests)

    from_files = consolidate_paths(paths, bundled, tmp_path / "master-files.xlsx")
    checked = [load_source(f"gsheet:{keys[code]}", reader=lambda s: read_spreadsheet(client, s, policy=FAST_RETRY))
               for code in codes]
    from_sheets = consolidate_files(checked, bundled, tmp_path / "master-sheets.xlsx")
    for item in checked:
        write_feedback(client, item.workbook, item.issues, checked_at=CHECKED, policy=FAST_RETRY)

    pd.testing.assert_frame_equal(from_sheets.values, from_files.values)
    assert [(r.indicator.code, r.actual, r.units_reporting) for r in from_sheets.results] == [
        (r.indicator.code, r.actual, r.units_reporting) for r in from_files.results]
    assert [(s.unit.code, s.status) for s in from_sheets.statuses] == [
        (s.unit.code, s.status) for s in from_files.statuses]
    assert {s.unit.code: s.status.value for s in from_sheets.statuses if s.unit.code in codes} == {
        "T01": "Đã nộp", "T02": "Có lỗi", "T03": "Đã nộp"}
    assert sorted((i.code, i.cell) for i in from_sheets.issues) == sorted((i.code, i.cell) for i in from_files.issues)

    bad_cell = value_cells(plan, "T02")[_first_integer(plan, "T02")]
    t02 = fake.sheet(keys["T02"], REPORT)
    assert t02.note(bad_cell).startswith("xlsync: Ô " + bad_cell + ": «khoảng 40» không phải là số")
    assert t02.background(bad_cell) == ERROR_FILL and t02.value(bad_cell) == "khoảng 40"
    assert fake.sheet(keys["T01"], REPORT).value("B8") == "Hợp lệ – kiểm tra lúc 14:05 12/03/2025"
    for key in keys.values():  # one read and one write per spreadsheet
        assert [r.kind for r in sheets_api(fake.requests[before:]) if r.spreadsheet_id == key] == [
            "spreadsheets.get", "spreadsheets.batchUpdate"]


def _typed_values(plan, code: str) -> dict[str, object]:
    """What a village types: whole counts, decimals, "96,5" as text for rates, Đạt for pass/fail."""
    by_kind = {Kind.INTEGER: 100.0, Kind.DECIMAL: 12.5, Kind.PERCENT: "96,5", Kind.PASS_FAIL: "Đạt"}
    return {e.code: by_kind[e.kind] for e in plan.elements_for(plan.units[code])}


def _first_integer(plan, code: str) -> str:
    return next(e.code for e in plan.elements_for(plan.units[code]) if e.kind is Kind.INTEGER)


# --- failures -----------------------------------------------------------------------------


def test_a_429_storm_on_one_sheet_ends_quickly_and_the_others_are_read(fake, client):
    keys = [fake.add_spreadsheet(f"Thôn {n}", (REPORT,)).spreadsheet_id for n in range(3)]
    for key in keys:
        fake.type_value(key, REPORT, "A1", "ok")
    fake.fail(keys[1], 429)  # for ever
    read, failed = {}, {}

    started = time.monotonic()
    for key in keys:
        try:
            read[key] = read_spreadsheet(client, key, label=f"Thôn ({key})", policy=FAST_RETRY)
        except CannotRun as err:
            failed[key] = err
    elapsed = time.monotonic() - started

    assert elapsed < FAST_RETRY.max_seconds + 30  # a storm retried without a budget would go on for minutes
    assert set(read) == {keys[0], keys[2]} and set(failed) == {keys[1]}
    assert failed[keys[1]].code == "gsheet-quota"
    assert f"Thôn ({keys[1]})" in failed[keys[1]].message_vi
    assert 2 <= fake.count("spreadsheets.get", keys[1]) <= FAST_RETRY.max_attempts
    assert fake.count("spreadsheets.get", keys[0]) == fake.count("spreadsheets.get", keys[2]) == 1
    assert failed[keys[1]].as_issue(file=f"gsheet:{keys[1]}").file == f"gsheet:{keys[1]}"


def test_transient_server_errors_are_retried_with_growing_waits(fake, client):
    key = fake.add_spreadsheet("Thôn", (REPORT,)).spreadsheet_id
    fake.fail(key, 503, times=2)
    waits: list[float] = []
    policy = RetryPolicy(max_attempts=5, max_seconds=60, first_delay=1.0, max_delay=8.0,
                         sleep=waits.append, jitter=lambda: 1.0)

    read_spreadsheet(client, key, policy=policy)

    assert fake.count("spreadsheets.get", key) == 3
    assert waits == [1.0, 2.0]


def test_retry_after_from_google_is_honoured_within_the_cap(fake, client):
    key = fake.add_spreadsheet("Thôn", (REPORT,)).spreadsheet_id
    fake.fail(key, 429, times=1, retry_after=5)
    waits: list[float] = []
    policy = RetryPolicy(max_attempts=3, max_seconds=60, first_delay=0.5, max_delay=4.0,
                         sleep=waits.append, jitter=lambda: 0.0)

    read_spreadsheet(client, key, policy=policy)

    assert waits == [4.0]


def test_a_wait_that_would_pass_the_time_budget_is_not_started(fake, client):
    key = fake.add_spreadsheet("Thôn", (REPORT,)).spreadsheet_id
    fake.fail(key, 500)
    waits: list[float] = []
    policy = RetryPolicy(max_attempts=10, max_seconds=5, first_delay=2.0, max_delay=30.0,
                         sleep=waits.append, jitter=lambda: 1.0, clock=lambda: sum(waits))

    with pytest.raises(CannotRun) as failed:
        read_spreadsheet(client, key, policy=policy)

    assert waits == [2.0]  # the next wait (4 s) would end after 5 s
    assert failed.value.code == "gsheet-server-error"
    assert failed.value.params["attempts"] == 2


def test_a_sheet_not_shared_names_the_account_to_share_with(fake, sa_client):
    key = fake.add_spreadsheet("Thôn Bắc", (REPORT,)).spreadsheet_id
    fake.revoke(key)

    with pytest.raises(CannotRun) as failed:
        read_spreadsheet(sa_client, key, label="Thôn Bắc (T04)", policy=FAST_RETRY)

    assert failed.value.code == "gsheet-not-shared"
    assert SA_EMAIL in failed.value.message_vi and SA_EMAIL in failed.value.message_en
    assert "Thôn Bắc (T04)" in failed.value.message_vi
    assert fake.count("spreadsheets.get", key) == 1


def test_a_person_without_access_is_told_to_ask_the_owner(fake, client):
    key = fake.add_spreadsheet("Thôn Bắc", (REPORT,)).spreadsheet_id
    fake.revoke(key)

    with pytest.raises(CannotRun) as failed:
        read_spreadsheet(client, key, policy=FAST_RETRY)

    assert failed.value.code == "gsheet-no-access"


def test_a_deleted_sheet_is_a_clear_error_without_retries(fake, client):
    key = fake.add_spreadsheet("Thôn Bắc", (REPORT,)).spreadsheet_id
    fake.delete(key)

    with pytest.raises(CannotRun) as failed:
        read_spreadsheet(client, key, label="Thôn Bắc (T04)", policy=FAST_RETRY)

    assert failed.value.code == "gsheet-not-found"
    assert "Thôn Bắc (T04)" in failed.value.message_vi
    assert fake.count("spreadsheets.get", key) == 1


def test_a_refused_share_keeps_the_sheet_and_is_finished_next_time(fake, client, plan, registry):
    plan.units["T01"] = Unit("T01", "Thôn Đông", "Thôn", "Khối thôn", email="khong-co-tai-khoan@example.org")
    fake.fail(ANY, 400, times=1, kinds={"drive.permissions.create"}, reason="invalidSharingRequest")
    with pytest.raises(CannotRun) as failed:
        push(client, plan, "T01", registry)
    assert failed.value.code == "gsheet-share-failed" and "khong-co-tai-khoan@example.org" in failed.value.message_vi
    key = registry.get("T01").spreadsheet_id
    plan.units["T01"] = Unit("T01", "Thôn Đông", "Thôn", "Khối thôn", email="dong@example.org")

    pushed = push(client, plan, "T01", registry)

    assert (pushed.spreadsheet_id, pushed.shared_with) == (key, "dong@example.org")
    assert fake.count("spreadsheets.batchUpdate") == 1
    assert fake.spreadsheet(key).editors() == ["dong@example.org"]


# --- names, registry, credentials ----------------------------------------------------------------


def test_spreadsheet_keys_from_sources_and_urls():
    key = "1AbCdEfGhIjKlMnOpQrStUvWxYz_0123456789-abc"
    assert spreadsheet_key(f"gsheet:{key}") == key
    assert spreadsheet_key(f"https://docs.google.com/spreadsheets/d/{key}/edit#gid=0") == key
    assert spreadsheet_key(key) == key
    assert is_gsheet_source(f"gsheet:{key}") and is_gsheet_source(f"https://docs.google.com/spreadsheets/d/{key}/")
    assert not is_gsheet_source("bao-cao/thon-dong.xlsx")
    with pytest.raises(CannotRun):
        spreadsheet_key("gsheet:")


def test_registry_rejects_a_file_without_its_columns(tmp_path):
    path = tmp_path / "gsheets.csv"
    path.write_text("Đơn vị,ID\nT01,abc\n", encoding="utf-8")
    with pytest.raises(CannotRun) as failed:
        SheetRegistry(path)
    assert failed.value.code == "gsheet-registry-invalid"
    assert "Mã đơn vị" in failed.value.message_vi


def test_registry_reads_what_excel_saved(tmp_path):
    path = tmp_path / "gsheets.csv"
    path.write_text("\ufeffMã đơn vị,Spreadsheet ID,Ghi chú thêm\n t01 ,1AbCdEfGhIjK,\n", encoding="utf-8")
    entry = SheetRegistry(path).get("T01")
    assert (entry.unit_code, entry.spreadsheet_id, entry.shared_with) == ("t01", "1AbCdEfGhIjK", "")


def test_make_client_from_a_service_account_file(tmp_path, monkeypatch, service_account_info):
    key_file = tmp_path / "khoa.json"
    key_file.write_text(json.dumps(service_account_info), encoding="utf-8")
    monkeypatch.setenv(gsheets_client.CREDENTIALS_ENV, str(key_file))

    client = make_client()

    assert gsheets_client.account_email(client) == SA_EMAIL
    assert client.http_client.timeout == gsheets_client.REQUEST_TIMEOUT


def test_make_client_uses_the_desktop_oauth_flow_for_an_oauth_client_file(tmp_path, monkeypatch):
    client_file = tmp_path / "oauth.json"
    client_file.write_text(json.dumps({"installed": {"client_id": "x", "client_secret": "y"}}), encoding="utf-8")
    calls = []
    monkeypatch.setattr(gspread, "oauth", lambda **kw: calls.append(kw) or gspread.Client(auth=None, session=object()))

    make_client(client_file)

    assert calls == [{"credentials_filename": str(client_file)}]


def test_bad_credentials_are_named_without_their_content(tmp_path, monkeypatch):
    monkeypatch.delenv(gsheets_client.CREDENTIALS_ENV, raising=False)
    secret = tmp_path / "secret.json"
    secret.write_text('{"type": "service_account", "private_key": "-----SECRET-----"}', encoding="utf-8")
    with pytest.raises(CannotRun) as failed:
        make_client(secret)
    assert failed.value.code == "gsheet-bad-credentials"
    assert "SECRET" not in failed.value.message_vi + failed.value.message_en
    with pytest.raises(CannotRun) as missing:
        make_client(tmp_path / "none.json")
    assert missing.value.code == "gsheet-no-credentials"


# --- helpers ------------------------------------------------------------------------


def _cells(sheet) -> dict:
    return {cell_address(r, c): cell for (r, c), cell in sheet.cells.items()}


def sheet_note(fake, key, a1):
    return fake.sheet(key, REPORT).note(a1)
