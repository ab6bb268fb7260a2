"""Reading .xls and .ods like .xlsx, the cell facts values alone cannot tell, and which files a folder gives.

The LibreOffice tests convert every workbook to .xls, .ods and a
recalculated .xlsx in ONE soffice start (module fixture, private profile);
the others build the files by hand, so each rule is pinned to an exact
position and text.  Files that would abort the process if a limit were
missing are read in a child process with an address-space limit.
"""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

import olefile
import pytest
from openpyxl import Workbook, load_workbook

from bad_files import (
    MAIN_NS, biff_dimensions, biff_label, biff_number, biff_record, convert_with_libreoffice, ods_parts, package_parts,
    refusal, run_isolated, sheet_xml, write_ods, write_xls, write_zip, write_zip_with_filler,
)
from helpers import fill_report
from xlsync.core.example_data import example_values
from xlsync.core.issues import CannotRun, make_issue
from xlsync.io.cell_facts import shows_percent
from xlsync.io.compound_file import build_compound_file
from xlsync.io.feedback import SUMMARY_SHEET, write_feedback_copy
from xlsync.io.xlsx_read import iter_workbook_paths, read_workbook, scan_paths

# --- through LibreOffice ---------------------------------------------------------------------


def _facts_workbook(path: Path) -> Path:
    """A header merged over two columns, %-formatted rates, formulas openpyxl stores no result for."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Báo cáo"
    sheet["A1"] = "Năm 2024"
    sheet.merge_cells("A1:B1")
    sheet["A2"] = 0.648
    sheet["A2"].number_format = "0.0%"  # typed as 64,8% in Excel
    sheet["B2"] = "=1/0"
    sheet["C2"] = "=A2*2"
    sheet["D2"] = 5
    sheet["E2"] = 0.5
    sheet["E2"].number_format = '0.00" %"'  # a % inside quotes is text, not a percentage
    sheet["F2"] = 0.25
    sheet["F2"].number_format = "#,##0.0%;[Red]-#,##0.0%"
    book.save(path)
    return path


@pytest.fixture(scope="module")
def converted(tmp_path_factory, plan) -> dict[str, dict[str, Path]]:
    folder = tmp_path_factory.mktemp("goc")
    report = fill_report(plan, "T01", folder, example_values(plan, plan.units["T01"]), name="bao-cao.xlsx")
    facts = _facts_workbook(folder / "dac-diem.xlsx")
    out = convert_with_libreoffice([report, facts], tmp_path_factory.mktemp("doi"), tmp_path_factory.mktemp("profile"))
    return {"report": {"source": report, **out[report]}, "facts": {"source": facts, **out[facts]}}


@pytest.mark.libreoffice
@pytest.mark.parametrize("file_format", ["xls", "ods"])
def test_a_report_saved_as_xls_or_ods_reads_back_as_the_xlsx(converted, file_format: str):
    original = read_workbook(converted["report"]["source"])
    other = read_workbook(converted["report"][file_format])

    assert original.file_format == "xlsx" and other.file_format == file_format
    assert list(other.sheets) == list(original.sheets)
    for name, sheet in original.sheets.items():
        assert other.sheets[name].rows == sheet.rows, name
        assert other.sheets[name].merged == sheet.merged, name
    assert original.sheets["Báo cáo"].merged == ((1, 0, 1, 4), (2, 0, 2, 4))  # the title rows


@pytest.mark.libreoffice
def test_percent_cells_before_and_after_libreoffice(converted):
    expected = frozenset({(1, 0), (1, 5)})  # A2 "0.0%" and F2 "#,##0.0%;…"; not E2 '0.00" %"'
    for file_format in ("source", "xlsx", "ods", "xls"):
        sheet = read_workbook(converted["facts"][file_format]).sheets["Báo cáo"]
        assert sheet.rows[1][0] == 0.648, file_format
        assert sheet.percent_cells == expected, file_format


@pytest.mark.libreoffice
def test_formulas_without_a_stored_value_and_error_results(converted):
    written = read_workbook(converted["facts"]["source"]).sheets["Báo cáo"]
    assert written.formulas_without_value == {(1, 1): "=1/0", (1, 2): "=A2*2"}  # openpyxl stores no results
    assert written.error_cells == {}
    assert written.rows[1] == [0.648, None, None, 5.0, 0.5, 0.25]

    for file_format in ("xlsx", "ods", "xls"):  # recalculated by LibreOffice on load
        sheet = read_workbook(converted["facts"][file_format]).sheets["Báo cáo"]
        assert sheet.error_cells == {(1, 1): "#DIV/0!"}, file_format
        assert sheet.formulas_without_value == {}, file_format
        assert sheet.rows[1] == [0.648, None, pytest.approx(1.296, rel=1e-12), 5.0, 0.5, 0.25], file_format


@pytest.mark.libreoffice
def test_a_merged_header_is_seen_in_every_format(converted):
    for file_format in ("source", "xlsx", "ods", "xls"):
        sheet = read_workbook(converted["facts"][file_format]).sheets["Báo cáo"]
        assert sheet.merged == ((0, 0, 0, 1),), file_format
        assert sheet.rows[0] == ["Năm 2024"], file_format


@pytest.mark.libreoffice
@pytest.mark.parametrize("file_format", ["xls", "ods"])
def test_the_annotated_copy_of_an_xls_or_ods_is_an_xlsx_saying_so(converted, tmp_path, file_format: str):
    source = converted["facts"][file_format]
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    issue = make_issue("negative-value", file=str(source), sheet="Báo cáo", cell="A2", value="0,648", name="Tỷ lệ")

    copy = write_feedback_copy(source, [issue], tmp_path)

    assert copy == tmp_path / "dac-diem.kiem-tra.xlsx"
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before
    book = load_workbook(copy)
    assert book.sheetnames == [SUMMARY_SHEET, "Báo cáo"]
    sheet = book["Báo cáo"]
    assert [cell.value for cell in sheet[2]] == [0.648, "#DIV/0!", pytest.approx(1.296, rel=1e-12), 5, 0.5, 0.25]
    assert sheet["A2"].number_format.endswith("%") and sheet["F2"].number_format.endswith("%")
    assert sheet["A2"].fill.fgColor.rgb.endswith("FF9999")
    assert sheet["A2"].comment.text == f"• {issue.message_vi}"
    assert [str(merged) for merged in sheet.merged_cells.ranges] == ["A1:B1"]
    summary = book[SUMMARY_SHEET]
    assert summary["B2"].value == "negative-value" and summary["D2"].value == "A2"
    format_name = {"xls": "Excel 97–2003 (.xls)", "ods": "OpenDocument (.ods)"}[file_format]
    assert summary["A4"].value == (
        f"Bản này được chuyển sang dạng .xlsx từ tệp {format_name} «dac-diem.{file_format}» để đánh dấu lỗi; "
        "tệp gốc không bị thay đổi. Hãy sửa trong tệp gốc (hoặc lưu tệp gốc dạng .xlsx) rồi gửi lại."
    )
    assert summary["A5"].value.startswith(f"This copy was converted to .xlsx from the {format_name} file")


def test_the_annotated_copy_of_an_xlsx_stays_a_copy_of_it(tmp_path):
    source = _facts_workbook(tmp_path / "goc.xlsx")
    issue = make_issue("negative-value", file=str(source), sheet="Báo cáo", cell="B1", value="x", name="Tỷ lệ")
    copy = write_feedback_copy(source, [issue], tmp_path / "fb")
    book = load_workbook(copy)
    assert copy.name == "goc.kiem-tra.xlsx"
    assert book["Báo cáo"]["B2"].value == "=1/0"  # the formulas themselves are kept
    assert book["Báo cáo"]["A1"].comment.text == f"• {issue.message_vi}"  # B1 is inside the merged A1:B1
    assert book[SUMMARY_SHEET]["A4"].value is None


# --- .xls and .ods by hand -------------------------------------------------------------------


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


def test_ods_renamed_to_xlsx_is_read_as_ods(tmp_path: Path):
    rows = '<table:table-row><table:table-cell office:value-type="float" office:value="96.5"/></table:table-row>'
    book = read_workbook(write_ods(tmp_path / "libreoffice.xlsx", {"Số liệu": rows}))
    assert book.file_format == "ods"
    assert book.sheets["Số liệu"].rows == [[96.5]]


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
    assert outcome["seconds"] < 30  # CPU seconds; a missing check costs minutes, or never ends


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
    assert outcome["seconds"] < 30  # CPU seconds; a missing check costs minutes, or never ends


@pytest.mark.parametrize("cut", ["truncated", "unclosed-tags"])
def test_an_ods_whose_content_is_not_well_formed_is_refused_before_calamine_loops_forever(tmp_path: Path, cut: str):
    # calamine reads a table until its end tag and ignores the end of the document: it would never return.
    parts = ods_parts({"S": _ods_row(_ods_value(1)) * 50 + ("<table:table-cell " * 100_000 if cut != "truncated" else "")})
    if cut == "truncated":  # a download cut in the middle of the table
        parts["content.xml"] = parts["content.xml"][: parts["content.xml"].index(b"</table:table>") - 40]
    outcome = run_isolated(write_zip(tmp_path / f"{cut}.ods", parts), timeout=60)
    assert outcome["code"] == "corrupt-workbook"
    assert outcome["params"]["detail"].startswith("content.xml: ")
    assert outcome["seconds"] < 30  # CPU seconds; a missing check costs minutes, or never ends


def test_an_ods_zip_bomb_is_refused_from_the_directory(tmp_path: Path):
    path = tmp_path / "bom.ods"
    parts = ods_parts({"S": ""})
    content_head = parts.pop("content.xml").split(b"</table:table>")[0]
    chunk = _ods_row(_ods_value(1)).encode() * 4096
    size = write_zip_with_filler(path, parts, "content.xml", content_head, chunk, (1 << 30) // len(chunk))
    assert size > 1_000_000_000 and path.stat().st_size < 10_000_000
    outcome = run_isolated(path)
    assert outcome["code"] == "workbook-too-large"
    assert outcome["seconds"] < 30  # CPU seconds; a missing check costs minutes, or never ends
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


# --- .xlsx markup, by hand -------------------------------------------------------------------

STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN_NS}">'
    '<numFmts count="4"><numFmt numFmtId="164" formatCode="0.0%"/><numFmt numFmtId="165" formatCode="0.0&quot;%&quot;"/>'
    '<numFmt numFmtId="166" formatCode="0.0\\%"/><numFmt numFmtId="167" formatCode="[Red][&lt;0]0.0%;0.0%"/></numFmts>'
    '<cellStyleXfs count="2"><xf numFmtId="10"/><xf numFmtId="10"/></cellStyleXfs>'
    '<cellXfs count="6"><xf numFmtId="0" xfId="1"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="166"/>'
    '<xf numFmtId="167"/><xf numFmtId="10" applyNumberFormat="1"></xf></cellXfs></styleSheet>'
)


def _xlsx_with(tmp_path: Path, rows: str, *, styles: str | None = STYLES, name: str = "S") -> Path:
    parts = package_parts({name: sheet_xml(rows)})
    if styles is not None:
        parts["xl/styles.xml"] = styles.encode()
    return write_zip(tmp_path / "tay.xlsx", parts)


def test_percent_cells_come_from_the_cell_style_number_format(tmp_path):
    rows = (
        '<row r="2"><c r="A2"><v>0.1</v></c><c r="B2" s="1"><v>0.2</v></c><c r="C2" s="2"><v>0.3</v></c>'
        '<c r="D2" s="3"><v>0.4</v></c><c r="E2" s="4"><v>0.5</v></c><c r="F2" s="5"><v>0.6</v></c>'
        '<c r="G2" s="1" t="s"><v>0</v></c><c r="H2" s="1"/><c r="I2" s="5"><f>A2*2</f><v>0.2</v></c></row>'
    )
    parts = package_parts({"S": sheet_xml(rows)}, '<sst xmlns="' + MAIN_NS + '"><si><t>64,8%</t></si></sst>')
    parts["xl/styles.xml"] = STYLES.encode()
    sheet = read_workbook(write_zip(tmp_path / "ty-le.xlsx", parts)).sheets["S"]
    # B2 custom 0.0%, E2 [Red][<0]0.0%, F2 built-in 10, I2 a formula's number; not the quoted or escaped %,
    # not text, not an empty styled cell, not style 0 (its cell style xf is not the one that counts).
    assert sheet.percent_cells == {(1, 1), (1, 4), (1, 5), (1, 8)}


@pytest.mark.parametrize(
    "code, expected",
    [("0%", True), ("0.0%", True), ('0.0"%"', False), ("0.0\\%", False), ("[Red]0%", True), ("[%]0", False),
     ("0.0_%", False), ("0*%", False), ('"Tỷ lệ "0.0%', True), ("General", False), ('0.0" %" ;0%', True)],
)
def test_shows_percent(code: str, expected: bool):
    assert shows_percent(code) is expected


def test_formulas_without_a_value_errors_and_empty_text_results(tmp_path):
    rows = (
        '<row r="1"><c r="A1"><f t="shared" ref="A1:A3" si="0">B1*2</f></c><c r="B1"><v>3</v></c></row>'
        '<row r="2"><c r="A2"><f t="shared" si="0"/></c><c r="B2" t="str"><f>IF(1,"","")</f><v></v></c></row>'
        '<row r="3"><c r="A3"><f t="shared" si="0"/><v></v></c><c r="B3" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
        '<c r="C3" t="e"><v>#N/A</v></c><c r="D3"><f>SUM(B1:B2)&gt;0</f><v>1</v></c></row>'
    )
    sheet = read_workbook(_xlsx_with(tmp_path, rows, styles=None)).sheets["S"]
    assert sheet.formulas_without_value == {(0, 0): "=B1*2", (1, 0): "", (2, 0): ""}
    assert sheet.error_cells == {(2, 1): "#DIV/0!", (2, 2): "#N/A"}
    assert sheet.rows == [[None, 3.0], [], [None, None, None, 1.0]]


def test_prefixed_tags_and_cells_without_references_are_placed_like_calamine(tmp_path):
    rows = '<x:row r="4"><x:c r="B4"><x:v>1</x:v></x:c><x:c t="e"><x:v>#REF!</x:v></x:c></x:row><x:row><x:c><x:f>1+1</x:f></x:c></x:row>'
    xml = sheet_xml(rows).replace("<worksheet ", f'<x:worksheet xmlns:x="{MAIN_NS}" ').replace("</worksheet>", "</x:worksheet>")
    xml = xml.replace("<sheetData>", "<x:sheetData>").replace("</sheetData>", "</x:sheetData>")
    path = write_zip(tmp_path / "tien-to.xlsx", package_parts({"S": xml}))
    sheet = read_workbook(path).sheets["S"]
    assert sheet.error_cells == {(3, 2): "#REF!"}
    assert sheet.formulas_without_value == {(4, 0): "=1+1"}


def test_sheets_are_matched_to_their_parts_through_the_relationships(tmp_path):
    parts = package_parts({"Một": sheet_xml('<row r="1"><c r="A1"><f>1+1</f></c></row>'),
                           "Hai & Ba": sheet_xml('<row r="1"><c r="B1" t="e"><v>#NAME?</v></c></row>')})
    # Workbook order is not part order: swap the targets so the names point at the other files.
    parts["xl/_rels/workbook.xml.rels"] = (
        parts["xl/_rels/workbook.xml.rels"].replace(b"sheet1.xml", b"SWAP").replace(b"sheet2.xml", b"sheet1.xml")
        .replace(b"SWAP", b"sheet2.xml")
    )
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b"Hai & Ba", b"Hai &amp; Ba")
    book = read_workbook(write_zip(tmp_path / "doi.xlsx", parts))
    assert book.sheets["Một"].error_cells == {(0, 1): "#NAME?"}
    assert book.sheets["Hai & Ba"].formulas_without_value == {(0, 0): "=1+1"}
    assert book.sheets["Một"].formulas_without_value == {}


def test_a_macro_workbook_says_so(tmp_path):
    parts = package_parts({"S": sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>')})
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"spreadsheetml.sheet.main+xml", b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    )
    assert read_workbook(write_zip(tmp_path / "nut.xlsm", parts)).file_format == "xlsm"
    assert read_workbook(_xlsx_with(tmp_path, "")).file_format == "xlsx"


# --- .ods markup, by hand --------------------------------------------------------------------


def test_ods_positions_follow_repeats_spans_and_covered_cells(tmp_path):
    percent = '<table:table-cell office:value-type="percentage" office:value="0.648" table:number-columns-repeated="2"/>'
    rows = (
        '<table:table-row><table:table-cell office:value-type="string" table:number-columns-spanned="2" '
        'table:number-rows-spanned="1"><text:p>Năm 2024</text:p></table:table-cell><table:covered-table-cell/>'
        '<table:table-cell office:value-type="float" office:value="1"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="3"/>'
        f"{percent}</table:table-row>"
        '<table:table-row><table:table-cell table:formula="of:=1/0" office:value-type="string" office:string-value="" '
        'calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>'
        '<table:table-cell table:formula="of:=[.A1]&amp;&quot;x&quot;"/>'
        '<table:table-cell table:formula="of:=IF(1;&quot;&quot;;&quot;&quot;)"><text:p/></table:table-cell>'
        '<table:table-cell office:value-type="float" office:value="2"/></table:table-row>'
    )
    book = read_workbook(write_ods(tmp_path / "tay.ods", {"S": rows}))
    sheet = book.sheets["S"]
    assert book.file_format == "ods"
    assert sheet.rows == [["Năm 2024", None, 1.0], [None, None, None, 0.648, 0.648], [None, None, None, 0.648, 0.648],
                          [None, None, None, 2.0]]
    assert sheet.merged == ((0, 0, 0, 1),)
    assert sheet.percent_cells == {(1, 3), (1, 4), (2, 3), (2, 4)}
    assert sheet.error_cells == {(3, 0): "#DIV/0!"}
    assert sheet.formulas_without_value == {(3, 1): '=[.A1]&"x"'}  # not C4: LibreOffice's empty text result


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
