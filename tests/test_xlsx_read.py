"""Reading workbooks: exact values, and every kind of bad file refused before parsing.

Each bad file is built here, in tmp_path.  Files that could exhaust memory
or abort the process if a check were missing are read in a child process
with an address-space limit, which also reports time and peak memory.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import struct
import subprocess
import sys
import time
import zipfile
from datetime import date, datetime
from pathlib import Path

import msoffcrypto.format.ooxml
import olefile
import pytest
import xlsxwriter

from bad_files import (
    BILLION_LAUGHS, FILLER_ROW, MAIN_NS, SHEET_HEAD, biff_dimensions, biff_label, biff_number, biff_record, ods_parts,
    package_parts, sheet_xml, write_ods, write_xls, write_xlsx, write_zip, write_zip_with_filler,
)
from xlsync.core.issues import CannotRun
from xlsync.core.sheets import parse_address
from xlsync.io.compound_file import build_compound_file
from xlsync.io.xlsx_read import MAX_SHEET_CELLS, inspect_file, iter_workbook_paths, read_workbook, scan_paths

def run_isolated(path: Path) -> dict:
    """read_workbook(path) in a child process limited to 2 GB of address space.

    Returns the outcome (sheet row counts, or the CannotRun code and params),
    the seconds spent and the growth of peak resident memory in MB.  If a
    check were missing, the child would die on the limit instead of the machine.
    """
    script = """
import json, resource, sys, time
from xlsync.core.issues import CannotRun
from xlsync.io.xlsx_read import read_workbook
limit = 2 * 1024 ** 3
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
try:
    book = read_workbook(sys.argv[1])
    outcome = {"rows": {name: len(sheet.rows) for name, sheet in book.sheets.items()}}
except CannotRun as exc:
    outcome = {"code": exc.code, "params": {k: str(v) for k, v in exc.params.items()}}
outcome["seconds"] = time.perf_counter() - start
outcome["growth_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print(json.dumps(outcome))
"""
    done = subprocess.run([sys.executable, "-P", "-c", script, str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"child died ({done.returncode}): {done.stderr[-1500:]}"
    return json.loads(done.stdout)


def refusal(path: Path, **kwargs) -> CannotRun:
    with pytest.raises(CannotRun) as caught:
        read_workbook(path, **kwargs)
    return caught.value


# --- a normal workbook -----------------------------------------------------------


@pytest.fixture
def report_path(tmp_path: Path) -> Path:
    path = tmp_path / "Báo cáo thôn Đông.xlsx"
    book = xlsxwriter.Workbook(path)
    data = book.add_worksheet("Số liệu")
    data.write("A1", "Mã")
    data.write("B1", "Chỉ tiêu")
    data.write("C1", "Giá trị")
    data.write("A2", "CT01")
    data.write("B2", "Tỷ lệ hộ dùng nước sạch")
    data.write("C2", 96.5)
    data.write("A3", "CT02")
    data.write("B3", "Số hộ nghèo")
    data.write("C3", 12)
    data.write("A4", "Ngày báo cáo")
    data.write_datetime("C4", datetime(2024, 12, 15), book.add_format({"num_format": "dd/mm/yyyy"}))
    data.write("A5", "Tổng")
    data.write_formula("C5", "=C2+C3", None, 108.5)
    data.write_formula("C6", "=1/0", None, "#DIV/0!")
    data.write("D6", True)
    data.write("B8", "Ghi chú: đã kiểm tra")
    data.write_blank("H2", None, book.add_format({"bold": True}))  # formatting only: trimmed
    hidden = book.add_worksheet("Ẩn")
    hidden.write("B2", 3.25)
    hidden.hide()
    book.add_worksheet("Trống")
    book.close()
    return path


def test_a_normal_workbook_reads_back_exactly(report_path: Path):
    book = read_workbook(report_path)

    assert list(book.sheets) == ["Số liệu", "Ẩn", "Trống"]
    assert book.sheets["Số liệu"].rows == [
        ["Mã", "Chỉ tiêu", "Giá trị"],
        ["CT01", "Tỷ lệ hộ dùng nước sạch", 96.5],
        ["CT02", "Số hộ nghèo", 12.0],
        ["Ngày báo cáo", None, date(2024, 12, 15)],
        ["Tổng", None, 108.5],
        [None, None, None, True],  # C6 holds #DIV/0!: calamine gives errors as empty
        [],
        [None, "Ghi chú: đã kiểm tra"],
    ]
    assert book.sheets["Ẩn"].rows == [[], [None, 3.25]]
    assert book.sheets["Trống"].rows == []


def test_numbers_are_floats_and_positions_match_cell_addresses(report_path: Path):
    sheet = read_workbook(report_path).sheets["Số liệu"]
    count = sheet.cell(*parse_address("C3"))
    assert count == 12.0 and type(count) is float
    assert sheet.cell(*parse_address("C5")) == 108.5
    assert sheet.cell(*parse_address("D6")) is True
    assert sheet.cell(*parse_address("H2")) is None


def test_source_and_metadata(report_path: Path):
    os.utime(report_path, (1_700_000_000, 1_700_000_000))
    book = read_workbook(report_path)
    content = report_path.read_bytes()

    assert book.source == str(report_path)
    assert book.metadata["size"] == str(len(content))
    assert book.metadata["sha256"] == hashlib.sha256(content).hexdigest()
    assert book.metadata["path"] == str(report_path.resolve())
    modified = datetime.fromisoformat(book.metadata["modified"])
    assert modified.tzinfo is not None and modified.timestamp() == 1_700_000_000

    renamed = read_workbook(report_path, display_name="thôn Đông (email 12/1)")
    assert renamed.source == "thôn Đông (email 12/1)"


def test_inspect_file_accepts_a_workbook_and_names_the_file_in_refusals(tmp_path: Path, report_path: Path):
    assert inspect_file(report_path) is None
    empty = tmp_path / "rỗng.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(CannotRun) as caught:
        inspect_file(empty, display_name="Thôn Tây")
    assert caught.value.code == "empty-file"
    assert caught.value.message("vi") == "Tệp «Thôn Tây» trống (0 byte)."


# --- files that are not workbooks ------------------------------------------------


def test_missing_file_empty_file_and_folder(tmp_path: Path):
    assert refusal(tmp_path / "không có.xlsx").code == "file-not-found"
    (tmp_path / "empty.xlsx").write_bytes(b"")
    assert refusal(tmp_path / "empty.xlsx").code == "empty-file"
    folder = refusal(tmp_path)
    assert folder.code == "not-a-workbook"
    assert "(it is a folder)" in folder.message("en")


def test_random_bytes_are_not_a_workbook(tmp_path: Path):
    path = tmp_path / "noise.xlsx"
    path.write_bytes(random.Random(20240101).randbytes(8192))
    problem = refusal(path, display_name="noise.xlsx")
    assert problem.code == "not-a-workbook"
    assert problem.message("en") == "File 'noise.xlsx' is not an Excel workbook (.xlsx)."
    assert problem.message("vi") == "Tệp «noise.xlsx» không phải là bảng tính Excel (.xlsx)."


@pytest.mark.parametrize(
    "content",
    [
        "Mã;Chỉ tiêu;Giá trị\nCT01;Tỷ lệ hộ dùng nước sạch;96,5\n".encode("utf-8-sig"),
        "Mã\tChỉ tiêu\tGiá trị\r\nCT01\tTỷ lệ hộ dùng nước sạch\t96,5\r\n".encode("utf-16"),  # Excel "Unicode text"
        "Đơn;Thôn Đông;Giá\n".encode("cp1258"),  # Vietnamese Windows code page: not UTF-8
    ],
    ids=["utf-8", "utf-16", "cp1258"],
)
def test_csv_renamed_to_xlsx_is_named_as_csv(tmp_path: Path, content: bytes):
    path = tmp_path / "bao_cao.xlsx"
    path.write_bytes(content)
    problem = refusal(path)
    assert problem.code == "not-a-workbook"
    assert "(đây là tệp văn bản/CSV; hãy mở bằng Excel rồi lưu lại dạng .xlsx)" in problem.message("vi")
    assert "(it is a text/CSV file; open it in Excel and save it as .xlsx)" in problem.message("en")


def test_an_xls_renamed_to_xlsx_is_read_as_xls(tmp_path: Path):
    path = write_xls(tmp_path / "cu.xlsx", {"Báo cáo": [biff_label(0, 0, "Mã"), biff_number(1, 2, 12.5)]})
    assert olefile.OleFileIO(str(path)).exists("Workbook")

    book = read_workbook(path)
    assert book.file_format == "xls"
    assert book.sheets["Báo cáo"].rows == [["Mã"], [None, None, 12.5]]


def test_an_xls_stream_calamine_cannot_read_is_corrupt(tmp_path: Path):
    bof_record = struct.pack("<HHHHII", 0x0809, 16, 0x0600, 0x0005, 0, 0)  # BIFF8 workbook globals, nothing else
    path = tmp_path / "cu.xls"
    path.write_bytes(build_compound_file({"Workbook": bof_record, "\x05SummaryInformation": b"\x00" * 48}))
    assert refusal(path).code == "corrupt-workbook"


def test_a_password_protected_xls_is_named_so(tmp_path: Path):
    filepass = biff_record(0x002F, struct.pack("<HHH", 1, 1, 1) + b"\x00" * 48)  # RC4: the records after it are encrypted
    path = write_xls(tmp_path / "khoa.xls", {"S": [biff_number(0, 0, 1)]}, [filepass])
    assert refusal(path).code == "password-protected-workbook"


def test_word_files_renamed_to_xlsx_are_named_as_word(tmp_path: Path):
    doc = tmp_path / "cong-van.xlsx"
    doc.write_bytes(build_compound_file({"WordDocument": b"\x00" * 64, "1Table": b"\x00" * 64}))
    problem = refusal(doc, display_name="cong-van.xlsx")
    assert problem.code == "not-a-workbook"
    assert problem.message("vi") == (
        "Tệp «cong-van.xlsx» không phải là bảng tính Excel (.xlsx) "
        "(đây là văn bản Word .doc, không phải bảng tính; hãy gửi tệp báo cáo Excel)."
    )

    docx = write_zip(tmp_path / "bao-cao.xlsx", {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>',
        "word/document.xml": b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                             b'wordprocessingml/2006/main"><w:body><w:p/></w:body></w:document>',
    })
    problem = refusal(docx)
    assert problem.code == "not-a-workbook"
    assert "(đây là văn bản Word .docx, không phải bảng tính; hãy gửi tệp báo cáo Excel)" in problem.message("vi")
    assert "(it is a Word .docx document, not a spreadsheet; send the Excel report instead)" in problem.message("en")


def test_other_ole_file_is_not_a_workbook(tmp_path: Path):
    path = tmp_path / "thu.xlsx"
    path.write_bytes(build_compound_file({"__substg1.0_0037001F": b"\x00" * 64}))  # an Outlook message, say
    problem = refusal(path)
    assert problem.code == "not-a-workbook"
    assert "(it is another kind of Office file)" in problem.message("en")


def test_binary_xlsb_is_named(tmp_path: Path):
    parts = package_parts({"S": sheet_xml("")})
    parts["xl/workbook.bin"] = parts.pop("xl/workbook.xml")
    problem = refusal(write_zip(tmp_path / "nhi-phan.xlsx", parts))
    assert problem.code == "not-a-workbook"
    assert ".xlsb" in problem.message("vi") and "save it as .xlsx" in problem.message("en")


def test_password_protected_workbook(tmp_path: Path, report_path: Path):
    protected = tmp_path / "co_mat_khau.xlsx"
    with open(report_path, "rb") as plain, open(protected, "wb") as out:
        msoffcrypto.format.ooxml.OOXMLFile(plain).encrypt("mật khẩu", out)
    assert olefile.OleFileIO(str(protected)).exists("EncryptionInfo")

    problem = refusal(protected)
    assert problem.code == "password-protected-workbook"
    assert "mật khẩu" in problem.message("vi") and "password" in problem.message("en")


def test_ods_renamed_to_xlsx_is_read_as_ods(tmp_path: Path):
    rows = '<table:table-row><table:table-cell office:value-type="float" office:value="96.5"/></table:table-row>'
    book = read_workbook(write_ods(tmp_path / "libreoffice.xlsx", {"Số liệu": rows}))
    assert book.file_format == "ods"
    assert book.sheets["Số liệu"].rows == [[96.5]]


# --- damaged workbooks -----------------------------------------------------------


def test_zip_without_workbook_part_is_corrupt(tmp_path: Path):
    parts = package_parts({"S": sheet_xml("")})
    del parts["xl/workbook.xml"]
    problem = refusal(write_zip(tmp_path / "thieu.xlsx", parts))
    assert problem.code == "corrupt-workbook"
    assert problem.message("vi").endswith("(thiếu phần xl/workbook.xml).")


def test_truncated_workbook_is_corrupt(tmp_path: Path, report_path: Path):
    path = tmp_path / "dut.xlsx"
    path.write_bytes(report_path.read_bytes()[:3000])
    assert refusal(path).code == "corrupt-workbook"


def _stored_xlsx(path: Path, rows: str) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, data in package_parts({"S": sheet_xml(rows)}).items():
            archive.writestr(name, data)
    return path


def test_stored_members_are_read_and_a_part_changed_after_zipping_is_corrupt(tmp_path: Path):
    path = _stored_xlsx(tmp_path / "luu.xlsx", '<row r="1"><c r="A1"><v>1234</v></c></row>')
    assert read_workbook(path).sheets["S"].rows == [[1234.0]]

    path.write_bytes(path.read_bytes().replace(b"<v>1234</v>", b"<v>9234</v>"))  # same size, CRC-32 no longer matches
    problem = refusal(path)
    assert problem.code == "corrupt-workbook"
    assert problem.params["detail"] == "BadZipFile: bad CRC-32 or size for xl/worksheets/sheet1.xml"


@pytest.mark.parametrize(
    "rows",
    [
        '<row r="1"><c r="1A"><v>1</v></c></row>',  # a reference calamine cannot parse
        '<row r="1"><c r="A1" t="s"><v>7</v></c></row>',  # a shared string that does not exist
        '<row r="1"><c r="A1"><v>1</v></row>',  # unclosed cell
    ],
)
def test_calamine_errors_become_corrupt_workbook(tmp_path: Path, rows: str):
    problem = refusal(write_xlsx(tmp_path / "hong.xlsx", {"S": sheet_xml(rows)}))
    assert problem.code == "corrupt-workbook"
    assert problem.params["detail"]  # calamine's own explanation is kept


# --- hostile workbooks -----------------------------------------------------------



def test_filler_zip_writer_makes_valid_archives(tmp_path: Path):
    path = tmp_path / "small.zip"
    size = write_zip_with_filler(path, {"a.txt": b"hello"}, "big.xml", b"<x>", FILLER_ROW, 3)
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        assert archive.read("big.xml") == b"<x>" + FILLER_ROW * 3
        assert archive.getinfo("big.xml").file_size == size


def test_zip_bomb_is_refused_from_the_directory(tmp_path: Path):
    path = tmp_path / "bom.xlsx"
    chunk = FILLER_ROW * ((1 << 20) // len(FILLER_ROW))
    parts = package_parts({"S": sheet_xml("")})
    del parts["xl/worksheets/sheet1.xml"]
    size = write_zip_with_filler(path, parts, "xl/worksheets/sheet1.xml", SHEET_HEAD, chunk, 1024)
    assert size > 1_000_000_000 and path.stat().st_size < 5_000_000

    outcome = run_isolated(path)
    assert outcome["code"] == "workbook-too-large"
    assert outcome["params"]["size"] == "1024 MB"
    assert outcome["seconds"] < 5  # a missing check takes minutes or dies on the memory limit
    assert outcome["growth_mb"] < 256


def test_highly_compressed_part_is_refused_below_the_total_limit(tmp_path: Path):
    path = tmp_path / "nen.xlsx"
    parts = package_parts({"S": sheet_xml("")})
    del parts["xl/worksheets/sheet1.xml"]
    chunk = FILLER_ROW * ((1 << 20) // len(FILLER_ROW))
    write_zip_with_filler(path, parts, "xl/worksheets/sheet1.xml", SHEET_HEAD, chunk, 50)
    problem = refusal(path)
    assert problem.code == "workbook-too-large"
    assert problem.params["size"] == "50 MB"




def test_entity_bomb_in_shared_strings_is_refused(tmp_path: Path):
    path = write_xlsx(
        tmp_path / "cuoi.xlsx", {"S": sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')}, BILLION_LAUGHS
    )
    outcome = run_isolated(path)
    assert outcome["code"] == "unsafe-xml"
    assert outcome["seconds"] < 5  # a missing check takes minutes or dies on the memory limit
    assert outcome["growth_mb"] < 256


@pytest.mark.parametrize(
    "prolog",
    [
        "<!-- " + "đệm " * 600 + "-->",  # pushes the DOCTYPE past the first kilobyte
        "<?xml-stylesheet href='a'?><!-- <sst> -->",  # a fake root element inside a comment
    ],
)
def test_doctype_after_padding_is_still_found(tmp_path: Path, prolog: str):
    doctype = BILLION_LAUGHS.replace('<?xml version="1.0" encoding="UTF-8"?>\n', '<?xml version="1.0"?>' + prolog)
    path = write_xlsx(tmp_path / "dem.xlsx", {"S": sheet_xml("")}, doctype)
    assert refusal(path).code == "unsafe-xml"


def test_doctype_in_utf16_part_is_found(tmp_path: Path):
    parts = package_parts({"S": sheet_xml("")})
    parts["xl/sharedStrings.xml"] = BILLION_LAUGHS.replace("UTF-8", "UTF-16").encode("utf-16")
    assert refusal(write_zip(tmp_path / "u16.xlsx", parts)).code == "unsafe-xml"


# --- sheet extent ------------------------------------------------------------------

TABLE_ROWS = "".join(
    f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>CT{r:02d}</t></is></c><c r="B{r}"><v>{r * 1.5}</v></c></row>'
    for r in range(1, 41)
)
EXPECTED_TABLE = [[f"CT{r:02d}", r * 1.5] for r in range(1, 41)]


def best_time(path: Path, rounds: int = 5) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        read_workbook(path)
        best = min(best, time.perf_counter() - start)
    return best


def test_huge_declared_dimension_reads_as_its_content(tmp_path: Path):
    normal = write_xlsx(tmp_path / "thuong.xlsx", {"S": sheet_xml(TABLE_ROWS, dimension="A1:B40")})
    styled_far = TABLE_ROWS + '<row r="1048576"><c r="XFD1048576" s="1"/></row>'  # formatting only
    huge = write_xlsx(tmp_path / "rong.xlsx", {"S": sheet_xml(styled_far, dimension="A1:XFD1048576")})

    assert read_workbook(huge).sheets["S"].rows == EXPECTED_TABLE
    assert best_time(huge) < 3 * best_time(normal) + 0.005
    outcome = run_isolated(huge)
    assert outcome["rows"] == {"S": 40}
    assert outcome["growth_mb"] < 256


@pytest.mark.parametrize(
    "far_cell",
    [
        '<c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>',
        '<c r="XFD1048576" t="inlineStr"><is><t></t></is></c>',  # empty text still makes calamine span the grid
        '<c s="0" r="XFD1048576"><v>1</v></c>',  # reference not first
        "<c r='XFD1048576'><v>1</v></c>",  # single quotes
        '<c\tr="XFD1048576"><v>1</v></c>',  # tab between name and attribute
    ],
)
def test_a_value_far_from_the_table_is_refused_before_calamine_sees_it(tmp_path: Path, far_cell: str):
    rows = TABLE_ROWS + f'<row r="1048576">{far_cell}</row>'
    path = write_xlsx(tmp_path / "xa.xlsx", {"S": sheet_xml(rows)})
    outcome = run_isolated(path)  # calamine would abort the process allocating 16384 × 1048576 cells
    assert outcome["code"] == "sheet-too-large"
    assert outcome["params"]["cell"] == "XFD1048576"
    assert outcome["seconds"] < 5  # a missing check takes minutes or dies on the memory limit


def test_far_cells_are_found_in_prefixed_sheets_and_cells_without_references(tmp_path: Path):
    prefixed = sheet_xml(TABLE_ROWS + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    prefixed = (
        prefixed.replace("<worksheet ", '<x:worksheet xmlns:x="' + MAIN_NS + '" ')
        .replace("</worksheet>", "</x:worksheet>")
        .replace("<row ", "<x:row ").replace("</row>", "</x:row>")
        .replace("<c ", "<x:c ").replace("</c>", "</x:c>")
    )
    no_refs = sheet_xml(TABLE_ROWS + '<row r="1048576">' + "<c><v>1</v></c>" * 20 + "</row>")
    for name, xml in {"prefixed": prefixed, "no_refs": no_refs}.items():
        outcome = run_isolated(write_xlsx(tmp_path / f"{name}.xlsx", {"S": xml}))
        assert outcome["code"] == "sheet-too-large", name
    assert 1_048_576 * 20 > MAX_SHEET_CELLS


def test_wide_and_long_sheets_within_the_limit_are_read(tmp_path: Path):
    # Two-letter columns and five-digit rows leave the fast check: the walk must accept them.
    rows = TABLE_ROWS + '<row r="20000"><c r="AD20000"><v>7</v></c></row>'
    book = read_workbook(write_xlsx(tmp_path / "dai.xlsx", {"S": sheet_xml(rows)}))
    sheet = book.sheets["S"]
    assert len(sheet.rows) == 20000
    assert sheet.rows[:40] == EXPECTED_TABLE
    assert sheet.cell(*parse_address("AD20000")) == 7.0
    assert sheet.rows[19999] == [None] * 29 + [7.0]


def test_cells_without_references_are_placed_after_the_previous_cell(tmp_path: Path):
    rows = '<row r="3"><c r="B3"><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>'
    book = read_workbook(write_xlsx(tmp_path / "khong_ref.xlsx", {"S": sheet_xml(rows)}))
    assert book.sheets["S"].rows == [[], [], [None, 1.0, 2.0], [3.0]]


# --- .xls and .ods: the same limits ----------------------------------------------------


@pytest.mark.parametrize(
    "records, far_cell",
    [
        ([biff_number(65535, 65535, 1.0)], "CRXP65536"),  # the 16-bit fields allow 4 billion cells
        ([biff_dimensions(0, 1_000_000, 0, 1000), biff_number(0, 0, 1.0)], "ALL1000000"),  # reserved up front
    ],
    ids=["far-cell", "dimensions"],
)
def test_an_xls_too_large_to_hold_is_refused_before_calamine_sees_it(tmp_path: Path, records: list, far_cell: str):
    path = write_xls(tmp_path / "xa.xls", {"Tốt": [biff_number(0, 0, 2.0)], "S": records})
    outcome = run_isolated(path)  # calamine would abort the process allocating the grid
    assert outcome["code"] == "sheet-too-large"
    assert outcome["params"]["cell"] == far_cell
    assert outcome["seconds"] < 5


def test_an_xls_reads_values_percent_formats_and_errors(tmp_path: Path):
    percent_format = biff_record(0x041E, struct.pack("<HHB", 164, 6, 0) + b'0.0"%"')  # a quoted %: not a percentage
    styles = [biff_record(0x00E0, struct.pack("<HH", 0, number_format) + bytes(16)) for number_format in (0, 10, 164)]
    div_zero = biff_record(0x0205, struct.pack("<HHHBB", 2, 1, 0, 0x07, 1))
    path = write_xls(tmp_path / "cu.xls", {"S": [
        biff_label(0, 0, "Tỷ lệ"), biff_number(1, 1, 0.648, style=1), biff_number(1, 2, 0.5, style=2), div_zero,
    ]}, [percent_format, *styles])
    sheet = read_workbook(path).sheets["S"]
    assert sheet.rows == [["Tỷ lệ"], [None, 0.648, 0.5]]
    assert sheet.percent_cells == {(1, 1)}
    assert sheet.error_cells == {(2, 1): "#DIV/0!"}


LIBREOFFICE_EDGE = (  # how LibreOffice ends every sheet: empty cells and rows repeated to the sheet's edge
    '<table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="16384"/>'
    '</table:table-row><table:table-row><table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
)


def _ods_row(*cells: str, repeat: int = 1) -> str:
    attribute = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{attribute}>{''.join(cells)}</table:table-row>"


def _ods_value(value: float, *, repeat: int = 1) -> str:
    attribute = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return f'<table:table-cell office:value-type="float" office:value="{value}"{attribute}/>'


def _ods_empty(repeat: int) -> str:
    return f'<table:table-cell table:number-columns-repeated="{repeat}"/>'


def test_an_ods_with_empty_cells_repeated_to_the_edge_is_read(tmp_path: Path):
    rows = _ods_row(_ods_empty(2), _ods_value(7), _ods_empty(16381)) + LIBREOFFICE_EDGE
    book = read_workbook(write_ods(tmp_path / "thuong.ods", {"S": rows}))
    assert book.sheets["S"].rows == [[None, None, 7.0]]
    outcome = run_isolated(tmp_path / "thuong.ods")
    assert outcome["rows"] == {"S": 1} and outcome["growth_mb"] < 256


@pytest.mark.parametrize(
    "rows, far_cell",
    [
        (_ods_row(_ods_empty(1), repeat=1048574) + _ods_row(_ods_empty(16383), _ods_value(1)), "XFD1048576"),
        (_ods_row(_ods_value(1, repeat=16384), repeat=1048575), "XFD1048576"),  # one valued cell copied everywhere
        (_ods_row(_ods_value(1, repeat=1_000_000_000)), "CFDGSXL2"),  # a billion copies in one row
    ],
    ids=["far-value", "repeated-value", "long-row"],
)
def test_an_ods_too_large_to_hold_is_refused_before_calamine_sees_it(tmp_path: Path, rows: str, far_cell: str):
    outcome = run_isolated(write_ods(tmp_path / "xa.ods", {"S": _ods_row(_ods_value(2)) + rows}))
    assert outcome["code"] == "sheet-too-large"
    assert outcome["params"]["cell"] == far_cell
    assert outcome["seconds"] < 5


def test_an_ods_zip_bomb_is_refused_from_the_directory(tmp_path: Path):
    path = tmp_path / "bom.ods"
    parts = ods_parts({"S": ""})
    content_head = parts.pop("content.xml").split(b"</table:table>")[0]
    chunk = _ods_row(_ods_value(1)).encode() * 4096
    size = write_zip_with_filler(path, parts, "content.xml", content_head, chunk, (1 << 30) // len(chunk))
    assert size > 1_000_000_000 and path.stat().st_size < 10_000_000
    outcome = run_isolated(path)
    assert outcome["code"] == "workbook-too-large"
    assert outcome["seconds"] < 5
    assert outcome["growth_mb"] < 256


def test_an_ods_with_a_doctype_or_a_runaway_space_count_or_a_password_is_refused(tmp_path: Path):
    parts = ods_parts({"S": _ods_row(_ods_value(1))})
    parts["content.xml"] = parts["content.xml"].replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "b">]>', 1)
    assert refusal(write_zip(tmp_path / "dtd.ods", parts)).code == "unsafe-xml"

    spaces = '<table:table-cell office:value-type="string"><text:p>a<text:s text:c="2000000000"/>b</text:p></table:table-cell>'
    problem = refusal(write_ods(tmp_path / "cach.ods", {"S": _ods_row(spaces)}))
    assert problem.code == "corrupt-workbook"
    assert problem.params["detail"] == '<text:s text:c="2000000000"/>'

    parts = ods_parts({"S": _ods_row(_ods_value(1))})
    parts["META-INF/manifest.xml"] = parts["META-INF/manifest.xml"].replace(
        b'media-type="text/xml"/>', b'media-type="text/xml"><manifest:encryption-data/></manifest:file-entry>'
    )
    assert refusal(write_zip(tmp_path / "khoa.ods", parts)).code == "password-protected-workbook"


# --- finding workbooks -------------------------------------------------------------


def _tree(root: Path, relatives: list[str]) -> None:
    for relative in relatives:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")


def test_a_folder_scan_reads_every_workbook_and_names_every_other_file(tmp_path: Path):
    root = tmp_path / "bao_cao"
    _tree(root, [
        "thôn_b.xlsx", "Thôn_A.XLSX", "macro.xlsm", "cu.xls", "libre.ods", "con/chau/truong.xlsx",
        "~$thôn_b.xlsx", "cong-van.docx", "scan.pdf", "ghi_chu.txt", "anh.JPG", "la.xyz",
        ".an.xlsx", "Thumbs.db", "desktop.ini", "~$cong-van.docx", ".git/objects/x.xlsx", ".Trash/con/y.xlsx",
        "System Volume Information/IndexerVolumeGuid",
    ])
    explicit = tmp_path / "gui_nham.csv"
    explicit.write_text("a,b\n")

    found = scan_paths([root, explicit, root / "macro.xlsm"])
    assert found.files == [
        root / "con" / "chau" / "truong.xlsx",
        root / "cu.xls",
        root / "libre.ods",
        root / "macro.xlsm",
        root / "Thôn_A.XLSX",
        root / "thôn_b.xlsx",
        explicit,
    ]
    by_file = {Path(issue.file).name: issue for issue in found.skipped}
    assert {name: issue.code for name, issue in by_file.items()} == {
        "~$thôn_b.xlsx": "lock-file",
        "anh.JPG": "skipped-file",
        "cong-van.docx": "skipped-file",
        "ghi_chu.txt": "skipped-file",
        "la.xyz": "skipped-file",
        "scan.pdf": "skipped-file",
    }
    assert [issue.severity for issue in found.skipped] == ["warning"] * 6
    assert by_file["cong-van.docx"].message_vi == f"«{root / 'cong-van.docx'}» không phải bảng tính (đây là văn bản Word); đã bỏ qua."
    assert by_file["ghi_chu.txt"].message_en == (
        f"'{root / 'ghi_chu.txt'}' is not a spreadsheet (it is a text/CSV file; open it in Excel and save it as .xlsx); skipped."
    )
    assert "(đây là tệp PDF)" in by_file["scan.pdf"].message_vi
    assert "(đây là ảnh)" in by_file["anh.JPG"].message_vi
    assert by_file["la.xyz"].message_vi == f"«{root / 'la.xyz'}» không phải bảng tính; đã bỏ qua."
    assert by_file["~$thôn_b.xlsx"].message_en == (
        f"'{root / '~$thôn_b.xlsx'}' is an Excel lock file (someone has this workbook open), not a report; skipped. "
        "Close Excel before consolidating."
    )


def test_a_named_path_that_does_not_exist_cannot_run(tmp_path: Path):
    with pytest.raises(CannotRun) as caught:
        scan_paths([tmp_path / "chua_co.xlsx"])
    assert caught.value.code == "file-not-found"
    assert caught.value.params["file"] == str(tmp_path / "chua_co.xlsx")


def test_iter_workbook_paths_keeps_the_files_and_drops_the_warnings(tmp_path: Path):
    _tree(tmp_path, ["b.xlsx", "a.ods", "~$b.xlsx", "thu.docx"])
    assert iter_workbook_paths([tmp_path, tmp_path / "b.xlsx"]) == [tmp_path / "a.ods", tmp_path / "b.xlsx"]
    assert iter_workbook_paths([]) == []
