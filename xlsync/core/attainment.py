"""Actual values of indicators, and how far each target is attained.

Actual values follow the plan's Cách tính over the *raw* figures of the
units included: a rate is 100 × Σ numerator / Σ denominator, never an
average of unit rates.

Tỷ lệ đạt (%):
- "at least" targets (≥, >, =): 100 × actual / target; blank when the target is 0.
- "at most" targets (≤, <): 100 × target / actual; blank when the actual is 0
  (nothing to divide by: the target is met in full, Đánh giá says Đạt).
- Đạt/Chưa đạt targets: blank; Đánh giá says it all.

The master workbook carries the same rules as live Excel formulas
(:mod:`xlsync.io.master.write`); a test recalculates them in LibreOffice and
compares with the values computed here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from xlsync.core.numbers import format_number
from xlsync.core.plan import Comparison, Indicator, Method, Plan

if TYPE_CHECKING:  # frames reach these functions already built: pandas is loaded by then
    import pandas as pd

DECIMALS = 6  # actual values are stored rounded, so Excel and Python compare the same number
EQUAL_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    indicator: Indicator
    actual: float | bool | None
    numerator_total: float | None = None
    denominator_total: float | None = None
    units_reporting: int = 0
    target: float | bool | None = None
    explanation: str = ""  # the arithmetic, in Vietnamese number style

    @property
    def ratio(self) -> float | None:
        return attainment_ratio(self.indicator.comparison, self.target, self.actual)

    @property
    def achieved(self) -> bool | None:
        return achieved(self.indicator.comparison, self.target, self.actual)


def attainment_ratio(comparison: Comparison, target: float | bool | None, actual: float | bool | None) -> float | None:
    if comparison is Comparison.PASS or target is None or actual is None:
        return None
    if isinstance(actual, bool) or isinstance(target, bool):
        return None
    if comparison.at_most:
        return None if actual == 0 else 100 * target / actual
    return None if target == 0 else 100 * actual / target


def achieved(comparison: Comparison, target: float | bool | None, actual: float | bool | None) -> bool | None:
    if actual is None:
        return None
    if comparison is Comparison.PASS:
        return actual is True
    if target is None or isinstance(actual, bool):
        return None
    match comparison:
        case Comparison.GE:
            return actual >= target
        case Comparison.GT:
            return actual > target
        case Comparison.LE:
            return actual <= target
        case Comparison.LT:
            return actual < target
        case Comparison.EQ:
            return abs(actual - target) <= EQUAL_TOLERANCE * max(1.0, abs(target))
    return None


def _round(value: float | None) -> float | None:
    if value is None or math.isnan(value):
        return None
    return round(value, DECIMALS) + 0.0


def evaluate(indicator: Indicator, frame: pd.DataFrame, target: float | bool | None = None) -> IndicatorResult:
    """The actual value of one indicator over the units (rows) of ``frame``.

    ``frame`` has one float column per data element (Đạt = 1, Chưa đạt = 0,
    missing = NaN).  ``target`` defaults to the plan's.
    """
    target = indicator.target if target is None else target
    num = frame[indicator.numerator] if indicator.numerator in frame else _no_figures()
    method, factor = indicator.method, indicator.factor

    if method in (Method.RATE, Method.QUOTIENT):
        den = frame[indicator.denominator] if indicator.denominator in frame else _no_figures()
        both = num.notna() & den.notna()
        n_total, d_total = float(num[both].sum()), float(den[both].sum())
        reporting = int(both.sum())
        scale = 100.0 if method is Method.RATE else factor
        if not reporting or d_total == 0:
            return IndicatorResult(indicator, None, n_total, d_total, reporting, target,
                                   "Mẫu số bằng 0" if reporting else "")
        actual = _round(scale * n_total / d_total)
        text = f"{format_number(scale)} × {format_number(n_total)} / {format_number(d_total)}"
        return IndicatorResult(indicator, actual, n_total, d_total, reporting, target, text)

    present = num.dropna()
    reporting = len(present)
    if not reporting:
        return IndicatorResult(indicator, None, None, None, 0, target)
    if method is Method.SUM:
        total = float(present.sum())
        actual = _round(factor * total)
        text = f"Σ = {format_number(total)}" + (f" × {format_number(factor)}" if factor != 1 else "")
        return IndicatorResult(indicator, actual, total, None, reporting, target, text)
    if method is Method.COUNT_PASS:
        passed = int((present == 1).sum())
        return IndicatorResult(indicator, float(passed), float(passed), None, reporting, target,
                               f"{passed} đơn vị Đạt")
    if method is Method.PASS_RATE:
        passed = int((present == 1).sum())
        actual = _round(100.0 * passed / reporting)
        return IndicatorResult(indicator, actual, float(passed), float(reporting), reporting, target,
                               f"100 × {passed} / {reporting}")
    # QUALITATIVE and VALUE take the single figure of the one unit that reports it.
    if reporting > 1:
        return IndicatorResult(indicator, None, None, None, reporting, target, "Nhiều đơn vị cùng báo cáo")
    value = float(present.iloc[0])
    if method is Method.QUALITATIVE:
        return IndicatorResult(indicator, value == 1, None, None, 1, target, str(present.index[0]))
    return IndicatorResult(indicator, _round(factor * value), value, None, 1, target, str(present.index[0]))


def _no_figures() -> pd.Series:
    """The column of an element no unit reports."""
    import pandas as pd

    return pd.Series(dtype=float)


def evaluate_plan(plan: Plan, frame: pd.DataFrame) -> list[IndicatorResult]:
    return [evaluate(indicator, frame) for indicator in plan.indicators]


@dataclass(frozen=True, slots=True)
class UnitResult:
    unit_code: str
    result: IndicatorResult


def evaluate_units(plan: Plan, frame: pd.DataFrame) -> list[UnitResult]:
    """Per-unit attainment of the targets assigned to units (sheet «Giao chỉ tiêu»)."""
    indicators = {i.code: i for i in plan.indicators}
    results = []
    for assigned in plan.unit_targets:
        indicator = indicators.get(assigned.indicator)
        if indicator is None:
            continue
        rows = frame.loc[[assigned.unit]] if assigned.unit in frame.index else frame.iloc[0:0]
        results.append(UnitResult(assigned.unit, evaluate(indicator, rows, assigned.target)))
    return results
