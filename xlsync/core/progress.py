"""Progress of a period that is part of the year (sơ kết 6 tháng, a quarter…) towards the plan.

The plan's targets are annual.  For a part of the year, each indicator is
judged by one of three rules, and the master says which:

- the plan gives a target for this period («Chỉ tiêu theo kỳ»): the actual
  figure against that target, as the year's attainment is judged;
- sums and counts (Tổng, Đếm đạt) without one: the share of the annual target
  already done, 100 × actual / annual target; «Đạt» once the annual target is
  met, «Đang thực hiện» before (a ceiling ≤/< already passed is «Chưa đạt»);
- rates, averages, single values and pass/fail (Tỷ lệ, Bình quân, Tỷ lệ đạt,
  Giá trị, Định tính): a level, not an amount that accumulates, so it is
  compared directly with the annual target.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from xlsync.core.attainment import IndicatorResult, achieved, attainment_ratio
from xlsync.core.numbers import FAIL, PASS, format_number
from xlsync.core.periods import Period
from xlsync.core.plan import Comparison, Method, Plan

IN_PROGRESS = "Đang thực hiện"
ACCUMULATING = (Method.SUM, Method.COUNT_PASS)  # figures that add up over the year


class ProgressRule(StrEnum):
    PERIOD_TARGET = "Theo chỉ tiêu của kỳ"
    SHARE_OF_YEAR = "Thực hiện / kế hoạch năm"
    DIRECT = "So trực tiếp với kế hoạch năm"


RULE_EXPLAINED = {
    ProgressRule.PERIOD_TARGET: "Kế hoạch giao riêng cho kỳ này (trang «Chỉ tiêu theo kỳ» của kế hoạch).",
    ProgressRule.SHARE_OF_YEAR: "Chỉ tiêu cộng dồn (Tổng, Đếm đạt): tiến độ = 100 × thực hiện / kế hoạch năm.",
    ProgressRule.DIRECT: "Chỉ tiêu là mức (tỷ lệ, bình quân, giá trị, đạt/chưa đạt): so trực tiếp với kế hoạch năm.",
}


@dataclass(frozen=True, slots=True)
class Progress:
    result: IndicatorResult  # the indicator's figure for the period, with its annual target
    rule: ProgressRule
    period_target: float | bool | None  # «Chỉ tiêu theo kỳ», when the plan gives one
    percent: float | None  # share of the annual target, or attainment of the target compared with
    verdict: str  # Đạt / Chưa đạt / Đang thực hiện / "" (no figure)

    @property
    def explanation(self) -> str:
        if self.percent is None:
            return ""
        if self.rule is ProgressRule.SHARE_OF_YEAR:
            return (f"{format_number(self.result.actual)} / {format_number(self.result.target)} = "
                    f"{format_number(round(self.percent, 2))}% kế hoạch năm")
        return f"{format_number(round(self.percent, 2))}% so với kế hoạch"


def shows_progress(plan: Plan, period: Period | None) -> bool:
    """A master of this period gets the progress sheet: a part of the year, or a period with its own targets."""
    if period is None:
        return False
    return period.part_of_year or any(t.period == period.code for t in plan.period_targets)


def progress_of(plan: Plan, results: list[IndicatorResult], period: Period) -> list[Progress]:
    """Each indicator's progress in ``period``, by the rule that fits it (see the module's doc)."""
    return [_progress(result, plan.period_target(result.indicator.code, period.code)) for result in results]


def rule_for(result: IndicatorResult, has_period_target: bool) -> ProgressRule:
    ind = result.indicator
    if has_period_target:
        return ProgressRule.PERIOD_TARGET
    if ind.method in ACCUMULATING and ind.comparison is not Comparison.PASS and not isinstance(result.target, bool):
        return ProgressRule.SHARE_OF_YEAR
    return ProgressRule.DIRECT


def _progress(result: IndicatorResult, period_target) -> Progress:
    target = None if period_target is None else period_target.target
    rule = rule_for(result, period_target is not None)
    comparison, actual = result.indicator.comparison, result.actual
    if rule is ProgressRule.SHARE_OF_YEAR:
        return Progress(result, rule, None, share_of_year(result.target, actual),
                        share_verdict(comparison, result.target, actual))
    compared = target if rule is ProgressRule.PERIOD_TARGET else result.target
    verdict = achieved(comparison, compared, actual)
    return Progress(result, rule, target, attainment_ratio(comparison, compared, actual),
                    "" if verdict is None else (PASS if verdict else FAIL))


def share_of_year(annual: float | bool | None, actual: float | bool | None) -> float | None:
    if annual is None or actual is None or isinstance(annual, bool) or isinstance(actual, bool) or annual == 0:
        return None
    return 100 * actual / annual


def share_verdict(comparison: Comparison, annual: float | bool | None, actual: float | bool | None) -> str:
    """An amount that still grows: the annual target met is «Đạt»; a ceiling passed is «Chưa đạt»."""
    if actual is None or annual is None or isinstance(actual, bool) or isinstance(annual, bool):
        return ""
    met = achieved(comparison, annual, actual)
    if comparison in (Comparison.GE, Comparison.GT):
        return PASS if met else IN_PROGRESS
    if comparison in (Comparison.LE, Comparison.LT):
        return IN_PROGRESS if met else FAIL
    return IN_PROGRESS
