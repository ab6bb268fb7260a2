"""Scoring through real workbooks: plan sheets, score workbooks written and read back, the master's sheets."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

import scoring_plan as sp
from libreoffice import recalculate
from xlsync.core.plan_reader import read_plan
from xlsync.core.scoring.model import CriterionKind, QuantRule, QuotaBase
from xlsync.core.sheets import Sheet
from xlsync.io.plan_source import bundled_tables, load_plan_file
from xlsync.io.plan_xlsx import write_plan_workbook
from xlsync.io.xlsx_read import read_workbook
from xlsync.jobs.consolidate import consolidate_paths
from xlsync.jobs.score import score_paths, write_score_templates_from_master

SCORE_FILE = "cham-diem-khoi-thon.xlsx"


# --- the plan's sheets «Tiêu chí chấm điểm» and «Khen thưởng» -------------------------


def test_bundled_example_criteria_and_award_rules(plan):
    assert [c.code for c in plan.criteria] == ["TC01", "TC02", "TC03", "TC04", "DL01", "DL02", "DL03", "NV01",
                                              "NV02", "DL04", "TH01", "TR01"]
    by_code = {c.code: c for c in plan.criteria}
    assert (by_code["DL02"].kind, by_code["DL02"].indicator_code, by_code["DL02"].rule) == \
        (CriterionKind.QUANTITATIVE, "VH07", QuantRule.LEADER)
    assert by_code["DL02"].applies_to("Khối thôn 2") and not by_code["DL02"].applies_to("Khối hợp tác xã")
    assert (by_code["TC03"].points_per_occurrence, by_code["TC03"].cap) == (2, 10)
    assert by_code["TR01"].bounds == (-5, 0)
    assert all(c.note == "Ví dụ" for c in plan.criteria), "the example criteria must be marked as examples"
    # Every block can reach exactly 100 points before bonuses.
    for block in plan.blocks:
        top = sum(c.max_points for c in plan.criteria if c.applies_to(block)
                  and c.kind not in (CriterionKind.BONUS, CriterionKind.PENALTY))
        assert top == 100, block
    assert [(a.title, a.min_total, a.top_k, a.quota_percent, a.quota_base) for a in plan.award_rules] == [
        ("Cờ thi đua của UBND xã", 90, 1, None, QuotaBase.BLOCK),
        ("Giấy khen của Chủ tịch UBND xã", 80, None, 30, QuotaBase.ALL),
    ]
    assert all(a.note.startswith("Ví dụ") for a in plan.award_rules)
    assigned = {(t.unit, t.indicator): t.target for t in plan.unit_targets}
    assert assigned[("T01", "VH03")] == 96.5 and assigned[("T10", "VH07")] == 3.0
    assert sum(v for (u, i), v in assigned.items() if i == "KT06") == 1700  # the plan's target, shared out


CRITERIA_HEADER = ["Mã", "Khối thi đua", "Nhóm", "Tiêu chí", "Điểm tối đa", "Loại", "Mã chỉ tiêu", "Quy tắc",
                   "Điểm mỗi lần", "Mức trần", "Mức sàn"]
AWARD_HEADER = ["Danh hiệu", "Điểm tối thiểu", "Số đơn vị dẫn đầu mỗi khối", "Tỷ lệ tối đa (%)", "Tính trên",
                "Khối thi đua"]


def _with_scoring_sheets(criteria_rows, award_rows):
    workbook = bundled_tables()
    workbook.source = "ke-hoach.xlsx"
    workbook.sheets["Tiêu chí chấm điểm"] = Sheet("Tiêu chí chấm điểm", [CRITERIA_HEADER, *criteria_rows])
    workbook.sheets["Khen thưởng"] = Sheet("Khen thưởng", [AWARD_HEADER, *award_rows])
    return read_plan(workbook)


def test_plan_reader_reports_bad_criteria_and_award_rules_at_their_cells():
    criteria = [
        ["OK1", "Khối thôn 1; Khối thôn 2", "N", "Hợp lệ", "10", "Định lượng", "VH03", None, None, None, None],
        ["C2", None, "N", "Chỉ tiêu không có", "10", "Định lượng", "XX99", "Tỷ lệ", None, None, None],
        ["C3", "Khối thôn 1; Khối thôn 9", "N", "Khối không có", "10", "Đạt/Không đạt", None, None, None, None, None],
        ["C4", None, "N", "Loại sai", "10", "Tự luận", None, None, None, None, None],
        ["C5", None, "N", "Quy tắc sai", "10", "Định lượng", "VH03", "Bình quân", None, None, None],
        ["C6", None, "N", "Thiếu mã chỉ tiêu", "10", "Định lượng", None, None, None, None, None],
        ["C7", None, "N", "Điểm chữ", "mười", "Đạt/Không đạt", None, None, None, None, None],
        ["C8", None, "N", "Thưởng ngược", "5", "Điểm thưởng", None, None, None, "1", "3"],
        ["C9", None, "N", "Âm", "-5", "Theo lần", None, None, None, None, None],
        ["OK2", None, "N", "Trừ gõ số âm", "-5", "Điểm trừ", None, None, "-1", None, "-5"],
        ["OK1", None, "N", "Trùng mã", "10", "Đạt/Không đạt", None, None, None, None, None],
    ]
    awards = [
        ["Cờ", "90", "1", None, None, None],
        ["Khối lạ", "80", None, None, None, "Khối X"],
        ["Tính sai", "80", None, "20", "Cả huyện", None],
        ["Quá 100", None, None, "120", "Toàn xã", None],
        ["Nửa đơn vị", None, "1,5", None, None, None],
    ]
    plan, issues = _with_scoring_sheets(criteria, awards)
    found = {(i.sheet, i.code, i.cell) for i in issues if i.code != "conflicting-targets"}
    criteria_sheet, awards_sheet = "Tiêu chí chấm điểm", "Khen thưởng"
    assert found == {
        (criteria_sheet, "unknown-indicator", "G3"),
        (criteria_sheet, "unknown-block", "B4"),
        (criteria_sheet, "invalid-choice", "F5"),
        (criteria_sheet, "invalid-choice", "H6"),
        (criteria_sheet, "missing-cell", "G7"),
        (criteria_sheet, "type-error", "E8"),
        (criteria_sheet, "criterion-limits-inverted", "J9"),
        (criteria_sheet, "negative-value", "E10"),
        (criteria_sheet, "duplicate-code", "A12"),
        (awards_sheet, "unknown-block", "F3"),
        (awards_sheet, "invalid-choice", "E4"),
        (awards_sheet, "percent-out-of-range", "D5"),
        (awards_sheet, "not-whole-number", "C6"),
    }
    unknown_block = next(i for i in issues if i.code == "unknown-block" and i.sheet == criteria_sheet)
    assert unknown_block.value == "Khối thôn 9"
    negative = next(i for i in issues if i.code == "negative-value")
    assert negative.message_vi == "Ô E10: «-5» là số âm; Điểm tối đa không thể âm."
    assert [c.code for c in plan.criteria] == ["OK1", "OK2"]
    assert plan.criteria[1].bounds == (-5, 0)  # a penalty's sizes may be typed with a minus sign
    assert [a.title for a in plan.award_rules] == ["Cờ"]


def test_quantitative_criterion_without_unit_targets_is_a_warning():
    criteria = [["Q", "Khối hợp tác xã", "N", "Tỷ lệ BHYT", "10", "Định lượng", "VH03", None, None, None, None]]
    plan, issues = _with_scoring_sheets(criteria, [])
    [warning] = [i for i in issues if i.code == "criterion-without-unit-targets"]
    assert (warning.severity, warning.cell) == ("warning", "G2")
    assert "HTX1, HTX2" in warning.message_vi
    assert [c.code for c in plan.criteria] == ["Q"]


def test_plan_workbook_round_trips_the_scoring_sheets(plan, tmp_path):
    path = write_plan_workbook(plan, tmp_path / "ke-hoach.xlsx")
    again = load_plan_file(path)
    assert [i.code for i in again.issues] == ["conflicting-targets"]
    assert again.plan.criteria == plan.criteria
    assert again.plan.award_rules == plan.award_rules
    assert again.plan.unit_targets == plan.unit_targets


# --- score workbooks --------------------------------------------------------------------


@pytest.fixture
def five(tmp_path):
    """The five-village plan consolidated into a master, and its block's score workbook made from it."""
    plan = sp.five_plan()
    loaded = sp.loaded(plan)
    reports = sp.write_reports(plan, tmp_path / "bao-cao")
    master = tmp_path / "tong-hop.xlsx"
    consolidate_paths(reports, loaded, master)
    [score_file] = write_score_templates_from_master(loaded, tmp_path / "cham-diem", [], master)
    return loaded, master, score_file


def test_score_workbook_layout_locks_computed_points_and_records_its_block(five):
    loaded, master, score_file = five
    assert score_file.name == SCORE_FILE
    workbook = load_workbook(score_file)
    sheet = workbook["Chấm điểm"]
    assert sheet.protection.sheet
    assert [sheet.cell(12, c).value for c in range(1, 10)] == [
        "Mã", "Nhóm", "Tiêu chí", "Điểm tối đa", "Loại", "Cách chấm", "Tự chấm", "Khối chấm", "Minh chứng"]
    assert [sheet[f"{cols[0]}11"].value for cols in sp.GROUP_COLUMNS.values()] == sp.FIVE
    assert [sheet[f"A{row}"].value for row in sp.CRITERIA_ROWS.values()] == list(sp.CRITERIA_ROWS)
    # Định lượng: the points from the master, locked, with the computation where evidence goes.
    assert sheet["J13"].value == 28 and sheet["J13"].protection.locked
    assert "J13:K13" in sheet.merged_cells
    assert sheet["L13"].value.endswith(
        "0,5 × 40 + 0,5 × 40 × (120 / 100 − 1) / (150 / 100 − 1) = 28 (dẫn đầu khối: THON_HA).")
    assert sheet["G13"].value == 40 and sheet["S13"].value == 24
    # Only the typed cells are open.
    for address in (sp.cell("THON_AN", "P1", "self"), sp.cell("THON_AN", "P1", "block"),
                    sp.cell("THON_AN", "B1", "evidence")):
        assert not sheet[address].protection.locked, address
    for address in ("A14", "D14", "F14", "G13", "L13"):
        assert sheet[address].protection.locked, address
    meta = {row[0].value: row[1].value for row in workbook["_xlsync"].iter_rows()}
    assert workbook["_xlsync"].sheet_state == "hidden"
    assert (meta["kind"], meta["block"], meta["plan_id"], meta["master"]) == \
        ("score", "Khối thôn", "09/KH-UBND", "tong-hop.xlsx")
    assert meta["plan_fingerprint"] == loaded.plan.fingerprint


def test_score_workbook_without_a_master_leaves_the_computed_points_to_scoring(tmp_path):
    loaded = sp.loaded(sp.five_plan())
    [score_file] = write_score_templates_from_master(loaded, tmp_path, ["khối THÔN"])
    sheet = load_workbook(score_file)["Chấm điểm"]
    assert sheet["G13"].value is None and sheet["G13"].protection.locked
    assert sheet["I13"].value == "Tính từ số liệu khi chấm điểm (xlsync score)."


def _master_rows(path: Path, sheet_name: str, first_row: int) -> list[list]:
    """Stored values of a master sheet's table, read as any reader without Excel would."""
    sheet = read_workbook(path).sheet(sheet_name)
    return [row for row in sheet.rows[first_row:] if row and row[0]]


def test_five_units_rank_exactly_as_computed_by_hand(five, tmp_path):
    loaded, master, score_file = five
    sp.type_into(score_file, sp.hand_scores())
    result = score_paths([score_file], loaded, master)
    assert [(i.code, i.severity) for i in result.issues] == [("award-tie-at-limit", "warning")]
    assert result.report.exit_code == 0

    rows = _master_rows(master, "Xếp hạng", 5)[:5]
    assert [(r[2], r[1], r[4], r[5], r[6], r[7] == "Có") for r in rows] == sp.EXPECTED_RANKING
    by_unit = {r[2]: r for r in rows}
    assert by_unit["THON_DONG"][8].startswith("Đồng hạng với THON_BAC")
    assert by_unit["THON_BAC"][8].startswith("Đồng hạng với THON_DONG")
    assert [r[9] for r in rows] == ["Cờ thi đua", None, None, None, None]
    # Giấy khen: 20 % of 5 units is one place, and the tie at rank 2 goes to the council, not to a name.
    assert "Hội đồng thi đua quyết định" in by_unit["THON_DONG"][10]

    scores = {(r[1], r[3]): r for r in _master_rows(master, "Chấm điểm", 5)}
    assert len(scores) == 20
    q1 = scores[("THON_DONG", "Q1")]
    assert (q1[11], q1[12], q1[15]) == (28, "Tính từ số liệu", "Sổ tổng hợp, trang «Theo đơn vị» (chỉ tiêu giao cho đơn vị)")
    assert q1[14] == ("Chỉ tiêu HUOU: thực hiện 120, kế hoạch ≥ 100. Quy tắc dẫn đầu, vượt kế hoạch: 0,5 × 40 + "
                      "0,5 × 40 × (120 / 100 − 1) / (150 / 100 − 1) = 28 (dẫn đầu khối: THON_HA).")
    t1 = scores[("THON_CAU", "T1")]
    assert (t1[9], t1[11], t1[12]) == (-2, -2, "Khối chấm")
    assert t1[15] == f"{SCORE_FILE} › Chấm điểm!{sp.cell('THON_CAU', 'T1', 'block')}"
    b1 = scores[("THON_AN", "B1")]
    assert (b1[11], b1[13]) == (6, "Bằng khen huyện")


def test_score_above_the_maximum_and_other_typing_mistakes_are_cell_addressed(five):
    loaded, master, score_file = five
    typed = sp.hand_scores()
    typed[sp.cell("THON_HA", "B1", "block")] = 12  # above the 10 points of B1
    typed[sp.cell("THON_HA", "B1", "evidence")] = "Bằng khen tỉnh"
    typed[sp.cell("THON_DONG", "B1", "block")] = "khoảng 2"
    typed[sp.cell("THON_AN", "B1", "evidence")] = None  # a bonus of 6 without evidence
    del typed[sp.cell("THON_CAU", "P1", "self")], typed[sp.cell("THON_CAU", "P1", "block")]
    typed[sp.cell("THON_BAC", "P1", "block")] = "7,5"  # a decimal typed as text, Vietnamese style
    sp.type_into(score_file, typed)
    result = score_paths([score_file], loaded, master)
    errors = [(i.code, i.cell) for i in result.issues if i.is_error]
    assert errors == [
        ("type-error", "K15"),  # read while reading the sheet, then the engine's, criterion by criterion
        ("score-not-pass-fail", "N14"),
        ("missing-score", "Q14"),
        ("score-above-max", "H15"),
        ("bonus-without-evidence", "U15"),
    ]
    above = next(i for i in result.issues if i.code == "score-above-max")
    assert (above.file, above.sheet, above.value) == (str(score_file), "Chấm điểm", "12")
    assert above.message_vi == "Ô H15: điểm «12» của THON_HA ở tiêu chí B1 vượt mức tối đa 10."
    assert result.report.exit_code == 1
    # The master is still written, and shows what was counted.
    scores = {(r[1], r[3]): r for r in _master_rows(master, "Chấm điểm", 5)}
    assert scores[("THON_HA", "B1")][11] == 10  # counted as the nearest limit
    assert scores[("THON_AN", "B1")][11] == 0
    assert scores[("THON_CAU", "P1")][12] == "Chưa chấm"


def test_pass_fail_may_be_typed_as_words(five):
    loaded, master, score_file = five
    typed = sp.hand_scores()
    typed[sp.cell("THON_HA", "P1", "block")] = "Không đạt"
    typed[sp.cell("THON_DONG", "P1", "block")] = "Đạt"
    sp.type_into(score_file, typed)
    result = score_paths([score_file], loaded, master)
    points = {(s.unit, s.criterion): s.points for s in result.scores}
    assert (points[("THON_HA", "P1")], points[("THON_DONG", "P1")]) == (0, 20)
    difference = next(s for s in result.scores if (s.unit, s.criterion) == ("THON_HA", "P1")).difference
    assert difference == -20


def test_a_score_workbook_of_another_plan_or_older_criteria_is_flagged(five, tmp_path):
    loaded, master, score_file = five
    sp.type_into(score_file, sp.hand_scores())
    workbook = load_workbook(score_file)
    meta = workbook["_xlsync"]
    keys = {row[0].value: row[0].row for row in meta.iter_rows()}
    meta.cell(keys["criteria_fingerprint"], 2, "000000000000")
    older = tmp_path / "cu.xlsx"
    workbook.save(older)
    meta.cell(keys["plan_id"], 2, "77/KH-UBND")
    other = tmp_path / "khac.xlsx"
    workbook.save(other)
    for path, code, severity in ((older, "score-criteria-changed", "warning"), (other, "other-plan", "error")):
        result = score_paths([path], loaded, master)
        assert [(i.code, i.severity, i.file) for i in result.issues if i.code == code] == [(code, severity, str(path))]


def _formula_values(path: Path, sheets: tuple[str, ...]) -> dict[tuple[str, str], object]:
    formulas, stored = load_workbook(path), load_workbook(path, data_only=True)
    return {(name, c.coordinate): stored[name][c.coordinate].value
            for name in sheets for row in formulas[name].iter_rows() for c in row if c.data_type == "f"}


@pytest.mark.libreoffice
def test_master_formulas_recompute_to_the_engine_values(five, tmp_path):
    """Totals, ranks, tie flags and differences are live formulas: recomputed, they give the engine's values."""
    loaded, master, score_file = five
    typed = sp.hand_scores()
    typed[sp.cell("THON_DONG", "P1", "self")] = 10  # a difference for «Chênh lệch»
    sp.type_into(score_file, typed)
    score_paths([score_file], loaded, master)
    sheets = ("Chấm điểm", "Xếp hạng")
    expected = _formula_values(master, sheets)
    assert len(expected) == 20 + 5 * 5  # a difference per score row; total, subtotals, rank, tie flag per unit
    [recalculated] = recalculate([master], tmp_path / "out", tmp_path / "profile")
    got = _formula_values(recalculated, sheets)
    assert {k: (v, got[k]) for k, v in expected.items() if (v or None) != (got[k] or None)} == {}

    # The check can fail: give THON_AN 10 more points in «Chấm điểm» and its total and rank follow.
    book = load_workbook(master)
    scores = book["Chấm điểm"]
    row = next(r for r in range(6, 26) if (scores.cell(r, 2).value, scores.cell(r, 4).value) == ("THON_AN", "P1"))
    scores.cell(row, 12).value = 30
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    [recalculated] = recalculate([edited], tmp_path / "out2", tmp_path / "profile")
    ranking = {r[2]: r for r in _master_rows(recalculated, "Xếp hạng", 5)[:5]}
    assert (ranking["THON_AN"][4], ranking["THON_AN"][1]) == (60, 1)
    assert ranking["THON_HA"][1] == 2
