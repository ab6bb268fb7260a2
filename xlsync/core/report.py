"""Reading one unit's report (sheet ``Báo cáo``) into values with cell addresses.

This stage reads and parses; it reports what it cannot read (a missing
label, text in a number cell, an unknown code).  Rules about the values
themselves (bounds, whole numbers, part ≤ whole) are the report schema's, run
over all reports at once by :mod:`xlsync.core.validate`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xlsync.core.issues import Issue, make_issue
from xlsync.core.numbers import Kind, Reading, format_number, read_cell
from xlsync.core.plan import DataElement, Plan, Unit
from xlsync.core.sheets import Sheet, WorkbookData, cell_address
from xlsync.core.text import is_blank, label_key, normalize_text
from xlsync.core.tables import locate_table
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

    table, found = locate_table(sheet, ReportLabels.HEADER, file=file)
    issues += found
    if table is None or any(i.code == "missing-label" for i in found):
        return report, issues

    expected = {e.code: e for e in plan.elements_for(report.unit)} if report.unit else {}
    first_seen: dict[str, str] = {}
    for row in table:
        code_cell = table.address(row.row, ReportLabels.CODE)
        value_cell = table.address(row.row, ReportLabels.VALUE)
        code = normalize_text(row.get(ReportLabels.CODE))
        raw = row.get(ReportLabels.VALUE)
        if not code:
            if not is_blank(raw):
                issues.append(make_issue("unexpected-value", file=file, sheet=sheet.name, cell=value_cell, value=raw))
            continue
        element = plan.elements.get(code) or _element_by_key(plan, code)
        if element is None:
            issues.append(make_issue("unknown-code", file=file, sheet=sheet.name, cell=code_cell, value=code))
            continue
        if element.code in first_seen:
            issues.append(make_issue("duplicate-row", file=file, sheet=sheet.name, cell=code_cell, value=code,
                                     first_cell=first_seen[element.code]))
            continue
        first_seen[element.code] = code_cell
        if report.unit and element.code not in expected:
            issues.append(make_issue("not-reported-by-unit", file=file, sheet=sheet.name, cell=code_cell,
                                     value=code, unit_type=report.unit.type))
            continue
        reading = read_cell(raw, element.kind)
        issues += _reading_issues(reading, element, raw, file, sheet.name, value_cell)
        report.values[element.code] = ReportValue(element, raw, reading.value, value_cell)
        note = normalize_text(row.get(ReportLabels.NOTE))
        if note:
            report.notes[element.code] = note

    for code, element in expected.items():
        if code not in first_seen:
            issues.append(make_issue("missing-row", file=file, sheet=sheet.name, code=code, name=element.name))
    return report, issues


def _element_by_key(plan: Plan, code: str) -> DataElement | None:
    key = label_key(code)
    return next((e for e in plan.elements.values() if label_key(e.code) == key), None)


def _read_heading(sheet: Sheet, report: UnitReport, plan: Plan, file: str) -> list[Issue]:
    issues: list[Issue] = []
    code, code_cell = _labelled(sheet, ReportLabels.UNIT_CODE)
    code = code or report.metadata.get(MetaKeys.UNIT, "")
    report.unit_cell = code_cell
    if not code:
        return [make_issue("missing-unit-code", file=file, sheet=sheet.name)]
    report.unit = plan.unit_by_code(code)
    if report.unit is None:
        issues.append(make_issue("unknown-unit", file=file, sheet=sheet.name, cell=code_cell, value=code))
    report.period, report.period_cell = _labelled(sheet, ReportLabels.PERIOD)
    report.period = report.period or report.metadata.get(MetaKeys.PERIOD, "")
    return issues


def _labelled(sheet: Sheet, label: str) -> tuple[str, str]:
    """The value written beside a label such as "Mã đơn vị:", and its address."""
    found = sheet.find_label([label])
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


def _reading_issues(
    reading: Reading, element: DataElement, raw: object, file: str, sheet: str, cell: str
) -> list[Issue]:
    where = {"file": file, "sheet": sheet, "cell": cell, "value": raw}
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
