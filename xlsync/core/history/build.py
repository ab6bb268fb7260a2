"""History tables from masters of several periods: trend, same period last year, annual plan.

Pure: masters' figures (:mod:`xlsync.core.history.figures`) and the plan in
use go in; rows come out, one per indicator (and one per unit and assigned
target), with one :class:`Point` per period in time order.  Indicators are
matched by code; a name, unit of measure or target that differs between two
periods is a record on the row, never joined silently.

Comparison with the annual plan, by the indicator's Cách tính, with the
rules of a master's «Tiến độ thực hiện» (:mod:`xlsync.core.progress`): sums
and counts (Tổng, Đếm đạt) as a share of the year, 100 × actual / annual
target (how much of the year's target is done); rates, averages and single
values compared directly, as «Tỷ lệ đạt» is (≥: actual / target, ≤:
target / actual); Đạt/Chưa đạt targets have no ratio.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from xlsync.core.attainment import attainment_ratio, evaluate
from xlsync.core.history.figures import Figure, IndicatorFigure, MasterFigures
from xlsync.core.history.units import codes_by_unit
from xlsync.core.issues import CannotRun, Issue, make_issue
from xlsync.core.master.contents import MasterSheets
from xlsync.core.numbers import format_value
from xlsync.core.periods import Period, find_code, period_from_code, period_from_name, same_period_previous_year, \
    time_order
from xlsync.core.plan import Comparison, Indicator, Method, Plan, measured_in_percent
from xlsync.core.progress import ACCUMULATING, ProgressRule
from xlsync.core.sheets import cell_address
from xlsync.core.text import label_key, normalize_text

if TYPE_CHECKING:  # frames are built when unit rows are computed
    import pandas as pd

# Columns of «Tổng hợp» a record about an indicator points at (as xlsync.io.master.write lays it out).
NAME_COL, MEASURE_COL, TARGET_COL = 2, 3, 5


@dataclass(frozen=True, slots=True)
class Point:
    """An indicator in one period: its actual value, that master's target, and the year's target."""

    actual: Figure
    target: Figure
    annual_target: Figure


@dataclass(frozen=True, slots=True)
class HistoryRow:
    code: str
    group: str
    name: str
    measure: str
    comparison: str
    rule: ProgressRule  # SHARE_OF_YEAR or DIRECT, as a master's «Tiến độ thực hiện» says it
    points: tuple[Point | None, ...]  # one per period of the history; None: not in that master
    flags: tuple[Issue, ...] = ()  # names, units of measure, targets that changed; units added up
    unit: str = ""  # "" for the commune's rows
    unit_name: str = ""
    measure_changed_at: frozenset[int] = frozenset()  # periods whose unit of measure differs from the one before


@dataclass(slots=True)
class History:
    periods: list[Period]
    files: list[str]
    rows: list[HistoryRow]
    unit_rows: list[HistoryRow] = field(default_factory=list)
    pairs: list[tuple[int, int]] = field(default_factory=list)  # (period, the same period a year earlier)
    merges: list[Issue] = field(default_factory=list)  # old units added up into new ones
    issues: list[Issue] = field(default_factory=list)


def master_period(master: MasterFigures, plan: Plan) -> Period:
    """The period a master is of: its recorded code, else its period's name («Năm 2023»…)."""
    code, name = normalize_text(master.period_code), normalize_text(master.period_name)
    known = find_code(plan.periods, code) if code else None
    found = known or (period_from_code(code) if code else None) or period_from_name(name)
    if found is None:
        text = code or name
        return Period(text, name or text)
    return replace(found, name=name or found.name)


def build_history(masters: list[MasterFigures], plan: Plan) -> History:
    """The history of ``masters`` (any order); two masters of one period cannot be told apart: refused."""
    dated = sorted(((master_period(m, plan), m) for m in masters), key=lambda pair: time_order(pair[0]))
    periods, ordered = [p for p, _ in dated], [m for _, m in dated]
    for first, second in zip(dated, dated[1:]):
        if label_key(first[0].code) == label_key(second[0].code):
            raise CannotRun("history-period-twice", period=first[0].label, file=first[1].file,
                            other=second[1].file)
    history = History(periods, [m.file for m in ordered], [])
    history.pairs = [(i, periods.index(earlier)) for i, period in enumerate(periods)
                     if (earlier := same_period_previous_year(period, periods)) is not None]
    history.rows = [_indicator_row(code, periods, ordered, plan) for code in _codes_in_order(ordered)]
    history.unit_rows = _unit_rows(periods, ordered, plan, history.merges)
    history.issues = [*(i for m in ordered for i in m.issues), *(f for r in history.rows for f in r.flags),
                      *history.merges]
    return history


def _codes_in_order(masters: list[MasterFigures]) -> list[str]:
    """Indicator codes, latest master's order first, grouped by their latest group."""
    codes: dict[str, str] = {}
    for master in reversed(masters):
        for code, figure in master.indicators.items():
            codes.setdefault(code, figure.group)
    groups = list(dict.fromkeys(codes.values()))
    return sorted(codes, key=lambda code: groups.index(codes[code]))


def progress_rule(comparison: str, method: Method | None, measure: str) -> ProgressRule:
    """How a period's figure is set against the annual target (see the module's docstring)."""
    if is_pass_fail(comparison):
        return ProgressRule.DIRECT
    if method is None:  # an indicator the plan in use no longer has: told from its unit of measure
        return ProgressRule.DIRECT if measured_in_percent(measure, Method.SUM) else ProgressRule.SHARE_OF_YEAR
    return ProgressRule.SHARE_OF_YEAR if method in ACCUMULATING else ProgressRule.DIRECT


def is_pass_fail(comparison: str) -> bool:
    return label_key(comparison) == label_key(Comparison.PASS.value)


def plan_ratio(rule: ProgressRule, comparison: str, point: Point | None) -> float | None:
    """The period's figure against the year's target, in percent (None where there is none)."""
    if point is None or is_pass_fail(comparison):
        return None
    actual, target = point.actual, point.annual_target
    if not _is_number(actual) or not _is_number(target):
        return None
    if rule is ProgressRule.SHARE_OF_YEAR:
        return None if target == 0 else 100 * actual / target
    sign = next((c for c in Comparison if c.value == comparison), Comparison.GE)
    return attainment_ratio(sign, target, actual)


def difference(current: Point | None, previous: Point | None) -> float | None:
    if current is None or previous is None or not _is_number(current.actual) or not _is_number(previous.actual):
        return None
    return current.actual - previous.actual


def percent_change(current: Point | None, previous: Point | None) -> float | None:
    change = difference(current, previous)
    if change is None or previous.actual == 0:
        return None
    return 100 * change / previous.actual


def comparable(row: HistoryRow, current: int, previous: int) -> bool:
    """Two periods of a row can be subtracted: no change of unit of measure between them."""
    return not any(previous < at <= current for at in row.measure_changed_at)


def _is_number(value: Figure) -> bool:
    return value is not None and not isinstance(value, bool)


def _indicator_row(code: str, periods: list[Period], masters: list[MasterFigures], plan: Plan) -> HistoryRow:
    figures = [m.indicators.get(code) for m in masters]
    latest = next(f for f in reversed(figures) if f is not None)
    indicator = next((i for i in plan.indicators if i.code == code), None)
    points = tuple(None if f is None else Point(f.actual, f.target, _annual_target(code, i, periods, masters))
                   for i, f in enumerate(figures))
    flags, measure_changes = _changes(figures, periods, masters)
    return HistoryRow(code, latest.group, latest.name, latest.measure, latest.comparison,
                      progress_rule(latest.comparison, indicator.method if indicator else None, latest.measure),
                      points, tuple(flags), measure_changed_at=frozenset(measure_changes))


def _year_master(position: int, periods: list[Period]) -> int | None:
    """The master of the whole year the period at ``position`` belongs to, if it is among them."""
    year = periods[position].year
    return next((i for i, p in enumerate(periods) if p.kind == "year" and p.year == year), None)


def _annual_target(code: str, position: int, periods: list[Period], masters: list[MasterFigures]) -> Figure:
    """The year's target: the year master's, when there is one; else this master's own."""
    year = _year_master(position, periods)
    found = masters[year].indicators.get(code) if year is not None else None
    own = masters[position].indicators.get(code)
    return (found or own).target if (found or own) is not None else None


def _changes(figures: list[IndicatorFigure | None], periods: list[Period],
             masters: list[MasterFigures]) -> tuple[list[Issue], list[int]]:
    """Records of what differs from the period before (targets: from the last period of the same kind)."""
    flags: list[Issue] = []
    measure_changes: list[int] = []
    seen: list[int] = []
    for i, figure in enumerate(figures):
        if figure is None:
            continue
        if seen:
            before = figures[seen[-1]]
            where = _where(masters[i], figure)
            said = {"code": figure.code, "before": periods[seen[-1]].name, "after": periods[i].name}
            if label_key(before.name) != label_key(figure.name):
                flags.append(make_issue("history-indicator-renamed", **where(NAME_COL), value=figure.name,
                                        old=before.name, new=figure.name, **said))
            if label_key(before.measure) != label_key(figure.measure):
                measure_changes.append(i)
                flags.append(make_issue("history-measure-changed", **where(MEASURE_COL), value=figure.measure,
                                        old=before.measure, new=figure.measure, **said))
        same_kind = [j for j in seen if periods[j].kind == periods[i].kind]
        if same_kind and _target_text(figures[same_kind[-1]]) != _target_text(figure):
            said = {"code": figure.code, "before": periods[same_kind[-1]].name, "after": periods[i].name}
            flags.append(make_issue("history-target-changed", **_where(masters[i], figure)(TARGET_COL),
                                    value=_target_text(figure), old=_target_text(figures[same_kind[-1]]),
                                    new=_target_text(figure), **said))
        seen.append(i)
    return flags, measure_changes


def _where(master: MasterFigures, figure: IndicatorFigure):
    def at(col: int) -> dict[str, str]:
        cell = cell_address(figure.row, col) if figure.row >= 0 else ""
        return {"file": master.file, "sheet": MasterSheets.SUMMARY, "cell": cell}
    return at


def _target_text(figure: IndicatorFigure) -> str:
    if is_pass_fail(figure.comparison):
        return figure.comparison
    return f"{figure.comparison} {format_value(figure.target)}".strip()


# --- per unit, for the targets assigned to units ----------------------------


def _unit_rows(periods: list[Period], masters: list[MasterFigures], plan: Plan,
               merges: list[Issue]) -> list[HistoryRow]:
    import pandas as pd

    indicators = {i.code: i for i in plan.indicators}
    sources = _unit_sources(periods, masters, plan, merges)
    # One frame of figures per master (units × elements), built once: a frame per unit and period costs far more.
    frames = [pd.DataFrame.from_dict(m.figures, orient="index", dtype=float) for m in masters]
    rows = []
    for assigned in plan.unit_targets:
        indicator = indicators.get(assigned.indicator)
        if indicator is None:
            continue
        unit = assigned.unit
        points = tuple(_unit_point(unit, indicator, i, periods, masters, frames[i].loc[sources[i].get(unit, [])],
                                   plan)
                       for i in range(len(periods)))
        own_merges = tuple(m for m in merges if m.value == unit)
        rule = progress_rule(indicator.comparison.value, indicator.method, indicator.unit)
        name = plan.units[unit].name if unit in plan.units else unit
        rows.append(HistoryRow(indicator.code, indicator.group, indicator.name, indicator.unit,
                               indicator.comparison.value, rule, points, own_merges, unit, name))
    return rows


def _unit_sources(periods: list[Period], masters: list[MasterFigures], plan: Plan,
                  merges: list[Issue]) -> list[dict[str, list[str]]]:
    """Per period: today's unit code → the codes in that master whose figures count for it."""
    assigned = list(dict.fromkeys(t.unit for t in plan.unit_targets))
    found = []
    for period, master in zip(periods, masters):
        groups = codes_by_unit(period, master.figures, plan.unit_code_changes, plan.periods)
        by_unit = {unit: groups.get(label_key(unit), []) for unit in assigned}
        for unit, codes in by_unit.items():
            if codes and [label_key(code) for code in codes] != [label_key(unit)]:
                merges.append(make_issue("history-units-merged", file=master.file, sheet=MasterSheets.BY_UNIT,
                                         value=unit, unit=unit, old=", ".join(codes), period=period.name))
        found.append(by_unit)
    return found


def _unit_point(unit: str, indicator: Indicator, position: int, periods: list[Period],
                masters: list[MasterFigures], frame: pd.DataFrame, plan: Plan) -> Point | None:
    """``unit``'s point in one period, from ``frame``: the figures of the units that count for it there."""
    if frame.empty:
        return None
    master = masters[position]
    actual = evaluate(indicator, frame).actual
    own = master.unit_targets.get((unit, indicator.code))
    year = _year_master(position, periods)
    in_year = masters[year].unit_targets.get((unit, indicator.code)) if year is not None else None
    known = in_year or own  # the year master's target for the unit, else this master's, else the plan's
    annual = known.target if known is not None else _plan_target(unit, indicator, periods[position], plan)
    return Point(actual, own.target if own is not None else None, annual)


def _plan_target(unit: str, indicator: Indicator, period: Period, plan: Plan) -> Figure:
    """The target the plan in use assigns, for a period of the plan's own year."""
    if str(period.year) != normalize_text(plan.info.year):
        return None
    return next((t.target for t in plan.unit_targets if t.unit == unit and t.indicator == indicator.code), None)
