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

from xlsync.core.consolidate import Consolidation
from xlsync.core.issues import Issue, display_value, make_issue
from xlsync.core.master.contents import MasterData, MasterSheets, read_master
from xlsync.core.master.tables import require_plan, summary_rows
from xlsync.core.numbers import format_value
from xlsync.core.plan import Plan
from xlsync.core.schema_check import Position
from xlsync.core.sheets import WorkbookData, cell_address, parse_address
from xlsync.core.text import is_blank
from xlsync.core.validate import check_frame

# Records about units outside the totals: history of the round, named in the message instead.
ROUND_HISTORY_CODES = frozenset({"not-submitted", "unit-excluded", "duplicate-unit"})
BLANK = "–"


def sending_issues(workbook: WorkbookData, master: MasterData) -> list[Issue]:
    """Every problem that concerns what would be sent, errors and warnings."""
    consolidation = master.consolidation
    return [
        *_plan_version_issues(master, consolidation.plan, workbook.source),
        *master.issues,
        *recorded_issues(consolidation),
        *figure_issues(workbook, master),
        *stored_actual_issues(workbook, consolidation),
    ]


def blocking_issues(issues: list[Issue], allow_warnings: bool) -> list[Issue]:
    """The issues that stop the sending: errors, and warnings unless accepted."""
    return [i for i in issues if i.is_error or (i.is_warning and not allow_warnings)]


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
    """Rows, columns and cells of included units that «Theo đơn vị» lacks."""
    sheet = workbook.sheet(MasterSheets.BY_UNIT)
    consolidation = master.consolidation
    plan = consolidation.plan
    if not master.value_cells:
        # No figure table at all: a record of the master already, or every
        # «Thực hiện» on «Tổng hợp» now disagrees with the (empty) figures.
        return []
    where = {"file": workbook.source, "sheet": sheet.name}
    with_row = {unit for unit, _ in master.value_cells}
    with_column = {code for _, code in master.value_cells}
    issues: list[Issue] = []
    missing_columns: set[str] = set()
    for status in consolidation.statuses:
        unit = status.unit
        if not status.included:
            continue
        if unit.code not in with_row:
            issues.append(make_issue("master-unit-missing", **where, unit=unit.code, name=unit.name))
            continue
        for element in plan.elements_for(unit):
            address = master.value_cells.get((unit.code, element.code))
            if address is None:
                if element.code not in with_column and element.code not in missing_columns:
                    missing_columns.add(element.code)
                    issues.append(make_issue("master-element-missing", **where, code=element.code,
                                             name=element.name))
            elif is_blank(sheet.cell(*parse_address(address))):
                issues.append(make_issue("missing-cell", **where, cell=address, name=element.name))
    return issues


def stored_actual_issues(workbook: WorkbookData, consolidation: Consolidation) -> list[Issue]:
    """«Thực hiện» on «Tổng hợp» must be what the figures on «Theo đơn vị» give."""
    issues: list[Issue] = []
    for row in summary_rows(workbook, consolidation, issues):
        if row.changed:
            indicator = row.result.indicator
            issues.append(make_issue(
                "master-actual-stale", file=workbook.source, sheet=row.sheet,
                cell=cell_address(row.row, row.columns.actual), value=row.stored_actual, code=indicator.code,
                stored=display_value(row.stored_actual) or BLANK, expected=format_value(row.result.actual) or BLANK,
            ))
    return issues


def master_issues(workbook: WorkbookData, plan: Plan) -> list[Issue]:
    """What can go wrong in a master once staff edited it: unreadable sheets, figures that
    break the report schema, «Thực hiện» values that no longer match the figures."""
    master = read_master(workbook, plan)
    require_plan(master, plan, workbook.source)
    return [
        *master.issues,
        *figure_issues(workbook, master),
        *stored_actual_issues(workbook, master.consolidation),
    ]
