"""`xlsync gsheets push`, and `xlsync consolidate`/`validate` with Google Sheets, through the CLI.

The CLI builds its client through ``xlsync.jobs.gsheets.client_factory``;
here it returns a real gspread client redirected to the local fake, and the
retry policy is tiny so that failures end in well under a second.
"""

from __future__ import annotations

import copy
import json
import os
import re
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from fake_sheets_api import CREATE, FAST_RETRY, FakeGoogle, client_for, sheets_api
from helpers import fill_report, value_cells
from xlsync.core.example_data import example_values
from xlsync.core.numbers import FAIL, PASS, Kind
from xlsync.core.plan import Unit
from xlsync.core.sheets import cell_address
from xlsync.core.template import report_layout
from xlsync.io.gsheets import client as gsheets_client
from xlsync.io.gsheets.names import sheet_url
from xlsync.io.gsheets.registry import SheetRegistry
from xlsync.io.gsheets.template import ERROR_FILL, STATUS_OK_FILL
from xlsync.io.plan_source import PLAN_FILE_NAME
from xlsync.io.plan_xlsx import write_plan_workbook
from xlsync.jobs import gsheets as gsheets_jobs

REPORT = "Báo cáo"
SHEET_UNITS = ("T01", "T02", "T03")  # the villages that report in Google Sheets
FILE_UNITS = ("UBND", "TYT", "T04", "T05", "T06", "T07", "T08", "T09", "T10")
BAD = ("T02", "DAN_HUOU", "khoảng 150")  # one village types words into a number cell
STATUS_TIME = r"kiểm tra lúc \d\d:\d\d \d\d/\d\d/\d{4}"


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture
def google(fake, monkeypatch):
    """Point the CLI at the fake; the list collects the --credentials each client was made with."""
    made: list[str | None] = []

    def factory(credentials):
        made.append(credentials)
        return client_for(fake)

    monkeypatch.setattr(gsheets_jobs, "client_factory", factory)
    monkeypatch.setattr(gsheets_jobs, "retry_policy", FAST_RETRY)
    return made


def typed_values(plan, code: str) -> dict[str, object]:
    """What a village types: whole numbers, decimals as Vietnamese text ("96,5"), Đạt/Chưa đạt."""
    values: dict[str, object] = {}
    for element_code, value in example_values(plan, plan.units[code], seed=7).items():
        kind = plan.elements[element_code].kind
        if isinstance(value, bool):
            values[element_code] = PASS if value else FAIL
        elif kind in (Kind.DECIMAL, Kind.PERCENT):
            values[element_code] = f"{value:.10g}".replace(".", ",")
        else:
            values[element_code] = value
    if code == "T01":
        values["CTR_THU_GOM"] = "96,5"
    if code == BAD[0]:
        values[BAD[1]] = BAD[2]
    return values


def type_into_sheet(fake: FakeGoogle, plan, code: str, key: str, values: dict[str, object]) -> None:
    for item in report_layout(plan, plan.units[code]).inputs:
        if item.element.code in values:
            fake.type_value(key, REPORT, cell_address(item.row, item.col), values[item.element.code])


def registered(path: Path) -> dict[str, str]:
    return {entry.unit_code: entry.spreadsheet_id for entry in SheetRegistry(path)}


def push_villages(cli, codes=SHEET_UNITS, *extra: str) -> tuple[int, str, str]:
    return cli("gsheets", "push", *[arg for code in codes for arg in ("--unit", code)], *extra)


def sheet_rows(path: Path, name: str) -> list[tuple]:
    return list(load_workbook(path, data_only=True)[name].iter_rows(values_only=True))


def progress_rows(path: Path) -> dict[str, str]:
    """Tiến độ nộp: unit code → status."""
    return {r[0]: r[4] for r in sheet_rows(path, "Tiến độ nộp") if r and r[0]}


# --- push ----------------------------------------------------------------------------------------


def test_push_creates_shares_and_registers_one_sheet_per_unit(cli, fake, google, plan, tmp_path):
    status, out, err = push_villages(cli, SHEET_UNITS, "--credentials", "khoa.json")

    assert status == 0, out + err
    assert google == ["khoa.json"]
    keys = registered(tmp_path / "gsheets.csv")  # bundled plan: the register is in the current folder
    assert list(keys) == list(SHEET_UNITS)
    assert [fake.spreadsheet(keys[c]).editors() for c in SHEET_UNITS] == [
        [plan.units[c].email] for c in SHEET_UNITS]
    assert fake.sheet(keys["T02"], REPORT).value("B5") == "T02"
    assert [r.kind for r in fake.requests] == [
        "spreadsheets.create", "spreadsheets.batchUpdate", "drive.permissions.create"] * 3
    assert "3 bảng tạo mới, 0 bảng đã có" in out
    assert sheet_url(keys["T03"]) in out


def test_push_twice_creates_no_duplicates_and_keeps_what_villages_typed(cli, fake, google, plan, tmp_path):
    push_villages(cli)
    keys = registered(tmp_path / "gsheets.csv")
    fake.type_value(keys["T01"], REPORT, value_cells(plan, "T01")["DAN_SO"], 955.0)
    before = len(fake.requests)

    status, out, err = push_villages(cli)

    assert status == 0, out + err
    assert registered(tmp_path / "gsheets.csv") == keys
    assert len(fake.live_spreadsheets()) == 3
    assert [r.kind for r in fake.requests[before:]] == ["spreadsheets.get"] * 3
    assert fake.sheet(keys["T01"], REPORT).value(value_cells(plan, "T01")["DAN_SO"]) == 955.0
    assert all(len(fake.spreadsheet(k).permissions) == 2 for k in keys.values())  # owner + the village
    assert "0 bảng tạo mới, 3 bảng đã có" in out


def test_push_of_one_failing_unit_is_a_record_and_the_others_are_made(cli, fake, google, tmp_path):
    fake.fail(CREATE, 429, times=FAST_RETRY.max_attempts)  # every attempt of the first unit

    status, out, err = push_villages(cli, ("T01", "T02"), "--no-share", "--lang", "en")

    assert status == 1, out + err
    assert list(registered(tmp_path / "gsheets.csv")) == ["T02"]
    assert "gsheet-quota" in out and "Thôn 1 (T01)" in out
    assert fake.count("drive.permissions.create") == 0
    assert "1 created, 0 already there" in out


def test_push_refuses_a_register_it_cannot_save(cli, fake, google, monkeypatch, tmp_path):
    register = tmp_path / "gsheets.csv"
    real_replace = os.replace

    def locked(source, target):  # what Windows does to a file open in Excel
        if Path(target) == register:
            raise PermissionError(13, "The process cannot access the file")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", locked)

    status, out, err = push_villages(cli, ("T01",))

    assert status == 2
    assert "gsheets.csv" in err and "đang mở trong Excel hoặc bị khóa" in err
    assert fake.requests == []  # nothing created that could not be registered
    assert list(tmp_path.glob("*.tmp")) == []


def test_the_register_lives_beside_the_plan_workbook(cli, fake, google, bundled, tmp_path):
    plan_path = write_plan_workbook(bundled.plan, tmp_path / "nam-2025" / PLAN_FILE_NAME)

    status, out, err = cli("gsheets", "push", "--plan", plan_path, "--unit", "T05",
                           "--folder", "0AFolderOfSharedDrive")

    assert status == 0, out + err
    assert not (tmp_path / "gsheets.csv").exists()
    key = registered(tmp_path / "nam-2025" / "gsheets.csv")["T05"]
    assert fake.spreadsheet(key).parents == ["0AFolderOfSharedDrive"]
    assert fake.requests[0].kind == "drive.files.create"


def test_list_shows_the_register_without_asking_google(cli, fake, google, tmp_path):
    push_villages(cli, ("T01", "T02"))
    before = len(fake.requests)

    status, out, err = cli("gsheets", "list")

    assert status == 0, out + err
    assert len(fake.requests) == before
    keys = registered(tmp_path / "gsheets.csv")
    assert sheet_url(keys["T01"]) in out and "thon02@sontay.example.com" in out
    assert "Đơn vị chưa có Google Sheet:" in out and "Thôn 3 (T03)" in out and "Thôn 1 (T01)" not in out


# --- consolidate -----------------------------------------------------------------------------------


@pytest.fixture
def villages(cli, fake, google, plan, tmp_path):
    """Three villages have typed their figures into the sheets pushed to them."""
    assert push_villages(cli)[0] == 0
    keys = registered(tmp_path / "gsheets.csv")
    for code in SHEET_UNITS:
        type_into_sheet(fake, plan, code, keys[code], typed_values(plan, code))
    return keys


def write_files(plan, folder: Path, codes) -> None:
    for code in codes:
        fill_report(plan, code, folder, typed_values(plan, code))


def test_sheets_mixed_with_files_give_the_master_the_same_values_in_files_give(cli, fake, plan, villages, tmp_path):
    keys = villages
    write_files(plan, tmp_path / "bao-cao", FILE_UNITS)  # the other units report in files
    write_files(plan, tmp_path / "tat-ca-bang-tep", (*SHEET_UNITS, *FILE_UNITS))  # everyone, in files
    before = len(fake.requests)

    status, out, err = cli("consolidate", f"gsheet:{keys['T01']}", sheet_url(keys["T02"]), "bao-cao",
                           f"gsheet:{keys['T03']}", "--feedback", "--out", "m.xlsx", "--json")
    assert status == 1, out + err  # T02's bad cell
    files_status, _, _ = cli("consolidate", "tat-ca-bang-tep", "--out", "m-tep.xlsx")
    assert files_status == 1

    # The same master: totals and every unit's figures ("96,5" read as 96.5 in both).
    summary = _summary_table(tmp_path / "m.xlsx")
    assert summary == _summary_table(tmp_path / "m-tep.xlsx")
    actual = summary[0].index("Thực hiện")
    assert sum(1 for row in summary[1:] if isinstance(row[actual], (int, float))) >= 10  # not an empty master
    assert sheet_rows(tmp_path / "m.xlsx", "Theo đơn vị") == sheet_rows(tmp_path / "m-tep.xlsx", "Theo đơn vị")
    by_unit: dict = {}
    for r in sheet_rows(tmp_path / "m.xlsx", "Theo đơn vị"):
        by_unit.setdefault(r[0], r)  # a unit's figures come before its targets, further down
    assert by_unit["T01"][by_unit["Mã số liệu"].index("CTR_THU_GOM")] == 96.5
    assert progress_rows(tmp_path / "m.xlsx") == progress_rows(tmp_path / "m-tep.xlsx")
    assert {c: progress_rows(tmp_path / "m.xlsx")[c] for c in SHEET_UNITS} == {
        "T01": "Đã nộp", "T02": "Có lỗi", "T03": "Đã nộp"}

    # The bad cell is noted and highlighted in T02's sheet; what was typed is unchanged.
    bad_cell = value_cells(plan, "T02")[BAD[1]]
    t02 = fake.sheet(keys["T02"], REPORT)
    assert t02.note(bad_cell).startswith(f"xlsync: Ô {bad_cell}: «khoảng 150» không phải là số")
    assert (t02.background(bad_cell), t02.value(bad_cell)) == (ERROR_FILL, "khoảng 150")
    assert re.fullmatch(f"Có 1 lỗi – {STATUS_TIME}", t02.value("B8"))
    t01 = fake.sheet(keys["T01"], REPORT)
    assert re.fullmatch(f"Hợp lệ – {STATUS_TIME}", t01.value("B8")) and t01.background("B8") == STATUS_OK_FILL
    assert t01.value(value_cells(plan, "T01")["CTR_THU_GOM"]) == "96,5"
    records = json.loads(out)
    assert [(r["code"], r["file"], r["cell"]) for r in records if r["code"] == "type-error"] == [
        ("type-error", f"gsheet:{keys['T02']}", bad_cell)]

    # One read per spreadsheet, one write per spreadsheet for the feedback.
    for key in keys.values():
        assert [r.kind for r in sheets_api(fake.requests[before:]) if r.spreadsheet_id == key] == [
            "spreadsheets.get", "spreadsheets.batchUpdate"]
    assert len(sheets_api(fake.requests[before:])) == 6
    # Files are never annotated by consolidate without --feedback-dir.
    assert sorted(p.name for p in tmp_path.rglob("*.kiem-tra.xlsx")) == []


def test_feedback_dir_annotates_the_files_and_feedback_marks_only_the_sheets(cli, fake, plan, villages, tmp_path):
    write_files(plan, tmp_path / "bao-cao", ("T05", "T06"))
    fill_report(plan, "T04", tmp_path / "bao-cao", {**typed_values(plan, "T04"), "SO_HO": "nhiều"})

    status, out, err = cli("consolidate", "bao-cao", "--gsheets", "--feedback", "--feedback-dir", "kiem-tra",
                           "--out", "m.xlsx")

    assert status == 1, out + err
    assert [p.name for p in (tmp_path / "kiem-tra").iterdir()] == ["bao-cao-t04-thon-4.kiem-tra.xlsx"]
    copy_sheet = load_workbook(tmp_path / "kiem-tra" / "bao-cao-t04-thon-4.kiem-tra.xlsx")[REPORT]
    assert "«nhiều» không phải là số" in copy_sheet[value_cells(plan, "T04")["SO_HO"]].comment.text
    assert fake.count("spreadsheets.batchUpdate") == 3 + 3  # the pushes' setup, then one feedback each
    assert "Đã ghi kết quả vào Google Sheet «Thôn 2 (T02)»: Có 1 lỗi" in out


def test_without_feedback_nothing_is_written_to_the_sheets(cli, fake, villages, tmp_path):
    before = len(fake.requests)

    status, out, err = cli("consolidate", "--gsheets", "--out", "m.xlsx")

    assert status == 1, out + err  # T02's error
    assert [r.kind for r in sheets_api(fake.requests[before:])] == ["spreadsheets.get"] * 3


def test_feedback_without_any_sheet_says_where_feedback_goes(cli, fake, google, plan, tmp_path):
    fill_report(plan, "T04", tmp_path / "bao-cao", typed_values(plan, "T04"))

    status, out, err = cli("consolidate", "bao-cao", "--feedback", "--out", "m.xlsx")

    assert status == 0, out + err
    assert "--feedback-dir" in err
    assert google == [] and fake.requests == []  # files alone: no client, no credentials


def test_twenty_villages_cost_forty_requests(cli, fake, google, bundled, tmp_path):
    plan = copy.deepcopy(bundled.plan)
    for number in range(11, 21):
        plan.units[f"T{number}"] = Unit(f"T{number}", f"Thôn {number}", "Thôn", "Khối thôn 2",
                                        email=f"thon{number}@sontay.example.com")
    write_plan_workbook(plan, tmp_path / PLAN_FILE_NAME)  # the working folder's plan, found by the CLI
    villages = [f"T{n:02d}" for n in range(1, 21)]
    assert push_villages(cli, villages)[0] == 0
    keys = registered(tmp_path / "gsheets.csv")
    assert list(keys) == villages
    for code in villages:
        values = typed_values(plan, "T03")  # clean values; any village's will do
        type_into_sheet(fake, plan, code, keys[code], values)
    before = len(fake.requests)

    started = time.monotonic()
    status, out, err = cli("consolidate", "--gsheets", "--feedback", "--out", "m.xlsx", "--json")
    elapsed = time.monotonic() - started

    assert status == 0, out + err
    assert len(sheets_api(fake.requests[before:])) == 40  # 20 reads + 20 writes: under the 60 per minute quota
    for key in keys.values():
        assert [r.kind for r in sheets_api(fake.requests[before:]) if r.spreadsheet_id == key] == [
            "spreadsheets.get", "spreadsheets.batchUpdate"]
    assert all(progress_rows(tmp_path / "m.xlsx")[code] == "Đã nộp" for code in villages)
    assert elapsed < 180  # the request count above rules out retries; this only bounds a runaway


def test_a_429_storm_on_one_sheet_is_an_error_for_that_unit_and_the_others_are_consolidated(
        cli, fake, villages, tmp_path):
    keys = villages
    fake.fail(keys["T03"], 429)  # for ever
    before = len(fake.requests)

    started = time.monotonic()
    status, out, err = cli("consolidate", "--gsheets", "--feedback", "--out", "m.xlsx", "--json")
    elapsed = time.monotonic() - started

    assert status == 1, out + err
    assert elapsed < FAST_RETRY.max_seconds + 30  # a storm retried without a budget would go on for minutes
    (quota,) = [r for r in json.loads(out) if r["code"] == "gsheet-quota"]
    assert quota["file"] == f"gsheet:{keys['T03']}" and quota["severity"] == "error"
    assert "Thôn 3 (T03)" in quota["message_vi"] and "vượt hạn mức" in quota["message_vi"]
    assert 2 <= fake.count("spreadsheets.get", keys["T03"]) <= FAST_RETRY.max_attempts
    assert fake.count("spreadsheets.batchUpdate", keys["T03"]) == 1  # only the push's setup
    assert {c: progress_rows(tmp_path / "m.xlsx")[c] for c in SHEET_UNITS} == {
        "T01": "Đã nộp", "T02": "Có lỗi", "T03": "Chưa nộp"}
    for code in ("T01", "T02"):
        assert [r.kind for r in sheets_api(fake.requests[before:]) if r.spreadsheet_id == keys[code]] == [
            "spreadsheets.get", "spreadsheets.batchUpdate"]


def test_a_feedback_write_that_fails_is_a_record_and_the_master_is_kept(cli, fake, villages, tmp_path):
    keys = villages
    fake.fail(keys["T01"], 503, kinds={"spreadsheets.batchUpdate"})

    status, out, err = cli("consolidate", "--gsheets", "--feedback", "--out", "m.xlsx", "--json")

    assert status == 1, out + err
    failed = [r for r in json.loads(out) if r["code"] == "gsheet-server-error"]
    assert [(r["file"], "Thôn 1 (T01)" in r["message_vi"]) for r in failed] == [(f"gsheet:{keys['T01']}", True)]
    assert progress_rows(tmp_path / "m.xlsx")["T01"] == "Đã nộp"
    assert fake.sheet(keys["T01"], REPORT).value("B8") is None
    assert re.fullmatch(f"Có 1 lỗi – {STATUS_TIME}", fake.sheet(keys["T02"], REPORT).value("B8"))


def test_a_deleted_sheet_is_a_clear_error_for_its_unit(cli, fake, villages, tmp_path):
    fake.delete(villages["T01"])

    status, out, err = cli("consolidate", "--gsheets", "--out", "m.xlsx", "--json")

    assert status == 1
    (missing,) = [r for r in json.loads(out) if r["code"] == "gsheet-not-found"]
    assert "Thôn 1 (T01)" in missing["message_vi"] and "xlsync gsheets push" in missing["message_vi"]
    assert progress_rows(tmp_path / "m.xlsx")["T03"] == "Đã nộp"


def test_gsheets_without_a_register_cannot_run(cli, fake, google, tmp_path):
    status, out, err = cli("consolidate", "--gsheets", "--out", "m.xlsx")

    assert status == 2
    assert "gsheets.csv" in err and "xlsync gsheets push" in err
    assert fake.requests == [] and not (tmp_path / "m.xlsx").exists()


def test_no_credentials_is_a_clear_error(cli, fake, monkeypatch, tmp_path):
    monkeypatch.delenv(gsheets_client.CREDENTIALS_ENV, raising=False)
    monkeypatch.setattr("gspread.auth.DEFAULT_CREDENTIALS_FILENAME", tmp_path / "none.json")

    status, out, err = cli("consolidate", "gsheet:1AbCdEfGhIjKlMnOp", "--out", "m.xlsx")

    assert status == 2
    assert "XLSYNC_GOOGLE_CREDENTIALS" in err and "--credentials" in err
    assert fake.requests == []


# --- validate --------------------------------------------------------------------------------------


def test_validate_reads_a_sheet_once_and_writes_nothing(cli, fake, plan, villages, tmp_path):
    keys = villages
    before = len(fake.requests)

    status, out, err = cli("validate", f"gsheet:{keys['T02']}", "--json", "--feedback", "kiem-tra")

    assert status == 1, out + err
    assert [(r["code"], r["cell"]) for r in json.loads(out)] == [("type-error", value_cells(plan, "T02")[BAD[1]])]
    assert [r.kind for r in sheets_api(fake.requests[before:])] == ["spreadsheets.get"]
    assert not (tmp_path / "kiem-tra").exists()


# --- helpers ---------------------------------------------------------------------------------------


def _summary_table(path: Path) -> list[tuple]:
    """Tổng hợp from its header row down (the title block carries the time of the run)."""
    rows = sheet_rows(path, "Tổng hợp")
    header = next(i for i, r in enumerate(rows) if r and r[0] == "Mã")
    return rows[header:]
