"""Reading one unit's report (sheet ``Báo cáo``) into values with cell addresses.

This stage reads and parses; it reports what it cannot read (a missing
label, text in a number cell, an unknown code) and what it read in a way
worth saying (a rate typed as «64,8%», a value column chosen among several).
Where the table is and which rows are data: :mod:`xlsync.core.report_table`.  Rules about the values
themselves (bounds, whole numbers, part ≤ whole) are the report schema's, run
over all reports at once by :mod:`xlsync.core.validate`.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

from xlsync.core.issues import Issue, make_issue
from xlsync.core.numbers import Kind, Reading, format_number, percent_shown, read_cell
from xlsync.core.plan import DataElement, Plan, Unit
from xlsync.core.report_table import ReportTable, locate_report_table
from xlsync.core.sheets import Sheet, WorkbookData, cell_address, column_letter
from xlsync.core.text import is_blank, label_key, normalize_text, text_key
from xlsync.core.template import META_SHEET, REPORT_SHEET, MetaKeys, ReportLabels


@dataclass(slots=True)
class ReportValue:
    element: DataElement
    raw: object
    value: float | bool | None
    cell: str


@dataclass(slots=True)
class UnitReport:
    source: str
    sheet: str
    unit: Unit | None = None
    unit_cell: str = ""
    period: str = ""
    period_cell: str = ""
    plan_id: str = ""
    plan_fingerprint: str = ""
    values: dict[str, ReportValue] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)

    def number(self, code: str) -> float | None:
        """A value as a number (Đạt → 1, Chưa đạt → 0), None when not usable."""
        item = self.values.get(code)
        if item is None or item.value is None:
            return None
        return float(item.value)


def read_metadata(workbook: WorkbookData) -> dict[str, str]:
    """Key/value rows of the hidden ``_xlsync`` sheet, if any."""
    sheet = workbook.sheet(META_SHEET)
    if sheet is None:
        return {}
    return {
        normalize_text(row[0]): normalize_text(row[1])
        for row in sheet.rows
        if len(row) >= 2 and not is_blank(row[0])
    }


def read_report(workbook: WorkbookData, plan: Plan) -> tuple[UnitReport | None, list[Issue]]:
    file = workbook.source
    sheet = workbook.sheet(REPORT_SHEET)
    if sheet is None:
        return None, [make_issue("missing-sheet", file=file, sheet=REPORT_SHEET, available=", ".join(workbook.sheets))]

    issues: list[Issue] = []
    report = UnitReport(source=file, sheet=sheet.name, metadata=read_metadata(workbook))
    report.plan_id = report.metadata.get(MetaKeys.PLAN_ID, "")
    report.plan_fingerprint = report.metadata.get(MetaKeys.PLAN_FINGERPRINT, "")
    issues += _read_heading(sheet, report, plan, file)
    issues += _check_plan(report, plan, file)

    lookups = _lookups(plan)
    table, found = locate_report_table(sheet, report.period or plan.info.period, lookups.is_known, file=file)
    issues += found
    if table is None:
        return report, issues

    expected = lookups.expected(plan, report.unit) if report.unit else {}
    value_col = table.columns[ReportLabels.VALUE]
    note_col = table.columns[ReportLabels.NOTE]
    value_letter = column_letter(value_col)
    first_seen: dict[str, int] = {}  # element code → its row
    readable = expected if report.unit else lookups.elements  # a row of another code is a record
    values, plan_element, isfinite = report.values, lookups.elements.get, math.isfinite  # looked up once, not per row
    for row, code, cells in table.rows:
        element = plan_element(code) or lookups.element(code)
        if element is not None and (known := element.code) in readable and known not in first_seen:
            first_seen[known] = row  # the common case, which _row_problem would pass
        elif (problem := _row_problem(element, row, table, first_seen, expected, report.unit)) is not None:
            issues.append(make_issue(problem[0], file=file, sheet=sheet.name,
                                     cell=table.address(row, ReportLabels.CODE), value=code, **problem[1]))
            continue
        value_cell = _value_cell(value_letter, row)
        raw = cells[value_col] if value_col < len(cells) else None
        if type(raw) is float and element.kind in _PLAIN_NUMBERS and isfinite(raw):
            value = raw  # the common case, as read_cell reads it, without building a reading
        else:
            value, found = _read_value(sheet, raw, (row, value_col), value_cell, element, file)
            issues += found
        values[element.code] = ReportValue(element, raw, value, value_cell)
        if note_col < len(cells) and (note := cells[note_col]) is not None and (note := normalize_text(note)):
            report.notes[element.code] = note

    for code, element in expected.items():
        if code not in first_seen:
            issues.append(make_issue("missing-row", file=file, sheet=sheet.name, code=code, name=element.name))
    return report, issues


@functools.lru_cache(maxsize=4096)
def _value_cell(letter: str, row: int) -> str:
    # Every report of a run has its values in the same cells: one string each, shared by all the reports
    # (a worker sends each once per batch, and the parent holds each once).
    return f"{letter}{row + 1}"


def _row_problem(
    element: DataElement | None, row: int, table: ReportTable, first_seen: dict[str, int],
    expected: dict[str, DataElement], unit: Unit | None,
) -> tuple[str, dict[str, str]] | None:
    """Why a data row is not read: an unknown code, a repeated one, or one the unit does not report.

    The first row of each known code is remembered in ``first_seen``.
    """
    if element is None:
        return "unknown-code", {}
    if element.code in first_seen:
        return "duplicate-row", {"first_cell": table.address(first_seen[element.code], ReportLabels.CODE)}
    first_seen[element.code] = row
    if unit and element.code not in expected:
        return "not-reported-by-unit", {"unit_type": unit.type}
    return None


class _Lookups:
    """What reading a report looks up in the plan's data elements, prepared once for the whole run.

    A code is the plan's as written, else the first element whose code differs
    only in case or spacing; a unit reports the elements of its type.
    """

    __slots__ = ("elements", "count", "_by_key", "_by_type")

    def __init__(self, elements: dict[str, DataElement]) -> None:
        self.elements = elements  # held, so its identity cannot pass to another table
        self.count = len(elements)
        self._by_key: dict[str, DataElement] = {}
        for element in elements.values():
            self._by_key.setdefault(label_key(element.code), element)
        self._by_type: dict[str, dict[str, DataElement]] = {}

    def element(self, code: str) -> DataElement | None:
        element = self.elements.get(code)
        if element is None and code:
            element = self._by_key.get(label_key(code))
        return element

    def is_known(self, code: str) -> bool:
        return self.element(code) is not None

    def expected(self, plan: Plan, unit: Unit) -> dict[str, DataElement]:
        """:meth:`Plan.elements_for` the unit, by code: made once per unit type, not per report."""
        if unit.type not in self._by_type:
            self._by_type[unit.type] = {e.code: e for e in plan.elements_for(unit)}
        return self._by_type[unit.type]


_last_lookups: list[_Lookups] = []


def _lookups(plan: Plan) -> _Lookups:
    """The lookups of ``plan``'s element table, made again only when the table is another one.

    The plan's tables are replaced, not edited, once read (as :attr:`Plan.fingerprint` assumes); the
    length is checked too.  Preparing them once saves each report a search per code and per unit type.
    """
    last = _last_lookups[0] if _last_lookups else None
    if last is None or last.elements is not plan.elements or last.count != len(plan.elements):
        _last_lookups[:] = [last := _Lookups(plan.elements)]
    return last


_PLAIN_NUMBERS = frozenset({Kind.INTEGER, Kind.DECIMAL})
_PERCENT = Kind.PERCENT  # an attribute of an enum class is a slow lookup, once per value cell

# Text typed in value cells repeats from report to report («Đạt», «Chưa đạt»): each text is read once per
# kind (5 µs each time otherwise); a Reading is immutable.
_read_text_cell = functools.lru_cache(maxsize=4096)(read_cell)


def _read_value(
    sheet: Sheet, raw: object, position: tuple[int, int], cell: str, element: DataElement, file: str
) -> tuple[float | bool | None, list[Issue]]:
    """One value cell (``raw`` at ``position``): its value, and what is worth saying about it.

    A number in a %-formatted cell of a rate was typed as «64,8%» (Excel keeps
    0.648): it is 64,8.  A blank that hides a formula says so, rather than
    «not entered».
    """
    reading = _read_text_cell(raw, element.kind) if type(raw) is str else read_cell(raw, element.kind)
    if reading.status == "ok" and element.kind is not _PERCENT:
        return reading.value, []
    where = {"file": file, "sheet": sheet.name, "cell": cell, "value": raw}
    if reading.status == "blank":
        if position in sheet.error_cells:
            error = sheet.error_cells[position]
            return None, [make_issue("formula-error", **{**where, "value": error}, error=error)]
        if position in sheet.formulas_without_value:
            formula = sheet.formulas_without_value[position]
            # A shared formula's later cells carry no text of their own: name it only when known.
            return None, [make_issue("formula-without-value", **where, formula=f" «{formula}»" if formula else "")]
    if (element.kind is Kind.PERCENT and reading.from_number_cell and position in sheet.percent_cells
            and isinstance(reading.value, float)):
        percent = percent_shown(reading.value)
        shown = format_number(percent)
        return percent, [make_issue("percent-format-read", **where, shown=f"{shown}%", percent=shown)]
    return reading.value, _reading_issues(reading, element, raw, where)


def _read_heading(sheet: Sheet, report: UnitReport, plan: Plan, file: str) -> list[Issue]:
    issues: list[Issue] = []
    found = _label_positions(sheet, _HEADING_LABELS)
    code, code_cell = _labelled(sheet, found.get(ReportLabels.UNIT_CODE))
    code = code or report.metadata.get(MetaKeys.UNIT, "")
    report.unit_cell = code_cell
    if not code:
        return [make_issue("missing-unit-code", file=file, sheet=sheet.name)]
    report.unit = plan.unit_by_code(code)
    if report.unit is None:
        issues.append(make_issue("unknown-unit", file=file, sheet=sheet.name, cell=code_cell, value=code))
    report.period, report.period_cell = _labelled(sheet, found.get(ReportLabels.PERIOD))
    report.period = report.period or report.metadata.get(MetaKeys.PERIOD, "")
    return issues


_HEADING_LABELS = {label_key(label): label for label in (ReportLabels.UNIT_CODE, ReportLabels.PERIOD)}


def _label_positions(sheet: Sheet, wanted: dict[str, str], max_rows: int = 40) -> dict[str, tuple[int, int]]:
    """Each label's first cell in the first rows, as :meth:`Sheet.find_label` finds it, in one pass for all
    (``wanted``: label key → label)."""
    found: dict[str, tuple[int, int]] = {}
    for r, line in enumerate(sheet.rows[:max_rows]):
        for c, value in enumerate(line):
            if isinstance(value, str) and (label := wanted.get(text_key(value))) and label not in found:
                found[label] = (r, c)
                if len(found) == len(wanted):
                    return found
    return found


def _labelled(sheet: Sheet, found: tuple[int, int] | None) -> tuple[str, str]:
    """The value written beside a label such as "Mã đơn vị:" found at ``found``, and its address."""
    if found is None:
        return "", ""
    row, col = found
    value, value_col = sheet.value_right_of(row, col)
    return normalize_text(value), cell_address(row, value_col)


def _check_plan(report: UnitReport, plan: Plan, file: str) -> list[Issue]:
    if report.plan_id and plan.info.plan_id and label_key(report.plan_id) != label_key(plan.info.plan_id):
        return [make_issue("other-plan", file=file, found=report.plan_id, expected=plan.info.plan_id)]
    if report.plan_fingerprint and report.plan_fingerprint != plan.fingerprint:
        return [make_issue("plan-version-changed", file=file, found=report.plan_fingerprint, expected=plan.fingerprint)]
    return []


def _reading_issues(reading: Reading, element: DataElement, raw: object, where: dict[str, object]) -> list[Issue]:
    if reading.status == "blank":
        return [make_issue("missing-cell", **where, name=element.name)]
    if reading.status == "invalid":
        code = "invalid-pass-fail" if element.kind is Kind.PASS_FAIL else "type-error"
        return [make_issue(code, **where)]
    if reading.status == "ambiguous":
        return [make_issue("ambiguous-number", **where, reading=format_number(reading.value),
                           other=format_number(reading.other))]
    if reading.status == "foreign":
        return [make_issue("foreign-number-format", **where, reading=format_number(reading.value))]
    if (element.kind is Kind.PERCENT and reading.from_number_cell
            and isinstance(reading.value, float) and 0 < reading.value <= 1):
        return [make_issue("percent-as-fraction", **where, percent=format_number(reading.value * 100))]
    return []
