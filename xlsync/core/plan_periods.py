"""The plan's periods: sheets «Kỳ báo cáo» and «Chỉ tiêu theo kỳ», both optional.

«Kỳ báo cáo» (Mã kỳ, Tên kỳ, Từ ngày, Đến ngày, Hạn nộp) lists the round's
periods; without it the plan has one, its year (:func:`xlsync.core.periods.default_periods`).
The «Kỳ báo cáo» row of «Thông tin» names the current period (by code or
name); without it the first listed is current.  «Chỉ tiêu theo kỳ» (Mã chỉ
tiêu, Mã kỳ, Kế hoạch) gives an indicator a target for one period.
"""

from __future__ import annotations

from datetime import date
from typing import Callable, Literal

from xlsync.core.issues import Issue, column_fields, make_issue
from xlsync.core.periods import Period, find_code, find_period, format_day, parse_day
from xlsync.core.plan import Indicator, Plan, PeriodTarget
from xlsync.core.plan_sheets import TARGET_COLUMN, PlanSheet

DATE_COLUMNS = ("Từ ngày", "Đến ngày", "Hạn nộp")
# How a target cell is read (number, % or «Đạt»), shared with «Giao chỉ tiêu»: the plan reader's.
TargetReader = Callable[[PlanSheet, int, "float | None", Indicator, list[Issue]], "float | bool | None"]


def read_periods(sheet: PlanSheet | None, issues: list[Issue]) -> tuple[Period, ...]:
    """The periods of «Kỳ báo cáo», in the sheet's order; a row with an error is left out."""
    if sheet is None:
        return ()
    periods: list[Period] = []
    broken = sheet.error_rows
    for row, values in sheet.records():
        code = values.get("Mã kỳ")
        if not code or row in broken or find_code(periods, code) is not None:
            continue
        days = [_day(sheet, row, column, issues) for column in DATE_COLUMNS]
        if any(day is False for day in days):
            continue
        start, end, deadline = (day or None for day in days)
        if start is not None and end is not None and end < start:
            issues.append(make_issue("period-dates-inverted", file=sheet.table.file, sheet=sheet.table.sheet,
                                     cell=sheet.cell(row, "Đến ngày"), value=format_day(end), code=code,
                                     start=format_day(start), end=format_day(end)))
            continue
        periods.append(Period(code, values.get("Tên kỳ") or code, start, end, deadline))
    return tuple(periods)


def _day(sheet: PlanSheet, row: int, column: str, issues: list[Issue]) -> date | None | Literal[False]:
    """The date in a cell: a date, None when blank, False when it is not a date (a record says so)."""
    raw = sheet.raw(row, column)
    try:
        return parse_day(raw)
    except ValueError:
        issues.append(make_issue("invalid-date", file=sheet.table.file, sheet=sheet.table.sheet,
                                 cell=sheet.cell(row, column), value=raw, **column_fields(column)))
        return False


def settle_current_period(plan: Plan, info_cell: tuple[str, str, str] | None, issues: list[Issue]) -> None:
    """«Thông tin» «Kỳ báo cáo» names one of the listed periods: the plan then says it by its name.

    Other modules show ``plan.info.period`` as the period's name; a code typed
    there («2024-6T») becomes the name.  A text naming no listed period is a
    warning and the first period is current.
    """
    if not plan.period_table:
        return
    named = find_period(plan.period_table, plan.info.period)
    if named is None and plan.info.period and info_cell is not None:
        file, sheet, cell = info_cell
        first = plan.period_table[0]
        issues.append(make_issue("plan-period-not-listed", file=file, sheet=sheet, cell=cell,
                                 value=plan.info.period, period=first.label))
    plan.info.period = (named or plan.period_table[0]).name


def read_period_targets(sheet: PlanSheet | None, plan: Plan, left_out_indicators: set[str],
                        issues: list[Issue], read_target: TargetReader) -> list[PeriodTarget]:
    """The targets of «Chỉ tiêu theo kỳ»: each names an indicator and one of the plan's periods."""
    if sheet is None:
        return []
    indicators = {i.code: i for i in plan.indicators}
    file, name = sheet.table.file, sheet.table.sheet
    known = ", ".join(p.code for p in plan.periods)
    broken = sheet.error_rows
    targets: list[PeriodTarget] = []
    for row, values in sheet.records():
        code, period_code = values.get("Mã chỉ tiêu"), values.get("Mã kỳ")
        if not code or not period_code or row in broken or code in left_out_indicators:
            continue
        indicator = indicators.get(code)
        if indicator is None:
            issues.append(make_issue("unknown-code", file=file, sheet=name, cell=sheet.cell(row, "Mã chỉ tiêu"),
                                     value=code, **column_fields("Mã chỉ tiêu")))
            continue
        period = plan.period(period_code)
        if period is None:
            issues.append(make_issue("unknown-period", file=file, sheet=name, cell=sheet.cell(row, "Mã kỳ"),
                                     value=period_code, known=known, **column_fields("Mã kỳ")))
            continue
        target = read_target(sheet, row, values.get(TARGET_COLUMN), indicator, issues)
        if target is not None:
            targets.append(PeriodTarget(indicator=code, period=period.code, target=target, row=row))
    return targets
