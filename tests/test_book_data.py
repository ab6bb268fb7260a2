"""An open xlwings Book read as WorkbookData: the same grid the file reader gives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from xlsync.core.sheets import cell_address
from xlsync.io.xlsx_read import read_workbook

from xlwings_harness import book_from_payload, book_from_xlsx, payload_from_xlsx, xlwings_with_remote_engine

xlwings_with_remote_engine()  # before anything below imports xlwings
from xlsync.excel.book_data import workbook_data  # noqa: E402


def test_same_grid_as_the_file_reader(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Báo cáo"
    sheet["B2"], sheet["C2"], sheet["D2"] = "Số hộ", 1250, 96.5
    sheet["B4"], sheet["C4"] = "Ngày", dt.datetime(2025, 6, 30)
    workbook.create_sheet("Trống")
    path = tmp_path / "bao-cao.xlsx"
    workbook.save(path)

    from_book = workbook_data(book_from_xlsx(path))
    from_file = read_workbook(path)
    assert list(from_book.sheets) == list(from_file.sheets) == ["Báo cáo", "Trống"]
    assert from_book.sheets["Trống"].rows == from_file.sheets["Trống"].rows == []
    # Equal row for row, except that Excel hands a date over as a datetime (calamine: a date).
    assert from_book.sheets["Báo cáo"].rows[:3] == from_file.sheets["Báo cáo"].rows[:3]
    assert from_book.sheets["Báo cáo"].rows[1] == [None, "Số hộ", 1250.0, 96.5]
    assert from_book.sheets["Báo cáo"].rows[3] == [None, "Ngày", dt.datetime(2025, 6, 30)]
    assert from_file.sheets["Báo cáo"].rows[3] == [None, "Ngày", dt.date(2025, 6, 30)]
    assert type(from_book.sheets["Báo cáo"].cell(1, 2)) is float  # Excel numbers are doubles


def test_a_used_range_away_from_a1_keeps_its_addresses(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.title = "Số liệu"
    workbook.active["C5"], workbook.active["D6"] = "Mã", 42
    path = tmp_path / "lech.xlsx"
    workbook.save(path)
    payload = payload_from_xlsx(path)
    # As Excel reports it: the used range starts at the first used cell.
    payload["sheets"][0]["used_range_address"] = "C5:D6"

    sheet = workbook_data(book_from_payload(payload)).sheets["Số liệu"]
    assert sheet.find_label(["Mã"]) == (4, 2)
    assert cell_address(4, 2) == "C5"
    assert sheet.cell(5, 3) == 42.0


def test_text_that_looks_like_a_timestamp_stays_text(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.title = "Nguồn"
    workbook.active["A1"] = "2025-06-30T08:15:00+07:00"  # typed text, e.g. the master's «Thời điểm tổng hợp»
    workbook.active["A2"] = dt.datetime(2025, 6, 30, 8, 15)  # a real date
    workbook.active["A3"] = "#DIV/0!"
    path = tmp_path / "nguon.xlsx"
    workbook.save(path)

    rows = workbook_data(book_from_xlsx(path)).sheets["Nguồn"].rows
    assert rows == [["2025-06-30T08:15:00+07:00"], [dt.datetime(2025, 6, 30, 8, 15)]]
