"""calamine reads an .xlsx with the parts the checks unpacked stored: the same workbook, the same refusals.

The copy is made only where calamine would read it exactly as it reads the
file itself; each case where it could not is built here, with the record
the file as it came gives.
"""

from __future__ import annotations

import io
import struct
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
import xlsxwriter

from bad_files import refusal, sheet_xml, write_xlsx
from xlsync.io import workbook_checks
from xlsync.io.workbook_checks import check_content
from xlsync.io.xlsx_read import read_workbook


@pytest.fixture
def full_report(tmp_path: Path) -> Path:
    """Strings, numbers, a date, a percentage, a formula, an error, a merge, a far cell, a hidden sheet."""
    path = tmp_path / "Báo cáo đủ loại.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Báo cáo")
    sheet.merge_range("A1:C1", "BÁO CÁO THÔN ĐÔNG")
    sheet.write_row("A2", ["Mã", "Chỉ tiêu", "Giá trị"])
    sheet.write_row("A3", ["CT01", "Tỷ lệ hộ dùng nước sạch"])
    sheet.write("C3", 0.648, book.add_format({"num_format": "0.0%"}))
    sheet.write_row("A4", ["CT02", "Số hộ nghèo", 12])
    sheet.write_datetime("C5", datetime(2024, 12, 15), book.add_format({"num_format": "dd/mm/yyyy"}))
    sheet.write_formula("C6", "=C4*2", None, 24)
    sheet.write_formula("C7", "=1/0", None, "#DIV/0!")
    sheet.write("AD300", "xa")
    book.add_worksheet("Hướng dẫn").write("A1", "Nhập số liệu vào cột C")
    hidden = book.add_worksheet("_xlsync")
    hidden.write_row("A1", ["kind", "report"])
    hidden.hide()
    book.close()
    return path


def _read_both_ways(path: Path, monkeypatch: pytest.MonkeyPatch):
    through_copy = read_workbook(path)
    monkeypatch.setattr(workbook_checks, "MAX_STORED_COPY_BYTES", -1)  # every package as it came
    as_it_came = read_workbook(path)
    monkeypatch.undo()
    return through_copy, as_it_came


def test_the_stored_copy_holds_the_same_members_and_reads_as_the_same_workbook(full_report: Path, monkeypatch):
    content = full_report.read_bytes()
    checked = check_content(content, "x")
    assert checked.package is not None
    original, copy = zipfile.ZipFile(io.BytesIO(content)), zipfile.ZipFile(io.BytesIO(checked.package))
    assert copy.namelist() == original.namelist()
    assert all(copy.read(name) == original.read(name) for name in original.namelist())
    assert copy.getinfo("xl/worksheets/sheet1.xml").compress_type == zipfile.ZIP_STORED
    assert copy.getinfo("xl/theme/theme1.xml").compress_type == zipfile.ZIP_DEFLATED  # never unpacked whole

    through_copy, as_it_came = _read_both_ways(full_report, monkeypatch)
    assert through_copy == as_it_came
    sheet = through_copy.sheets["Báo cáo"]
    assert sheet.rows[2] == ["CT01", "Tỷ lệ hộ dùng nước sạch", 0.648]
    assert sheet.percent_cells == {(2, 2)}
    assert sheet.error_cells == {(6, 2): "#DIV/0!"}
    assert sheet.merged == ((0, 0, 0, 2),)
    assert sheet.rows[299][29] == "xa"
    assert list(through_copy.sheets) == ["Báo cáo", "Hướng dẫn", "_xlsync"]


def _directory_entry(content: bytes, name: bytes) -> int:
    position = int.from_bytes(content[-6:-2], "little")
    while content[position + 46 : position + 46 + len(name)] != name:
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", content, position + 28)
        position += 46 + name_length + extra_length + comment_length
    return position


def _two_sheets(path: Path) -> bytearray:
    rows = '<row r="1"><c r="A1"><v>1</v></c></row>'
    return bytearray(write_xlsx(path, {"S": sheet_xml(rows), "T": sheet_xml(rows)}).read_bytes())


def test_a_deflate_stream_cut_by_its_last_byte_is_refused_by_calamine_as_before(tmp_path: Path):
    # zlib gives the whole sheet without the stream's end; calamine refuses it. A stored copy would hide that.
    content = _two_sheets(tmp_path / "a.xlsx")
    entry = _directory_entry(content, b"xl/worksheets/sheet1.xml")
    struct.pack_into("<L", content, entry + 20, struct.unpack_from("<L", content, entry + 20)[0] - 1)
    path = tmp_path / "cut.xlsx"
    path.write_bytes(content)

    assert check_content(bytes(content), "x").package is None
    problem = refusal(path)
    assert problem.code == "corrupt-workbook"
    assert "deflate" in problem.params["detail"]  # calamine's own words


@pytest.mark.parametrize("field, value", [(4, 1), (10, 9)])  # the disk number; the count of entries
def test_an_end_record_only_zipfile_accepts_is_refused_by_calamine_as_before(tmp_path: Path, field: int, value: int):
    content = _two_sheets(tmp_path / "a.xlsx")
    struct.pack_into("<H", content, len(content) - 22 + field, value)
    path = tmp_path / "end.xlsx"
    path.write_bytes(content)

    assert check_content(bytes(content), "x").package is None
    assert refusal(path).code == "corrupt-workbook"


def test_a_member_named_twice_is_left_to_calamine(tmp_path: Path, monkeypatch):
    path = tmp_path / "hai-lan.xlsx"
    write_xlsx(path, {"S": sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>')})
    with pytest.warns(UserWarning), zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml('<row r="1"><c r="A1"><v>2</v></c></row>'))

    assert check_content(path.read_bytes(), "x").package is None
    through_copy, as_it_came = _read_both_ways(path, monkeypatch)
    assert through_copy == as_it_came


def test_a_member_whose_name_zipfile_cuts_to_nothing_is_no_traceback(tmp_path: Path):
    content = _two_sheets(tmp_path / "a.xlsx")
    content[_directory_entry(content, b"_rels/.rels") + 46] = 0  # zipfile lists it as ""
    path = tmp_path / "nul.xlsx"
    path.write_bytes(content)
    assert refusal(path).code == "corrupt-workbook"  # once an IndexError from zipfile.ZipInfo.is_dir
