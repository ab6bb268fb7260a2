"""LibreOffice recalculates the master's live formulas and gets the values xlsync stored."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from libreoffice import formula_cells, recalculate, same_value
from xlsync.jobs.demo import run_demo

pytestmark = pytest.mark.libreoffice


_formula_cells, _same = formula_cells, same_value  # the names other tests import from here


@pytest.fixture(scope="module")
def demo_master(tmp_path_factory):
    return run_demo(tmp_path_factory.mktemp("demo")).master


def test_every_formula_recalculates_to_the_stored_value(demo_master, tmp_path):
    expected = _formula_cells(demo_master)
    assert len(expected) > 60  # attainment, verdicts, totals, reporting rate
    (recalculated,) = recalculate([demo_master], tmp_path / "out", tmp_path / "profile")
    got = load_workbook(recalculated, data_only=True)
    mismatches = {
        key: (value, got[key[0]][key[1]].value)
        for key, value in expected.items()
        if not _same(value, got[key[0]][key[1]].value)
    }
    assert mismatches == {}


def test_changing_a_target_in_excel_recomputes_attainment(demo_master, tmp_path):
    """The check above can fail: a stored value that disagrees with the formula is caught."""
    book = load_workbook(demo_master)
    sheet = book["Tổng hợp"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "VH03")
    sheet.cell(row, 6).value = 50  # Kế hoạch 96,5 → 50
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    (recalculated,) = recalculate([edited], tmp_path / "out", tmp_path / "profile")
    values = load_workbook(recalculated, data_only=True)["Tổng hợp"]
    actual = values.cell(row, 7).value
    assert values.cell(row, 8).value == pytest.approx(100 * actual / 50)
    assert values.cell(row, 9).value == "Đạt"
