"""Scoring, ranking and commendation proposals, checked against hand computations."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from xlsync.core.plan import Comparison, Unit
from xlsync.core.scoring.award import propose_awards, quota_places
from xlsync.core.scoring.model import (
    AwardRule,
    Criterion,
    CriterionKind,
    CriterionScore,
    QuantRule,
    QuotaBase,
    ScoreCells,
    ScoreEntry,
    ScoreSource,
)
from xlsync.core.scoring.points import round_points
from xlsync.core.scoring.quantitative import IndicatorOutcome
from xlsync.core.scoring.rank import rank_units
from xlsync.core.scoring.score import score_units

GE, LE = Comparison.GE, Comparison.LE
BLOCK = "Khối thôn"


def units(*codes: str, block: str = BLOCK) -> list[Unit]:
    return [Unit(code, f"Thôn {code}", "Thôn", block) for code in codes]


def quantitative(rule: QuantRule = QuantRule.PROPORTIONAL, max_points: float = 10, code: str = "Q1") -> Criterion:
    return Criterion(code, "Tỷ lệ hộ dùng nước sạch", max_points, CriterionKind.QUANTITATIVE,
                     indicator_code="CT05", rule=rule)


def outcomes(values: dict[str, tuple[float | bool | None, float | bool | None]],
             comparison: Comparison = GE) -> dict[str, dict[str, IndicatorOutcome]]:
    return {unit: {"CT05": IndicatorOutcome(a, t, comparison)} for unit, (a, t) in values.items()}


def score_quantitative(values, rule=QuantRule.PROPORTIONAL, comparison=GE, max_points=10):
    criterion = quantitative(rule, max_points)
    scores, issues = score_units([criterion], [], outcomes(values, comparison), units(*values))
    return {s.unit: s for s in scores}, issues


def entry(unit: str, criterion: str, *, self_score=None, block_score=None, evidence="", occurrences=None,
          column: str = "D") -> ScoreEntry:
    cells = ScoreCells(unit=f"{column}4", criterion="A7", self_score=f"{column}7", block_score="E7",
                       evidence="F7", occurrences="G7")
    return ScoreEntry(unit, criterion, self_score, block_score, evidence, occurrences,
                      file="khoi-thon.xlsx", sheet="Chấm điểm", cells=cells)


def score_one(criterion: Criterion, e: ScoreEntry | None, unit: str = "T1"):
    scores, issues = score_units([criterion], [e] if e else [], {}, units(unit))
    assert len(scores) == 1
    return scores[0], issues


def codes(issues) -> list[tuple[str, str]]:
    return [(i.code, i.cell) for i in issues]


# --- Định lượng, proportional --------------------------------------------------


def test_proportional_below_and_above_target():
    scores, issues = score_quantitative({"T1": (96.5, 100), "T2": (120, 100)})
    assert scores["T1"].points == 9.65
    assert scores["T2"].points == 10
    assert scores["T1"].source is ScoreSource.DATA
    assert scores["T1"].explanation_vi == (
        "Chỉ tiêu CT05: thực hiện 96,5, kế hoạch ≥ 100. Tính theo tỷ lệ: 10 × min(96,5 / 100; 1) = 9,65."
    )
    assert scores["T1"].explanation_en == (
        "Indicator CT05: actual 96.5, target ≥ 100. Proportional: 10 × min(96.5 / 100, 1) = 9.65."
    )
    assert issues == []


def test_proportional_rounds_half_up_from_the_typed_decimal():
    # 5 × 2,3 / 100 = 0,115 exactly, but the float product is 0,11499…; 0,125 would round to even.
    scores, _ = score_quantitative({"T1": (2.3, 100), "T2": (2.5, 100)}, max_points=5)
    assert (scores["T1"].points, scores["T2"].points) == (0.12, 0.13)
    assert round_points(4.825) == 4.83
    assert round_points(-2.345) == -2.35


def test_at_most_indicator_is_inverted():
    scores, _ = score_quantitative({"T1": (2.5, 2), "T2": (1, 2), "T3": (2, 2)}, comparison=LE)
    assert scores["T1"].points == 8  # 10 × 2 / 2,5
    assert scores["T2"].points == 10  # ratio 2, capped at 1
    assert scores["T3"].points == 10
    assert "10 × min(2 / 2,5; 1) = 8" in scores["T1"].explanation_vi
    assert "càng thấp càng tốt" in scores["T1"].explanation_vi


def test_at_most_with_actual_zero_is_best_possible():
    scores, _ = score_quantitative({"T1": (0, 2)}, comparison=LE)
    assert scores["T1"].points == 10
    assert "Thực hiện 0 với chỉ tiêu «≤» là tốt nhất có thể" in scores["T1"].explanation_vi


def test_zero_targets():
    at_most, _ = score_quantitative({"T1": (0, 0), "T2": (3, 0)}, comparison=LE)
    assert at_most["T1"].points == 10  # ≤ 0 met exactly
    assert at_most["T2"].points == 0  # 0 / 3
    at_least, _ = score_quantitative({"T1": (5, 0)})
    assert at_least["T1"].points == 10
    assert "Kế hoạch bằng 0 nên tỷ lệ lấy là 1" in at_least["T1"].explanation_vi


def test_pass_fail_indicator():
    scores, _ = score_quantitative({"T1": (True, True), "T2": (False, True)}, comparison=Comparison.PASS)
    assert scores["T1"].points == 10
    assert scores["T2"].points == 0
    assert "thực hiện Đạt" in scores["T1"].explanation_vi


def test_missing_or_negative_data_scores_zero_with_a_warning():
    scores, issues = score_quantitative({"T1": (None, 100), "T2": (-5, 100), "T3": (80, 100)})
    assert scores["T1"].points == 0 and scores["T2"].points == 0
    assert scores["T3"].points == 8
    assert [(i.code, i.severity) for i in issues] == [("score-no-data", "warning")] * 2
    assert "T1" in issues[0].message_vi and "CT05" in issues[0].message_vi
    # A unit absent from the attainment altogether is the same case.
    criterion = quantitative()
    scores2, issues2 = score_units([criterion], [], {}, units("T9"))
    assert scores2[0].points == 0
    assert scores2[0].explanation_vi == "Chưa có số liệu chỉ tiêu CT05: 0 điểm."
    assert [i.code for i in issues2] == ["score-no-data"]


# --- Định lượng, leader rule ---------------------------------------------------


def test_leader_rule_with_several_units_above_target():
    scores, issues = score_quantitative(
        {
            "T1": (96.5, 100),  # below: 0,5 × 10 × 0,965 = 4,825 → 4,83
            "T2": (100, 100),  # at target: 5
            "T3": (110, 100),  # 5 + 5 × 0,1 / 0,5 = 6
            "T4": (60, 50),  # own target; ratio 1,2: 5 + 5 × 0,2 / 0,5 = 7
            "T5": (150, 100),  # leader: 10
        },
        rule=QuantRule.LEADER,
    )
    assert {u: s.points for u, s in scores.items()} == {"T1": 4.83, "T2": 5, "T3": 6, "T4": 7, "T5": 10}
    assert scores["T1"].explanation_vi.endswith("Quy tắc dẫn đầu, dưới kế hoạch: 0,5 × 10 × 96,5 / 100 = 4,83.")
    assert scores["T4"].explanation_vi.endswith(
        "Quy tắc dẫn đầu, vượt kế hoạch: 0,5 × 10 + 0,5 × 10 × (60 / 50 − 1) / (150 / 100 − 1) = 7 "
        "(dẫn đầu khối: T5)."
    )
    assert scores["T4"].explanation_en.endswith(
        "Leader rule, above target: 0.5 × 10 + 0.5 × 10 × (60 / 50 − 1) / (150 / 100 − 1) = 7 "
        "(best of the block: T5)."
    )
    assert scores["T2"].explanation_vi.endswith("Quy tắc dẫn đầu, đạt kế hoạch: 0,5 × 10 = 5.")
    assert scores["T5"].explanation_vi.endswith("Quy tắc dẫn đầu: dẫn đầu khối, được điểm tối đa 10.")
    assert issues == []


def test_leader_rule_shared_lead_and_no_lead():
    shared, _ = score_quantitative({"T1": (150, 100), "T2": (75, 50), "T3": (125, 100)}, rule=QuantRule.LEADER)
    assert [shared[u].points for u in ("T1", "T2", "T3")] == [10, 10, 7.5]  # 5 + 5 × 0,25 / 0,5
    # Nobody exceeds the target: no leader, at target is half the points.
    no_lead, _ = score_quantitative({"T1": (100, 100), "T2": (80, 100)}, rule=QuantRule.LEADER)
    assert [no_lead[u].points for u in ("T1", "T2")] == [5, 4]


def test_leader_rule_is_decided_within_each_block():
    criterion = quantitative(QuantRule.LEADER)
    plan_units = units("A1", "A2", block="Khối A") + units("B1", "B2", block="Khối B")
    data = outcomes({"A1": (150, 100), "A2": (120, 100), "B1": (120, 100), "B2": (110, 100)})
    scores, _ = score_units([criterion], [], data, plan_units)
    assert {s.unit: s.points for s in scores} == {"A1": 10, "A2": 7, "B1": 10, "B2": 7.5}


def test_leader_rule_on_an_at_most_indicator():
    scores, _ = score_quantitative(
        {"T1": (4, 2), "T2": (2, 2), "T3": (1.6, 2), "T4": (1, 2)}, rule=QuantRule.LEADER, comparison=LE
    )
    # Ratios T/A: 0,5; 1; 1,25; 2 (leader).
    assert [scores[u].points for u in ("T1", "T2", "T3", "T4")] == [2.5, 5, 6.25, 10]
    assert "(2 / 1,6 − 1) / (2 / 1 − 1) = 6,25" in scores["T3"].explanation_vi


def test_leader_rule_at_most_with_actual_zero_leads_and_flattens_the_excess():
    scores, _ = score_quantitative({"T1": (0, 2), "T2": (1, 2), "T3": (3, 2)}, rule=QuantRule.LEADER, comparison=LE)
    assert scores["T1"].points == 10
    assert scores["T2"].points == 5  # above target, but the leader is unbounded
    assert scores["T3"].points == 3.33  # 0,5 × 10 × 2 / 3
    assert "đơn vị dẫn đầu khối (T1) đạt 0 là tốt nhất có thể" in scores["T2"].explanation_vi


def test_entered_score_on_a_quantitative_criterion_is_overridden_with_a_warning():
    criterion = quantitative()
    data = outcomes({"T1": (96.5, 100)})
    e = entry("T1", "Q1", self_score=9.65, block_score=9)
    scores, issues = score_units([criterion], [e], data, units("T1"))
    assert scores[0].points == 9.65
    assert codes(issues) == [("score-differs-from-data", "E7")]
    assert "9,65" in issues[0].message_vi


# --- Đạt/Không đạt -------------------------------------------------------------

PASS_FAIL = Criterion("P1", "Không có trọng điểm ma túy", 20, CriterionKind.PASS_FAIL)


def test_pass_fail_block_review_wins_and_difference_is_kept():
    score, issues = score_one(PASS_FAIL, entry("T1", "P1", self_score=20, block_score=0))
    assert (score.points, score.source, score.self_score, score.block_score, score.difference) == (
        0, ScoreSource.BLOCK, 20, 0, -20)
    assert score.explanation_vi == "Khối chấm 0 (tự chấm 20, chênh lệch -20)."
    assert issues == []
    self_only, _ = score_one(PASS_FAIL, entry("T1", "P1", self_score=20))
    assert (self_only.points, self_only.source) == (20, ScoreSource.SELF)


def test_pass_fail_other_value_is_an_error_and_counts_zero():
    score, issues = score_one(PASS_FAIL, entry("T1", "P1", block_score=15))
    assert score.points == 0
    assert codes(issues) == [("score-not-pass-fail", "E7")]
    assert issues[0].message_vi == "Ô E7: tiêu chí P1 (Đạt/Không đạt) chỉ chấm 20 hoặc 0, không chấm «15»."


# --- Theo lần ------------------------------------------------------------------

PER_TIME = Criterion("L1", "Tổ chức ra quân vệ sinh môi trường", 5, CriterionKind.PER_OCCURRENCE,
                     points_per_occurrence=2, cap=5)


def test_per_occurrence_with_cap():
    capped, issues = score_one(PER_TIME, entry("T1", "L1", occurrences=3))
    assert (capped.points, capped.source) == (5, ScoreSource.DATA)
    assert capped.explanation_vi == "3 lần × 2 = 6. Ngoài giới hạn [0; 5] nên tính 5."
    assert issues == []
    under, _ = score_one(PER_TIME, entry("T1", "L1", occurrences=2))
    assert under.points == 4


def test_per_occurrence_entered_above_cap_is_a_cell_error_and_clamped():
    score, issues = score_one(PER_TIME, entry("T1", "L1", self_score=4, block_score=6))
    assert score.points == 5
    assert codes(issues) == [("score-above-max", "E7")]
    assert issues[0].message_vi == "Ô E7: điểm «6» của T1 ở tiêu chí L1 vượt mức tối đa 5."
    assert issues[0].is_error


def test_negative_score_is_an_error_where_not_allowed():
    score, issues = score_one(PER_TIME, entry("T1", "L1", self_score=-1))
    assert score.points == 0
    assert codes(issues) == [("score-negative", "D7")]
    _, occurrence_issues = score_one(PER_TIME, entry("T1", "L1", occurrences=-2))
    assert codes(occurrence_issues) == [("score-negative", "G7")]


# --- Điểm thưởng / Điểm trừ ----------------------------------------------------

BONUS = Criterion("B1", "Điểm thưởng sáng kiến", 3, CriterionKind.BONUS)
PENALTY = Criterion("T1", "Vi phạm chế độ báo cáo", 5, CriterionKind.PENALTY)


def test_bonus_with_and_without_evidence():
    granted, issues = score_one(BONUS, entry("U1", "B1", block_score=2, evidence="QĐ 12/QĐ-UBND"), unit="U1")
    assert granted.points == 2 and issues == []
    refused, issues = score_one(BONUS, entry("U1", "B1", block_score=2, evidence="  "), unit="U1")
    assert refused.points == 0
    assert codes(issues) == [("bonus-without-evidence", "F7")]
    assert refused.explanation_vi.endswith("Không có minh chứng nên chưa cộng điểm thưởng: 0.")


def test_bonus_ceiling_and_blank_bonus():
    over, issues = score_one(BONUS, entry("U1", "B1", block_score=4, evidence="x"), unit="U1")
    assert over.points == 3
    assert codes(issues) == [("score-above-max", "E7")]
    blank, issues = score_one(BONUS, entry("U1", "B1"), unit="U1")
    assert (blank.points, blank.source, issues) == (0, ScoreSource.MISSING, [])
    assert blank.explanation_vi == "Không có: 0 điểm."


def test_bonus_floor_above_zero_still_accepts_zero_as_none():
    ranged = Criterion("B2", "Thưởng từ 1 đến 3 điểm", 3, CriterionKind.BONUS, floor=1, ceiling=3)
    none, issues = score_one(ranged, entry("U1", "B2", block_score=0), unit="U1")
    assert (none.points, issues) == (0, [])
    low, issues = score_one(ranged, entry("U1", "B2", block_score=0.5, evidence="x"), unit="U1")
    assert low.points == 1
    assert codes(issues) == [("score-below-min", "E7")]
    assert issues[0].message_vi == "Ô E7: điểm «0,5» của U1 ở tiêu chí B2 thấp hơn mức tối thiểu 1."


def test_penalty_sign_floor_and_occurrences():
    for typed in (2, -2):
        score, issues = score_one(PENALTY, entry("U1", "T1", block_score=typed), unit="U1")
        assert score.points == -2 and issues == []
    floored, issues = score_one(PENALTY, entry("U1", "T1", block_score=7), unit="U1")
    assert floored.points == -5
    assert codes(issues) == [("score-above-max", "E7")]
    assert "vượt mức tối đa 5" in issues[0].message_vi
    per_time = Criterion("T2", "Mỗi vụ vi phạm", 5, CriterionKind.PENALTY, points_per_occurrence=1.5, floor=4)
    counted, issues = score_one(per_time, entry("U1", "T2", occurrences=4), unit="U1")
    assert counted.points == -4  # 4 × −1,5 = −6, floor −4
    assert counted.explanation_vi == "4 lần × -1,5 = -6. Ngoài giới hạn [-4; 0] nên tính -4."
    assert issues == []


# --- validation of the entries -------------------------------------------------


def test_missing_score_is_cell_addressed_and_a_unit_without_sheet_is_one_record():
    criteria = [PASS_FAIL, PER_TIME, BONUS]
    entries = [entry("T1", "P1"), entry("T1", "L1", block_score=4), entry("T1", "B1")]
    scores, issues = score_units(criteria, entries, {}, units("T1", "T2"))
    assert codes(issues) == [("missing-score", "E7"), ("unit-not-scored", "")]
    assert "T2" in issues[1].message_vi
    assert {(s.unit, s.criterion): s.points for s in scores} == {
        ("T1", "P1"): 0, ("T1", "L1"): 4, ("T1", "B1"): 0, ("T2", "P1"): 0, ("T2", "L1"): 0, ("T2", "B1"): 0}


def test_unknown_misplaced_and_repeated_entries():
    other_block = Criterion("X1", "Chỉ cho khối trường", 10, CriterionKind.PASS_FAIL, block="Khối trường")
    plan_units = units("T1") + [Unit("XA", "UBND xã", "Xã", "")]
    entries = [
        entry("T1", "P1", block_score=20),
        entry("T1", "p1 ", block_score=0),  # the same criterion again, typed differently
        entry("T9", "P1", block_score=20),
        entry("T1", "ZZ", block_score=20),
        entry("XA", "P1", block_score=20),
        entry("T1", "X1", block_score=10),
    ]
    scores, issues = score_units([PASS_FAIL, other_block], entries, {}, plan_units)
    assert [i.code for i in issues] == [
        "duplicate-score", "unknown-unit", "unknown-criterion", "unit-without-block", "criterion-not-for-block"]
    assert [i.cell for i in issues] == ["A7", "D4", "A7", "D4", "A7"]
    assert issues[1].message_vi == "Ô D4: đơn vị «T9» không có trong kế hoạch."
    assert [(s.unit, s.criterion, s.points) for s in scores] == [("T1", "P1", 20)]


# --- a hand-built block of five units -------------------------------------------

# Plan order is deliberately not alphabetical, so a tie listed alphabetically would show.
FIVE = ["THON_HA", "THON_DONG", "THON_BAC", "THON_CAU", "THON_AN"]
FIVE_CRITERIA = [
    Criterion("Q1", "Thu nhập bình quân", 40, CriterionKind.QUANTITATIVE, indicator_code="CT05",
              rule=QuantRule.LEADER),
    PASS_FAIL,
    Criterion("B1", "Điểm thưởng", 10, CriterionKind.BONUS),
    PENALTY,
]


def five_block():
    data = outcomes({"THON_HA": (150, 100), "THON_DONG": (120, 100), "THON_BAC": (120, 100),
                     "THON_CAU": (120, 100), "THON_AN": (110, 100)})
    entries = []
    for unit, bonus, penalty in [("THON_HA", 0, 2), ("THON_DONG", 2, 0), ("THON_BAC", 2, 0),
                                 ("THON_CAU", 4, 2), ("THON_AN", 6, 0)]:
        entries.append(entry(unit, "P1", self_score=20, block_score=20))
        entries.append(entry(unit, "B1", block_score=bonus, evidence="Bằng khen huyện" if bonus else ""))
        entries.append(entry(unit, "T1", block_score=penalty))
    return score_units(FIVE_CRITERIA, entries, data, units(*FIVE))


def test_five_units_rank_exactly_as_computed_by_hand():
    scores, issues = five_block()
    assert issues == []
    # Q1 by hand (leader 150/100): 120/100 → 20 + 20 × 0,2 / 0,5 = 28; 110/100 → 24.
    # HA 40+20+0−2 = 58; DONG 28+20+2 = 50; BAC 50; CAU 28+20+4−2 = 50 (penalty 2); AN 24+20+6 = 50 (quant 24).
    ranked = rank_units(scores, units(*FIVE))
    assert [(t.unit, t.total, t.quantitative, t.penalty, t.rank, t.tied) for t in ranked] == [
        ("THON_HA", 58, 40, 2, 1, False),
        ("THON_DONG", 50, 28, 0, 2, True),
        ("THON_BAC", 50, 28, 0, 2, True),
        ("THON_CAU", 50, 28, 2, 4, False),
        ("THON_AN", 50, 24, 0, 5, False),
    ]
    by_unit = {t.unit: t for t in ranked}
    assert by_unit["THON_DONG"].tied_with == ("THON_BAC",)
    assert by_unit["THON_DONG"].rank_note_vi.startswith(
        "Đồng hạng với THON_BAC: bằng tổng điểm, điểm định lượng và điểm trừ.")
    assert by_unit["THON_CAU"].rank_note_vi == (
        "Bằng tổng điểm và điểm định lượng với THON_DONG, xếp dưới vì bị trừ nhiều hơn (2 > 0). "
        "Bằng tổng điểm và điểm định lượng với THON_BAC, xếp dưới vì bị trừ nhiều hơn (2 > 0). "
        "Bằng tổng điểm với THON_AN, xếp trên vì điểm định lượng cao hơn (28 > 24)."
    )
    assert by_unit["THON_HA"].rank_note_vi == ""
    q1_dong = next(s for s in scores if s.unit == "THON_DONG" and s.criterion == "Q1")
    assert q1_dong.explanation_vi.endswith(
        "0,5 × 40 + 0,5 × 40 × (120 / 100 − 1) / (150 / 100 − 1) = 28 (dẫn đầu khối: THON_HA).")


def test_ranks_are_per_block_and_never_alphabetical():
    scores = [CriterionScore(u, b, "P1", CriterionKind.PASS_FAIL, p, ScoreSource.BLOCK)
              for u, b, p in [("Z", "K1", 10), ("A", "K1", 10), ("M", "K2", 5), ("B", "K2", 20)]]
    plan_units = [Unit("Z", "", "Thôn", "K1"), Unit("A", "", "Thôn", "K1"), Unit("M", "", "Thôn", "K2"),
                  Unit("B", "", "Thôn", "K2")]
    ranked = rank_units(scores, plan_units)
    assert [(t.unit, t.rank, t.tied) for t in ranked] == [("Z", 1, True), ("A", 1, True), ("B", 1, False),
                                                         ("M", 2, False)]


# --- commendation proposals -----------------------------------------------------


def five_ranked():
    scores, _ = five_block()
    return rank_units(scores, units(*FIVE))


def test_quota_that_cuts_a_tie_leaves_the_tied_units_to_the_council():
    rules = [
        AwardRule("Cờ thi đua", min_total=55, top_k=1),
        AwardRule("Giấy khen", min_total=45, quota_percent=20),  # 20 % of 5 = 1 place
        AwardRule("Khen thưởng khối", min_total=45),
    ]
    proposed, issues = propose_awards(five_ranked(), rules)
    titles = {t.unit: t.title for t in proposed}
    assert titles == {"THON_HA": "Cờ thi đua", "THON_DONG": "Khen thưởng khối", "THON_BAC": "Khen thưởng khối",
                      "THON_CAU": "Khen thưởng khối", "THON_AN": "Khen thưởng khối"}
    assert [(i.code, i.severity) for i in issues] == [("award-tie-at-limit", "warning")]
    assert issues[0].message_vi == (
        "«Giấy khen» (Khối thôn): THON_DONG, THON_BAC bằng nhau về tổng điểm (50), điểm định lượng và điểm trừ "
        "nhưng chỉ còn 1 suất cho 2 đơn vị; chưa đề nghị đơn vị nào trong số này, Hội đồng thi đua quyết định."
    )
    reasons = {t.unit: t.reason_vi for t in proposed}
    assert reasons["THON_DONG"] == (
        "«Cờ thi đua»: 50 điểm, chưa đạt tối thiểu 55. «Giấy khen»: bằng điểm với THON_BAC tại ranh giới "
        "(còn 1 suất cho 2 đơn vị); chưa đề nghị, Hội đồng thi đua quyết định. "
        "«Khen thưởng khối»: đề nghị (hạng 2 khối «Khối thôn», 50 điểm)."
    )
    # The place is not handed down to a lower-ranked unit past the tie.
    assert "«Giấy khen»: ngoài hạn mức 20% (1 suất)." in reasons["THON_CAU"]
    assert reasons["THON_HA"] == "«Cờ thi đua»: đề nghị (hạng 1 khối «Khối thôn», 58 điểm)."


def test_top_k_that_cuts_a_tie():
    proposed, issues = propose_awards(five_ranked(), [AwardRule("Giấy khen", top_k=2)])
    assert [t.unit for t in proposed if t.title] == ["THON_HA"]
    assert [i.code for i in issues] == ["award-tie-at-limit"]
    assert "chỉ còn 1 suất cho 2 đơn vị" in issues[0].message_vi
    wide, issues = propose_awards(five_ranked(), [AwardRule("Giấy khen", top_k=3)])
    assert [t.unit for t in wide if t.title] == ["THON_HA", "THON_DONG", "THON_BAC"]
    assert issues == []


def test_minimum_total_and_a_quota_too_small_for_one_place():
    proposed, issues = propose_awards(five_ranked(), [AwardRule("Giấy khen", min_total=60, quota_percent=40)])
    assert [t.title for t in proposed] == [""] * 5
    assert issues == []
    assert proposed[0].reason_vi == "«Giấy khen»: 58 điểm, chưa đạt tối thiểu 60."
    proposed, issues = propose_awards(five_ranked(), [AwardRule("Giấy khen", quota_percent=15)])
    assert [t.title for t in proposed] == [""] * 5
    assert [i.code for i in issues] == ["award-quota-zero"]
    assert issues[0].message_vi == (
        "«Giấy khen» (Khối thôn): hạn mức 15% của 5 đơn vị chưa đủ một suất; không đề nghị đơn vị nào.")


def test_quota_over_all_units_of_the_commune():
    totals = rank_units(
        [CriterionScore(u, b, "P1", CriterionKind.PASS_FAIL, p, ScoreSource.BLOCK)
         for u, b, p in [("A1", "K1", 90), ("A2", "K1", 80), ("B1", "K2", 85), ("B2", "K2", 70)]],
        [Unit(u, "", "Thôn", b) for u, b in [("A1", "K1"), ("A2", "K1"), ("B1", "K2"), ("B2", "K2")]],
    )
    rule = AwardRule("Giấy khen", quota_percent=50, quota_base=QuotaBase.ALL)  # 2 of 4 units
    proposed, issues = propose_awards(totals, [rule])
    assert sorted(t.unit for t in proposed if t.title) == ["A1", "B1"]
    assert issues == []


def test_quota_places_is_exact_and_rounds_down():
    assert [quota_places(15, n) for n in (5, 7, 20, 100)] == [0, 1, 3, 15]
    assert quota_places(33.3, 3) == 0  # 0,999
    assert quota_places(10, 30) == 3  # 0.1 × 30 is 3.0000000000000004 in floats


# --- properties -----------------------------------------------------------------

KINDS = [PASS_FAIL, PER_TIME, BONUS, PENALTY,
         Criterion("T2", "Mỗi vụ vi phạm", 5, CriterionKind.PENALTY, points_per_occurrence=1.5, floor=4),
         Criterion("B2", "Mỗi giải thưởng", 3, CriterionKind.BONUS, points_per_occurrence=0.5, floor=1)]
maybe_score = st.one_of(st.none(), st.floats(-50, 50, allow_nan=False).map(lambda v: round(v, 2)))


@settings(max_examples=300, deadline=None)
@given(criterion=st.sampled_from(KINDS), self_score=maybe_score, block_score=maybe_score,
       occurrences=st.one_of(st.none(), st.integers(-3, 20).map(float)), evidence=st.sampled_from(["", "QĐ"]))
def test_entered_points_stay_within_the_criterion_limits(criterion, self_score, block_score, occurrences, evidence):
    e = entry("U1", criterion.code, self_score=self_score, block_score=block_score, occurrences=occurrences,
              evidence=evidence)
    score, issues = score_one(criterion, e, unit="U1")
    low, high = criterion.bounds
    assert score.points == 0 or low <= score.points <= high
    assert low <= 0 <= high or criterion.kind is CriterionKind.BONUS
    if block_score is not None:
        assert score.source is ScoreSource.BLOCK


ratio_pairs = st.tuples(st.floats(0, 500, allow_nan=False).map(lambda v: round(v, 1)),
                        st.floats(0, 500, allow_nan=False).map(lambda v: round(v, 1)))


@settings(max_examples=200, deadline=None)
@given(pairs=st.lists(ratio_pairs, min_size=1, max_size=8), rule=st.sampled_from(list(QuantRule)),
       comparison=st.sampled_from([GE, LE]))
def test_quantitative_points_are_bounded_and_monotone_in_the_ratio(pairs, rule, comparison):
    values = {f"U{i}": pair for i, pair in enumerate(pairs)}
    scores, _ = score_quantitative(values, rule=rule, comparison=comparison)
    assert all(0 <= s.points <= 10 for s in scores.values())
    finite = {u: (t / a if comparison is LE else a / t) for u, (a, t) in values.items() if a > 0 and t > 0}
    for u, r in finite.items():
        for v, q in finite.items():
            if r > q + 1e-9:
                assert scores[u].points >= scores[v].points


@settings(max_examples=200, deadline=None)
@given(points=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 3), st.integers(0, 2)), min_size=1, max_size=9))
def test_rank_order_is_consistent_with_the_tie_break(points):
    plan_units = [Unit(f"U{i}", "", "Thôn", BLOCK) for i in range(len(points))]
    scores = []
    for unit, (other, quant, penalty) in zip(plan_units, points):
        scores += [CriterionScore(unit.code, BLOCK, "Q", CriterionKind.QUANTITATIVE, float(quant), ScoreSource.DATA),
                   CriterionScore(unit.code, BLOCK, "P", CriterionKind.PASS_FAIL, float(other), ScoreSource.BLOCK),
                   CriterionScore(unit.code, BLOCK, "T", CriterionKind.PENALTY, -float(penalty), ScoreSource.BLOCK)]
    ranked = rank_units(scores, plan_units)
    for a in ranked:
        assert a.rank == 1 + sum(b.sort_key < a.sort_key for b in ranked)
        for b in ranked:
            if a.total > b.total:
                assert a.rank < b.rank
            assert (a.rank == b.rank) == (a.sort_key == b.sort_key)
            if a.unit != b.unit:
                assert (b.unit in a.tied_with) == (a.rank == b.rank)


@settings(max_examples=200, deadline=None)
@given(totals=st.lists(st.integers(0, 5), min_size=1, max_size=12), top_k=st.one_of(st.none(), st.integers(1, 4)),
       percent=st.one_of(st.none(), st.sampled_from([10, 15, 25, 50])))
def test_proposals_never_exceed_top_k_or_quota(totals, top_k, percent):
    plan_units = [Unit(f"U{i}", "", "Thôn", BLOCK) for i in range(len(totals))]
    scores = [CriterionScore(u.code, BLOCK, "P", CriterionKind.PASS_FAIL, float(t), ScoreSource.BLOCK)
              for u, t in zip(plan_units, totals)]
    ranked = rank_units(scores, plan_units)
    proposed, _ = propose_awards(ranked, [AwardRule("Giấy khen", top_k=top_k, quota_percent=percent)])
    winners = [t for t in proposed if t.title]
    if top_k is not None:
        assert len(winners) <= top_k
    if percent is not None:
        assert len(winners) <= quota_places(percent, len(totals))
    # Equal units are treated alike: a tie is never split by a limit.
    for a in proposed:
        for b in proposed:
            if a.sort_key == b.sort_key:
                assert a.title == b.title
