"""Recomputing attainment in a master after staff corrected figures by hand.

Staff correct a unit's figure on «Theo đơn vị»; the «Thực hiện» values
(stored numbers, not formulas) are then stale.  This module says, from the
master's own content, what to write where:

* each attainment row — on «Tổng hợp», and in the table of targets assigned
  to units below the figures on «Theo đơn vị» — gets its recomputed
  «Thực hiện» (and «Cách tính» where the table has it); its «Tỷ lệ đạt (%)»
  and «Đánh giá» follow from the same result;
* each «Toàn xã» total on «Theo đơn vị» (the row under the header) gets its
  rule (sum, or count of Đạt, down the units of its column) and value;

and re-checks the figures of the included units with the report schema
(bounds, whole numbers, part ≤ whole).  Writing is the front end's job.
Positions are found by labels, as :mod:`xlsync.core.master.contents` reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from xlsync.core.consolidate import Consolidation, element_totals
from xlsync.core.issues import CannotRun, Issue
from xlsync.core.master.contents import MasterData, MasterSheets, figure_table, is_master, read_master
from xlsync.core.master.check import figure_issues
from xlsync.core.master.tables import AttainmentRow, require_plan, summary_rows, unit_target_rows
from xlsync.core.numbers import Kind
from xlsync.core.plan import Plan
from xlsync.core.sheets import WorkbookData

TotalRule = Literal["sum", "count_pass"]


@dataclass(frozen=True, slots=True)
class TotalCell:
    """A «Toàn xã» cell: ``rule`` over rows ``first``..``last`` of its column."""

    sheet: str
    row: int
    col: int
    first: int
    last: int
    rule: TotalRule
    value: float


@dataclass(slots=True)
class Recomputation:
    master: MasterData
    rows: list[AttainmentRow] = field(default_factory=list)
    totals: list[TotalCell] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)  # the master re-checked

    @property
    def consolidation(self) -> Consolidation:
        return self.master.consolidation

    @property
    def changed(self) -> list[AttainmentRow]:
        return [row for row in self.rows if row.changed]


def recompute_master(workbook: WorkbookData, plan: Plan) -> Recomputation:
    """What recomputing attainment changes in ``workbook``, and what the re-check finds."""
    file = workbook.source
    if not is_master(workbook):
        raise CannotRun("not-a-master", file=file)
    master = read_master(workbook, plan)
    require_plan(master, plan, file)
    issues = list(master.issues)
    rows = [
        *summary_rows(workbook, master.consolidation, issues),
        *unit_target_rows(workbook, master.consolidation),
    ]
    totals = total_cells(workbook, master.consolidation)
    issues += figure_issues(workbook, master)
    return Recomputation(master, rows, totals, issues)


def total_cells(workbook: WorkbookData, consolidation: Consolidation) -> list[TotalCell]:
    """The «Toàn xã» cell of every element column on «Theo đơn vị» that has a total.

    Rates are not added up (their commune figure is the indicator's), so
    percent elements have none, as in the master written by xlsync.
    """
    sheet = workbook.sheet(MasterSheets.BY_UNIT)
    plan = consolidation.plan
    table = figure_table(sheet, plan)[0] if sheet is not None else None
    span = table.unit_span if table is not None else None
    if table is None or table.total_row is None or span is None:
        return []
    totals = element_totals(consolidation)
    cells = []
    for code, col in table.element_cols.items():
        element = plan.elements[code]
        if element.kind is Kind.PERCENT:
            continue
        rule: TotalRule = "count_pass" if element.kind is Kind.PASS_FAIL else "sum"
        cells.append(TotalCell(sheet.name, table.total_row, col, *span, rule, totals.get(code) or 0.0))
    return cells
