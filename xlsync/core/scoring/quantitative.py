"""``Định lượng`` criteria: points computed from a unit's attainment of one indicator.

The indicator is the criterion's ``Mã chỉ tiêu``: actual A against the target T assigned to the unit.
The ratio r is A/T; for "at most" indicators (≤, <) it is T/A, since lower
is better.  Rules (``Quy tắc``), MS being ``Điểm tối đa``:

- ``Tỷ lệ`` (proportional): MS × min(r, 1).
- ``Dẫn đầu`` (leader): r < 1 → 0,5·MS·r; r = 1 → 0,5·MS; the block's best
  ratio L, when L > 1 → MS; other r > 1 → 0,5·MS + 0,5·MS·(r − 1)/(L − 1).
  If no unit of the block exceeds its target there is no leader, and a
  unit exactly at target gets 0,5·MS.  Units sharing the best ratio all
  get MS.  The leader is sought among the units of the block only.

Special ratios, chosen so the rules stay continuous and never divide by 0:

- T = 0 on an "at least" indicator: r = 1 (the target is met; nothing can
  be measured as exceeding it).
- "At most" with A = 0: if T = 0, r = 1 (met exactly).  If T > 0, r is
  unbounded – the best possible result, the limit of T/A as A falls to 0.
  Such a unit is the leader (MS under ``Dẫn đầu``, MS under ``Tỷ lệ``).
  When the leader is unbounded, the excess term of the other units above
  target is 0 (the limit of the formula as L grows), so they get 0,5·MS.
  This is harsh for them but is exactly what a unit at A = 0,001 would
  cause, so no cliff appears at 0.
- A ``Đạt`` indicator: r = 1 when achieved, 0 otherwise.
- Strict comparisons (>, <) and ``=`` are scored like ≥ and ≤: the score
  measures the ratio, not pass or fail.
- A negative actual or target cannot be scored: treated as missing data.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Sequence

from xlsync.core.issues import Issue, make_issue
from xlsync.core.plan import Comparison, Unit
from xlsync.core.scoring.model import Criterion, CriterionScore, QuantRule, ScoreSource, find_by_code
from xlsync.core.scoring.points import LANGS, Phrase, exact_value, join_phrases, localized_number, round_points, say


@dataclass(frozen=True, slots=True)
class IndicatorOutcome:
    """A unit's result on one indicator: the input of a Định lượng criterion."""

    actual: float | bool | None
    target: float | bool | None  # the target assigned to the unit (Giao chỉ tiêu)
    comparison: Comparison


@dataclass(frozen=True, slots=True)
class _Ratio:
    value: Fraction  # ignored when unbounded
    unbounded: bool = False  # "at most" indicator with actual 0 and a positive target
    top: float | None = None  # the quotient shown, None when the value is fixed
    bottom: float | None = None
    note: Phrase = ("", "")

    def text(self) -> Phrase:
        if self.top is None or self.bottom is None:
            return localized_number(self.value, "vi"), localized_number(self.value, "en")
        vi, en = (f"{localized_number(self.top, lang)} / {localized_number(self.bottom, lang)}" for lang in LANGS)
        return vi, en

    def beats(self, other: _Ratio) -> bool:
        if self.unbounded or other.unbounded:
            return self.unbounded and not other.unbounded
        return self.value > other.value

    def same(self, other: _Ratio) -> bool:
        return self.unbounded == other.unbounded and (self.unbounded or self.value == other.value)


def _ratio(outcome: IndicatorOutcome) -> _Ratio | None:
    """How far a unit is from its target (1 = exactly at target); None = no usable data."""
    actual, target = outcome.actual, outcome.target
    if outcome.comparison is Comparison.PASS or isinstance(actual, bool):
        return None if actual is None else _Ratio(Fraction(int(actual is True)))
    if actual is None or target is None or isinstance(target, bool) or actual < 0 or target < 0:
        return None
    sign = outcome.comparison.value
    if outcome.comparison.at_most:
        inverted = say("explain-inverted", comparison=sign)
        if actual == 0 and target == 0:
            return _Ratio(Fraction(1), note=join_phrases(inverted, say("explain-zero-target", ratio=1)))
        if actual == 0:
            return _Ratio(Fraction(1), unbounded=True, note=join_phrases(inverted, say("explain-zero-best", comparison=sign)))
        return _Ratio(exact_value(target) / exact_value(actual), top=target, bottom=actual, note=inverted)
    if target == 0:
        return _Ratio(Fraction(1), note=say("explain-zero-target", ratio=1))
    return _Ratio(exact_value(actual) / exact_value(target), top=actual, bottom=target)


def _proportional(criterion: Criterion, ratio: _Ratio) -> tuple[Fraction, Phrase]:
    top = exact_value(abs(criterion.max_points))
    if ratio.unbounded:
        points = top
        return points, say("explain-proportional-best", max=top, points=round_points(points))
    points = top * min(ratio.value, Fraction(1))
    return points, say("explain-proportional", max=top, ratio=ratio.text(), points=round_points(points))


@dataclass(frozen=True, slots=True)
class _Leader:
    ratio: _Ratio
    units: tuple[str, ...]


def _find_leader(ratios: Mapping[str, _Ratio | None]) -> _Leader | None:
    """The best ratio of the block, if it exceeds the target, and who holds it."""
    best: _Ratio | None = None
    for ratio in ratios.values():
        if ratio is not None and (best is None or ratio.beats(best)):
            best = ratio
    if best is None or not (best.unbounded or best.value > 1):
        return None
    holders = tuple(code for code, r in ratios.items() if r is not None and r.same(best))
    return _Leader(best, holders)


def _leader_rule(criterion: Criterion, ratio: _Ratio, leader: _Leader | None) -> tuple[Fraction, Phrase]:
    top = exact_value(abs(criterion.max_points))
    half = top / 2
    if leader is not None and ratio.same(leader.ratio):
        return top, say("explain-leader-top", points=round_points(top))
    if ratio.value < 1:
        points = half * ratio.value
        return points, say("explain-leader-below", max=top, ratio=ratio.text(), points=round_points(points))
    if ratio.value == 1 or leader is None:
        return half, say("explain-leader-at", max=top, points=round_points(half))
    leaders = ", ".join(leader.units)
    if leader.ratio.unbounded:
        return half, say("explain-leader-above-unbounded", max=top, points=round_points(half), leaders=leaders)
    points = half + half * (ratio.value - 1) / (leader.ratio.value - 1)
    phrase = say("explain-leader-above", max=top, ratio=ratio.text(), leader_ratio=leader.ratio.text(),
                  points=round_points(points), leaders=leaders)
    return points, phrase


def _inputs_phrase(criterion: Criterion, outcome: IndicatorOutcome | None) -> Phrase:
    if outcome is None or outcome.actual is None:
        return "", ""  # the no-data phrase says it all
    return say("explain-inputs", indicator=criterion.indicator_code, actual=_shown(outcome.actual),
                target=_shown(outcome.target), comparison=outcome.comparison.value)


def _shown(value: float | bool | None) -> object:
    return "" if value is None else value


def score_quantitative(
    criterion: Criterion,
    block: str,
    units: Sequence[Unit],
    attainment_by_unit: Mapping[str, Mapping[str, IndicatorOutcome]],
) -> tuple[list[CriterionScore], list[Issue]]:
    outcomes = {u.code: _outcome_for(attainment_by_unit, u.code, criterion.indicator_code) for u in units}
    ratios = {code: None if o is None else _ratio(o) for code, o in outcomes.items()}
    leader = _find_leader(ratios) if criterion.rule is QuantRule.LEADER else None
    scores: list[CriterionScore] = []
    issues: list[Issue] = []
    for unit in units:
        ratio, outcome = ratios[unit.code], outcomes[unit.code]
        if ratio is None:
            issues.append(make_issue("score-no-data", unit=unit.code, criterion=criterion.code,
                                     indicator=criterion.indicator_code))
            points, phrase = Fraction(0), join_phrases((" ", " "), say("explain-no-data", indicator=criterion.indicator_code))
        elif criterion.rule is QuantRule.LEADER:
            points, phrase = _leader_rule(criterion, ratio, leader)
        else:
            points, phrase = _proportional(criterion, ratio)
        note = ratio.note if ratio is not None else ("", "")
        vi, en = join_phrases(_inputs_phrase(criterion, outcome), note, phrase)
        scores.append(CriterionScore(unit.code, block, criterion.code, criterion.kind, round_points(points),
                                     ScoreSource.DATA, explanation_vi=vi.strip(), explanation_en=en.strip()))
    return scores, issues


def _outcome_for(
    attainment_by_unit: Mapping[str, Mapping[str, IndicatorOutcome]], unit: str, indicator: str
) -> IndicatorOutcome | None:
    by_indicator = find_by_code(attainment_by_unit, unit)
    return None if by_indicator is None else find_by_code(by_indicator, indicator)
