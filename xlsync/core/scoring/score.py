"""Scoring units against the emulation criteria.

The words (criterion kinds, rules, score sources) are the plan workbook's
vocabulary: sheets ``Tiêu chí chấm điểm`` and ``Khen thưởng``.

Criterion kinds (``Loại``) and how their points are found:

* **Định lượng** – computed from the unit's attainment of one indicator
  (:mod:`xlsync.core.scoring.quantitative`).
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

Ranking is :mod:`xlsync.core.scoring.rank`'s, proposing commendations
:mod:`xlsync.core.scoring.award`'s; the exact rounding of points is in
:mod:`xlsync.core.scoring.points`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Iterable, Mapping, Sequence

from xlsync.core.issues import Issue, make_issue
from xlsync.core.numbers import format_number
from xlsync.core.plan import Unit
from xlsync.core.scoring.model import Criterion, CriterionKind, CriterionScore, ScoreEntry, ScoreSource, find_by_code
from xlsync.core.scoring.points import Phrase, exact_value, join_phrases, round_points, say
from xlsync.core.scoring.quantitative import IndicatorOutcome, score_quantitative


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
        return 0.0, say("explain-pass-fail-invalid", max=high)
    signed = _signed(criterion, value)
    clamped = signed if signed == 0 else min(max(signed, low), high)
    if clamped != signed:
        return clamped, say("explain-clamped", low=low, high=high, points=clamped)
    return signed, ("", "")


def _from_occurrences(criterion: Criterion, entry: ScoreEntry) -> tuple[float, Phrase]:
    count = max(entry.occurrences or 0.0, 0.0)
    per = _signed(criterion, criterion.points_per_occurrence or 0.0)
    raw = round_points(exact_value(count) * exact_value(per))
    low, high = criterion.bounds
    points = raw if raw == 0 else min(max(raw, low), high)
    phrase = say("explain-occurrences", count=count, per=per, raw=raw)
    if points != raw:
        phrase = join_phrases(phrase, say("explain-clamped", low=low, high=high, points=points))
    return points, phrase


def _choose_entered(criterion: Criterion, entry: ScoreEntry) -> tuple[float, ScoreSource, Phrase]:
    """Khối chấm, else Tự chấm, else the occurrence count, else missing."""
    self_s, block_s = entry.self_score, entry.block_score
    if block_s is not None:
        if self_s is not None:
            difference = _signed(criterion, block_s) - _signed(criterion, self_s)
            said = say("explain-block-and-self", block=_signed(criterion, block_s),
                        self=_signed(criterion, self_s), difference=round_points(difference))
        else:
            said = say("explain-block-only", block=_signed(criterion, block_s))
        points, adjustment = _counted(criterion, block_s)
        return points, ScoreSource.BLOCK, join_phrases(said, adjustment)
    if self_s is not None:
        points, adjustment = _counted(criterion, self_s)
        return points, ScoreSource.SELF, join_phrases(say("explain-self-only", self=_signed(criterion, self_s)), adjustment)
    if entry.occurrences is not None and criterion.points_per_occurrence is not None:
        points, said = _from_occurrences(criterion, entry)
        return points, ScoreSource.DATA, said
    return 0.0, ScoreSource.MISSING, say("explain-missing" if criterion.kind.must_be_scored else "explain-none")


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
        points, phrase = 0.0, join_phrases(phrase, say("explain-no-evidence"))
    self_s = None if entry.self_score is None else _signed(criterion, entry.self_score)
    block_s = None if entry.block_score is None else _signed(criterion, entry.block_score)
    difference = None if self_s is None or block_s is None else round_points(exact_value(block_s) - exact_value(self_s))
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
        unit = find_by_code(known, entry.unit)
        criterion = find_by_code(criteria, entry.criterion)
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


def units_by_block(units: Iterable[Unit]) -> dict[str, list[Unit]]:
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
    blocks = units_by_block(all_units)
    scored = {u.code: u for members in blocks.values() for u in members}
    by_code = {c.code: c for c in criteria}
    index, issues = _index_entries(entries, by_code, scored, known)
    units_with_entries = {unit for unit, _ in index}
    by_pair: dict[EntryKey, CriterionScore] = {}
    for block, members in blocks.items():
        for criterion in (c for c in criteria if c.applies_to(block)):
            if criterion.kind is CriterionKind.QUANTITATIVE:
                scores, found = score_quantitative(criterion, block, members, attainment_by_unit)
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
