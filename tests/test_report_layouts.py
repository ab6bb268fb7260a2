"""Reports laid out the way villages really send them: each one read to the exact figure and record.

Every layout starts from the real template (``report_layout`` gives every cell) and is then changed as a
clerk would: a last-year column, a merged «Số liệu», a column-number row, a signature block, an STT
column.  Sheets are built directly; the file reader's own facts (% formats, formulas, merges) are set by hand.
"""

from __future__ import annotations

import time

import pytest
from openpyxl import load_workbook

from helpers import fill_report, value_cells
from report_grid import HEADER, Grid, template_grid, typed
from xlsync.core.example_data import example_values
from xlsync.core.plan import Plan
from xlsync.core.report import read_report
from xlsync.core.sheets import parse_address
from xlsync.core.template import REPORT_SHEET
from xlsync.io.xlsx_read import read_workbook


def read(grid: Grid, plan: Plan, **options):
    report, issues = read_report(grid.workbook(**options), plan)
    return report, [(i.code, i.cell) for i in issues], issues


def figures(report) -> dict[str, tuple[str, object]]:
    return {code: (type(item.value).__name__, item.value) for code, item in report.values.items()}


def expected(values: dict[str, object]) -> dict[str, tuple[str, object]]:
    return {code: (type(_value(v)).__name__, _value(v)) for code, v in values.items()}


def _value(value: object) -> object:
    return value if isinstance(value, bool) else float(value)


@pytest.fixture
def this_year(plan):
    return example_values(plan, plan.units["T01"])


@pytest.fixture
def last_year(plan):
    return example_values(plan, plan.units["T01"], seed=2023)


@pytest.fixture
def village(plan, this_year):
    return template_grid(plan, "T01", this_year)


def _data_rows(plan: Plan) -> range:
    return range(HEADER + 1, HEADER + 1 + len(plan.elements_for(plan.units["T01"])))


def _year_columns(grid: Grid, plan: Plan, last_year: dict, this_year: dict, old: str, new: str) -> None:
    """D holds last year's figures under ``old``, a new E this year's under ``new``."""
    grid.insert_column("E")
    grid[f"D{HEADER}"], grid[f"E{HEADER}"] = old, new
    for row in _data_rows(plan):
        code = grid[f"A{row}"]
        grid[f"D{row}"], grid[f"E{row}"] = typed(last_year[code]), typed(this_year[code])


# --- the template as shipped -------------------------------------------------


def test_the_template_as_shipped_reads_every_figure_with_no_record(plan, village, this_year):
    report, records, _ = read(village, plan)
    assert records == []
    assert figures(report) == expected(this_year)
    assert {item.cell for item in report.values.values()} == {f"D{row}" for row in _data_rows(plan)}


def test_reading_the_clean_template_stays_fast(plan, village):
    """About 0,6 ms a call on a quiet machine; the bound only catches a pathological slowdown.

    The least CPU time of five rounds: other work on a busy machine inflates neither. Speed itself is
    measured by bench/bench_consolidate.py.
    """
    workbook = village.workbook()
    rounds = []
    for _ in range(5):
        started = time.process_time()
        for _ in range(200):
            read_report(workbook, plan)
        rounds.append((time.process_time() - started) / 200)
    assert min(rounds) < 0.01


# --- which column holds the figures -----------------------------------------


def test_a_last_year_column_before_this_year_is_left_aside_and_said(plan, village, last_year, this_year):
    _year_columns(village, plan, last_year, this_year, "Năm 2023", "Năm 2024")
    report, records, issues = read(village, plan)
    assert records == [("value-column-chosen", f"E{HEADER}")]
    assert issues[0].severity == "info"
    assert "cột E («Năm 2024»); không đọc D «Năm 2023»" in issues[0].message_vi
    assert figures(report) == expected(this_year)
    assert report.values["DAN_SO"].cell == f"E{HEADER + 1}"


@pytest.mark.parametrize("merge_facts", [True, False], ids=["merges-known", "merges-unknown"])
def test_so_lieu_merged_over_two_years_reads_the_reports_year(plan, village, last_year, this_year, merge_facts):
    _year_columns(village, plan, last_year, this_year, "Số liệu", None)
    village.insert_row(HEADER + 1, {"D": "Năm 2023", "E": "Năm 2024"})
    village.merge(f"D{HEADER}:E{HEADER}")
    for letter in "ABCF":
        village.merge(f"{letter}{HEADER}:{letter}{HEADER + 1}")
    report, records, issues = read(village, plan, merge_facts=merge_facts)
    assert records == [("value-column-chosen", f"E{HEADER + 1}")]
    assert "cột E («Số liệu – Năm 2024»); không đọc D «Số liệu – Năm 2023»" in issues[0].message_vi
    assert figures(report) == expected(this_year)
    assert report.values["DAN_SO"].cell == f"E{HEADER + 2}"


def test_the_same_header_over_other_sub_headers_is_read_anew(plan, this_year, last_year):
    """A run reads each distinct header once: what lies under it (or is merged over it) is part of it."""
    read_as = []
    for first, second in [("Năm 2023", "Năm 2024"), ("Năm 2024", "Năm 2023"), ("Năm 2023", "Năm 2024")]:
        grid = template_grid(plan, "T01", this_year)
        old, new = (last_year, this_year) if first == "Năm 2023" else (this_year, last_year)
        _year_columns(grid, plan, old, new, "Số liệu", None)
        grid.insert_row(HEADER + 1, {"D": first, "E": second})
        grid.merge(f"D{HEADER}:E{HEADER}")
        report, records, _ = read(grid, plan)
        assert figures(report) == expected(this_year)
        read_as.append(records)
    assert read_as == [[("value-column-chosen", f"{letter}{HEADER + 1}")] for letter in "EDE"]


def test_so_lieu_under_a_merged_year_beside_last_year(plan, village, last_year, this_year):
    _year_columns(village, plan, last_year, this_year, "Năm 2023", "Năm 2024")
    village.insert_row(HEADER + 1, {"E": "Số liệu"})
    for letter in "ABCDF":
        village.merge(f"{letter}{HEADER}:{letter}{HEADER + 1}")
    report, records, issues = read(village, plan)
    assert records == [("value-column-chosen", f"E{HEADER + 1}")]
    assert "«Năm 2024 – Số liệu»" in issues[0].message_vi
    assert figures(report) == expected(this_year)


def test_a_target_column_is_never_the_figures(plan, village, last_year, this_year):
    _year_columns(village, plan, last_year, this_year, "Kế hoạch 2024", "Thực hiện 2024")
    report, records, issues = read(village, plan)
    assert records == [("value-column-chosen", f"E{HEADER}")]
    assert "không đọc D «Kế hoạch 2024»" in issues[0].message_vi
    assert figures(report) == expected(this_year)


def test_a_target_column_beside_the_templates_so_lieu(plan, village, last_year, this_year):
    village.insert_column("D")
    village[f"D{HEADER}"] = "KH"
    for row in _data_rows(plan):
        village[f"D{row}"] = typed(last_year[village[f"A{row}"]])
    report, records, _ = read(village, plan)
    assert records == [("value-column-chosen", f"E{HEADER}")]
    assert figures(report) == expected(this_year)


@pytest.mark.parametrize(("old", "new"), [("Năm 2023", "Số liệu"), ("Năm 2024", "Thực hiện năm 2024")])
def test_of_two_columns_the_one_saying_so_lieu_or_thuc_hien_is_read(plan, village, last_year, this_year, old, new):
    _year_columns(village, plan, last_year, this_year, old, new)
    report, records, _ = read(village, plan)
    assert records == [("value-column-chosen", f"E{HEADER}")]
    assert figures(report) == expected(this_year)


@pytest.mark.parametrize(
    ("old", "new"),
    [("Năm 2023", "Ước 2024"), ("Số liệu", "Số liệu"), ("Năm 2024", "2024"), ("Số lượng 2023", "Cùng kỳ")],
)
def test_two_columns_that_could_both_be_the_figures_are_an_error_and_nothing_is_read(
    plan, village, last_year, this_year, old, new
):
    _year_columns(village, plan, last_year, this_year, old, new)
    report, records, issues = read(village, plan)
    assert records == [("ambiguous-value-column", f"D{HEADER}")]
    assert issues[0].severity == "error"
    assert f"(D «{old}», E «{new}»)" in issues[0].message_vi
    assert "kỳ «Năm 2024»" in issues[0].message_vi
    assert report.values == {}


def test_the_span_of_the_period_counts_as_well_as_its_year(plan, village, last_year, this_year):
    _year_columns(village, plan, last_year, this_year, "6 tháng đầu năm 2024", "Năm 2024")
    report, records, _ = read(village, plan)
    assert (records, figures(report)) == ([("value-column-chosen", f"E{HEADER}")], expected(this_year))

    village["B7"] = "6 tháng đầu năm 2024"  # the report's own «Kỳ báo cáo» decides
    report, records, _ = read(village, plan)
    assert (records, figures(report)) == ([("value-column-chosen", f"D{HEADER}")], expected(last_year))


def test_labels_with_line_breaks_and_capitals_and_so_lieu_merged_for_width(plan, village, this_year):
    for letter, label in zip("ABCE", ["MÃ", "NỘI DUNG", "Đơn vị\ntính", "Ghi  chú"]):
        village[f"{letter}{HEADER}"] = label
    village.insert_column("E")
    village.merge(f"D{HEADER}:E{HEADER}")  # wider, nothing under it: still the one «Số liệu» column, D
    report, records, _ = read(village, plan)
    assert records == []
    assert figures(report) == expected(this_year)


@pytest.mark.parametrize("header", ["Năm 2023", "Số liệu năm 2023", "Thực hiện 2023"])
def test_a_single_figures_column_of_another_year_is_an_error_and_nothing_is_read(plan, village, header):
    village[f"D{HEADER}"] = header
    report, records, issues = read(village, plan)
    assert records == [("value-column-other-period", f"D{HEADER}")]
    assert f"cột số liệu D ghi «{header}», không phải kỳ «Năm 2024»" in issues[0].message_vi
    assert report.values == {}


def test_a_single_column_naming_the_reports_year_is_read_without_a_word(plan, village, this_year):
    village[f"D{HEADER}"] = "Số liệu năm 2024"
    report, records, _ = read(village, plan)
    assert records == []
    assert figures(report) == expected(this_year)


def test_a_renamed_so_lieu_with_no_other_figures_column_is_still_a_missing_label(plan, village):
    village[f"D{HEADER}"] = "Số lượng"
    report, records, issues = read(village, plan)
    assert records == [("missing-label", "")]
    assert "«Số liệu»" in issues[0].message_vi
    assert report.values == {}


# --- layout noise -------------------------------------------------------------


@pytest.mark.parametrize(
    "marks",
    [["(1)", "(2)", "(3)", "(4)", "(5)"], [1.0, 2.0, 3.0, 4.0, 5.0], ["1", "2", "3", "4", "5"],
     ["A", "B", "C", 1.0, 2.0], ["A", "B", "C", "(1)", "(2) = (1) x 100"]],
    ids=["parenthesised", "numbers", "text", "letters-then-numbers", "computed"],
)
def test_a_column_number_row_under_the_header_is_not_data(plan, village, this_year, marks):
    village.insert_row(HEADER + 1, dict(zip("ABCDE", marks)))
    report, records, _ = read(village, plan)
    assert records == []
    assert figures(report) == expected(this_year)
    assert report.values["DAN_SO"].cell == f"D{HEADER + 2}"


SIGNATURE = [
    {},
    {"D": "Sơn Tây, ngày 15 tháng 12 năm 2024"},
    {"A": "NGƯỜI LẬP BIỂU", "D": "TRƯỞNG THÔN"},
    {"A": "(Ký, ghi rõ họ tên)", "D": "(Ký, ghi rõ họ tên)"},
    {},
    {},
    {"A": "Nguyễn Văn An", "D": "Trần Thị Bình"},
]


def _sign(grid: Grid, plan: Plan) -> int:
    """The signature block under the table; returns its first row."""
    first = _data_rows(plan).stop
    for offset, cells in enumerate(SIGNATURE):
        grid.insert_row(first + offset, cells)
    return first


def test_a_signature_block_under_the_table_gives_no_record(plan, village, this_year):
    _sign(village, plan)
    report, records, _ = read(village, plan)
    assert records == []
    assert figures(report) == expected(this_year)


def test_column_numbers_signature_sub_headings_and_stt_together(plan, village, this_year):
    rows = _data_rows(plan)
    _sign(village, plan)
    village.insert_row(rows[12], {"A": "II", "B": "VĂN HÓA – XÃ HỘI"})
    village.insert_row(rows[0], {"B": "I. KINH TẾ"})
    village.insert_row(HEADER + 1, dict(zip("ABCDEF", ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"])))
    village.insert_column("A")
    village[f"A{HEADER}"] = "STT"
    for number, row in enumerate(range(HEADER + 3, HEADER + 3 + 12), start=1):
        village[f"A{row}"] = float(number)
    report, records, _ = read(village, plan)
    assert records == []
    assert figures(report) == expected(this_year)
    assert report.values["DAN_SO"].cell == f"E{HEADER + 3}"


def test_a_sub_heading_in_the_code_column_is_not_data_but_one_with_a_value_is(plan, village):
    first = _data_rows(plan)[0]
    village.insert_row(first, {"A": "I", "B": "KINH TẾ"})
    _, records, _ = read(village, plan)
    assert records == []
    village[f"D{first}"] = 12.0
    _, records, _ = read(village, plan)
    assert records == [("unknown-code", f"A{first}")]


def test_nội_dung_merged_over_two_columns_and_so_lieu_over_plan_and_actual(plan, village, last_year, this_year):
    village.insert_column("C")
    village.merge(f"B{HEADER}:C{HEADER}")
    village.insert_column("F")
    village[f"E{HEADER}"] = "Số liệu"
    village.merge(f"E{HEADER}:F{HEADER}")
    village.insert_row(HEADER + 1, {"E": "Kế hoạch", "F": "Thực hiện"})
    for letter in "ABDG":
        village.merge(f"{letter}{HEADER}:{letter}{HEADER + 1}")
    for row in range(HEADER + 2, HEADER + 2 + len(this_year)):
        code = village[f"A{row}"]
        village[f"E{row}"], village[f"F{row}"] = typed(last_year[code]), typed(this_year[code])
    report, records, issues = read(village, plan)
    assert records == [("value-column-chosen", f"F{HEADER + 1}")]
    assert "không đọc E «Số liệu – Kế hoạch»" in issues[0].message_vi
    assert figures(report) == expected(this_year)


def test_an_unknown_code_inside_the_table_is_still_an_error(plan, village):
    rows = _data_rows(plan)
    _sign(village, plan)
    village[f"A{rows[0]}"] = "KHONG_CO"
    village[f"A{rows[-1]}"] = "DAN_SO_2"  # the last row: shaped like a code, so still inside the table
    village[f"A{rows[5]}"] = "Số lao động"  # free text with a value: meant as data
    _, records, _ = read(village, plan)
    assert records == [
        ("unknown-code", f"A{rows[0]}"),
        ("unknown-code", f"A{rows[5]}"),
        ("unknown-code", f"A{rows[-1]}"),
        ("missing-row", ""), ("missing-row", ""), ("missing-row", ""),
    ]


def test_a_blank_row_between_two_coded_rows_is_still_a_warning_but_not_below_the_table(plan, village):
    rows = _data_rows(plan)
    _sign(village, plan)
    village.insert_row(rows[3])
    village.insert_row(HEADER + 1)  # between the header and the first row: harmless
    _, records, issues = read(village, plan)
    assert records == [("blank-row", "")]
    assert issues[0].message_vi == f"Dòng {rows[3] + 1} trống giữa bảng số liệu."


def test_a_figure_below_the_table_is_not_counted_and_said(plan, village):
    first = _sign(village, plan)
    village.insert_row(first, {"B": "Tổng cộng", "D": 1234.0})
    _, records, _ = read(village, plan)
    assert records == [("unexpected-value", f"D{first}")]


def test_a_stale_duplicate_row_is_still_a_duplicate(plan, village):
    rows = _data_rows(plan)
    village.insert_row(rows.stop, {"A": "DAN_SO", "B": "Số nhân khẩu", "C": "người", "D": 1.0})
    _, records, _ = read(village, plan)
    assert records == [("duplicate-row", f"A{rows.stop}")]


# --- how a value cell was typed ---------------------------------------------


@pytest.fixture
def commune(plan):
    return template_grid(plan, "UBND", example_values(plan, plan.units["UBND"]))


def test_a_rate_typed_with_a_percent_sign_is_read_as_percent(plan, commune):
    cell = value_cells(plan, "UBND")["TL_HO_SO_TRUC_TUYEN"]
    commune[cell] = 0.648
    commune.percent.add(parse_address(cell))
    report, records, issues = read(commune, plan)
    assert records == [("percent-format-read", cell)]
    assert report.values["TL_HO_SO_TRUC_TUYEN"].value == 64.8  # exactly what was typed, no float noise
    assert issues[0].severity == "info"
    assert "«64,8%» đã được đọc là 64,8" in issues[0].message_vi


def test_a_fraction_without_percent_format_stays_a_warning(plan, commune):
    cell = value_cells(plan, "UBND")["TL_HO_SO_TRUC_TUYEN"]
    commune[cell] = 0.648
    commune.percent.add(parse_address(value_cells(plan, "UBND")["THU_NGAN_SACH"]))  # another cell's format
    report, records, _ = read(commune, plan)
    assert records == [("percent-as-fraction", cell)]
    assert report.values["TL_HO_SO_TRUC_TUYEN"].value == 0.648
    assert report.values["THU_NGAN_SACH"].value == example_values(plan, plan.units["UBND"])["THU_NGAN_SACH"]


def test_a_formula_without_a_stored_value_or_with_an_error_is_said_as_such(plan, village):
    cells = value_cells(plan, "T01")
    for code in ("DAN_SO", "SO_HO", "HO_NGHEO"):
        village[cells[code]] = None
    village.formulas[parse_address(cells["DAN_SO"])] = "=SUM(D30:D31)"
    village.errors[parse_address(cells["SO_HO"])] = "#DIV/0!"
    report, records, issues = read(village, plan)
    assert records == [
        ("formula-without-value", cells["DAN_SO"]),
        ("formula-error", cells["SO_HO"]),
        ("missing-cell", cells["HO_NGHEO"]),
    ]
    assert "có công thức «=SUM(D30:D31)» nhưng" in issues[0].message_vi
    assert "#DIV/0!" in issues[1].message_vi
    assert report.values["DAN_SO"].value is None


def test_a_shared_formula_without_its_own_text_is_still_named_a_formula(plan, village):
    cells = value_cells(plan, "T01")
    village[cells["DAN_SO"]] = None
    village.formulas[parse_address(cells["DAN_SO"])] = ""  # a shared formula's later cell
    _, records, issues = read(village, plan)
    assert records == [("formula-without-value", cells["DAN_SO"])]
    assert issues[0].message_vi.startswith(f"Ô {cells['DAN_SO']}: có công thức nhưng tệp không lưu kết quả")


# --- real files ---------------------------------------------------------------


def test_a_real_file_with_column_numbers_a_signature_and_a_hidden_stale_row(plan, tmp_path, this_year):
    path = fill_report(plan, "T01", tmp_path, this_year)
    book = load_workbook(path)
    sheet = book[REPORT_SHEET]
    last = _data_rows(plan).stop - 1
    sheet.insert_rows(HEADER + 1)
    for col, mark in enumerate(["(1)", "(2)", "(3)", "(4)", "(5)"], start=1):
        sheet.cell(HEADER + 1, col, mark)
    stale = last + 2
    for col, value in enumerate(["DAN_SO", "Số nhân khẩu", "người", 1.0], start=1):
        sheet.cell(stale, col, value)
    sheet.row_dimensions[stale].hidden = True
    for offset, cells in enumerate(SIGNATURE, start=stale + 2):
        for letter, value in cells.items():
            sheet[f"{letter}{offset}"] = value
    book.save(path)
    report, issues = read_report(read_workbook(path), plan)
    assert [(i.code, i.cell) for i in issues] == [("duplicate-row", f"A{stale}")]
    assert figures(report) == expected(this_year)


def test_a_real_file_with_a_rate_typed_with_percent_a_formula_and_an_error(plan, tmp_path):
    values = example_values(plan, plan.units["UBND"])
    path = fill_report(plan, "UBND", tmp_path, values)
    cells = value_cells(plan, "UBND")
    book = load_workbook(path)
    sheet = book[REPORT_SHEET]
    sheet[cells["TL_HO_SO_TRUC_TUYEN"]] = 0.648
    sheet[cells["TL_HO_SO_TRUC_TUYEN"]].number_format = "0.0%"
    sheet[cells["THU_NGAN_SACH"]] = "=6.5+0.49"  # openpyxl stores no result, as a program-made file
    sheet[cells["NTM_NANG_CAO"]] = "#DIV/0!"  # an error result, as Excel stores it
    book.save(path)
    report, issues = read_report(read_workbook(path), plan)
    assert [(i.code, i.cell) for i in issues] == [
        ("formula-without-value", cells["THU_NGAN_SACH"]),
        ("formula-error", cells["NTM_NANG_CAO"]),
        ("percent-format-read", cells["TL_HO_SO_TRUC_TUYEN"]),
    ]
    assert "«=6.5+0.49»" in issues[0].message_vi
    assert report.values["TL_HO_SO_TRUC_TUYEN"].value == 64.8


def test_a_real_file_with_so_lieu_merged_over_two_years(plan, tmp_path, last_year, this_year):
    path = fill_report(plan, "T01", tmp_path, this_year)
    book = load_workbook(path)
    sheet = book[REPORT_SHEET]
    sheet.insert_rows(HEADER + 1)
    sheet.insert_cols(4)  # D: last year, E: this year (the filled «Số liệu» moved there)
    sheet[f"D{HEADER}"], sheet[f"E{HEADER}"] = "Số liệu", None
    sheet[f"D{HEADER + 1}"], sheet[f"E{HEADER + 1}"] = "Năm 2023", "Năm 2024"
    sheet.merge_cells(f"D{HEADER}:E{HEADER}")
    for letter in "ABCF":
        sheet.merge_cells(f"{letter}{HEADER}:{letter}{HEADER + 1}")
    for row in range(HEADER + 2, HEADER + 2 + len(last_year)):
        sheet[f"D{row}"] = typed(last_year[sheet[f"A{row}"].value])
    book.save(path)
    report, issues = read_report(read_workbook(path), plan)
    assert [(i.code, i.cell) for i in issues] == [("value-column-chosen", f"E{HEADER + 1}")]
    assert figures(report) == expected(this_year)
