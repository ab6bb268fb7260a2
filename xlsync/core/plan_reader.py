"""Reading a plan from its sheets (grids) and checking it.

Whatever the source (the bundled CSV tables, a plan .xlsx edited by next
year's staff), the sheets arrive as a :class:`WorkbookData`.  Problems are
records pointing at the plan's cells; the plan is still built from the rows
that are usable, so one typo does not hide the rest.
"""

from __future__ import annotations

import math
from collections import defaultdict

from xlsync.core.history.units import read_unit_code_changes
from xlsync.core.issues import Issue, make_issue
from xlsync.core.numbers import Kind, format_number, parse_pass_fail
from xlsync.core.plan import (
    COMMUNE_TYPE,
    Comparison,
    DataElement,
    Indicator,
    InfoKeys,
    Labels,
    Method,
    Plan,
    PlanInfo,
    Recipient,
    Sheets,
    Unit,
    UnitTarget,
    is_email_address,
    measured_in_percent,
    parse_comparison,
    split_addresses,
)
from xlsync.core.plan_periods import read_period_targets, read_periods, settle_current_period
from xlsync.core.plan_scoring import read_award_rules, read_criteria
from xlsync.core.plan_sheets import TARGET_COLUMN, PlanSheet, read_plan_sheet
from xlsync.core.sheets import WorkbookData
from xlsync.core.text import is_blank, label_key


def read_plan(workbook: WorkbookData) -> tuple[Plan, list[Issue]]:
    # The sheets' schemas are built when a plan is read: a run whose plan comes from the cache builds none.
    from xlsync.schemas import plan as plan_schemas

    issues: list[Issue] = []

    def sheet_table(name: str, labels: tuple, schema, *, required: bool = True) -> PlanSheet | None:
        plan_sheet = read_plan_sheet(workbook, name, labels, issues, required=required)
        if plan_sheet is not None and schema is not None:
            issues.extend(plan_sheet.check(schema))
        return plan_sheet

    info_sheet = sheet_table(Sheets.INFO, Labels.INFO, None)
    info = _read_info(info_sheet)
    elements_sheet = sheet_table(Sheets.ELEMENTS, Labels.ELEMENTS, plan_schemas.ELEMENTS)
    indicators_sheet = sheet_table(Sheets.INDICATORS, Labels.INDICATORS, plan_schemas.INDICATORS)
    units_sheet = sheet_table(Sheets.UNITS, Labels.UNITS, plan_schemas.UNITS)
    recipients_sheet = sheet_table(Sheets.RECIPIENTS, Labels.RECIPIENTS, plan_schemas.RECIPIENTS)
    targets_sheet = sheet_table(Sheets.UNIT_TARGETS, Labels.UNIT_TARGETS, plan_schemas.UNIT_TARGETS, required=False)
    criteria_sheet = sheet_table(Sheets.CRITERIA, Labels.CRITERIA, plan_schemas.CRITERIA, required=False)
    awards_sheet = sheet_table(Sheets.AWARDS, Labels.AWARDS, plan_schemas.AWARD_RULES, required=False)
    periods_sheet = sheet_table(Sheets.PERIODS, Labels.PERIODS, plan_schemas.PERIODS, required=False)
    period_targets_sheet = sheet_table(Sheets.PERIOD_TARGETS, Labels.PERIOD_TARGETS, plan_schemas.PERIOD_TARGETS,
                                       required=False)
    unit_changes_sheet = sheet_table(Sheets.UNIT_CODE_CHANGES, Labels.UNIT_CODE_CHANGES,
                                     plan_schemas.UNIT_CODE_CHANGES, required=False)

    plan = Plan(info=info, source=workbook.source)
    plan.elements = _read_elements(elements_sheet)
    plan.units = _read_units(units_sheet)
    issues.extend(_unit_address_problems(units_sheet))
    plan.recipients = _read_recipients(recipients_sheet)
    # One cause, one error: a code listed on its sheet but left out for an error of its own row
    # is not reported again by every row that refers to it.
    left_out_elements = _listed_codes(elements_sheet) - set(plan.elements)
    plan.indicators = _read_indicators(indicators_sheet, plan, left_out_elements, issues)
    left_out_indicators = _listed_codes(indicators_sheet) - {i.code for i in plan.indicators}
    plan.unit_targets = _read_unit_targets(targets_sheet, plan, left_out_indicators, issues)
    plan.criteria = read_criteria(criteria_sheet, plan, left_out_indicators, issues)
    plan.award_rules = read_award_rules(awards_sheet, plan, issues)
    plan.period_table = read_periods(periods_sheet, issues)
    settle_current_period(plan, _info_cell(info_sheet, InfoKeys.PERIOD), issues)
    plan.period_targets = read_period_targets(period_targets_sheet, plan, left_out_indicators, issues, _unit_target)
    plan.unit_code_changes = read_unit_code_changes(unit_changes_sheet, plan, issues)  # after the periods
    issues.extend(_check_unit_types(elements_sheet, plan))
    issues.extend(_conflicting_targets(plan, indicators_sheet))
    return plan, issues


def _listed_codes(sheet: PlanSheet | None) -> set[str]:
    return set() if sheet is None else {v["Mã"] for _, v in sheet.records() if v.get("Mã")}


def _fmt(value: float | None) -> str:
    return "" if value is None else format_number(value)


def _read_info(sheet: PlanSheet | None) -> PlanInfo:
    info = PlanInfo()
    if sheet is None:
        return info
    fields = {
        InfoKeys.PLAN_ID: "plan_id", InfoKeys.TITLE: "title", InfoKeys.ISSUER: "issuer",
        InfoKeys.ISSUED: "issued", InfoKeys.YEAR: "year", InfoKeys.PERIOD: "period",
        InfoKeys.VERSION: "version", InfoKeys.SIGNER: "signer", InfoKeys.SIGNER_TITLE: "signer_title",
        InfoKeys.SENDER: "sender", InfoKeys.EXAMPLE: "note", InfoKeys.DEADLINE: "deadline",
    }
    by_key = {label_key(k): attr for k, attr in fields.items()}
    for _, values in sheet.records():
        attr = by_key.get(label_key(values.get("Mục")))
        if attr and values.get("Nội dung"):
            setattr(info, attr, values["Nội dung"])
    return info


def _info_cell(sheet: PlanSheet | None, key: str) -> tuple[str, str, str] | None:
    """(file, sheet, cell) of the «Nội dung» of one «Thông tin» row, for its records."""
    if sheet is None:
        return None
    row = next((r for r, values in sheet.records() if label_key(values.get("Mục")) == label_key(key)), None)
    return None if row is None else (sheet.table.file, sheet.table.sheet, sheet.cell(row, "Nội dung"))


def _read_elements(sheet: PlanSheet | None) -> dict[str, DataElement]:
    elements: dict[str, DataElement] = {}
    if sheet is None:
        return elements
    kinds = {k.value: k for k in Kind}
    for row, v in sheet.records():
        code, kind = v.get("Mã"), kinds.get(v.get("Kiểu") or "")
        if not code or kind is None or code in elements:
            continue
        reported_by = tuple(t.strip() for t in (v.get("Cấp báo cáo") or "").split(",") if t.strip())
        elements[code] = DataElement(
            code=code, name=v.get("Tên") or code, unit=v.get("Đơn vị tính") or "", kind=kind,
            reported_by=reported_by, note=v.get("Ghi chú") or "", row=row,
        )
    return elements


def _read_units(sheet: PlanSheet | None) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    if sheet is None:
        return units
    for row, v in sheet.records():
        code = v.get("Mã")
        if not code or code in units:
            continue
        units[code] = Unit(
            code=code, name=v.get("Tên") or code, type=v.get("Loại") or "", block=v.get("Khối thi đua") or "",
            email=v.get("Email") or "", note=v.get("Ghi chú") or "", row=row,
        )
    return units


def _unit_address_problems(sheet: PlanSheet | None) -> list[Issue]:
    """One record per malformed address of «Email», which may list several («a@x.vn; b@x.vn»)."""
    if sheet is None:
        return []
    problems = []
    for row, v in sheet.records():
        for address in split_addresses(v.get("Email") or ""):
            if not is_email_address(address):
                where = sheet.locate(row, "Email")
                problems.append(make_issue("invalid-email", file=where.file, sheet=where.sheet, cell=where.cell,
                                           value=address, **where.params))
    return problems


def _read_recipients(sheet: PlanSheet | None) -> list[Recipient]:
    if sheet is None:
        return []
    return [
        Recipient(name=v["Tên"], email=v.get("Email") or "", note=v.get("Ghi chú") or "")
        for _, v in sheet.records()
        if v.get("Tên")
    ]


def _read_indicators(
    sheet: PlanSheet | None, plan: Plan, left_out_elements: set[str], issues: list[Issue]
) -> list[Indicator]:
    indicators: list[Indicator] = []
    if sheet is None:
        return indicators
    methods = {m.value: m for m in Method}
    seen: set[str] = set()
    broken = sheet.error_rows
    for row, v in sheet.records():
        code = v.get("Mã")
        comparison = parse_comparison(v.get("So sánh"))
        method = methods.get(v.get("Cách tính") or "")
        if not code or code in seen or row in broken or comparison is None or method is None:
            continue
        if {v.get("Tử số"), v.get("Mẫu số")} & left_out_elements:
            continue  # the element's own row says what is wrong
        seen.add(code)
        target, problems = _indicator_target(sheet, row, v, comparison, method)
        problems += _indicator_problems(sheet, row, v, method, plan)
        issues.extend(problems)
        if any(p.is_error for p in problems):
            continue
        factor = v.get("Hệ số")
        indicators.append(
            Indicator(
                code=code, group=v.get("Nhóm") or "", name=v.get("Chỉ tiêu") or code,
                unit=v.get("Đơn vị tính") or "", comparison=comparison, target=target, method=method,
                numerator=v.get("Tử số") or "", denominator=v.get("Mẫu số") or "",
                factor=1.0 if factor is None or math.isnan(factor) else float(factor),
                note=v.get("Ghi chú") or "", row=row,
            )
        )
    return indicators


def _indicator_target(
    sheet: PlanSheet, row: int, v: dict, comparison: Comparison, method: Method
) -> tuple[float | bool | None, list[Issue]]:
    """The target as meant: «Đạt», or a number read as a percentage where the indicator is one."""
    if comparison is Comparison.PASS:
        return True, []
    number = v.get(TARGET_COLUMN)
    if number is None or math.isnan(number):
        return None, [_unread_target(sheet, row)]
    in_percent = measured_in_percent(v.get("Đơn vị tính") or "", method)
    return sheet.percent_value(row, TARGET_COLUMN, float(number), in_percent=in_percent)


def _unread_target(sheet: PlanSheet, row: int) -> Issue:
    """A target cell without a number: blank, or «Đạt» where a number is wanted.

    (A number that could not be read was reported with the sheet, and its row left out.)
    """
    where = sheet.locate(row, TARGET_COLUMN)
    code = "missing-cell" if is_blank(where.value) else "type-error"
    return make_issue(code, file=where.file, sheet=where.sheet, cell=where.cell, value=where.value, **where.params)


def _indicator_problems(sheet: PlanSheet, row: int, v: dict, method: Method, plan: Plan) -> list[Issue]:
    file, name = sheet.table.file, sheet.table.sheet
    problems: list[Issue] = []

    def at(column: str) -> str:
        return sheet.cell(row, column)

    for column in ("Tử số", "Mẫu số"):
        code = v.get(column)
        if code and code not in plan.elements:
            problems.append(make_issue("unknown-element", file=file, sheet=name, cell=at(column), value=code))
    if method.needs_denominator and not v.get("Mẫu số"):
        problems.append(make_issue("missing-cell", file=file, sheet=name, cell=at("Mẫu số"), name="Mẫu số"))

    element = plan.elements.get(v.get("Tử số") or "")
    if element is not None:
        wants_pass_fail = method.needs_pass_fail
        if wants_pass_fail != (element.kind is Kind.PASS_FAIL):
            expected = Kind.PASS_FAIL.value if wants_pass_fail else "số"
            problems.append(
                make_issue("element-kind-mismatch", file=file, sheet=name, cell=at("Tử số"), value=element.code,
                           method=method.value, expected=expected, kind=element.kind.value)
            )
    return problems


def _read_unit_targets(
    sheet: PlanSheet | None, plan: Plan, left_out_indicators: set[str], issues: list[Issue]
) -> list[UnitTarget]:
    targets: list[UnitTarget] = []
    if sheet is None:
        return targets
    indicators = {i.code: i for i in plan.indicators}
    file, name = sheet.table.file, sheet.table.sheet
    broken = sheet.error_rows
    for row, v in sheet.records():
        unit, code = v.get("Mã đơn vị"), v.get("Mã chỉ tiêu")
        if not unit or not code or row in broken or code in left_out_indicators:
            continue
        if plan.unit_by_code(unit) is None:
            issues.append(make_issue("unknown-unit", file=file, sheet=name, cell=sheet.cell(row, "Mã đơn vị"), value=unit))
            continue
        indicator = indicators.get(code)
        if indicator is None:
            issues.append(make_issue("unknown-code", file=file, sheet=name, cell=sheet.cell(row, "Mã chỉ tiêu"), value=code))
            continue
        target = _unit_target(sheet, row, v.get(TARGET_COLUMN), indicator, issues)
        if target is not None:
            targets.append(UnitTarget(unit=plan.unit_by_code(unit).code, indicator=code, target=target, row=row))
    return targets


def _unit_target(sheet: PlanSheet, row: int, number: float | None, indicator: Indicator,
                 issues: list[Issue]) -> float | bool | None:
    """A unit's target: a number, or «Đạt» for a pass/fail indicator; anything else is a record."""
    if number is not None and not math.isnan(number):
        value, said = sheet.percent_value(row, TARGET_COLUMN, float(number), in_percent=indicator.in_percent)
        issues.extend(said)
        return value
    if parse_pass_fail(sheet.raw(row, TARGET_COLUMN)).value is True and indicator.comparison is Comparison.PASS:
        return True
    issues.append(_unread_target(sheet, row))
    return None


def _check_unit_types(sheet: PlanSheet | None, plan: Plan) -> list[Issue]:
    if sheet is None or not plan.units:
        return []
    known = {label_key(u.type) for u in plan.units.values()} | {label_key(COMMUNE_TYPE)}
    issues = []
    for element in plan.elements.values():
        for unit_type in element.reported_by:
            if label_key(unit_type) not in known:
                issues.append(
                    make_issue("unknown-unit-type", file=sheet.table.file, sheet=sheet.table.sheet,
                               cell=sheet.cell(element.row, "Cấp báo cáo"), value=unit_type)
                )
    return issues


def _conflicting_targets(plan: Plan, sheet: PlanSheet | None) -> list[Issue]:
    """Two indicators computing the same thing with different targets (the seed's poor-household rate)."""
    groups: dict[tuple, list[Indicator]] = defaultdict(list)
    for ind in plan.indicators:
        groups[(ind.method, ind.numerator, ind.denominator, ind.factor)].append(ind)
    issues = []
    if sheet is None:
        return issues
    for same in groups.values():
        first = same[0]
        for other in same[1:]:
            if (other.comparison, other.target) == (first.comparison, first.target):
                continue
            issues.append(
                make_issue(
                    "conflicting-targets", file=sheet.table.file, sheet=sheet.table.sheet,
                    cell=sheet.cell(first.row, "Mã"),
                    value=first.code, code=first.code, row=first.row + 1, other_code=other.code,
                    other_row=other.row + 1, name=first.name,
                    target=f"{first.comparison.value} {_fmt(first.target)}",
                    other_target=f"{other.comparison.value} {_fmt(other.target)}",
                )
            )
    return issues


# --- scoring sheets: «Tiêu chí chấm điểm» and «Khen thưởng» -------------------
