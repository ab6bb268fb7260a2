"""Merging unit reports into the commune's figures.

A report enters the totals only when it is clean: no error of its own, the
right period, and the only report of its unit.  Two reports for one unit are
never added twice: neither is counted until the office keeps one.  Every
unit of the plan is accounted for: included, left out (and why), or not
submitted.

:func:`judge_sources` passes the judgement on a set of sources (another
period, two reports for one unit); ``xlsync validate`` calls it too, so a
clerk's pre-check says what the consolidation will.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from xlsync.core.attainment import IndicatorResult, UnitResult, evaluate_plan, evaluate_units
from xlsync.core.issues import Issue, Report, make_issue
from xlsync.core.periods import Period, report_period_code, resolve_period, same_code
from xlsync.core.plan import Method, Plan, Unit
from xlsync.core.report import UnitReport
from xlsync.core.template import MetaKeys

if TYPE_CHECKING:  # pandas is imported by the functions that compute: listing units or sheets needs none
    import pandas as pd


class Status(StrEnum):
    INCLUDED = "Đã nộp"
    HAS_ERRORS = "Có lỗi"
    DUPLICATE = "Trùng báo cáo"
    NOT_SUBMITTED = "Chưa nộp"


@dataclass(slots=True)
class Source:
    """One file or sheet handed to the consolidation, as checked."""

    path: str
    report: UnitReport | None
    issues: list[Issue]
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        return any(i.is_error for i in self.issues)


@dataclass(slots=True)
class UnitStatus:
    unit: Unit
    status: Status
    sources: list[Source] = field(default_factory=list)

    @property
    def included(self) -> bool:
        return self.status is Status.INCLUDED

    @property
    def errors(self) -> int:
        return sum(1 for s in self.sources for i in s.issues if i.is_error)

    @property
    def warnings(self) -> int:
        return sum(1 for s in self.sources for i in s.issues if i.is_warning)


@dataclass(slots=True)
class Consolidation:
    plan: Plan
    period: str
    sources: list[Source]
    statuses: list[UnitStatus]
    values: pd.DataFrame  # included units × data elements
    results: list[IndicatorResult]
    unit_results: list[UnitResult]
    issues: list[Issue]  # every record: the sources' and the consolidation's own
    reporting_period: Period | None = None  # the period consolidated (``period`` is its name)

    @property
    def period_code(self) -> str:
        return self.reporting_period.code if self.reporting_period is not None else ""

    @property
    def report(self) -> Report:
        return Report(list(self.issues))

    @property
    def expected(self) -> int:
        return len(self.statuses)

    @property
    def submitted(self) -> int:
        return sum(1 for s in self.statuses if s.status is not Status.NOT_SUBMITTED)

    @property
    def included_count(self) -> int:
        return sum(1 for s in self.statuses if s.included)

    @property
    def reporting_rate(self) -> float | None:
        return None if not self.expected else 100.0 * self.submitted / self.expected


def expected_units(plan: Plan) -> list[Unit]:
    """Units that have something to report under this plan."""
    return [u for u in plan.units.values() if plan.elements_for(u)]


def consolidate(plan: Plan, sources: list[Source], period: str | None = None) -> Consolidation:
    """The units' reports merged; ``period`` (a code or a name) defaults to the plan's current period."""
    chosen = resolve_period(plan.periods, period, plan.current_period)
    period = chosen.name if chosen is not None else (period or plan.info.period)
    by_unit = judge_sources(sources, chosen or period, plan.periods)
    extra: list[Issue] = []
    statuses: list[UnitStatus] = []
    included: list[UnitReport] = []
    for unit in expected_units(plan):
        found = by_unit.get(unit.code, [])
        status, records = _status(unit, found)
        statuses.append(status)
        extra += records
        if status.included:
            included.append(found[0].report)

    values = _values(plan, included)
    results = evaluate_plan(plan, values)
    extra += _multiple_value_issues(results, values)
    issues = [i for s in sources for i in s.issues] + extra
    return Consolidation(plan, period, sources, statuses, values, results, evaluate_units(plan, values), issues,
                         chosen)


def judge_sources(sources: list[Source], period: Period | str,
                  periods: tuple[Period, ...] = ()) -> dict[str, list[Source]]:
    """The judgement on a set of sources, the same for validate and consolidate.

    A report of another period, and every report after the first for one
    unit, get an error record of their own (so the unit stays out of the
    totals).  Records that come from a report alone (another plan, a unit
    not in the plan) are the reader's.  Returns each unit's sources, in
    source order.  Call it once per run: it adds to the sources' records.
    Periods are compared by code (``periods``: the plan's, to tell a report's
    «Kỳ báo cáo:» text by name or code); ``period`` may be given by code or name.
    """
    expected = period if isinstance(period, Period) else resolve_period(periods, period, None)
    by_unit: dict[str, list[Source]] = {}
    for source in sources:
        source.issues += _period_issues(source, expected, periods)
        if source.report is not None and source.report.unit is not None:
            by_unit.setdefault(source.report.unit.code, []).append(source)
    for unit_code, found in by_unit.items():
        first = found[0]
        for other in found[1:]:
            other.issues.append(make_issue("duplicate-unit", file=other.path, unit=unit_code, other_file=first.path))
    return by_unit


def _period_issues(source: Source, expected: Period | None, periods: tuple[Period, ...]) -> list[Issue]:
    report = source.report
    if report is None or not report.period or expected is None:
        return []
    code = report_period_code(report.period, report.metadata.get(MetaKeys.PERIOD_CODE, ""), periods)
    if same_code(code, expected.code):
        return []
    return [make_issue("other-period", file=source.path, sheet=report.sheet, cell=report.period_cell,
                       value=report.period, expected=expected.name, code=code or '—',
                       expected_code=expected.code)]


def _status(unit: Unit, found: list[Source]) -> tuple[UnitStatus, list[Issue]]:
    """Where a unit stands, and the records that explain it (a duplicate's are its sources' own)."""
    if not found:
        return UnitStatus(unit, Status.NOT_SUBMITTED), [make_issue("not-submitted", unit=unit.code, name=unit.name)]
    if len(found) > 1:
        return UnitStatus(unit, Status.DUPLICATE, found), []
    source = found[0]
    if source.has_errors:
        errors = sum(1 for i in source.issues if i.is_error)
        record = make_issue("unit-excluded", file=source.path, unit=unit.code, name=unit.name, count=errors)
        return UnitStatus(unit, Status.HAS_ERRORS, found), [record]
    return UnitStatus(unit, Status.INCLUDED, found), []


def _values(plan: Plan, reports: list[UnitReport]) -> pd.DataFrame:
    import pandas as pd

    columns = list(plan.elements)
    rows = [[r.number(code) for code in columns] for r in reports]
    index = pd.Index([r.unit.code for r in reports], name="unit")
    return pd.DataFrame(rows, columns=columns, index=index, dtype=float)


def _multiple_value_issues(results: list[IndicatorResult], values: pd.DataFrame) -> list[Issue]:
    """Định tính / Giá trị take one unit's figure: several reporting units is a plan mistake."""
    issues = []
    for result in results:
        indicator = result.indicator
        if indicator.method in (Method.QUALITATIVE, Method.VALUE) and result.units_reporting > 1:
            units = values.index[values[indicator.numerator].notna()]
            issues.append(make_issue("multiple-values", code=indicator.code, count=result.units_reporting,
                                     units=", ".join(units)))
    return issues


def element_totals(consolidation: Consolidation) -> dict[str, float | None]:
    """Commune totals of every data element (Đạt counted as 1) over included units."""
    import pandas as pd

    totals: dict[str, float | None] = {}
    for code in consolidation.plan.elements:
        column = consolidation.values[code] if code in consolidation.values else pd.Series(dtype=float)
        total = column.sum(min_count=1)
        totals[code] = None if total is None or math.isnan(total) else float(total)
    return totals
