"""Scoring units against the emulation criteria, ranking them within their block,
and proposing commendations.

The words (criterion kinds, rules, score sources) are the plan workbook's
vocabulary: sheets ``Tiêu chí chấm điểm`` and ``Khen thưởng``.

Criterion kinds (``Loại``) and how their points are found:

* **Định lượng** – computed from the unit's attainment of one indicator
  (``Mã chỉ tiêu``): actual A against the target T assigned to the unit.
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

* **Đạt/Không đạt** – MS or 0; any other entered value counts 0.
* **Theo lần** – occurrences × ``points_per_occurrence``, limited to
  [0, cap] (cap defaults to MS); or a score entered directly.
* **Điểm thưởng** – points in [floor, ceiling] (defaults 0 and MS).  A bonus
  needs evidence (``Minh chứng``); without it the bonus counts 0.
* **Điểm trừ** – a deduction.  MS and floor are its largest size (the sign
  typed does not matter); an entered 2 and −2 both deduct 2.  Points lie in
  [−floor, ceiling] (defaults −MS and 0).  Bonus and penalty criteria may
  also count occurrences when ``points_per_occurrence`` is set.  For both,
  0 always means "none", whatever the floor.

Entered scores: the block's review (``Khối chấm``) wins over the
self-score (``Tự chấm``); the difference is kept.  An out-of-range score is
a cell-addressed error and counts as the nearest limit.  A blank bonus or
penalty means none; a blank pass/fail or per-occurrence score is an error
and counts 0 until it is filled.  Scores of ``Định lượng`` criteria always
come from the data; an entered score that differs is a warning.

Points are rounded half up to 2 decimals, exactly (from the decimal the
user typed, not the binary float), so the published points add up to the
published total and equal totals compare equal.

Ranking, within each block: total (higher first), then quantitative
subtotal (higher first), then penalty points (fewer first).  Units equal on
all three share a rank (1, 2, 2, 4) and are flagged as tied; they are listed
in plan order, which carries no meaning.  Nothing is ever decided by name.

Commendation rules (``Khen thưởng``) are applied in order; a unit gets the
first title it qualifies for and is not considered for later ones.  A rule
may require a minimum total, a rank within the block's top k, and a quota of
at most ``quota_percent`` % of the units of the block (or of all units),
rounded down.  When a limit (top k or quota) falls inside a group of units
equal on total, quantitative and penalty points, the whole group is left
out (the limit stays a true maximum), a warning record names them and the
remaining places, and the council decides.  Such units remain candidates for
the following titles.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Iterable, Mapping, Sequence, TypeVar

from xlsync.core.issues import Issue, make_issue
from xlsync.core.messages import TEXT, render
from xlsync.core.numbers import FAIL, PASS, format_number
from xlsync.core.plan import Comparison, Unit, split_blocks
from xlsync.core.sheets import label_key

POINT_DECIMALS = 2
_LANGS = ("vi", "en")
_HALF = Fraction(1, 2)
_V = TypeVar("_V")


class CriterionKind(StrEnum):
    QUANTITATIVE = "Định lượng"
    PASS_FAIL = "Đạt/Không đạt"
    PER_OCCURRENCE = "Theo lần"
    BONUS = "Điểm thưởng"
    PENALTY = "Điểm trừ"

    @property
    def must_be_scored(self) -> bool:
        """A blank is an omission; for bonus and penalty a blank means none."""
        return self in (CriterionKind.PASS_FAIL, CriterionKind.PER_OCCURRENCE)


class QuantRule(StrEnum):
    PROPORTIONAL = "Tỷ lệ"
    LEADER = "Dẫn đầu"


class ScoreSource(StrEnum):
    BLOCK = "Khối chấm"
    SELF = "Tự chấm"
    DATA = "Tính từ số liệu"
    MISSING = "Chưa chấm"

    @property
    def english(self) -> str:
        return {"Khối chấm": "Block review", "Tự chấm": "Self-score",
                "Tính từ số liệu": "Computed from data", "Chưa chấm": "Not scored"}[self.value]


class QuotaBase(StrEnum):
    BLOCK = "Khối thi đua"
    ALL = "Toàn xã"


@dataclass(frozen=True, slots=True)
class Criterion:
    code: str
    name: str
    max_points: float
    kind: CriterionKind
    block: str = ""  # "" = every block; several separated by ";"
    group: str = ""
    indicator_code: str = ""  # Định lượng only
    rule: QuantRule = QuantRule.PROPORTIONAL  # Định lượng only
    points_per_occurrence: float | None = None
    cap: float | None = None  # Theo lần
    floor: float | None = None  # Điểm thưởng / Điểm trừ
    ceiling: float | None = None  # Điểm thưởng / Điểm trừ
    row: int = -1  # 0-based row in the plan sheet, for messages
    note: str = ""

    def applies_to(self, block: str) -> bool:
        return _names_block(self.block, block)

    @property
    def bounds(self) -> tuple[float, float]:
        """The lowest and highest points this criterion can give, signed.

        0 is always allowed besides: for a bonus or penalty it means "none",
        even when the floor of a bonus is above 0.
        """
        top = abs(self.max_points)
        if self.kind is CriterionKind.PER_OCCURRENCE:
            return 0.0, top if self.cap is None else abs(self.cap)
        if self.kind is CriterionKind.BONUS:
            low = 0.0 if self.floor is None else self.floor
            return low, top if self.ceiling is None else self.ceiling
        if self.kind is CriterionKind.PENALTY:
            low = -top if self.floor is None else -abs(self.floor)
            return low, 0.0 if self.ceiling is None else -abs(self.ceiling)
        return 0.0, top


@dataclass(frozen=True, slots=True)
class IndicatorOutcome:
    """A unit's result on one indicator: the input of a Định lượng criterion."""

    actual: float | bool | None
    target: float | bool | None  # the target assigned to the unit (Giao chỉ tiêu)
    comparison: Comparison


@dataclass(frozen=True, slots=True)
class ScoreCells:
    """Where each part of a score entry sits, for cell-addressed messages."""

    unit: str = ""
    criterion: str = ""
    self_score: str = ""
    block_score: str = ""
    evidence: str = ""
    occurrences: str = ""


@dataclass(frozen=True, slots=True)
class ScoreEntry:
    """One unit × criterion of a score sheet, numbers already read."""

    unit: str
    criterion: str
    self_score: float | None = None  # Tự chấm
    block_score: float | None = None  # Khối chấm
    evidence: str = ""  # Minh chứng
    occurrences: float | None = None  # Theo lần: how many times
    file: str = ""
    sheet: str = ""
    cells: ScoreCells = field(default_factory=ScoreCells)


@dataclass(frozen=True, slots=True)
class CriterionScore:
    unit: str
    block: str
    criterion: str
    kind: CriterionKind
    points: float
    source: ScoreSource
    self_score: float | None = None  # as counted (a penalty negative)
    block_score: float | None = None
    difference: float | None = None  # block − self, when both exist
    explanation_vi: str = ""
    explanation_en: str = ""

    def explanation(self, lang: str = "vi") -> str:
        return self.explanation_en if lang == "en" else self.explanation_vi


@dataclass(frozen=True, slots=True)
class UnitTotal:
    unit: str
    block: str
    total: float
    quantitative: float  # subtotal of Định lượng criteria
    penalty: float  # points deducted, as a positive number
    rank: int = 0
    tied: bool = False
    tied_with: tuple[str, ...] = ()
    rank_note_vi: str = ""  # how equal totals were ordered
    rank_note_en: str = ""
    title: str = ""  # proposed commendation, "" if none
    reason_vi: str = ""
    reason_en: str = ""

    @property
    def sort_key(self) -> tuple[float, float, float]:
        """Smaller is better: the documented tie-break order."""
        return (-self.total, -self.quantitative, self.penalty)


@dataclass(frozen=True, slots=True)
class AwardRule:
    title: str
    min_total: float | None = None
    top_k: int | None = None  # per block
    quota_percent: float | None = None  # at most this % of the base, rounded down
    quota_base: QuotaBase = QuotaBase.BLOCK
    block: str = ""  # "" = every block; several separated by ";"
    row: int = -1
    note: str = ""

    def applies_to(self, block: str) -> bool:
        return _names_block(self.block, block)


def _names_block(cell: str, block: str) -> bool:
    """Whether a ``Khối thi đua`` cell (blank = every block) includes ``block``."""
    names = split_blocks(cell)
    return not names or any(label_key(name) == label_key(block) for name in names)


# --- exact arithmetic and bilingual text -------------------------------------


def _exact(value: float) -> Fraction:
    """The decimal a user typed (96.5 → 193/2), not the binary float nearest it."""
    return Fraction(Decimal(repr(float(value))))


def round_points(value: float | Fraction) -> float:
    """Half up (away from zero) to POINT_DECIMALS decimals: 4.825 → 4.83."""
    exact = value if isinstance(value, Fraction) else _exact(value)
    scale = 10**POINT_DECIMALS
    magnitude = math.floor(abs(exact) * scale + _HALF)
    return math.copysign(magnitude, exact) / scale + 0.0


def _sum_points(values: Iterable[float]) -> float:
    return round_points(sum((_exact(v) for v in values), Fraction(0)))


def _number(value: float | Fraction, lang: str) -> str:
    text = format_number(float(value))
    return text if lang == "vi" else text.translate(str.maketrans(".,", ",."))


Phrase = tuple[str, str]  # (Vietnamese, English)


def _field(value: object, lang: str) -> str:
    if isinstance(value, tuple):
        return value[_LANGS.index(lang)]
    if isinstance(value, bool):
        return PASS if value else FAIL
    if isinstance(value, (int, float, Fraction)):
        return _number(value, lang)
    return str(value)


def _say(key: str, **fields: object) -> Phrase:
    """A TEXT template in both languages; numbers formatted per language."""
    vi, en = (render(TEXT[key][i], {k: _field(v, lang) for k, v in fields.items()})
              for i, lang in enumerate(_LANGS))
    return vi, en


def _join(*phrases: Phrase, sep: str = "") -> Phrase:
    return sep.join(p[0] for p in phrases), sep.join(p[1] for p in phrases)


# --- Định lượng --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Ratio:
    value: Fraction  # ignored when unbounded
    unbounded: bool = False  # "at most" indicator with actual 0 and a positive target
    top: float | None = None  # the quotient shown, None when the value is fixed
    bottom: float | None = None
    note: Phrase = ("", "")

    def text(self) -> Phrase:
        if self.top is None or self.bottom is None:
            return _number(self.value, "vi"), _number(self.value, "en")
        vi, en = (f"{_number(self.top, lang)} / {_number(self.bottom, lang)}" for lang in _LANGS)
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
        inverted = _say("explain-inverted", comparison=sign)
        if actual == 0 and target == 0:
            return _Ratio(Fraction(1), note=_join(inverted, _say("explain-zero-target", ratio=1)))
        if actual == 0:
            return _Ratio(Fraction(1), unbounded=True, note=_join(inverted, _say("explain-zero-best", comparison=sign)))
        return _Ratio(_exact(target) / _exact(actual), top=target, bottom=actual, note=inverted)
    if target == 0:
        return _Ratio(Fraction(1), note=_say("explain-zero-target", ratio=1))
    return _Ratio(_exact(actual) / _exact(target), top=actual, bottom=target)


def _proportional(criterion: Criterion, ratio: _Ratio) -> tuple[Fraction, Phrase]:
    top = _exact(abs(criterion.max_points))
    if ratio.unbounded:
        points = top
        return points, _say("explain-proportional-best", max=top, points=round_points(points))
    points = top * min(ratio.value, Fraction(1))
    return points, _say("explain-proportional", max=top, ratio=ratio.text(), points=round_points(points))


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
    top = _exact(abs(criterion.max_points))
    half = top / 2
    if leader is not None and ratio.same(leader.ratio):
        return top, _say("explain-leader-top", points=round_points(top))
    if ratio.value < 1:
        points = half * ratio.value
        return points, _say("explain-leader-below", max=top, ratio=ratio.text(), points=round_points(points))
    if ratio.value == 1 or leader is None:
        return half, _say("explain-leader-at", max=top, points=round_points(half))
    leaders = ", ".join(leader.units)
    if leader.ratio.unbounded:
        return half, _say("explain-leader-above-unbounded", max=top, points=round_points(half), leaders=leaders)
    points = half + half * (ratio.value - 1) / (leader.ratio.value - 1)
    phrase = _say("explain-leader-above", max=top, ratio=ratio.text(), leader_ratio=leader.ratio.text(),
                  points=round_points(points), leaders=leaders)
    return points, phrase


def _inputs_phrase(criterion: Criterion, outcome: IndicatorOutcome | None) -> Phrase:
    if outcome is None or outcome.actual is None:
        return "", ""  # the no-data phrase says it all
    return _say("explain-inputs", indicator=criterion.indicator_code, actual=_shown(outcome.actual),
                target=_shown(outcome.target), comparison=outcome.comparison.value)


def _shown(value: float | bool | None) -> object:
    return "" if value is None else value


def _score_quantitative(
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
            points, phrase = Fraction(0), _join((" ", " "), _say("explain-no-data", indicator=criterion.indicator_code))
        elif criterion.rule is QuantRule.LEADER:
            points, phrase = _leader_rule(criterion, ratio, leader)
        else:
            points, phrase = _proportional(criterion, ratio)
        note = ratio.note if ratio is not None else ("", "")
        vi, en = _join(_inputs_phrase(criterion, outcome), note, phrase)
        scores.append(CriterionScore(unit.code, block, criterion.code, criterion.kind, round_points(points),
                                     ScoreSource.DATA, explanation_vi=vi.strip(), explanation_en=en.strip()))
    return scores, issues


def _outcome_for(
    attainment_by_unit: Mapping[str, Mapping[str, IndicatorOutcome]], unit: str, indicator: str
) -> IndicatorOutcome | None:
    by_indicator = _lookup(attainment_by_unit, unit)
    return None if by_indicator is None else _lookup(by_indicator, indicator)


def _lookup(mapping: Mapping[str, _V], code: str) -> _V | None:
    """By exact code, else by the normalised code (stray spaces, case)."""
    if code in mapping:
        return mapping[code]
    key = label_key(code)
    return next((v for k, v in mapping.items() if label_key(k) == key), None)


# --- entered scores ----------------------------------------------------------


def _signed(criterion: Criterion, value: float) -> float:
    """A penalty is a deduction whatever sign was typed."""
    return -abs(value) if criterion.kind is CriterionKind.PENALTY else value


def _check_entered(criterion: Criterion, entry: ScoreEntry, value: float | None, cell: str) -> list[Issue]:
    """Records for one entered score (Tự chấm or Khối chấm)."""
    if value is None or value == 0:
        return []
    where = {"file": entry.file, "sheet": entry.sheet, "cell": cell, "value": format_number(value),
             "unit": entry.unit, "criterion": criterion.code}
    low, high = criterion.bounds
    if criterion.kind is CriterionKind.PASS_FAIL:
        if value not in (0, high):
            return [make_issue("score-not-pass-fail", max=format_number(high), **where)]
        return []
    if value < 0 and criterion.kind is not CriterionKind.PENALTY:
        return [make_issue("score-negative", **where)]
    signed = _signed(criterion, value)
    if signed > high:
        return [make_issue("score-above-max", max=format_number(high), **where)]
    if signed < low:
        if criterion.kind is CriterionKind.PENALTY:
            return [make_issue("score-above-max", max=format_number(-low), **where)]
        return [make_issue("score-below-min", min=format_number(low), **where)]
    return []


def _counted(criterion: Criterion, value: float) -> tuple[float, Phrase]:
    """The points an entered value counts for, and the adjustment said in words."""
    low, high = criterion.bounds
    if criterion.kind is CriterionKind.PASS_FAIL and value not in (0, high):
        return 0.0, _say("explain-pass-fail-invalid", max=high)
    signed = _signed(criterion, value)
    clamped = signed if signed == 0 else min(max(signed, low), high)
    if clamped != signed:
        return clamped, _say("explain-clamped", low=low, high=high, points=clamped)
    return signed, ("", "")


def _from_occurrences(criterion: Criterion, entry: ScoreEntry) -> tuple[float, Phrase]:
    count = max(entry.occurrences or 0.0, 0.0)
    per = _signed(criterion, criterion.points_per_occurrence or 0.0)
    raw = round_points(_exact(count) * _exact(per))
    low, high = criterion.bounds
    points = raw if raw == 0 else min(max(raw, low), high)
    phrase = _say("explain-occurrences", count=count, per=per, raw=raw)
    if points != raw:
        phrase = _join(phrase, _say("explain-clamped", low=low, high=high, points=points))
    return points, phrase


def _choose_entered(criterion: Criterion, entry: ScoreEntry) -> tuple[float, ScoreSource, Phrase]:
    """Khối chấm, else Tự chấm, else the occurrence count, else missing."""
    self_s, block_s = entry.self_score, entry.block_score
    if block_s is not None:
        if self_s is not None:
            difference = _signed(criterion, block_s) - _signed(criterion, self_s)
            said = _say("explain-block-and-self", block=_signed(criterion, block_s),
                        self=_signed(criterion, self_s), difference=round_points(difference))
        else:
            said = _say("explain-block-only", block=_signed(criterion, block_s))
        points, adjustment = _counted(criterion, block_s)
        return points, ScoreSource.BLOCK, _join(said, adjustment)
    if self_s is not None:
        points, adjustment = _counted(criterion, self_s)
        return points, ScoreSource.SELF, _join(_say("explain-self-only", self=_signed(criterion, self_s)), adjustment)
    if entry.occurrences is not None and criterion.points_per_occurrence is not None:
        points, said = _from_occurrences(criterion, entry)
        return points, ScoreSource.DATA, said
    return 0.0, ScoreSource.MISSING, _say("explain-missing" if criterion.kind.must_be_scored else "explain-none")


def _entry_issues(criterion: Criterion, entry: ScoreEntry) -> list[Issue]:
    issues = _check_entered(criterion, entry, entry.self_score, entry.cells.self_score)
    issues += _check_entered(criterion, entry, entry.block_score, entry.cells.block_score)
    if entry.occurrences is not None and entry.occurrences < 0:
        issues.append(make_issue("score-negative", file=entry.file, sheet=entry.sheet, cell=entry.cells.occurrences,
                                 value=format_number(entry.occurrences), unit=entry.unit, criterion=criterion.code))
    return issues


def _score_entered(criterion: Criterion, unit: Unit, entry: ScoreEntry | None,
                   report_missing: bool) -> tuple[CriterionScore, list[Issue]]:
    entry = entry or ScoreEntry(unit.code, criterion.code)
    issues = _entry_issues(criterion, entry)
    points, source, phrase = _choose_entered(criterion, entry)
    if source is ScoreSource.MISSING and criterion.kind.must_be_scored and report_missing:
        cell = entry.cells.block_score or entry.cells.self_score
        issues.append(make_issue("missing-score", file=entry.file, sheet=entry.sheet, cell=cell,
                                 unit=unit.code, criterion=criterion.code))
    if criterion.kind is CriterionKind.BONUS and points > 0 and not entry.evidence.strip():
        issues.append(make_issue("bonus-without-evidence", file=entry.file, sheet=entry.sheet,
                                 cell=entry.cells.evidence, unit=unit.code, criterion=criterion.code,
                                 points=format_number(points)))
        points, phrase = 0.0, _join(phrase, _say("explain-no-evidence"))
    self_s = None if entry.self_score is None else _signed(criterion, entry.self_score)
    block_s = None if entry.block_score is None else _signed(criterion, entry.block_score)
    difference = None if self_s is None or block_s is None else round_points(_exact(block_s) - _exact(self_s))
    score = CriterionScore(unit.code, unit.block, criterion.code, criterion.kind, round_points(points), source,
                           self_s, block_s, difference, phrase[0].strip(), phrase[1].strip())
    return score, issues


def _differs_from_data(score: CriterionScore, entry: ScoreEntry | None) -> list[Issue]:
    """A Định lượng score typed by hand that the data contradicts."""
    if entry is None:
        return []
    issues = []
    for value, cell in ((entry.self_score, entry.cells.self_score), (entry.block_score, entry.cells.block_score)):
        if value is not None and round_points(value) != score.points:
            issues.append(make_issue("score-differs-from-data", file=entry.file, sheet=entry.sheet, cell=cell,
                                     value=format_number(value), unit=score.unit, criterion=score.criterion,
                                     points=format_number(score.points)))
    return issues


# --- reading the entries -----------------------------------------------------


EntryKey = tuple[str, str]  # (unit code, criterion code) as in the plan


def _index_entries(
    entries: Iterable[ScoreEntry],
    criteria: Mapping[str, Criterion],
    scored: Mapping[str, Unit],
    known: Mapping[str, Unit],
) -> tuple[dict[EntryKey, ScoreEntry], list[Issue]]:
    """Entries keyed by plan codes; unknown, misplaced and repeated entries are records."""
    index: dict[EntryKey, ScoreEntry] = {}
    issues: list[Issue] = []
    for entry in entries:
        where = {"file": entry.file, "sheet": entry.sheet}
        unit = _lookup(known, entry.unit)
        criterion = _lookup(criteria, entry.criterion)
        if unit is None:
            issues.append(make_issue("unknown-unit", cell=entry.cells.unit, value=entry.unit, **where))
            continue
        if criterion is None:
            issues.append(make_issue("unknown-criterion", cell=entry.cells.criterion, value=entry.criterion, **where))
            continue
        if unit.code not in scored:
            issues.append(make_issue("unit-without-block", cell=entry.cells.unit, unit=unit.code, **where))
            continue
        if not criterion.applies_to(unit.block):
            issues.append(make_issue("criterion-not-for-block", cell=entry.cells.criterion, unit=unit.code,
                                     criterion=criterion.code, criterion_block=criterion.block, block=unit.block,
                                     **where))
            continue
        key = (unit.code, criterion.code)
        if key in index:
            first = index[key]
            issues.append(make_issue("duplicate-score", cell=entry.cells.criterion, unit=unit.code,
                                     criterion=criterion.code, first_cell=first.cells.criterion,
                                     first_file=first.file, **where))
            continue
        index[key] = replace(entry, unit=unit.code, criterion=criterion.code)
    return index, issues


def _blocks(units: Iterable[Unit]) -> dict[str, list[Unit]]:
    """Units with a block, grouped by block in plan order."""
    grouped: dict[str, list[Unit]] = defaultdict(list)
    for unit in units:
        if unit.block:
            grouped[unit.block].append(unit)
    return dict(grouped)


def score_units(
    criteria: Sequence[Criterion],
    entries: Iterable[ScoreEntry],
    attainment_by_unit: Mapping[str, Mapping[str, IndicatorOutcome]],
    units: Iterable[Unit],
) -> tuple[list[CriterionScore], list[Issue]]:
    """Every applicable criterion × every unit that belongs to a block.

    ``units`` are the plan's units (``plan.units.values()``); units without a
    block are not scored.  ``attainment_by_unit`` maps unit code → indicator
    code → the unit's outcome.  Scores come in plan order of units, then of
    criteria.
    """
    all_units = list(units)
    known = {u.code: u for u in all_units}
    blocks = _blocks(all_units)
    scored = {u.code: u for members in blocks.values() for u in members}
    by_code = {c.code: c for c in criteria}
    index, issues = _index_entries(entries, by_code, scored, known)
    units_with_entries = {unit for unit, _ in index}
    by_pair: dict[EntryKey, CriterionScore] = {}
    for block, members in blocks.items():
        for criterion in (c for c in criteria if c.applies_to(block)):
            if criterion.kind is CriterionKind.QUANTITATIVE:
                scores, found = _score_quantitative(criterion, block, members, attainment_by_unit)
                issues += found
                for score in scores:
                    by_pair[(score.unit, criterion.code)] = score
                    issues += _differs_from_data(score, index.get((score.unit, criterion.code)))
                continue
            for unit in members:
                entry = index.get((unit.code, criterion.code))
                score, found = _score_entered(criterion, unit, entry, unit.code in units_with_entries)
                by_pair[(unit.code, criterion.code)] = score
                issues += found
    issues += _unscored_units(blocks, criteria, units_with_entries)
    ordered = [by_pair[(u.code, c.code)] for u in scored.values() for c in criteria if (u.code, c.code) in by_pair]
    return ordered, issues


def _unscored_units(blocks: Mapping[str, list[Unit]], criteria: Sequence[Criterion],
                    units_with_entries: set[str]) -> list[Issue]:
    """One record per unit that has no score sheet at all, rather than one per criterion."""
    issues = []
    for block, members in blocks.items():
        needs_sheet = any(c.kind.must_be_scored and c.applies_to(block) for c in criteria)
        issues += [make_issue("unit-not-scored", unit=u.code)
                   for u in members if needs_sheet and u.code not in units_with_entries]
    return issues


# --- ranking -----------------------------------------------------------------


def rank_units(scores: Iterable[CriterionScore], units: Iterable[Unit]) -> list[UnitTotal]:
    """Totals and ranks within each block (see the module docstring for the tie-break).

    Every unit with a block appears, in block order, then rank, then plan order.
    """
    by_unit: dict[str, list[CriterionScore]] = defaultdict(list)
    for score in scores:
        by_unit[score.unit].append(score)
    ranked: list[UnitTotal] = []
    for block, members in _blocks(units).items():
        totals = [_unit_total(u, by_unit.get(u.code, [])) for u in members]
        ranked += sorted((_ranked(t, totals) for t in totals), key=lambda t: t.rank)
    return ranked


def _unit_total(unit: Unit, scores: list[CriterionScore]) -> UnitTotal:
    quantitative = [s.points for s in scores if s.kind is CriterionKind.QUANTITATIVE]
    penalty = [-s.points for s in scores if s.kind is CriterionKind.PENALTY]
    return UnitTotal(unit.code, unit.block, _sum_points(s.points for s in scores),
                     _sum_points(quantitative), _sum_points(penalty))


def _ranked(total: UnitTotal, block: Sequence[UnitTotal]) -> UnitTotal:
    key = total.sort_key
    rank = 1 + sum(other.sort_key < key for other in block)
    tied_with = tuple(o.unit for o in block if o.unit != total.unit and o.sort_key == key)
    vi, en = _rank_note(total, block, tied_with)
    return replace(total, rank=rank, tied=bool(tied_with), tied_with=tied_with, rank_note_vi=vi, rank_note_en=en)


def _rank_note(total: UnitTotal, block: Sequence[UnitTotal], tied_with: tuple[str, ...]) -> Phrase:
    """Why a unit sits above or below the units with the same total."""
    phrases: list[Phrase] = []
    if tied_with:
        phrases.append(_say("rank-tied", others=", ".join(tied_with)))
    for other in block:
        if other.unit == total.unit or other.total != total.total or other.unit in tied_with:
            continue
        if other.quantitative != total.quantitative:
            side = "above" if total.quantitative > other.quantitative else "below"
            phrases.append(_say(f"rank-{side}-quantitative", other=other.unit,
                                mine=total.quantitative, theirs=other.quantitative))
        else:
            side = "above" if total.penalty < other.penalty else "below"
            phrases.append(_say(f"rank-{side}-penalty", other=other.unit, mine=total.penalty, theirs=other.penalty))
    return _join(*phrases, sep=" ")


# --- commendation proposals ---------------------------------------------------


def quota_places(percent: float, base: int) -> int:
    """At most ``percent`` % of ``base`` units, rounded down, computed exactly."""
    exact = Decimal(repr(float(percent))) * base / 100
    return int(exact.to_integral_value(rounding=ROUND_FLOOR))


@dataclass(slots=True)
class _AwardState:
    titles: dict[str, str] = field(default_factory=dict)
    notes: dict[str, list[Phrase]] = field(default_factory=lambda: defaultdict(list))
    issues: list[Issue] = field(default_factory=list)


def propose_awards(totals: Sequence[UnitTotal], rules: Sequence[AwardRule]) -> tuple[list[UnitTotal], list[Issue]]:
    """Titles and reasons for ranked units (the output of :func:`rank_units`).

    Returns the totals with ``title`` and ``reason_*`` filled, in the same
    order, and warning records for ties cut by a limit and quotas too small
    for one place.
    """
    state = _AwardState()
    for rule in rules:
        scope = [t for t in totals if rule.applies_to(t.block)]
        candidates = [t for t in scope if t.unit not in state.titles]
        candidates = _over_minimum(rule, candidates, state)
        if rule.top_k is not None:
            candidates = _within_top_k(rule, candidates, scope, state)
        if rule.quota_percent is not None:
            candidates = _within_quota(rule, candidates, scope, state)
        for t in candidates:
            state.titles[t.unit] = rule.title
            state.notes[t.unit].append(_say("award-proposed", title=rule.title, rank=t.rank, block=t.block,
                                            total=t.total))
    proposed = []
    for t in totals:
        vi, en = _join(*state.notes.get(t.unit, []), sep=" ")
        proposed.append(replace(t, title=state.titles.get(t.unit, ""), reason_vi=vi, reason_en=en))
    return proposed, state.issues


def _over_minimum(rule: AwardRule, candidates: list[UnitTotal], state: _AwardState) -> list[UnitTotal]:
    if rule.min_total is None:
        return candidates
    kept = []
    for t in candidates:
        if t.total >= rule.min_total:
            kept.append(t)
        else:
            state.notes[t.unit].append(_say("award-below-minimum", title=rule.title, total=t.total,
                                            minimum=rule.min_total))
    return kept


def _within_top_k(rule: AwardRule, candidates: list[UnitTotal], scope: Sequence[UnitTotal],
                  state: _AwardState) -> list[UnitTotal]:
    """Rank ≤ k in the block; a tie group straddling position k is left out whole."""
    k = rule.top_k or 0
    kept, cut = [], defaultdict(list)
    for t in candidates:
        group_size = sum(1 for o in scope if o.block == t.block and o.rank == t.rank)
        if t.rank > k:
            state.notes[t.unit].append(_say("award-outside-top", title=rule.title, rank=t.rank, top_k=k))
        elif t.rank + group_size - 1 > k:
            cut[(t.block, t.rank)].append(t)
        else:
            kept.append(t)
    for (block, rank), group in cut.items():
        _report_cut_tie(rule, block, group, places=k - rank + 1, state=state)
    return kept


def _within_quota(rule: AwardRule, candidates: list[UnitTotal], scope: Sequence[UnitTotal],
                  state: _AwardState) -> list[UnitTotal]:
    percent = rule.quota_percent or 0.0
    if rule.quota_base is QuotaBase.ALL:
        pools = {QuotaBase.ALL.value: (candidates, len(scope))}
    else:
        pools = {b: ([t for t in candidates if t.block == b], sum(1 for t in scope if t.block == b))
                 for b in dict.fromkeys(t.block for t in candidates)}
    kept = []
    for name, (pool, base) in pools.items():
        kept += _fill_places(rule, name, pool, quota_places(percent, base), base, state)
    return kept


def _fill_places(rule: AwardRule, pool_name: str, pool: list[UnitTotal], places: int, base: int,
                 state: _AwardState) -> list[UnitTotal]:
    """Best first, whole groups of equal units at a time, never past ``places``."""
    percent = rule.quota_percent or 0.0
    if places == 0 and pool:
        state.issues.append(make_issue("award-quota-zero", title=rule.title, block=pool_name,
                                       percent=format_number(percent), base=base))
        for t in pool:
            state.notes[t.unit].append(_say("award-no-places", title=rule.title, percent=percent, base=base))
        return []
    groups: dict[tuple[float, float, float], list[UnitTotal]] = defaultdict(list)
    for t in sorted(pool, key=lambda t: t.sort_key):
        groups[t.sort_key].append(t)
    kept: list[UnitTotal] = []
    full = False
    for group in groups.values():
        if not full and len(kept) + len(group) <= places:
            kept += group
            continue
        if not full and len(kept) < places:
            _report_cut_tie(rule, pool_name, group, places=places - len(kept), state=state)
        else:
            for t in group:
                state.notes[t.unit].append(_say("award-over-quota", title=rule.title, percent=percent, places=places))
        full = True
    return kept


def _report_cut_tie(rule: AwardRule, pool_name: str, group: list[UnitTotal], places: int,
                    state: _AwardState) -> None:
    codes = [t.unit for t in group]
    state.issues.append(make_issue("award-tie-at-limit", title=rule.title, block=pool_name, units=", ".join(codes),
                                   total=format_number(group[0].total), places=places, count=len(group)))
    for t in group:
        others = ", ".join(c for c in codes if c != t.unit)
        state.notes[t.unit].append(_say("award-tie-at-limit", title=rule.title, others=others, places=places,
                                        count=len(group)))
