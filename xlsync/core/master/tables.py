"""The attainment tables of a master workbook: where they are, and what they hold.

«Tổng hợp» has one row per indicator; «Theo đơn vị» has, below the figures,
a table of the targets assigned to units.  Both are found by their labels
(as :mod:`xlsync.io.master.write` writes them), so checking a master before
sending it and recomputing it after a hand correction read the same cells.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from xlsync.core.attainment import IndicatorResult
from xlsync.core.consolidate import Consolidation
from xlsync.core.issues import CannotRun, Issue, make_issue
from xlsync.core.master.contents import MasterData, MasterSheets
from xlsync.core.numbers import FAIL, PASS, parse_number, parse_pass_fail
from xlsync.core.plan import Plan
from xlsync.core.sheets import Cell, Sheet, WorkbookData
from xlsync.core.tables import locate_table
from xlsync.core.text import is_blank, label_key, normalize_text

# Labels of the attainment tables, the labels xlsync.io.master.write writes.
CODE, UNIT_CODE = "Mã", "Mã đơn vị"
COMPARISON, TARGET, ACTUAL = "So sánh", "Kế hoạch", "Thực hiện"
RATIO, VERDICT, EXPLANATION = "Tỷ lệ đạt (%)", "Đánh giá", "Cách tính"
ATTAINMENT_LABELS = (CODE, COMPARISON, TARGET, ACTUAL, RATIO, VERDICT)
GROUP, NAME, UNIT = "Nhóm", "Chỉ tiêu", "Đơn vị tính"
NOTE = "Ghi chú"
SUMMARY_LABELS = (CODE, GROUP, NAME, UNIT, COMPARISON, TARGET, ACTUAL, RATIO, VERDICT, EXPLANATION, NOTE)
RELATIVE_TOLERANCE = 1e-9  # stored figures pass through the file's decimal text


def require_plan(master: MasterData, plan: Plan, file: str) -> None:
    """A master of another plan cannot be checked or recomputed against this one."""
    found = master.metadata.get("plan_id", "")
    expected = plan.info.plan_id
    if found and expected and label_key(found) != label_key(expected):
        raise CannotRun("master-other-plan", file=file, found=found, expected=expected)


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


def same_actual(stored: object, actual: float | bool | None) -> bool:
    """Does a stored «Thực hiện» cell hold ``actual`` (blank for None, Đạt/Chưa đạt for a bool)?"""
    if actual is None:
        return is_blank(stored)
    if isinstance(actual, bool):
        return parse_pass_fail(stored).value is actual
    reading = parse_number(stored)
    if reading.status != "ok" or not isinstance(reading.value, float):
        return False
    return math.isclose(reading.value, actual, rel_tol=RELATIVE_TOLERANCE, abs_tol=RELATIVE_TOLERANCE)
