"""Is a master workbook fit to send?  Its own records, and its figures checked again.

Staff edit the master between consolidation and sending (a corrected figure
on «Theo đơn vị», a typed-over «Thực hiện»), so what the master recorded
when it was made is not enough.  The rule applied before sending:

* **errors refuse the sending** when they concern the figures in the totals:
  a figure of an included unit that breaks a rule of the report schema
  (bounds by kind, whole numbers, Đạt/Chưa đạt, part ≤ whole) or is blank;
  a «Thực hiện» on «Tổng hợp» that differs from the value recomputed from
  «Theo đơn vị»; an error recorded on «Kiểm tra» against an included unit's
  report or against the totals as a whole; a sheet of the master that
  cannot be read;
* **warnings refuse it unless the sender accepts them**: warnings recorded
  against included reports or the totals, a plan changed since the master
  was made;
* **reports left out of the totals** (with errors, or duplicates) and units
  that did not submit do not block: they are the history of the round, and
  the message names those units.
"""

from __future__ import annotations

import math

from xlsync.core.attainment import IndicatorResult
from xlsync.core.consolidate import Consolidation
from xlsync.core.issues import CannotRun, Issue, display_value, make_issue
from xlsync.core.master import MasterData, MasterSheets
from xlsync.core.numbers import format_value, parse_number, parse_pass_fail
from xlsync.core.plan import Plan
from xlsync.core.schema_check import Position
from xlsync.core.sheets import WorkbookData, parse_address
from xlsync.core.tables import locate_table
from xlsync.core.text import is_blank, label_key, normalize_text
from xlsync.core.validate import check_frame

# The «Tổng hợp» columns compared (named as xlsync.io.master_xlsx.SUMMARY_LABELS writes them).
SUMMARY_CODE, SUMMARY_ACTUAL = "Mã", "Thực hiện"
# Records about units outside the totals: history of the round, named in the message instead.
ROUND_HISTORY_CODES = frozenset({"not-submitted", "unit-excluded", "duplicate-unit"})
RELATIVE_TOLERANCE = 1e-9  # stored figures pass through the file's decimal text
BLANK = "–"


def require_same_plan(master: MasterData, plan: Plan, file: str) -> None:
    """A master of another plan cannot be checked against this one."""
    found = master.metadata.get("plan_id", "")
    expected = plan.info.plan_id
    if found and expected and label_key(found) != label_key(expected):
        raise CannotRun("master-other-plan", file=file, found=found, expected=expected)


def sending_issues(workbook: WorkbookData, master: MasterData) -> list[Issue]:
    """Every problem that concerns what would be sent, errors and warnings."""
    consolidation = master.consolidation
    return [
        *_plan_version_issues(master, consolidation.plan, workbook.source),
        *master.issues,
        *recorded_issues(consolidation),
        *figure_issues(workbook, master),
        *stored_actual_issues(workbook, consolidation.results),
    ]


def blocking_issues(issues: list[Issue], allow_warnings: bool) -> list[Issue]:
    """The issues that stop the sending: errors, and warnings unless accepted."""
    return [i for i in issues if i.is_error or not allow_warnings]


def _plan_version_issues(master: MasterData, plan: Plan, file: str) -> list[Issue]:
    found = master.metadata.get("plan_fingerprint", "")
    if found and found != plan.fingerprint:
        return [make_issue("master-plan-changed", file=file, sheet=MasterSheets.META, found=found,
                           expected=plan.fingerprint)]
    return []


def recorded_issues(consolidation: Consolidation) -> list[Issue]:
    """The «Kiểm tra» records about the figures in the totals.

    Those of included units' reports, and those of the consolidation itself
    (no file), except the records that only say a unit is outside the totals.
    """
    included = {
        record
        for status in consolidation.statuses if status.included
        for source in status.sources
        for record in source.issues
    }
    return [
        record for record in consolidation.issues
        if record in included or (not record.file and record.code not in ROUND_HISTORY_CODES)
    ]


def figure_issues(workbook: WorkbookData, master: MasterData) -> list[Issue]:
    """The included units' figures on «Theo đơn vị», checked as their reports were."""
    sheet = workbook.sheet(MasterSheets.BY_UNIT)
    if sheet is None:
        return []  # already a missing-sheet record of the master
    consolidation = master.consolidation
    plan = consolidation.plan
    file = workbook.source

    def locate(unit: object, code: str) -> Position:
        address = master.value_cells.get((str(unit), code), "")
        raw = sheet.cell(*parse_address(address)) if address else ""
        return Position(file, sheet.name, address, raw, {"name": plan.elements[code].name})

    return [*check_frame(plan, consolidation.values, locate), *_missing_figures(workbook, master)]


def _missing_figures(workbook: WorkbookData, master: MasterData) -> list[Issue]:
    """Columns, rows and cells of included units that «Theo đơn vị» lacks."""
    sheet = workbook.sheet(MasterSheets.BY_UNIT)
    consolidation = master.consolidation
    plan = consolidation.plan
    if not master.value_cells:
        # No figure table at all: a record of the master already, or every
        # «Thực hiện» on «Tổng hợp» now disagrees with the (empty) figures.
        return []
    where = {"file": workbook.source, "sheet": sheet.name}
    with_column = {unit for unit, _ in master.value_cells}
    with_row = {code for _, code in master.value_cells}
    issues: list[Issue] = []
    missing_rows: set[str] = set()
    for status in consolidation.statuses:
        unit = status.unit
        if not status.included:
            continue
        if unit.code not in with_column:
            issues.append(make_issue("master-unit-missing", **where, unit=unit.code, name=unit.name))
            continue
        for element in plan.elements_for(unit):
            address = master.value_cells.get((unit.code, element.code))
            if address is None:
                if element.code not in with_row and element.code not in missing_rows:
                    missing_rows.add(element.code)
                    issues.append(make_issue("missing-row", **where, code=element.code, name=element.name))
            elif is_blank(sheet.cell(*parse_address(address))):
                issues.append(make_issue("missing-cell", **where, cell=address, name=element.name))
    return issues


def stored_actual_issues(workbook: WorkbookData, results: list[IndicatorResult]) -> list[Issue]:
    """«Thực hiện» on «Tổng hợp» must be what the figures on «Theo đơn vị» give."""
    file = workbook.source
    sheet = workbook.sheet(MasterSheets.SUMMARY)
    if sheet is None:
        return [make_issue("missing-sheet", file=file, sheet=MasterSheets.SUMMARY,
                           available=", ".join(workbook.sheets))]
    table, found = locate_table(sheet, (SUMMARY_CODE, SUMMARY_ACTUAL), file=file)
    issues = [i for i in found if i.code != "blank-row"]
    if table is None or issues:
        return issues
    rows = {}
    for row in table:
        rows.setdefault(label_key(normalize_text(row.get(SUMMARY_CODE))), row)
    for result in results:
        indicator = result.indicator
        row = rows.get(label_key(indicator.code))
        if row is None:
            issues.append(make_issue("master-indicator-missing", file=file, sheet=sheet.name,
                                     code=indicator.code, name=indicator.name))
            continue
        stored = row.get(SUMMARY_ACTUAL)
        if not same_actual(stored, result.actual):
            issues.append(make_issue(
                "master-actual-stale", file=file, sheet=sheet.name, cell=table.address(row.row, SUMMARY_ACTUAL),
                value=stored, code=indicator.code, stored=display_value(stored) or BLANK,
                expected=format_value(result.actual) or BLANK,
            ))
    return issues


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
