"""The harness that turns real .xlsx files into xlwings Books (see xlwings_harness.py)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.workbook.defined_name import DefinedName

from xlwings_harness import LICENSE_ENV, actions, book_from_xlsx, mock_caller, xlwings_with_remote_engine


@pytest.fixture
def report(tmp_path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Báo cáo"
    sheet["A1"], sheet["B1"] = "Kỳ báo cáo", "6 tháng đầu năm 2025"
    sheet["A2"], sheet["B2"], sheet["C2"] = "Số hộ", 1250, dt.datetime(2025, 6, 30)
    sheet["A3"], sheet["B3"], sheet["C3"] = "Tỷ lệ", 96.5, True
    sheet["B3"].comment = Comment("Ô B3: kiểm tra lại", "xlsync")
    sheet["A5"] = "sau dòng trống"
    workbook.create_sheet("Ghi chú")["A1"] = "ok"
    workbook.defined_names["ky_bao_cao"] = DefinedName("ky_bao_cao", attr_text="'Báo cáo'!$B$1")
    path = tmp_path / "bao-cao.xlsx"
    workbook.save(path)
    return path


def test_values_types_names_and_notes_come_through(report: Path) -> None:
    book = book_from_xlsx(report)
    sheet = book.sheets["Báo cáo"]
    assert book.name == "bao-cao.xlsx"
    assert sheet["B1"].value == "6 tháng đầu năm 2025"
    assert sheet["B2"].value == 1250
    assert sheet["C2"].value == dt.datetime(2025, 6, 30)
    assert sheet["B3"].value == 96.5
    assert sheet["C3"].value is True
    assert sheet["A4"].value is None
    assert sheet["A5"].value == "sau dòng trống"
    assert sheet["B3"].note is not None
    assert sheet["B2"].note is None
    assert book.names["ky_bao_cao"].refers_to_range.address == "$B$1"
    assert [s.name for s in book.sheets] == ["Báo cáo", "Ghi chú"]


def test_caller_sheet_becomes_active(report: Path) -> None:
    assert book_from_xlsx(report).sheets.active.name == "Báo cáo"
    assert book_from_xlsx(report, caller_sheet="Ghi chú").sheets.active.name == "Ghi chú"


def test_actions_name_sheets_and_addresses_through_sheet_changes(report: Path) -> None:
    book = book_from_xlsx(report)
    book.sheets["Báo cáo"]["B2"].color = "#FFC7CE"
    added = book.sheets.add("Kiểm tra", after=book.sheets["Ghi chú"])
    added["A1"].value = [["Ô", "Nội dung"], ["B2", "lỗi"]]
    book.sheets["Ghi chú"].name = "Ghi chú cũ"
    book.sheets["Ghi chú cũ"]["A2"].value = "x"
    book.sheets["Ghi chú cũ"].delete()
    book.sheets["Kiểm tra"]["C1"].value = "y"
    summary = [(a["func"], a["sheet"], a["address"]) for a in actions(book)]
    assert summary == [
        ("setRangeColor", "Báo cáo", "B2"),
        ("addSheet", None, None),
        ("setValues", "Kiểm tra", "A1:B2"),
        ("setSheetName", "Ghi chú", None),
        ("setValues", "Ghi chú cũ", "A2"),
        ("sheetDelete", "Ghi chú cũ", None),
        ("setValues", "Kiểm tra", "C1"),
    ]


def test_licence_key_is_not_left_in_the_environment(report: Path) -> None:
    before = os.environ.get(LICENSE_ENV)
    book_from_xlsx(report)
    assert os.environ.get(LICENSE_ENV) == before


def test_mock_caller_is_removed_afterwards(report: Path) -> None:
    xw = xlwings_with_remote_engine()
    book = book_from_xlsx(report)
    with mock_caller(book):
        assert xw.Book.caller().name == "bao-cao.xlsx"
    assert not hasattr(xw.Book, "_mock_caller")


def test_works_when_xlwings_was_imported_first_without_a_key(report: Path) -> None:
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import xlwings\n"
        "assert 'remote' not in [e.name for e in xlwings.engines]\n"
        "from xlwings_harness import book_from_xlsx\n"
        "print(book_from_xlsx(sys.argv[2]).sheets[0]['B2'].value)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != LICENSE_ENV}
    completed = subprocess.run(
        [sys.executable, "-P", "-c", code, str(Path(__file__).parent), str(report)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "1250"
