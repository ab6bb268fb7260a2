"""Reading .xls and .ods like .xlsx, and the cell facts values alone cannot tell.

The LibreOffice tests convert every workbook to .xls, .ods and a
recalculated .xlsx in ONE soffice start (module fixture, private profile);
the others build the markup by hand, so each rule is pinned to an exact
position and text.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from bad_files import MAIN_NS, convert_with_libreoffice, package_parts, sheet_xml, write_ods, write_zip
from helpers import fill_report
from xlsync.core.example_data import example_values
from xlsync.core.issues import make_issue
from xlsync.io.cell_facts import shows_percent
from xlsync.io.feedback import SUMMARY_SHEET, write_feedback_copy
from xlsync.io.xlsx_read import read_workbook

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
