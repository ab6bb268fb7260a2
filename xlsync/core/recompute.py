"""Recomputing attainment in a master after staff corrected figures by hand.

Staff correct a unit's figure on «Theo đơn vị»; the «Thực hiện» values
(stored numbers, not formulas) are then stale.  This module says, from the
master's own content, what to write where:

* each attainment row — on «Tổng hợp», and in the table of targets assigned
  to units below the figures on «Theo đơn vị» — gets its recomputed
  «Thực hiện» (and «Cách tính» where the table has it); its «Tỷ lệ đạt (%)»
  and «Đánh giá» follow from the same result;
* each «Toàn xã» total on «Theo đơn vị» gets its rule (sum, or count of Đạt)
  and value;

and re-checks the figures of the included units with the report schema
(bounds, whole numbers, part ≤ whole).  Writing is the front end's job.
Positions are found by labels, as :mod:`xlsync.core.master` reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from xlsync.core.attainment import IndicatorResult
from xlsync.core.consolidate import Consolidation, element_totals
from xlsync.core.issues import CannotRun, Issue, make_issue
from xlsync.core.master import BY_UNIT_LABELS, MasterData, MasterSheets, is_master, read_master
from xlsync.core.master_check import figure_issues, same_actual
from xlsync.core.numbers import FAIL, PASS, Kind
from xlsync.core.plan import Plan
from xlsync.core.sheets import Cell, Sheet, WorkbookData
from xlsync.core.tables import locate_table
from xlsync.core.text import label_key, normalize_text

# Labels of the attainment tables, as xlsync.io.master_xlsx writes them.
CODE, UNIT_CODE = "Mã", "Mã đơn vị"
COMPARISON, TARGET, ACTUAL = "So sánh", "Kế hoạch", "Thực hiện"
RATIO, VERDICT, EXPLANATION = "Tỷ lệ đạt (%)", "Đánh giá", "Cách tính"
ATTAINMENT_LABELS = (CODE, COMPARISON, TARGET, ACTUAL, RATIO, VERDICT)
TOTAL_LABEL = "Toàn xã"

TotalRule = Literal["sum", "count_pass"]


@dataclass(frozen=True, slots=True)
class AttainmentColumns:
    """0-based columns of an attainment table."""

    comparison: int
    target: int
    actual: int
    ratio: int
    verdict: int
    explanation: int | None = None


@dataclass(frozen=True, slots=True)
class AttainmentRow:
    """One indicator's row of an attainment table, and its recomputed result."""

    sheet: str
    row: int  # 0-based
    columns: AttainmentColumns
    result: IndicatorResult
    stored_actual: Cell

    @property
    def actual_cell(self) -> Cell:
        """«Thực hiện» as a cell holds it: a number, Đạt/Chưa đạt, or blank."""
        actual = self.result.actual
        if isinstance(actual, bool):
            return PASS if actual else FAIL
        return actual

    @property
    def changed(self) -> bool:
        return not same_actual(self.stored_actual, self.result.actual)


@dataclass(frozen=True, slots=True)
class TotalCell:
    """A «Toàn xã» cell: ``rule`` over columns ``first``..``last`` of its row."""

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
    require_master_of_plan(master, plan, file)
    issues = list(master.issues)
    rows = [
        *summary_rows(workbook, master.consolidation, issues),
        *unit_target_rows(workbook, master.consolidation),
    ]
    totals = total_cells(workbook, master.consolidation)
    issues += figure_issues(workbook, master)
    return Recomputation(master, rows, totals, issues)


def require_master_of_plan(master: MasterData, plan: Plan, file: str) -> None:
    """A master made for another plan would be recomputed against the wrong indicators: refuse."""
    found = master.metadata.get("plan_id", "")
    if found and plan.info.plan_id and label_key(found) != label_key(plan.info.plan_id):
        raise CannotRun("master-plan-mismatch", file=file, found=found, expected=plan.info.plan_id)


def summary_rows(workbook: WorkbookData, consolidation: Consolidation, issues: list[Issue]) -> list[AttainmentRow]:
    """The indicator rows of «Tổng hợp»; a missing table or indicator row is a record."""
    file = workbook.source
    sheet = workbook.sheet(MasterSheets.SUMMARY)
    if sheet is None:
        issues.append(make_issue("missing-sheet", file=file, sheet=MasterSheets.SUMMARY,
                                 available=", ".join(workbook.sheets)))
        return []
    table, found = locate_table(sheet, ATTAINMENT_LABELS, (EXPLANATION,), file=file)
    problems = [i for i in found if i.code != "blank-row"]
    issues += problems
    if table is None or problems:
        return []
    columns = _columns(table.columns)
    by_code: dict[str, int] = {}
    for line in table:
        by_code.setdefault(label_key(normalize_text(line.get(CODE))), line.row)
    rows = []
    for result in consolidation.results:
        indicator = result.indicator
        row = by_code.get(label_key(indicator.code))
        if row is None:
            issues.append(make_issue("master-indicator-missing", file=file, sheet=sheet.name,
                                     code=indicator.code, name=indicator.name))
            continue
        rows.append(AttainmentRow(sheet.name, row, columns, result, sheet.cell(row, columns.actual)))
    return rows


def unit_target_rows(workbook: WorkbookData, consolidation: Consolidation) -> list[AttainmentRow]:
    """The rows of the table of targets assigned to units, below the figures on «Theo đơn vị».

    That table starts far down the sheet, so its header is searched for in
    every row (by its «Mã đơn vị» label), not only near the top.
    """
    sheet = workbook.sheet(MasterSheets.BY_UNIT)
    if sheet is None or not consolidation.unit_results:
        return []
    header = _header_row(sheet, (UNIT_CODE, *ATTAINMENT_LABELS))
    if header is None:
        return []
    labels = {
        label_key(value): col for col, value in enumerate(sheet.rows[header]) if isinstance(value, str)
    }
    columns = _columns({label: labels[label_key(label)] for label in ATTAINMENT_LABELS})
    unit_col, code_col = labels[label_key(UNIT_CODE)], labels[label_key(CODE)]
    results = {
        (label_key(item.unit_code), label_key(item.result.indicator.code)): item.result
        for item in consolidation.unit_results
    }
    rows = []
    for row in range(header + 1, len(sheet.rows)):
        key = (label_key(normalize_text(sheet.cell(row, unit_col))), label_key(normalize_text(sheet.cell(row, code_col))))
        result = results.get(key)
        if result is not None:
            rows.append(AttainmentRow(sheet.name, row, columns, result, sheet.cell(row, columns.actual)))
    return rows


def total_cells(workbook: WorkbookData, consolidation: Consolidation) -> list[TotalCell]:
    """The «Toàn xã» cell of every element row on «Theo đơn vị» that has a total.

    Rates are not added up (their commune figure is the indicator's), so
    percent elements have none, as in the master written by xlsync.
    """
    sheet = workbook.sheet(MasterSheets.BY_UNIT)
    if sheet is None:
        return []
    table, _ = locate_table(sheet, BY_UNIT_LABELS)
    if table is None:
        return []
    header = sheet.rows[table.header_row]
    total_col = next((c for c, v in enumerate(header) if label_key(v) == label_key(TOTAL_LABEL)), None)
    first = max(table.columns.values()) + 1
    if total_col is None or total_col <= first:
        return []
    plan = consolidation.plan
    totals = element_totals(consolidation)
    cells = []
    for line in table:
        element = plan.elements.get(normalize_text(line.get(CODE)))
        if element is None or element.kind is Kind.PERCENT:
            continue
        rule: TotalRule = "count_pass" if element.kind is Kind.PASS_FAIL else "sum"
        cells.append(TotalCell(sheet.name, line.row, total_col, first, total_col - 1, rule,
                               totals.get(element.code) or 0.0))
    return cells


def _columns(found: dict[str, int]) -> AttainmentColumns:
    return AttainmentColumns(found[COMPARISON], found[TARGET], found[ACTUAL], found[RATIO], found[VERDICT],
                             found.get(EXPLANATION))


def _header_row(sheet: Sheet, labels: tuple[str, ...]) -> int | None:
    wanted = {label_key(label) for label in labels}
    for row, line in enumerate(sheet.rows):
        present = {label_key(value) for value in line if isinstance(value, str)}
        if wanted <= present:
            return row
    return None
