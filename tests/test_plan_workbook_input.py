"""Plan workbooks as next year's staff edit them: `xlsync init` writes ke-hoach.xlsx, openpyxl edits it
the way Excel would save it, and the real loader reads it back."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xlsync.core.attainment import achieved, attainment_ratio
from xlsync.core.plan import Comparison
from xlsync.io.plan_source import load_plan_file
from xlsync.jobs.setup import init_folder

# Rows of the sheet «Chỉ tiêu» in the workbook `init` writes (header on row 1, bundled order).
ROWS = {code: row for row, code in enumerate(
    "KT01 KT02 KT03 KT04 KT05 KT06 KT07 KT08 KT09 KT10 VH01 VH02 VH03 VH04 VH05 VH06 VH07 VH08 VH09 VH10 "
    "VH11 VH12 MT01 QP01".split(), start=2)}
KT06_ROW, VH03_ROW = ROWS["KT06"], ROWS["VH03"]


@pytest.fixture(scope="module")
def initialised(tmp_path_factory) -> Path:
    return init_folder(tmp_path_factory.mktemp("init") / "nam-2025")


@pytest.fixture
def edited_plan(initialised, tmp_path):
    def edit(edits: dict[str, dict[str, object]], *, percent: dict[str, str] | None = None) -> Path:
        """A copy of `init`'s ke-hoach.xlsx with ``edits`` ({sheet: {cell: value}}) typed in and
        ``percent`` ({sheet: cell}) formatted as Excel does when «96,5%» is typed."""
        path = tmp_path / "ke-hoach.xlsx"
        shutil.copyfile(initialised, path)
        book = load_workbook(path)
        assert [book["Chỉ tiêu"][f"A{row}"].value for row in ROWS.values()] == list(ROWS)
        for sheet_name, cells in edits.items():
            for address, value in cells.items():
                cell = book[sheet_name][address]
                cell.value = value
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # typed with a leading apostrophe, as Excel requires for «=>»
        for sheet_name, address in (percent or {}).items():
            book[sheet_name][address].number_format = "0.0%"
        book.save(path)
        return path

    return edit


def _indicator(loaded, code: str):
    return next(i for i in loaded.plan.indicators if i.code == code)


def _records(loaded) -> list[tuple[str, str, str, str]]:
    return [(i.code, i.severity, i.sheet, i.cell) for i in loaded.issues if i.code != "conflicting-targets"]


# --- «So sánh» -------------------------------------------------------------------------------------


AT_LEAST = {
    "KT01": (">=", Comparison.GE), "KT02": ("=>", Comparison.GE), "KT03": ("≥", Comparison.GE),
    "KT05": ("ít nhất", Comparison.GE), "KT06": ("Tối thiểu", Comparison.GE), "KT07": ("không dưới", Comparison.GE),
    "KT08": ("it nhat", Comparison.GE), "KT09": ("trên", Comparison.GT), "KT10": ("Trên", Comparison.GT),
    "VH01": (">", Comparison.GT),
}
AT_MOST = {
    "VH02": ("<=", Comparison.LE), "VH03": ("=<", Comparison.LE), "VH04": ("≤", Comparison.LE),
    "VH05": ("không quá", Comparison.LE), "VH06": ("tối đa", Comparison.LE),
    "VH07": ("không vượt quá", Comparison.LE), "VH08": ("KHÔNG  QUÁ", Comparison.LE),
    "VH09": ("dưới", Comparison.LT), "VH10": ("<", Comparison.LT), "VH11": ("duoi", Comparison.LT),
}


def test_signs_and_the_plans_words_are_read_in_so_sanh(edited_plan, plan):
    typed = {**AT_LEAST, **AT_MOST}
    loaded = load_plan_file(edited_plan({"Chỉ tiêu": {f"E{ROWS[code]}": form for code, (form, _) in typed.items()}}))
    assert _records(loaded) == []
    read = {i.code: i.comparison for i in loaded.plan.indicators if i.code in typed}
    assert read == {code: sign for code, (_, sign) in typed.items()}
    assert [i.target for i in loaded.plan.indicators] == [i.target for i in plan.indicators]


def test_a_comparison_outside_the_vocabulary_names_the_column_and_what_is_accepted(edited_plan):
    loaded = load_plan_file(edited_plan({"Chỉ tiêu": {f"E{VH03_ROW}": "khoảng"}}))
    [record] = [i for i in loaded.issues if i.is_error]
    assert (record.code, record.cell, record.value) == ("invalid-choice", f"E{VH03_ROW}", "khoảng")
    assert "«So sánh»" in record.message_vi
    assert ">=" in record.message_vi and "trên" in record.message_vi and "không quá" in record.message_vi


# --- one cause, one error --------------------------------------------------------------------------


def test_a_bad_comparison_on_a_referenced_indicator_is_one_error(edited_plan):
    # KT06 (the deer herd) is shared out on «Giao chỉ tiêu» (10 rows) and scored by a criterion.
    loaded = load_plan_file(edited_plan({"Chỉ tiêu": {f"E{KT06_ROW}": "khoảng"}}))
    errors = [(i.code, i.sheet, i.cell) for i in loaded.issues if i.is_error]
    assert errors == [("invalid-choice", "Chỉ tiêu", f"E{KT06_ROW}")]
    assert [i.code for i in loaded.issues if not i.is_error] == ["conflicting-targets"]
    assert "KT06" not in {i.code for i in loaded.plan.indicators}
    assert "KT06" not in {t.indicator for t in loaded.plan.unit_targets}


def test_a_text_target_is_one_error_not_also_a_blank(edited_plan):
    loaded = load_plan_file(edited_plan({"Chỉ tiêu": {f"F{KT06_ROW}": "một nghìn bảy"}}))
    assert _records(loaded) == [("type-error", "error", "Chỉ tiêu", f"F{KT06_ROW}")]


def test_a_data_element_with_a_bad_kind_is_one_error(edited_plan):
    # DAN_HUOU (row 14 of «Số liệu») is KT06's numerator.
    path = edited_plan({})
    book = load_workbook(path)
    assert book["Số liệu"]["A14"].value == "DAN_HUOU"
    book["Số liệu"]["D14"].value = "Con vật"
    book.save(path)
    loaded = load_plan_file(path)
    assert [(i.code, i.sheet, i.cell) for i in loaded.issues if i.is_error] == [("invalid-choice", "Số liệu", "D14")]


# --- messages name the column ----------------------------------------------------------------------


def test_a_blank_required_cell_names_its_column(edited_plan):
    blanks = {"F7": "Kế hoạch", "E8": "So sánh", "G9": "Cách tính", "B10": "Nhóm", "A12": "Mã"}
    loaded = load_plan_file(edited_plan({"Chỉ tiêu": dict.fromkeys(blanks)}))
    found = {i.cell: (i.code, i.message_vi, i.message_en) for i in loaded.issues if i.is_error}
    assert found == {
        address: ("missing-cell", f"Ô {address}: chưa nhập {column}.", f"Cell {address}: {column} is empty.")
        for address, column in blanks.items()
    }


def test_blank_required_cells_name_their_column_on_every_sheet(edited_plan):
    edits = {
        "Số liệu": {"B3": None},  # Tên of SO_HO
        "Đơn vị": {"C2": None},  # Loại of the first unit
        "Nơi nhận": {"A2": None},  # Tên of the first recipient, its e-mail kept
        "Giao chỉ tiêu": {"C2": None},  # Kế hoạch of T01's VH03
        "Tiêu chí chấm điểm": {"E2": None},  # Điểm tối đa of TC01
    }
    loaded = load_plan_file(edited_plan(edits))
    found = {(i.sheet, i.cell): i.message_vi for i in loaded.issues if i.code == "missing-cell"}
    assert found == {
        ("Số liệu", "B3"): "Ô B3: chưa nhập Tên.",
        ("Đơn vị", "C2"): "Ô C2: chưa nhập Loại.",
        ("Nơi nhận", "A2"): "Ô A2: chưa nhập Tên.",
        ("Giao chỉ tiêu", "C2"): "Ô C2: chưa nhập Kế hoạch.",
        ("Tiêu chí chấm điểm", "E2"): "Ô E2: chưa nhập Điểm tối đa.",
    }


# --- values in a column without a header -----------------------------------------------------------


def test_a_value_right_of_the_last_header_is_a_warning(edited_plan):
    loaded = load_plan_file(edited_plan({"Chỉ tiêu": {f"L{KT06_ROW}": 1800}}))
    [record] = [i for i in loaded.issues if i.code == "value-without-header"]
    assert (record.severity, record.sheet, record.cell) == ("warning", "Chỉ tiêu", f"L{KT06_ROW}")
    assert record.message_vi.startswith(f"Ô L{KT06_ROW}: «1.800» nằm ở cột không có tiêu đề")
    assert _indicator(loaded, "KT06").target == 1700  # the headed column is still what counts
    assert not loaded.has_errors


def test_a_value_under_a_blank_header_inside_the_table_is_a_warning(edited_plan):
    # «Khen thưởng»: clear the optional «Khối thi đua» header (F1); «Ghi chú» stays in G.
    loaded = load_plan_file(edited_plan({"Khen thưởng": {"F1": None, "F2": "Khối thôn 1"}}))
    records = [(i.code, i.sheet, i.cell, i.value) for i in loaded.issues if i.code == "value-without-header"]
    assert records == [("value-without-header", "Khen thưởng", "F2", "Khối thôn 1")]


def test_a_note_far_from_the_table_is_not_a_value_without_header(edited_plan):
    loaded = load_plan_file(edited_plan({"Chỉ tiêu": {f"N{KT06_ROW}": "ghi nhớ của tôi"}}))
    assert _records(loaded) == []


# --- percentages -----------------------------------------------------------------------------------


def test_a_percent_formatted_target_of_a_percent_indicator_is_read_as_shown(edited_plan):
    path = edited_plan({"Chỉ tiêu": {f"F{VH03_ROW}": 0.965}}, percent={"Chỉ tiêu": f"F{VH03_ROW}"})
    loaded = load_plan_file(path)
    plan, issues = loaded.plan, loaded.issues
    vh03 = next(i for i in plan.indicators if i.code == "VH03")
    assert vh03.target == 96.5
    # A commune at 95,88 % has attained 99,4 % of the target, not 9 936 %, and not «Đạt».
    assert round(attainment_ratio(vh03.comparison, vh03.target, 95.88), 1) == 99.4
    assert achieved(vh03.comparison, vh03.target, 95.88) is False
    [record] = [i for i in issues if i.code != "conflicting-targets"]
    assert (record.code, record.severity, record.cell) == ("percent-format-read", "info", f"F{VH03_ROW}")
    assert record.message_vi == f"Ô F{VH03_ROW} (cột «Kế hoạch»): ô định dạng phần trăm; «96,5%» đã được đọc là 96,5 (%)."


def test_a_percent_formatted_target_of_a_count_keeps_the_stored_value(edited_plan):
    path = edited_plan({"Chỉ tiêu": {f"F{KT06_ROW}": 17}}, percent={"Chỉ tiêu": f"F{KT06_ROW}"})
    loaded = load_plan_file(path)
    plan, issues = loaded.plan, loaded.issues
    assert next(i for i in plan.indicators if i.code == "KT06").target == 17
    assert [i.code for i in issues] == ["conflicting-targets"]


def test_a_fraction_target_of_a_percent_indicator_without_the_format_is_a_warning(edited_plan):
    loaded = load_plan_file(edited_plan({"Chỉ tiêu": {f"F{VH03_ROW}": 0.965}}))
    assert _records(loaded) == [("percent-as-fraction", "warning", "Chỉ tiêu", f"F{VH03_ROW}")]
    record = next(i for i in loaded.issues if i.code == "percent-as-fraction")
    assert "96,5%" in record.message_vi
    assert _indicator(loaded, "VH03").target == 0.965  # a warning, not a guess


def test_a_target_typed_with_a_percent_sign_as_text_is_read(edited_plan):
    loaded = load_plan_file(edited_plan({"Chỉ tiêu": {f"F{VH03_ROW}": "96,5%"}}))
    assert _records(loaded) == []
    assert _indicator(loaded, "VH03").target == 96.5


def test_a_percent_sign_on_a_count_target_is_refused(edited_plan):
    loaded = load_plan_file(edited_plan({"Chỉ tiêu": {f"F{KT06_ROW}": "17%"}}))
    assert _records(loaded) == [("type-error", "error", "Chỉ tiêu", f"F{KT06_ROW}")]


def test_a_percent_formatted_unit_target_is_read_as_shown(edited_plan):
    # «Giao chỉ tiêu» row 2: T01, VH03, 96,5.
    path = edited_plan({"Giao chỉ tiêu": {"C2": 0.97}}, percent={"Giao chỉ tiêu": "C2"})
    loaded = load_plan_file(path)
    plan, issues = loaded.plan, loaded.issues
    assert [(t.unit, t.indicator, t.target) for t in plan.unit_targets][0] == ("T01", "VH03", 97.0)
    [record] = [i for i in issues if i.code != "conflicting-targets"]
    assert (record.code, record.sheet, record.cell) == ("percent-format-read", "Giao chỉ tiêu", "C2")


def test_excel_lets_the_accepted_words_through_so_sanh(initialised):
    # A drop-down that stops «trên» or «>=» would refuse in Excel what xlsync accepts.
    rules = {str(v.sqref).split(":")[0]: v.showErrorMessage
             for v in load_workbook(initialised)["Chỉ tiêu"].data_validations.dataValidation}
    assert rules == {"E2": False, "G2": True}  # «So sánh» open, «Cách tính» strict


def test_a_percent_formatted_award_quota_is_read_as_shown(edited_plan):
    # «Khen thưởng» row 3: Giấy khen, at most 30 % of all units.
    loaded = load_plan_file(edited_plan({"Khen thưởng": {"D3": 0.3}}, percent={"Khen thưởng": "D3"}))
    assert [a.quota_percent for a in loaded.plan.award_rules] == [None, 30.0]
    assert _records(loaded) == [("percent-format-read", "info", "Khen thưởng", "D3")]


def test_an_unreadable_plan_figure_names_its_column(edited_plan):
    loaded = load_plan_file(edited_plan({"Chỉ tiêu": {f"F{KT06_ROW}": "khoảng 2"}}))
    found = [i for i in loaded.issues if i.code == "type-error"]
    assert [(i.cell, i.message_vi) for i in found] == [(
        f"F{KT06_ROW}",
        f"Ô F{KT06_ROW} (cột «Kế hoạch»): «khoảng 2» không phải là số. Chỉ nhập con số, ví dụ 1.234 hoặc 96,5.",
    )]
    assert found[0].message_en.startswith(f"Cell F{KT06_ROW} (column 'Kế hoạch'): 'khoảng 2' is not a number.")
