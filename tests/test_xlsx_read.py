"""Reading workbooks: exact values, and every kind of bad file refused before parsing.

Each bad file is built here, in tmp_path.  Files that could exhaust memory
or abort the process if a check were missing are read in a child process
with an address-space limit, which also reports time and peak memory.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import time
import zipfile
from datetime import date, datetime
from pathlib import Path

import msoffcrypto.format.ooxml
import olefile
import pytest
import xlsxwriter

from bad_files import (
    BILLION_LAUGHS, FILLER_ROW, MAIN_NS, SHEET_HEAD, package_parts, refusal, run_isolated, sheet_xml, write_xlsx,
    write_zip, write_zip_with_filler,
)
from xlsync.core.issues import CannotRun
from xlsync.core.sheets import parse_address
from xlsync.io.compound_file import build_compound_file
from xlsync.io.xlsx_read import MAX_SHEET_CELLS, inspect_file, read_workbook
from xlsync.io.zip_parts import _plain_directory

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


def test_the_zip_directory_read_from_the_bytes_lists_what_zipfile_lists(report_path: Path):
    """Damaged directories (one byte changed at a time): whenever the directory is read without zipfile,
    zipfile lists exactly the same members; anything else is left to zipfile."""
    content = report_path.read_bytes()
    directory = int.from_bytes(content[-6:-2], "little")
    rng = random.Random(11)
    read_here = 0
    for _ in range(400):
        damaged = bytearray(content)
        damaged[rng.randrange(directory, len(content))] = rng.randrange(256)
        members = _plain_directory(bytes(damaged))
        if members is None:
            continue
        read_here += 1
        listed = zipfile.ZipFile(io.BytesIO(bytes(damaged))).infolist()  # raises if it would refuse them
        fields = ("filename", "compress_type", "flag_bits", "CRC", "compress_size", "file_size", "header_offset")
        assert [[getattr(m, f) for f in fields] for m in members] == [[getattr(i, f) for f in fields] for i in listed]
    assert 100 < read_here < 400
    for unusual in (content + b"comment", b"prefix" + content, content[:-1]):
        assert _plain_directory(unusual) is None


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
    assert outcome["seconds"] < 30  # CPU seconds; a missing check takes minutes or dies on the memory limit
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
    assert outcome["seconds"] < 30  # CPU seconds; a missing check takes minutes or dies on the memory limit
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


@pytest.mark.parametrize("spaces, doctype", [(1500, True), (70_000, False)])
def test_a_long_declaration_is_left_to_the_prolog_walk(tmp_path: Path, spaces: int, doctype: bool):
    """The quick look at a prolog reads at most a thousand characters of declaration; past that, the walk
    decides: a DOCTYPE after it is found, and a prolog longer than any spreadsheet program writes is refused."""
    declaration = '<?xml version="1.0"' + " " * spaces + "?>"
    strings = BILLION_LAUGHS if doctype else BILLION_LAUGHS[: BILLION_LAUGHS.index("<!DOCTYPE")] + "<sst/>"
    strings = strings.replace('<?xml version="1.0" encoding="UTF-8"?>\n', declaration)
    assert refusal(write_xlsx(tmp_path / "dai.xlsx", {"S": sheet_xml("")}, strings)).code == "unsafe-xml"


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
    """The least CPU time of ``rounds`` reads: other work on a busy machine does not inflate CPU time."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        read_workbook(path)
        best = min(best, time.process_time() - start)
    return best


def test_huge_declared_dimension_reads_as_its_content(tmp_path: Path):
    normal = write_xlsx(tmp_path / "thuong.xlsx", {"S": sheet_xml(TABLE_ROWS, dimension="A1:B40")})
    styled_far = TABLE_ROWS + '<row r="1048576"><c r="XFD1048576" s="1"/></row>'  # formatting only
    huge = write_xlsx(tmp_path / "rong.xlsx", {"S": sheet_xml(styled_far, dimension="A1:XFD1048576")})

    assert read_workbook(huge).sheets["S"].rows == EXPECTED_TABLE
    assert best_time(huge) < 3 * best_time(normal) + 0.05  # spanning the declared grid would cost seconds
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
    assert outcome["seconds"] < 30  # CPU seconds; a missing check takes minutes or dies on the memory limit


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


def test_a_sheet_of_unclosed_tags_is_refused_in_linear_time(tmp_path: Path):
    # Each "<c" without a ">" once made the extent walk scan to the end of the part: quadratic time.
    path = write_xlsx(tmp_path / "mo.xlsx", {"S": sheet_xml(TABLE_ROWS + "<c s=1 " * 30_000)})
    started = time.process_time()
    assert refusal(path).code == "corrupt-workbook"
    assert time.process_time() - started < 10  # CPU seconds; about 0.02 here


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
