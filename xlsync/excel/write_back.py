"""Writing a recomputation (:mod:`xlsync.core.master.recompute`) into an open master.

«Thực hiện» and «Cách tính» get the recomputed values; «Tỷ lệ đạt (%)»,
«Đánh giá» and the «Toàn xã» totals get their formulas again — the ones
the master was written with — so Excel computes them from the new
figures, and a later hand correction still flows through them.  Cells are
written a block at a time: one call per run of adjacent rows of a column
(attainment), or of adjacent columns of the «Toàn xã» row.
"""

from __future__ import annotations

from itertools import groupby
from typing import Iterable, Sequence

import xlwings as xw

from xlsync.core.numbers import PASS
from xlsync.core.master.tables import AttainmentRow
from xlsync.core.master.recompute import Recomputation, TotalCell
from xlsync.core.sheets import Cell, cell_address
from xlsync.excel.control import find_sheet
from xlsync.io.master.cells import Columns, ratio_formula, verdict_formula


def write_recomputation(book: xw.Book, recomputation: Recomputation) -> None:
    for (sheet_name, _columns), rows in groupby(recomputation.rows, key=lambda r: (r.sheet, r.columns)):
        sheet = find_sheet(book, sheet_name)
        if sheet is not None:
            _write_attainment(sheet, list(rows))
    for (sheet_name, row), cells in groupby(recomputation.totals, key=lambda t: (t.sheet, t.row)):
        sheet = find_sheet(book, sheet_name)
        if sheet is not None:
            _write_row(sheet, row, [(total.col, total_formula(total)) for total in cells])


def _write_attainment(sheet: xw.Sheet, rows: list[AttainmentRow]) -> None:
    columns = rows[0].columns
    formula_columns = Columns(columns.comparison, columns.target, columns.actual)
    _write_column(sheet, columns.actual, [(r.row, r.actual_cell) for r in rows])
    if columns.explanation is not None:
        _write_column(sheet, columns.explanation, [(r.row, r.result.explanation) for r in rows])
    _write_column(sheet, columns.ratio, [(r.row, ratio_formula(r.row, formula_columns)) for r in rows],
                  formulas=True)
    _write_column(sheet, columns.verdict, [(r.row, verdict_formula(r.row, formula_columns)) for r in rows],
                  formulas=True)


def total_formula(total: TotalCell) -> str:
    span = f"{cell_address(total.first, total.col)}:{cell_address(total.last, total.col)}"
    if total.rule == "count_pass":
        return f'=COUNTIF({span},"{PASS}")'
    return f"=SUM({span})"


def _write_column(sheet: xw.Sheet, col: int, cells: Iterable[tuple[int, Cell]], *, formulas: bool = False) -> None:
    """Write (row, value) pairs of column ``col``, one block per run of adjacent rows."""
    for run in _runs(sorted(cells, key=lambda cell: cell[0])):
        first, last = run[0][0], run[-1][0]
        block = sheet.range((first + 1, col + 1), (last + 1, col + 1))
        values = [[value] for _, value in run]
        if formulas:
            block.formula = values
        else:
            block.value = values


def _write_row(sheet: xw.Sheet, row: int, formulas: Iterable[tuple[int, Cell]]) -> None:
    """Write (column, formula) pairs of row ``row``, one block per run of adjacent columns."""
    for run in _runs(sorted(formulas, key=lambda cell: cell[0])):
        first, last = run[0][0], run[-1][0]
        sheet.range((row + 1, first + 1), (row + 1, last + 1)).formula = [[value for _, value in run]]


def _runs(cells: Sequence[tuple[int, Cell]]) -> list[list[tuple[int, Cell]]]:
    runs: list[list[tuple[int, Cell]]] = []
    for row, value in cells:
        if runs and row == runs[-1][-1][0] + 1:
            runs[-1].append((row, value))
        else:
            runs.append([(row, value)])
    return runs
