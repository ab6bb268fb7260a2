"""The bundled plan transcribes section II.2 of the 2024 plan; the plan workbook round-trips."""

from __future__ import annotations

import pytest

from xlsync.core.plan import Method
from xlsync.io.plan_source import load_plan_file
from xlsync.io.plan_xlsx import write_plan_workbook

# Every target of section II.2 (a–d) of Kế hoạch 51/KH-UBND, as (comparison, target).
SEED_TARGETS = {
    "KT01": ("≥", 442.75), "KT02": ("≥", 55), "KT03": ("≥", 6.99), "KT04": ("Đạt", True),
    "KT05": ("≥", 2), "KT06": ("≥", 1700), "KT07": ("≥", 3.5), "KT08": ("≥", 82), "KT09": ("≥", 2.9),
    "KT10": ("≥", 10), "VH01": ("≥", 1), "VH02": ("≥", 88.5), "VH03": ("≥", 96.5), "VH04": ("≥", 19.9),
    "VH05": ("<", 5.1), "VH06": ("<", 5.8), "VH07": ("<", 3.0), "VH08": ("≥", 76.3), "VH09": (">", 97.4),
    "VH10": ("≥", 100), "VH11": ("≤", 3.22), "VH12": ("≥", 70), "MT01": ("≥", 90), "QP01": ("Đạt", True),
}


def test_bundled_plan_has_every_seed_target(plan):
    found = {i.code: (i.comparison.value, i.target) for i in plan.indicators}
    assert found == {code: (c, pytest.approx(t) if not isinstance(t, bool) else t)
                     for code, (c, t) in SEED_TARGETS.items()}


def test_bundled_plan_info_and_recipients(plan):
    assert plan.info.plan_id == "51/KH-UBND"
    assert plan.info.issuer == "UBND xã Sơn Tây"
    assert plan.info.signer == "Cao Văn Đức"
    assert len(plan.recipients) == 9
    assert plan.recipients[0].name.startswith("Hội đồng Thi đua – Khen thưởng huyện")
    assert all(u.note == "Ví dụ" for u in plan.units.values()), "example units must be marked as examples"


def test_every_indicator_references_existing_elements(plan):
    for indicator in plan.indicators:
        assert indicator.numerator in plan.elements
        if indicator.method in (Method.RATE, Method.QUOTIENT):
            assert indicator.denominator in plan.elements


def test_bundled_plan_reports_only_the_poor_household_conflict(bundled):
    assert [i.code for i in bundled.issues] == ["conflicting-targets"]
    issue = bundled.issues[0]
    assert issue.severity == "warning"
    assert "VH07" in issue.message_vi and "VH11" in issue.message_vi
    assert "3,22" in issue.message_vi


def test_plan_workbook_round_trips(plan, tmp_path):
    path = write_plan_workbook(plan, tmp_path / "ke-hoach.xlsx")
    loaded = load_plan_file(path)
    assert [i.code for i in loaded.issues] == ["conflicting-targets"]
    assert loaded.issues[0].cell == "A18"
    again = loaded.plan
    assert [(i.code, i.comparison, i.target, i.method, i.numerator, i.denominator, i.factor) for i in again.indicators] == \
        [(i.code, i.comparison, i.target, i.method, i.numerator, i.denominator, i.factor) for i in plan.indicators]
    assert list(again.elements) == list(plan.elements)
    assert [(u.code, u.type, u.block, u.email) for u in again.units.values()] == \
        [(u.code, u.type, u.block, u.email) for u in plan.units.values()]
    assert again.fingerprint == plan.fingerprint


def _plan_grid(plan_rows):
    from xlsync.core.sheets import Sheet
    from xlsync.io.plan_source import bundled_tables

    workbook = bundled_tables()
    workbook.source = "ke-hoach.xlsx"
    # These sheets name the bundled indicators; a test that replaces them must not see their records.
    for dependent in ("Giao chỉ tiêu", "Tiêu chí chấm điểm"):
        workbook.sheets.pop(dependent, None)
    for sheet_name, rows in plan_rows.items():
        workbook.sheets[sheet_name] = Sheet(sheet_name, rows)
    return workbook


INDICATOR_HEADER = ["Mã", "Nhóm", "Chỉ tiêu", "Đơn vị tính", "So sánh", "Kế hoạch", "Cách tính", "Tử số", "Mẫu số", "Ghi chú"]


def test_plan_validator_reports_bad_rows_at_their_cells():
    from xlsync.core.plan_reader import read_plan

    rows = [
        ["Danh sách chỉ tiêu"],  # a title row above the table is fine
        INDICATOR_HEADER,
        ["A1", "Kinh tế", "Tỷ lệ hộ nghèo", "%", "<", "3,0", "Tỷ lệ", "HO_NGHEO", "SO_HO", None],
        ["A1", "Kinh tế", "Trùng mã", "%", "≥", "5", "Tổng", "DAN_SO", None, None],
        ["A3", "Kinh tế", "So sánh sai", "%", "~", "5", "Tổng", "DAN_SO", None, None],
        ["A4", "Kinh tế", "Cách tính sai", "%", "≥", "5", "Cộng", "DAN_SO", None, None],
        ["A5", "Kinh tế", "Mã số liệu sai", "%", "≥", "5", "Tổng", "KHONG_CO", None, None],
        ["A6", "Kinh tế", "Thiếu mẫu số", "%", "≥", "5", "Tỷ lệ", "HO_NGHEO", None, None],
        ["A7", "Kinh tế", "Kế hoạch chữ", "%", "≥", "năm", "Tổng", "DAN_SO", None, None],
        ["A8", "Kinh tế", "Đếm đạt trên số", "đv", "≥", "2", "Đếm đạt", "DAN_SO", None, None],
        ["A9", "Kinh tế", "Đạt cho số", "người", "≥", "Đạt", "Tổng", "DAN_SO", None, None],
        ["A10", "Kinh tế", "Thiếu kế hoạch", "người", "≥", None, "Tổng", "DAN_SO", None, None],
    ]
    plan, issues = read_plan(_plan_grid({"Chỉ tiêu": rows}))
    found = [(i.code, i.cell) for i in issues if i.code != "conflicting-targets"]
    assert sorted(found, key=lambda f: int(f[1][1:])) == [  # one record per broken cell, and only those
        ("duplicate-code", "A4"), ("invalid-choice", "E5"), ("invalid-choice", "G6"), ("unknown-element", "H7"),
        ("missing-cell", "I8"), ("type-error", "F9"), ("element-kind-mismatch", "H10"), ("type-error", "F11"),
        ("missing-cell", "F12"),
    ]
    assert all(i.sheet == "Chỉ tiêu" and i.file == "ke-hoach.xlsx" for i in issues)
    assert [i.code for i in plan.indicators] == ["A1"]


def test_missing_sheet_and_missing_label_are_reported():
    from xlsync.core.plan_reader import read_plan

    workbook = _plan_grid({"Đơn vị": [["Mã", "Tên", "Loại", "Email"], ["T1", "Thôn 1", "Thôn", "x@y.vn"]]})
    del workbook.sheets["Nơi nhận"]
    _, issues = read_plan(workbook)
    assert ("missing-sheet", "Nơi nhận") in {(i.code, i.sheet) for i in issues}
    missing = [i for i in issues if i.code == "missing-label"]
    assert [(i.sheet, "Khối thi đua" in i.message_vi) for i in missing] == [("Đơn vị", True)]


def test_unit_targets_take_numbers_and_dat_for_pass_fail_indicators():
    from xlsync.core.plan_reader import read_plan

    rows = [
        ["Mã đơn vị", "Mã chỉ tiêu", "Kế hoạch"],
        ["T01", "VH03", "96,5"],
        ["T01", "QP01", "Đạt"],  # a pass/fail indicator: the target is «Đạt»
        ["T02", "VH03", None],
        ["T02", "VH07", "Đạt"],  # a rate cannot have «Đạt» as its target
        ["T99", "VH03", "90"],
    ]
    plan, issues = read_plan(_plan_grid({"Giao chỉ tiêu": rows}))
    assert [(t.unit, t.indicator, t.target) for t in plan.unit_targets] == [
        ("T01", "VH03", 96.5), ("T01", "QP01", True),
    ]
    found = {(i.code, i.cell) for i in issues if i.sheet == "Giao chỉ tiêu"}
    assert found == {("missing-cell", "C4"), ("type-error", "C5"), ("unknown-unit", "A6")}


def test_every_bundled_table_row_has_as_many_fields_as_its_header():
    import csv
    from importlib import resources

    from xlsync.io.plan_source import BUNDLED_TABLES

    folder = resources.files("xlsync.templates") / "plan"
    for file_name in BUNDLED_TABLES:
        rows = list(csv.reader((folder / file_name).read_text(encoding="utf-8").splitlines()))
        widths = {line: len(row) for line, row in enumerate(rows, start=1) if len(row) != len(rows[0])}
        assert widths == {}, f"{file_name}: lines with another number of fields than the header"


def test_bundled_notes_are_read_whole(plan):
    notes = {i.code: i.note for i in plan.indicators}
    assert notes["KT01"] == "Thôn báo cáo thu nhập theo triệu đồng; hệ số 0,001 đổi sang tỷ đồng."
    assert notes["KT03"] == "Kế hoạch ghi «6,990 tỷ đồng»."


def test_a_csv_row_with_more_fields_than_its_header_is_refused():
    from xlsync.core.issues import CannotRun
    from xlsync.io.plan_source import csv_sheet

    text = "Mã,Tên,Ghi chú\nT1,Thôn 1,ổn\nT2,Thôn 2,hệ số 0,001\n"
    with pytest.raises(CannotRun) as refused:
        csv_sheet(text, "Đơn vị", "templates/plan/don_vi.csv")
    assert refused.value.code == "csv-extra-fields"
    assert refused.value.message_vi.startswith("Tệp «templates/plan/don_vi.csv», dòng 3: có 4 giá trị")
    sheet = csv_sheet(text.replace("hệ số 0,001", '"hệ số 0,001"'), "Đơn vị", "don_vi.csv")
    assert sheet.rows[2] == ["T2", "Thôn 2", "hệ số 0,001"]
