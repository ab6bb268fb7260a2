"""A province's master: 20,000 units make a workbook Excel opens, with the right sums.

The consolidation is built directly (no 20,000 report files): the writer
and the master's reader are what is under test.
"""

from __future__ import annotations

import gc
import zipfile
from dataclasses import replace

import pandas as pd
import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from xlsync.core.attainment import evaluate_plan
from xlsync.core.consolidate import Consolidation, Status, UnitStatus
from xlsync.core.issues import CannotRun, make_issue
from xlsync.core.master.contents import MasterSheets
from xlsync.core.numbers import Kind
from xlsync.core.plan import Plan
from xlsync.io.master import write as master_write
from xlsync.io.master.read import read_master_file
from xlsync.io.master.write import write_master
from xlsync.io.xlsx_rows import EXCEL_COLUMNS, EXCEL_ROWS

UNITS = 20_000


def province(plan: Plan, count: int) -> Consolidation:
    """``count`` villages like T01, each reporting figures that follow from its number."""
    village = plan.units["T01"]
    units = {f"X{i:05d}": replace(village, code=f"X{i:05d}", name=f"Thôn {i}", block=f"Cụm {i // 20 + 1}", row=-1)
             for i in range(1, count + 1)}
    plan = replace(plan, units=units, unit_targets=[], criteria=[], award_rules=[])
    codes = [element.code for element in plan.elements_for(village)]
    rows = [[_figure(plan, code, i) for code in codes] for i in range(1, count + 1)]
    values = pd.DataFrame(rows, index=pd.Index(list(units), name="unit"), columns=codes, dtype=float)
    values = values.reindex(columns=list(plan.elements))
    statuses = [UnitStatus(unit, Status.INCLUDED) for unit in units.values()]
    return Consolidation(plan, plan.info.period, [], statuses, values, evaluate_plan(plan, values), [], [])


def _figure(plan: Plan, code: str, i: int) -> float:
    kind = plan.elements[code].kind
    if kind is Kind.PASS_FAIL:
        return float(i % 3 != 0)
    if kind is Kind.PERCENT:
        return 50.0 + i % 50
    # Parts stay below their wholes (poor households ≤ households...): a small figure per element.
    return float(100 + i % 97) if code in ("DAN_SO", "SO_HO", "LAO_DONG", "TRE_DUOI_5", "TRAU_BO",
                                           "CTR_PHAT_SINH") else float(i % 7)


@pytest.fixture(scope="module")
def big_master(tmp_path_factory, plan):
    consolidation = province(plan, UNITS)
    path = write_master(consolidation, tmp_path_factory.mktemp("province") / "tong-hop.xlsx")
    return consolidation, path


@pytest.mark.slow
def test_no_sheet_is_wider_or_longer_than_excel_allows(big_master):
    consolidation, path = big_master
    book = load_workbook(path, read_only=True)
    sizes = {sheet.title: (sheet.max_row, sheet.max_column) for sheet in book}
    assert all(rows <= EXCEL_ROWS and columns <= EXCEL_COLUMNS for rows, columns in sizes.values()), sizes
    # One row per unit, one column per data element, under the header and the «Toàn xã» row.
    assert sizes[MasterSheets.BY_UNIT] == (5 + UNITS, 2 + len(consolidation.plan.elements))
    # «Tiến độ nộp»: the unit rows, the rate, the count included and three counts against the deadline.
    assert sizes[MasterSheets.PROGRESS] == (8 + UNITS, 15)
    # «Toàn xã» adds up every unit row.
    total_row = next(book[MasterSheets.BY_UNIT].iter_rows(min_row=5, max_row=5, max_col=4, values_only=True))
    assert total_row == ("Toàn xã", "", f"=SUM(C6:C{5 + UNITS})", f"=SUM(D6:D{5 + UNITS})")
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None


@pytest.mark.slow
def test_the_province_totals_are_the_sums_of_the_units(big_master):
    consolidation, path = big_master
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(MasterSheets.BY_UNIT).to_python()
    codes, total, units = sheet[3], sheet[4], sheet[5:]
    assert (sheet[1][:2], codes[:2], total[0]) == (["Mã đơn vị", "Tên đơn vị"], ["Mã số liệu", ""], "Toàn xã")
    assert [row[0] for row in units] == list(consolidation.plan.units)
    values = consolidation.values
    checked = set()
    for col, code in enumerate(codes[2:], start=2):
        column = [row[col] for row in units]
        kind = consolidation.plan.elements[code].kind
        if values[code].isna().all():
            assert set(column) == {""}, code
        elif kind is Kind.PASS_FAIL:
            assert total[col] == sum(1 for v in values[code] if v == 1) == column.count("Đạt"), code
        elif kind is Kind.PERCENT:
            assert total[col] == "", code  # rates are not added up
        else:
            assert column == list(values[code]), code
            assert total[col] == sum(values[code]) == sum(column), code
            checked.add(code)
    assert {"DAN_SO", "SO_HO", "HO_NGHEO", "THU_NHAP"} <= checked


def test_a_master_reads_back_as_the_consolidation_it_was_written_from(plan, tmp_path):
    consolidation = province(plan, 2_000)
    path = write_master(consolidation, tmp_path / "tong-hop.xlsx")
    master = read_master_file(path, consolidation.plan)
    assert master.issues == []
    pd.testing.assert_frame_equal(master.consolidation.values, consolidation.values, check_names=False)
    assert master.value_cells[("X02000", "SO_HO")] == "D2005"
    stored = {row.indicator.code: row.actual for row in consolidation.results}
    assert {row.indicator.code: row.actual for row in master.consolidation.results} == stored


def test_records_beyond_one_sheet_go_on_to_the_next(plan, tmp_path, monkeypatch):
    monkeypatch.setattr(master_write, "CHECK_ROWS", 4)
    consolidation = province(plan, 3)
    consolidation.issues = [make_issue("type-error", file=f"bao-cao-{i}.xlsx", sheet="Báo cáo", cell=f"D{i}",
                                       value="x") for i in range(1, 10)]
    path = write_master(consolidation, tmp_path / "tong-hop.xlsx")
    book = load_workbook(path, read_only=True)
    parts = ["Kiểm tra", "Kiểm tra (2)", "Kiểm tra (3)"]
    assert [name for name in book.sheetnames if name.startswith("Kiểm tra")] == parts
    cells = [[row[4] for row in book[name].iter_rows(min_row=2, values_only=True)] for name in parts]
    assert cells == [["D1", "D2", "D3", "D4"], ["D5", "D6", "D7", "D8"], ["D9"]]
    read = read_master_file(path, consolidation.plan).consolidation.issues
    assert [issue.cell for issue in read] == [f"D{i}" for i in range(1, 10)]


def test_a_master_larger_than_excel_allows_is_refused_before_writing(plan, tmp_path, monkeypatch):
    monkeypatch.setattr(master_write, "EXCEL_ROWS", 60)  # «Tổng hợp» needs 50 rows
    with pytest.raises(CannotRun) as refused:
        write_master(province(plan, 56), tmp_path / "tong-hop.xlsx")
    assert refused.value.code == "master-too-large"
    assert refused.value.params == {"sheet": MasterSheets.BY_UNIT, "rows": 61, "columns": 30}
    assert not (tmp_path / "tong-hop.xlsx").exists()


def test_garbage_collection_is_back_on_after_a_failed_write(plan, tmp_path, monkeypatch):
    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(master_write, "_meta", broken)
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        write_master(province(plan, 3), tmp_path / "tong-hop.xlsx")
    assert gc.isenabled()
    assert not (tmp_path / "tong-hop.xlsx").exists()
