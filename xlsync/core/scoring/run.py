"""A scoring round: the blocks' score sheets and the units' attainment in; scores, ranks and proposals out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from xlsync.core.attainment import UnitResult
from xlsync.core.issues import Issue, Report
from xlsync.core.plan import Plan
from xlsync.core.scoring.award import propose_awards
from xlsync.core.scoring.model import Criterion, CriterionKind, CriterionScore, ScoreEntry, UnitTotal
from xlsync.core.scoring.quantitative import IndicatorOutcome
from xlsync.core.scoring.rank import rank_units
from xlsync.core.scoring.read import ScoreSheet
from xlsync.core.scoring.score import score_units

Outcomes = dict[str, dict[str, IndicatorOutcome]]  # unit code → indicator code → outcome


@dataclass(slots=True)
class ScoreFile:
    """One score workbook handed to the round, as read."""

    path: str
    sheet: ScoreSheet | None
    issues: list[Issue] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class ScoringResult:
    plan: Plan
    period: str
    scores: list[CriterionScore]  # every applicable criterion × unit with a block, in plan order
    totals: list[UnitTotal]  # ranked within blocks, with proposed titles
    entries: dict[tuple[str, str], ScoreEntry]  # (unit, criterion) → the entry counted, for its cells
    files: list[ScoreFile]
    issues: list[Issue]  # the files' records, then the engine's

    @property
    def report(self) -> Report:
        return Report(list(self.issues))

    def criterion(self, code: str) -> Criterion:
        return next(c for c in self.plan.criteria if c.code == code)


def unit_outcomes(unit_results: Iterable[UnitResult]) -> Outcomes:
    """Each unit's actual and assigned target per indicator (sheet «Giao chỉ tiêu»), for Định lượng criteria."""
    outcomes: Outcomes = {}
    for item in unit_results:
        result = item.result
        outcomes.setdefault(item.unit_code, {})[result.indicator.code] = IndicatorOutcome(
            result.actual, result.target, result.indicator.comparison)
    return outcomes


def quantitative_scores(plan: Plan, outcomes: Outcomes) -> dict[tuple[str, str], CriterionScore]:
    """Points of the Định lượng criteria alone, as a score workbook shows them before anyone scores."""
    criteria = [c for c in plan.criteria if c.kind is CriterionKind.QUANTITATIVE]
    scores, _ = score_units(criteria, [], outcomes, plan.units.values())
    return {(s.unit, s.criterion): s for s in scores}


def run_scoring(plan: Plan, period: str, files: list[ScoreFile], outcomes: Outcomes) -> ScoringResult:
    entries = [e for f in files if f.sheet is not None for e in f.sheet.entries]
    scores, issues = score_units(plan.criteria, entries, outcomes, plan.units.values())
    ranked = rank_units(scores, plan.units.values())
    proposed, award_issues = propose_awards(ranked, plan.award_rules)
    counted: dict[tuple[str, str], ScoreEntry] = {}
    for entry in entries:  # the engine counts the first of repeated entries
        counted.setdefault((entry.unit, entry.criterion), entry)
    file_issues = [i for f in files for i in f.issues]
    return ScoringResult(plan, period, scores, proposed, counted, files, file_issues + issues + award_issues)
