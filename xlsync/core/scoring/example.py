"""Plausible scores for the example blocks, for `xlsync demo`.

Seeded and deterministic, like :mod:`xlsync.core.example_data`.  Units
score themselves generously; the block's review sometimes takes points
back, so the master shows differences.  One unit claims a bonus without
evidence, the mistake the score check exists to catch.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from xlsync.core.plan import Plan
from xlsync.core.scoring.model import Criterion, CriterionKind
from xlsync.core.scoring.template import ScoreLabels, block_criteria, block_units

UNIT_CLAIMING_BONUS_WITHOUT_EVIDENCE = "T02"
EVIDENCE = {
    CriterionKind.PASS_FAIL: "Kế hoạch, báo cáo lưu tại văn phòng đơn vị",
    CriterionKind.PER_OCCURRENCE: "Sổ theo dõi hoạt động phong trào",
    CriterionKind.BONUS: "Quyết định công nhận của UBND huyện",
    CriterionKind.PENALTY: "Sổ theo dõi báo cáo của Văn phòng UBND xã",
}

ExampleScores = dict[tuple[str, str, str], object]  # (unit, criterion, label) → what is typed


@dataclass(frozen=True, slots=True)
class _Scored:
    self_score: float | None
    review: float | None
    evidence: str


def example_scores(plan: Plan, block: str, seed: int = 2024) -> ExampleScores:
    """What a block's units and its reviewers type into the block's score workbook."""
    typed: ExampleScores = {}
    for unit in block_units(plan, block):
        rng = random.Random(f"{seed}:score:{unit.code}")
        for criterion in block_criteria(plan, block):
            if criterion.kind is CriterionKind.QUANTITATIVE:
                continue
            scored = _score(criterion, rng)
            if criterion.kind is CriterionKind.BONUS and unit.code == UNIT_CLAIMING_BONUS_WITHOUT_EVIDENCE:
                scored = _Scored(criterion.bounds[1], None, "")
            for label, value in zip(ScoreLabels.UNIT_GROUP, (scored.self_score, scored.review, scored.evidence)):
                if value not in (None, ""):
                    typed[(unit.code, criterion.code, label)] = value
    return typed


def _score(criterion: Criterion, rng: random.Random) -> _Scored:
    top = abs(criterion.max_points)
    evidence = EVIDENCE[criterion.kind]
    match criterion.kind:
        case CriterionKind.PASS_FAIL:
            return _Scored(top, top if rng.random() < 0.85 else 0.0, evidence)
        case CriterionKind.PER_OCCURRENCE:
            per = criterion.points_per_occurrence or 1.0
            count = rng.randint(2, 6)
            claimed = min(count * per, criterion.bounds[1])
            reviewed = claimed if rng.random() < 0.7 else max(claimed - per, 0.0)
            return _Scored(claimed, reviewed, f"{evidence}: {count} hoạt động")
        case CriterionKind.BONUS:
            if rng.random() < 0.3:
                points = float(rng.randint(1, int(criterion.bounds[1]) or 1))
                return _Scored(points, points, evidence)
            return _Scored(None, None, "")
        case _:  # Điểm trừ: the block records late reports
            late = rng.randint(1, 2) if rng.random() < 0.25 else 0
            return _Scored(None, float(late) if late else None, f"{evidence}: chậm {late} lần" if late else "")
