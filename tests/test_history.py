"""`xlsync history`: masters of three periods side by side, checked against hand computation."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest
from openpyxl import load_workbook

from xlsync.core.example_data import example_consolidation, previous_year_plan
from xlsync.core.issues import CannotRun
from xlsync.core.plan import UnitCodeChange
from xlsync.core.plan_reader import read_plan
from xlsync.io.master.write import write_master
from xlsync.io.plan_xlsx import write_plan_workbook
from xlsync.io.xlsx_read import read_workbook
from xlsync.jobs.history import write_history_file

# Hand-chosen figures: deer (KT06, a sum) and poor households (VH07, a rate < 3 %).
FIGURES = {
    "2023": {"T01": {"DAN_HUOU": 80, "HO_NGHEO": 6, "SO_HO": 200},
             "T10": {"DAN_HUOU": 50, "HO_NGHEO": 4, "SO_HO": 120},
             "T11": {"DAN_HUOU": 40, "HO_NGHEO": 5, "SO_HO": 90}},
    "2024-6T": {"T01": {"DAN_HUOU": 90, "HO_NGHEO": 5, "SO_HO": 205},
                "T10": {"DAN_HUOU": 85, "HO_NGHEO": 7, "SO_HO": 212}},
    "2024": {"T01": {"DAN_HUOU": 100, "HO_NGHEO": 4, "SO_HO": 206},
             "T10": {"DAN_HUOU": 95, "HO_NGHEO": 6, "SO_HO": 214}},
}
MERGED = UnitCodeChange(old="T11", new="T10", since="2024")


@pytest.fixture(scope="module")
def masters(plan, tmp_path_factory):
    """Masters of Năm 2023 (Thôn 11 on its own, KT06 under its old name), 6 tháng đầu năm 2024, Năm 2024."""
    folder = tmp_path_factory.mktemp("masters")
    earlier = previous_year_plan(plan)
    mid = replace(plan, info=replace(plan.info, period="6 tháng đầu năm 2024"))
    return {
        "2023": write_master(example_consolidation(earlier, "Năm 2023", FIGURES["2023"]), folder / "nam-2023.xlsx"),
        "2024-6T": write_master(example_consolidation(mid, "6 tháng đầu năm 2024", FIGURES["2024-6T"]),
                                folder / "6t-2024.xlsx"),
        "2024": write_master(example_consolidation(plan, "Năm 2024", FIGURES["2024"]), folder / "nam-2024.xlsx"),
    }


@pytest.fixture(scope="module")
def built(plan, masters, tmp_path_factory):
    out = tmp_path_factory.mktemp("history") / "dien-bien.xlsx"
    given = [masters["2024"], masters["2023"], masters["2024-6T"]]  # not in time order
    history = write_history_file(given, replace(plan, unit_code_changes=[MERGED]), out)
    return history, out


def _rows(sheet, keys: int = 1) -> dict[tuple, list]:
    """Rows under the header by their first ``keys`` cells (the code, or unit and code)."""
    found = {}
    for values in sheet.iter_rows(values_only=True):
        if values[0] is not None and all(v is not None for v in values[:keys]):
            found.setdefault(tuple(values[:keys]) if keys > 1 else values[0], list(values))
    return found


def _rate(poor: int, households: int) -> float:
    return round(100 * poor / households, 6)  # as consolidation stores an indicator


def test_periods_in_time_order_and_the_same_period_a_year_earlier(built):
    history, out = built
    assert [p.code for p in history.periods] == ["2023", "2024-6T", "2024"]
    assert history.pairs == [(2, 0)]
    header = next(r for r in load_workbook(out)["Diễn biến"].iter_rows(values_only=True) if r[0] == "Mã")
    assert header[4:7] == ("Năm 2023", "6 tháng đầu năm 2024", "Năm 2024")


def test_same_period_change_equals_hand_computation(built):
    _, out = built
    rows = _rows(load_workbook(out, data_only=True)["So với cùng kỳ"])
    deer_now, deer_then = 100 + 95, 80 + 50 + 40
    assert rows["KT06"][4:8] == [deer_now, deer_then, 25, 100 * 25 / 170]
    poor_now, poor_then = _rate(4 + 6, 206 + 214), _rate(6 + 4 + 5, 200 + 120 + 90)
    kept = rows["VH07"][4:8]
    assert kept[:2] == [poor_now, poor_then]
    assert kept[2] == pytest.approx(poor_now - poor_then, rel=1e-12)
    assert kept[3] == pytest.approx(100 * (poor_now - poor_then) / poor_then, rel=1e-12)


def test_annual_plan_comparison_by_rule(built):
    _, out = built
    rows = _rows(load_workbook(out, data_only=True)["So với kế hoạch năm"])
    mid = slice(9, 12)  # the second period's three columns: annual target, actual, ratio
    # A sum at mid-year: progress towards the 2024 target of 1.700 head.
    assert rows["KT06"][5] == "Thực hiện / kế hoạch năm"  # the rule, in the words of a master's «Tiến độ thực hiện»
    assert rows["VH07"][5] == "So trực tiếp với kế hoạch năm"
    assert rows["KT06"][mid] == [1700, 175, 100 * 175 / 1700]
    # A rate «< 3 %»: compared directly, target / actual.
    rate = _rate(5 + 7, 205 + 212)
    assert rows["VH07"][mid] == [3, rate, pytest.approx(100 * 3 / rate, rel=1e-12)]
    # 2023 is set against 2023's own target (previous_year_plan: 1.600 head).
    assert rows["KT06"][6:9] == [1600, 170, 100 * 170 / 1600]


def test_a_renamed_indicator_is_flagged_not_silently_joined(built, masters):
    history, out = built
    renamed = [i for i in history.issues if i.code == "history-indicator-renamed"]
    assert [(i.file, i.sheet, i.cell, i.severity) for i in renamed] == [
        (str(masters["2024-6T"]), "Tổng hợp", "C14", "warning")]
    assert "«Phát triển đàn hươu sao» (Năm 2023)" in renamed[0].message_vi
    rows = _rows(load_workbook(out)["Diễn biến"])
    assert rows["KT06"][-1] is not None and "đổi tên" in rows["KT06"][-1]
    assert rows["KT06"][2] == "Phát triển đàn hươu"  # the latest name, the cell marked
    assert all("đổi tên" not in (row[-1] or "") for code, row in rows.items() if code != "KT06")


def test_two_merged_villages_are_summed_into_the_new_unit(built):
    history, out = built
    book = load_workbook(out, data_only=True)
    trend = _rows(book["Diễn biến theo đơn vị"], keys=3)
    unit_code = {(unit, code): row for (unit, _, code), row in trend.items()}
    assert unit_code[("T10", "KT06")][5:8] == [50 + 40, 85, 95]
    assert unit_code[("T10", "VH07")][5] == _rate(4 + 5, 120 + 90)
    assert unit_code[("T01", "KT06")][5:8] == [80, 90, 100]  # a village that did not merge: its own figures
    assert "T10, T11" in unit_code[("T10", "KT06")][-1]
    same = {(unit, code): row for (unit, _, code), row in _rows(book["Cùng kỳ theo đơn vị"], keys=3).items()}
    assert same[("T10", "KT06")][5:9] == [95, 90, 5, 100 * 5 / 90]
    merges = [i for i in history.issues if i.code == "history-units-merged"]
    assert [(i.value, i.severity) for i in merges] == [("T10", "info")]
    said = [row[0] for row in book["Nguồn"].iter_rows(values_only=True)]
    assert merges[0].message_vi in said


def test_a_changed_unit_of_measure_is_not_compared(plan, masters, tmp_path):
    renamed_unit = replace(plan, indicators=[replace(i, unit="nghìn con") if i.code == "KT06" else i
                                             for i in plan.indicators])
    other = write_master(example_consolidation(renamed_unit, "Năm 2024", FIGURES["2024"]), tmp_path / "m.xlsx")
    history = write_history_file([masters["2023"], other], plan, tmp_path / "h.xlsx")
    assert [i.code for i in history.issues if i.code == "history-measure-changed"] == ["history-measure-changed"]
    rows = _rows(load_workbook(tmp_path / "h.xlsx", data_only=True)["So với cùng kỳ"])
    assert rows["KT06"][4:8] == [195, 170, None, None]


def test_two_masters_of_one_period_are_refused(plan, masters, tmp_path):
    copy = shutil.copy(masters["2024"], tmp_path / "copy.xlsx")
    with pytest.raises(CannotRun) as refused:
        write_history_file([masters["2024"], copy], plan, tmp_path / "h.xlsx")
    assert refused.value.code == "history-period-twice"
    with pytest.raises(CannotRun) as refused:
        write_history_file([masters["2024"]], plan, masters["2024"])
    assert refused.value.code == "history-out-is-master"


def _plan_with_changes(plan, path, rows):
    write_plan_workbook(plan, path)
    book = load_workbook(path)
    sheet = book.create_sheet("Đổi mã đơn vị")
    for row in [("Mã cũ", "Mã mới", "Từ kỳ", "Ghi chú"), *rows]:
        sheet.append(row)
    book.save(path)
    return path


def test_plan_sheet_of_unit_code_changes(plan, tmp_path):
    path = _plan_with_changes(plan, tmp_path / "ke-hoach.xlsx", [
        ("T11", "T10", 2024, "Sáp nhập"), ("T12", "T10", "2030-XX", ""), ("T13", "ZZ", "2024", "")])
    read, issues = read_plan(read_workbook(path))
    assert read.unit_code_changes == [UnitCodeChange("T11", "T10", "2024", "Sáp nhập", 1)]
    found = {(i.code, i.sheet, i.cell) for i in issues if i.sheet == "Đổi mã đơn vị"}
    assert found == {("unit-change-period-unknown", "Đổi mã đơn vị", "C3"), ("unknown-unit", "Đổi mã đơn vị", "B4")}


def test_the_plan_workbook_keeps_its_unit_code_changes(plan, tmp_path):
    changed = replace(plan, unit_code_changes=[UnitCodeChange("T11", "T10", "2024", "Sáp nhập")])
    read, issues = read_plan(read_workbook(write_plan_workbook(changed, tmp_path / "ke-hoach.xlsx")))
    assert [i for i in issues if i.sheet == "Đổi mã đơn vị"] == []
    assert read.unit_code_changes == [UnitCodeChange("T11", "T10", "2024", "Sáp nhập", 1)]


def test_history_command(cli, plan, masters, tmp_path):
    plan_path = _plan_with_changes(plan, tmp_path / "ke-hoach.xlsx", [("T11", "T10", "2024", "")])
    out = tmp_path / "dien-bien.xlsx"
    status, stdout, stderr = cli("history", masters["2023"], masters["2024"], masters["2024-6T"],
                                 "--out", out, "--plan", plan_path)
    assert status == 0, stdout + stderr  # written; the renamed indicator is a warning
    assert "Năm 2024 so với Năm 2023" in stdout
    assert "history-indicator-renamed" in stdout
    same = _rows(load_workbook(out, data_only=True)["Cùng kỳ theo đơn vị"], keys=3)
    assert next(row for (unit, _, code), row in same.items() if (unit, code) == ("T10", "KT06"))[6] == 90


def test_history_help(cli):
    status, stdout, _ = cli("history", "--help")
    assert status == 0
    assert "Đổi mã đơn vị" in stdout and "--out" in stdout and "MASTERS" in stdout


@pytest.mark.libreoffice
def test_formulas_recalculate_to_the_stored_values(built, tmp_path):
    from libreoffice import recalculate
    from test_master_formulas import _same as same

    _, out = built
    formulas = load_workbook(out)
    stored = load_workbook(out, data_only=True)
    expected = {(s.title, c.coordinate): stored[s.title][c.coordinate].value
                for s in formulas for row in s.iter_rows() for c in row if c.data_type == "f"}
    assert len(expected) > 30  # changes and changes in % (commune, units), ratios to the annual target
    # A copy with one figure changed by hand: its formula must give another value, or the check could not fail.
    tampered = tmp_path / "tampered.xlsx"
    sheet = formulas["So với cùng kỳ"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "KT06")
    sheet.cell(row, 6).value = 100
    formulas.save(tampered)
    recalculated, changed = recalculate([out, tampered], tmp_path / "out", tmp_path / "profile")
    got = load_workbook(recalculated, data_only=True)

    assert {k: (v, got[k[0]][k[1]].value) for k, v in expected.items() if not same(v, got[k[0]][k[1]].value)} == {}
    assert load_workbook(changed, data_only=True)["So với cùng kỳ"].cell(row, 7).value == 195 - 100


def test_text_that_looks_like_a_formula_stays_text(plan, masters, tmp_path):
    odd = replace(plan, indicators=[replace(i, name='=HYPERLINK("http://x","y")') if i.code == "KT01" else i
                                    for i in plan.indicators])
    master = write_master(example_consolidation(odd, "Năm 2024", FIGURES["2024"]), tmp_path / "m.xlsx")
    write_history_file([masters["2023"], master], plan, tmp_path / "h.xlsx")
    sheet = load_workbook(tmp_path / "h.xlsx")["Diễn biến"]
    cell = next(row[2] for row in sheet.iter_rows() if row[0].value == "KT01")
    assert (cell.value, cell.data_type, cell.quotePrefix) == ('=HYPERLINK("http://x","y")', "s", True)


def test_code_changes_chain_and_apply_only_before_their_period():
    from xlsync.core.history.units import codes_by_unit
    from xlsync.core.periods import period_from_code

    changes = [UnitCodeChange("T11", "T10", "2024"), UnitCodeChange("t10", "X1", "2025")]
    present = ["T01", "T10", "T11"]
    assert codes_by_unit(period_from_code("2023"), present, changes) == {"t01": ["T01"], "x1": ["T10", "T11"]}
    assert codes_by_unit(period_from_code("2024-6T"), present, changes) == {
        "t01": ["T01"], "x1": ["T10"], "t11": ["T11"]}
    assert codes_by_unit(period_from_code("2025"), present, changes) == {"t01": ["T01"], "t10": ["T10"], "t11": ["T11"]}


def test_demo_makes_three_example_masters_and_their_history(plan, tmp_path):
    from xlsync.core.report import read_metadata
    from xlsync.jobs.demo import HISTORY_NAME, history_demo

    history = history_demo(tmp_path, plan, 2024)
    assert [(p.code, p.name) for p in history.periods] == [
        ("2023", "Năm 2023"), ("2024-6T", "6 tháng đầu năm 2024"), ("2024", "Năm 2024")]
    for file in history.files:
        workbook = read_workbook(file)
        assert read_metadata(workbook)["period_code"] in ("2023", "2024-6T", "2024")
        assert "(Ví dụ)" in workbook.sheet("Tổng hợp").rows[4][0]  # «(Kèm theo … (Ví dụ))»
    assert {(i.code, i.value) for i in history.issues if i.code == "history-units-merged"} == {
        ("history-units-merged", "T10")}
    assert [i.cell for i in history.issues if i.code == "history-indicator-renamed"] == ["C14"]
    assert (tmp_path / HISTORY_NAME).is_file()
    again = history_demo(tmp_path / "again", plan, 2024)
    assert [r.points for r in again.rows] == [r.points for r in history.rows]  # the same seed, the same figures


def test_each_period_is_set_against_its_own_same_period(plan, tmp_path):
    from xlsync.core.history.build import build_history
    from xlsync.core.history.figures import IndicatorFigure, MasterFigures
    from xlsync.io.history_xlsx import write_history

    def master(code: str, name: str, deer: float) -> MasterFigures:
        figure = IndicatorFigure("KT06", "Kinh tế", "Phát triển đàn hươu", "con", "≥", 1700.0, deer, row=13)
        return MasterFigures(f"{code}.xlsx", "51/KH-UBND", code, name, {"KT06": figure})

    history = build_history([master("2024", "Năm 2024", 1700), master("2023-6T", "6 tháng đầu năm 2023", 700),
                             master("2024-6T", "6 tháng đầu năm 2024", 900), master("2023", "Năm 2023", 1500)], plan)
    assert [p.code for p in history.periods] == ["2023-6T", "2023", "2024-6T", "2024"]
    assert history.pairs == [(2, 0), (3, 1)]
    write_history(history, tmp_path / "h.xlsx")
    rows = _rows(load_workbook(tmp_path / "h.xlsx", data_only=True)["So với cùng kỳ"])
    assert rows["KT06"][4:12] == [900, 700, 200, 100 * 200 / 700, 1700, 1500, 200, 100 * 200 / 1500]
