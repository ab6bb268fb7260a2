"""What validate says about a set of sources is what consolidate will do with them; nothing is skipped silently.

Every test builds real report workbooks (tests/helpers.py), runs the command
line and compares exact records and exit codes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from fake_sheets_api import FakeGoogle, client_for
from helpers import fill_report, value_cells
from xlsync.core.example_data import example_values
from xlsync.core.numbers import FAIL, PASS
from xlsync.io.gsheets.registry import SheetRegistry
from xlsync.io.retry import RetryPolicy
from xlsync.jobs import gsheets as gsheets_jobs

# The consolidation's own records about the whole set: validate does not judge completeness.
CONSOLIDATION_ONLY = ("not-submitted", "unit-excluded")
FAST = RetryPolicy(max_attempts=2, max_seconds=0.5, first_delay=0.01, max_delay=0.05)


def _clean(plan, code: str, folder: Path, **changes) -> Path:
    return fill_report(plan, code, folder, {**example_values(plan, plan.units[code]), **changes.pop("values", {})},
                       **changes)


def _edit(path: Path, sheet: str, cell: str, value: object) -> None:
    book = load_workbook(path)
    book[sheet][cell] = value
    book.save(path)


def _json(cli, *args) -> tuple[int, list[dict], str]:
    status, out, err = cli(*args, "--json")
    assert "Traceback" not in out + err
    return status, json.loads(out) if out.strip() else [], err


def _found(records: list[dict]) -> list[tuple[str, str, str]]:
    return [(r["code"], Path(r["file"]).name, r["cell"]) for r in records]


# --- one judgement ------------------------------------------------------------------------------


@pytest.fixture
def mixed_folder(plan, tmp_path) -> Path:
    """Clean reports, a second report of Thôn 2, last year's report, another plan's, a unit not in the plan."""
    folder = tmp_path / "bao-cao"
    for code in ("T01", "T02"):
        _clean(plan, code, folder)
    _clean(plan, "T02", folder / "gui-lai", name="thon-2-ban-2.xlsx")
    _clean(plan, "T04", folder, period="Năm 2023")
    _edit(_clean(plan, "T06", folder), "_xlsync", "B2", "12/KH-UBND")
    _edit(_clean(plan, "T07", folder), "Báo cáo", "B5", "T99")
    return folder


def test_validate_of_a_folder_reports_what_consolidate_judges(cli, mixed_folder, tmp_path):
    status, validated, _ = _json(cli, "validate", mixed_folder)

    assert status == 1
    assert _found(validated) == [
        ("other-period", "bao-cao-t04-thon-4.xlsx", "B7"),
        ("other-plan", "bao-cao-t06-thon-6.xlsx", ""),
        ("unknown-unit", "bao-cao-t07-thon-7.xlsx", "B5"),
        ("duplicate-unit", "thon-2-ban-2.xlsx", ""),
    ]
    period, _, _, duplicate = validated
    assert "«Năm 2023» khác kỳ đang tổng hợp «Năm 2024»" in period["message_vi"]
    assert str(mixed_folder / "bao-cao-t02-thon-2.xlsx") in duplicate["message_vi"]
    assert str(mixed_folder / "gui-lai" / "thon-2-ban-2.xlsx") in duplicate["message_vi"]

    status, consolidated, _ = _json(cli, "consolidate", mixed_folder, "--out", tmp_path / "m.xlsx")
    assert status == 1
    assert [r for r in consolidated if r["code"] not in CONSOLIDATION_ONLY] == validated


def test_validate_of_several_files_judges_them_together(cli, plan, tmp_path):
    first = _clean(plan, "T03", tmp_path / "a")
    second = _clean(plan, "T03", tmp_path / "b")

    assert _json(cli, "validate", first)[:2] == (0, [])
    status, records, _ = _json(cli, "validate", first, second)

    assert status == 1
    assert [(r["code"], r["file"], r["severity"]) for r in records] == [("duplicate-unit", str(second), "error")]


def test_validate_period_option_is_the_period_consolidate_would_use(cli, plan, tmp_path):
    report = _clean(plan, "T05", tmp_path, period="6 tháng đầu năm 2024")

    assert _found(_json(cli, "validate", report)[1]) == [("other-period", report.name, "B7")]
    assert _json(cli, "validate", report, "--period", "6 tháng đầu năm 2024")[:2] == (0, [])


# --- Google Sheets go through the same judgement -------------------------------------------------


@pytest.fixture
def google(monkeypatch):
    with FakeGoogle(account_email="xlsync@son-tay.iam.gserviceaccount.com") as fake:
        monkeypatch.setattr(gsheets_jobs, "client_factory", lambda _credentials: client_for(fake))
        monkeypatch.setattr(gsheets_jobs, "retry_policy", FAST)
        yield fake


def _sheet_for(cli, google, plan, tmp_path, code: str) -> str:
    """Push the unit's report sheet and type its example figures into it; returns its key."""
    assert cli("gsheets", "push", "--unit", code, "--no-share")[0] == 0
    key = {entry.unit_code: entry.spreadsheet_id for entry in SheetRegistry(tmp_path / "gsheets.csv")}[code]
    cells = value_cells(plan, code)
    for element, value in example_values(plan, plan.units[code]).items():
        typed = (PASS if value else FAIL) if isinstance(value, bool) else value  # chosen from the list
        google.type_value(key, "Báo cáo", cells[element], typed)
    return key


def test_a_sheet_and_a_file_of_one_unit_are_a_duplicate_in_validate_too(cli, google, plan, tmp_path):
    key = _sheet_for(cli, google, plan, tmp_path, "T01")
    file = _clean(plan, "T01", tmp_path / "bao-cao")

    status, records, _ = _json(cli, "validate", file, f"gsheet:{key}")

    assert status == 1
    assert [(r["code"], r["file"]) for r in records] == [("duplicate-unit", f"gsheet:{key}")]
    assert str(file) in records[0]["message_vi"]


def test_legacy_text_in_a_sheet_is_converted_and_said(cli, google, plan, tmp_path):
    key = _sheet_for(cli, google, plan, tmp_path, "T01")
    note_cell = value_cells(plan, "T01")["DAN_HUOU"].replace("D", "E", 1)
    google.type_value(key, "Báo cáo", note_cell, "B¸o c¸o cña th«n")

    status, records, _ = _json(cli, "validate", f"gsheet:{key}")

    assert status == 0
    assert [(r["code"], r["severity"], r["file"], r["cell"]) for r in records] == [
        ("legacy-encoding-converted", "warning", f"gsheet:{key}", note_cell)]
    assert "«Báo cáo của thôn»" in records[0]["message_vi"]


# --- legacy encodings: converted before the workbook is classified and read ---------------------------


def test_a_sheet_name_typed_in_tcvn3_is_read_as_the_report(cli, plan, tmp_path):
    report = _clean(plan, "T08", tmp_path / "bao-cao")
    book = load_workbook(report)
    book["Báo cáo"].title = "B¸o c¸o"
    book.save(report)

    status, records, _ = _json(cli, "validate", report)

    assert status == 0
    assert [(r["code"], r["sheet"], r["value"]) for r in records] == [("legacy-sheet-name", "Báo cáo", "B¸o c¸o")]
    status, consolidated, _ = _json(cli, "consolidate", tmp_path / "bao-cao", "--out", tmp_path / "m.xlsx")
    assert "legacy-sheet-name" in {r["code"] for r in consolidated}
    assert not any(r["code"] == "not-submitted" and "T08" in r["message_vi"] for r in consolidated)


def test_the_conversion_record_is_kept_with_the_files_own_records(cli, plan, tmp_path):
    cells = value_cells(plan, "T09")
    note_cell = cells["DAN_HUOU"].replace("D", "E", 1)
    report = _clean(plan, "T09", tmp_path, values={"SO_HO": "nhiều"}, notes={"DAN_HUOU": "Th«n 9 b¸o c¸o"})

    status, records, _ = _json(cli, "validate", report)

    assert status == 1
    assert sorted((r["code"], r["cell"]) for r in records) == sorted(
        [("legacy-encoding-converted", note_cell), ("type-error", cells["SO_HO"])])


# --- exit codes: what cannot run is exit 2 -----------------------------------------------------------


@pytest.mark.parametrize("command", [("validate",), ("consolidate", "--out", "m.xlsx")])
def test_a_report_path_that_does_not_exist_cannot_run(cli, plan, tmp_path, command):
    folder = tmp_path / "bao-cao"
    _clean(plan, "T01", folder)
    missing = tmp_path / "thon-2.xlsx"

    status, out, err = cli(command[0], folder, missing, *command[1:])

    assert status == 2
    assert f"Không tìm thấy tệp «{missing}»." in err
    assert not (tmp_path / "m.xlsx").exists()


@pytest.mark.parametrize("command", [("validate",), ("consolidate", "--out", "m.xlsx")])
def test_an_empty_folder_cannot_run(cli, tmp_path, command):
    (tmp_path / "rong").mkdir()

    status, out, err = cli(command[0], tmp_path / "rong", *command[1:])

    assert status == 2
    assert "Không tìm thấy báo cáo nào" in err and str(tmp_path / "rong") in err


@pytest.mark.parametrize("command", [("validate",), ("consolidate", "--out", "m.xlsx")])
def test_spreadsheets_none_of_which_can_be_read_print_each_record_then_cannot_run(cli, tmp_path, command):
    folder = Path("bao-cao")  # in the run's folder: short names, so the table below does not wrap them
    folder.mkdir()
    (folder / "thon-1.xlsx").write_text("Mã,Số liệu\nDAN_SO,1.234\n", encoding="utf-8")
    (folder / "thon-2.xlsx").write_bytes(b"")

    status, records, err = _json(cli, command[0], folder, *command[1:])

    assert status == 2
    assert _found(records) == [("not-a-workbook", "thon-1.xlsx", ""), ("empty-file", "thon-2.xlsx", "")]
    assert "Tìm thấy 2 tệp bảng tính nhưng không đọc được tệp nào" in err
    assert not (tmp_path / "m.xlsx").exists()

    status, out, err = cli(command[0], folder, *command[1:])  # the same on a terminal: a table, then the sentence
    assert status == 2
    assert "thon-1.xlsx" in out and "thon-2.xlsx" in out and "empty-file" in out


def test_a_folder_holding_only_a_word_document_says_so_and_cannot_run(cli, tmp_path):
    folder = tmp_path / "bao-cao"
    folder.mkdir()
    (folder / "cong-van.docx").write_bytes(b"PK\x03\x04 not really")

    status, records, err = _json(cli, "validate", folder)

    assert status == 2
    assert [(r["code"], r["severity"], Path(r["file"]).name) for r in records] == [
        ("skipped-file", "warning", "cong-van.docx")]
    assert "văn bản Word" in records[0]["message_vi"]
    assert "Không tìm thấy báo cáo nào" in err


def test_lock_files_and_other_files_in_a_folder_are_warnings_in_validate_and_in_the_master(cli, plan, tmp_path):
    folder = tmp_path / "bao-cao"
    _clean(plan, "T01", folder)
    (folder / "~$bao-cao-t01-thon-1.xlsx").write_bytes(b"\x00lock")
    (folder / "cong-van.docx").write_bytes(b"PK\x03\x04 not really")
    expected = [("skipped-file", "cong-van.docx", ""), ("lock-file", "~$bao-cao-t01-thon-1.xlsx", "")]

    status, records, _ = _json(cli, "validate", folder)
    assert (status, _found(records)) == (0, expected)
    assert {r["severity"] for r in records} == {"warning"}

    status, records, _ = _json(cli, "consolidate", folder, "--out", tmp_path / "m.xlsx")
    assert status == 0
    assert _found(records)[:2] == expected
    checks = list(load_workbook(tmp_path / "m.xlsx")["Kiểm tra"].iter_rows(min_row=2, values_only=True))
    assert [(row[1], Path(row[2]).name) for row in checks[:2]] == [(code, name) for code, name, _ in expected]
