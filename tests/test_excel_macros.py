"""The button macros, driven through real xlwings Books built from real workbooks.

xlwings' remote interpreter records what a macro asks Excel to do; the
assertions are on those actions (cell, value, colour), the same ones a
desktop or Office.js Excel would apply.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from xlsync.core.issues import CannotRun
from xlsync.io.control_workbook import build_control_workbook
from xlsync.workbook import layout

from xlwings_harness import actions, book_from_xlsx, mock_caller, xlwings_with_remote_engine

TIME = re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}$")
TESTS_DIR = Path(__file__).resolve().parent

xlwings_with_remote_engine()  # before anything below imports xlwings
from xlsync.excel import macros  # noqa: E402
from xlsync.excel.control import STATUS_FILLS, read_settings  # noqa: E402


@pytest.fixture(scope="module")
def control_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_control_workbook(tmp_path_factory.mktemp("control") / "xlsync.xlsm")


@pytest.fixture
def control_book(control_path: Path):
    return book_from_xlsx(control_path, caller_sheet=layout.CONTROL_SHEET)


@pytest.fixture
def report_path(tmp_path: Path) -> Path:
    workbook = Workbook()
    workbook.active.title = "Báo cáo"
    workbook.active["A1"] = "Mã đơn vị"
    path = tmp_path / "bao-cao.xlsx"
    workbook.save(path)
    return path


def status_actions(book) -> list[tuple[str, str, str, object]]:
    """(func, sheet, address, value or colour) of every recorded action."""
    summary = []
    for action in actions(book):
        payload = action["values"][0][0] if action["values"] else action["args"][0]
        summary.append((action["func"], action["sheet"], action["address"], payload))
    return summary


def assert_status(book, message: str, level: str) -> None:
    recorded = status_actions(book)
    assert recorded[:2] == [
        ("setValues", layout.CONTROL_SHEET, layout.STATUS_CELL, message),
        ("setRangeColor", layout.CONTROL_SHEET, layout.STATUS_CELL, STATUS_FILLS[level]),
    ]
    func, sheet, address, stamp = recorded[2]
    assert (func, sheet, address) == ("setValues", layout.CONTROL_SHEET, layout.STATUS_TIME_CELL)
    assert TIME.match(stamp), stamp
    assert len(recorded) == 3


# --- the buttons, as RunPython calls them ---------------------------------------------

# What each button says when it is clicked in a fresh control workbook: nothing open
# beside it, nothing filled in on «Cài đặt».
FRESH_STATUS = {
    "validate": "«Kiểm tra» không thực hiện được: Chưa mở tệp cần kiểm tra. "
    "Hãy mở tệp đó trong Excel rồi bấm lại nút.",
    "consolidate": "«Tổng hợp» không thực hiện được: Chưa điền «Thư mục báo cáo» ở trang «Cài đặt» "
    "của tệp điều khiển.",
    "recompute": "«Tính tỷ lệ đạt» không thực hiện được: Chưa mở tệp cần tính lại. "
    "Hãy mở tệp đó trong Excel rồi bấm lại nút.",
    "score": "«Chấm điểm» không thực hiện được: Chưa điền «Tệp tổng hợp» ở trang «Cài đặt» "
    "của tệp điều khiển.",
    "send": "«Gửi email» không thực hiện được: Chưa điền «Tệp tổng hợp» ở trang «Cài đặt» "
    "của tệp điều khiển.",
    "collect": "«Nhận báo cáo» không thực hiện được: Chưa điền «Thư mục báo cáo» ở trang «Cài đặt» "
    "của tệp điều khiển.",
    "documents": "«Văn bản» không thực hiện được: Chưa điền «Tệp tổng hợp» ở trang «Cài đặt» "
    "của tệp điều khiển.",
}


def test_every_button_has_its_fresh_status() -> None:
    assert sorted(FRESH_STATUS) == sorted(b.key for b in layout.BUTTONS)


@pytest.mark.parametrize("button", layout.BUTTONS, ids=lambda b: b.key)
def test_entry_point_says_what_is_missing_in_the_status_area(control_book, button: layout.Button) -> None:
    with mock_caller(control_book):
        getattr(macros, button.entry_point)()
    assert_status(control_book, FRESH_STATUS[button.key], "error")


@pytest.mark.parametrize("button", layout.BUTTONS, ids=lambda b: b.key)
def test_book_function_and_script_share_the_body(control_path: Path, button: layout.Button) -> None:
    book_function = getattr(macros, f"{button.entry_point.removesuffix('_button')}_book")
    for runner in (book_function, getattr(macros, f"{book_function.__name__}_script")):
        book = book_from_xlsx(control_path, caller_sheet=layout.CONTROL_SHEET)
        runner(book)
        assert_status(book, FRESH_STATUS[button.key], "error")


# --- failures become messages ------------------------------------------------------


def test_cannot_run_becomes_a_vietnamese_status(control_book) -> None:
    @macros.button_macro("consolidate")
    def missing_folder(book):
        raise CannotRun("file-not-found", file="D:\\ThiDua\\bao-cao")

    assert missing_folder(control_book) is None
    assert_status(
        control_book,
        "«Tổng hợp» không thực hiện được: Không tìm thấy tệp «D:\\ThiDua\\bao-cao».",
        "error",
    )


def test_unexpected_error_becomes_a_status_not_a_traceback(control_book, caplog) -> None:
    @macros.button_macro("recompute")
    def broken(book):
        return 1 / 0

    with caplog.at_level(logging.ERROR, logger="xlsync.excel.macros"):
        broken(control_book)
    assert_status(
        control_book,
        "«Tính tỷ lệ đạt» gặp lỗi bất ngờ (ZeroDivisionError: division by zero). "
        "Hãy chụp lại thông báo này và báo cho người hỗ trợ.",
        "error",
    )
    # The traceback goes to the log, for whoever supports the office.
    assert [r.exc_info[0] for r in caplog.records] == [ZeroDivisionError]


def test_messages_follow_the_chosen_language(control_book, monkeypatch) -> None:
    monkeypatch.setenv("XLSYNC_LANG", "en")

    @macros.button_macro("send")
    def no_master(book):
        raise CannotRun("file-not-found", file="tong-hop.xlsx")

    no_master(control_book)
    assert_status(control_book, "'Gửi email' could not run: File 'tong-hop.xlsx' not found.", "error")


def test_book_without_control_sheet_gets_a_message_box(report_path: Path) -> None:
    book = book_from_xlsx(report_path)
    macros.consolidate_book(book)
    (alert,) = actions(book)
    assert alert["func"] == "alert"
    assert alert["args"][:2] == [FRESH_STATUS["consolidate"], "xlsync"]


def test_status_that_cannot_be_written_falls_back_to_a_message_box(control_book, monkeypatch) -> None:
    def protected_sheet(book, outcome):
        raise RuntimeError("the sheet is protected")

    monkeypatch.setattr(macros, "write_status", protected_sheet)
    macros.score_book(control_book)
    (alert,) = actions(control_book)
    assert alert["func"] == "alert"
    assert alert["args"][0] == FRESH_STATUS["score"]


# --- settings ------------------------------------------------------------------------


def test_settings_are_read_by_key_and_blanks_left_out(control_path: Path, tmp_path: Path) -> None:
    workbook = load_workbook(control_path)
    sheet = workbook[layout.SETTINGS_SHEET]
    cells = {s.key: s.cell for s in layout.SETTINGS}
    sheet[cells["plan_path"]] = "D:\\ThiDua\\2025\\ke-hoach.xlsx"
    sheet[cells["reports_folder"]] = "  D:\\ThiDua\\2025\\bao-cao  "
    sheet[cells["period"]] = "6 tháng đầu năm 2025"
    filled = tmp_path / "filled.xlsx"
    workbook.save(filled)
    assert read_settings(book_from_xlsx(filled)) == {
        "plan_path": "D:\\ThiDua\\2025\\ke-hoach.xlsx",
        "reports_folder": "D:\\ThiDua\\2025\\bao-cao",
        "period": "6 tháng đầu năm 2025",
    }


def test_settings_of_a_book_without_the_sheet_are_empty(report_path: Path) -> None:
    assert read_settings(book_from_xlsx(report_path)) == {}


# --- xlwings Server / Lite -------------------------------------------------------------


SERVER_RUN = """
import asyncio, json, sys
sys.path.insert(0, {tests!r})
from xlwings_harness import actions, book_from_xlsx, xlwings_with_remote_engine
xw = xlwings_with_remote_engine()
from xlwings.server import custom_scripts_call, custom_scripts_meta
import xlsync.excel.macros as macros
book = book_from_xlsx({path!r}, caller_sheet={sheet!r})
returned = asyncio.run(
    custom_scripts_call(macros, "validate_book_script", typehint_to_value={{xw.Book: book}})
)
print(json.dumps({{
    "scripts": {{s["function_name"]: s["name"] for s in custom_scripts_meta(macros)}},
    "returned_book": returned is book,
    "actions": [(a["func"], a["sheet"], a["address"]) for a in actions(book)],
}}))
"""


def test_scripts_register_and_run_under_xlwings_server(control_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "XLWINGS_LICENSE_KEY"}
    env["XLWINGS_ON_SERVER"] = "true"  # must be set before xlwings is imported
    code = SERVER_RUN.format(tests=str(TESTS_DIR), path=str(control_path), sheet=layout.CONTROL_SHEET)
    completed = subprocess.run(
        [sys.executable, "-P", "-c", code], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result["scripts"] == {
        f"{b.entry_point.removesuffix('_button')}_book_script": b.caption for b in layout.BUTTONS
    }
    assert result["returned_book"] is True
    assert result["actions"] == [
        ["setValues", layout.CONTROL_SHEET, layout.STATUS_CELL],
        ["setRangeColor", layout.CONTROL_SHEET, layout.STATUS_CELL],
        ["setValues", layout.CONTROL_SHEET, layout.STATUS_TIME_CELL],
    ]


def test_script_decorator_registers_nothing_outside_a_server() -> None:
    if os.environ.get("XLWINGS_ON_SERVER") == "true":
        pytest.skip("running inside an xlwings server environment")
    assert not hasattr(macros.validate_book_script, "__xlscript__")
