"""Hand-computed examples for every Cách tính and both kinds of target."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from xlsync.core.attainment import achieved, attainment_ratio, evaluate
from xlsync.core.plan import Comparison, Indicator, Method


def _indicator(method, numerator="N", denominator="", comparison=Comparison.GE, target=10.0, factor=1.0):
    return Indicator(code="X", group="Kinh tế", name="x", unit="", comparison=comparison, target=target,
                     method=method, numerator=numerator, denominator=denominator, factor=factor)


FRAME = pd.DataFrame(
    {"N": [3.0, 7.0, math.nan], "D": [100.0, 300.0, 50.0], "P": [1.0, 0.0, 1.0]},
    index=pd.Index(["T1", "T2", "T3"], name="unit"),
)


def test_sum_adds_the_numerator_and_applies_the_factor():
    assert evaluate(_indicator(Method.SUM), FRAME).actual == 10
    assert evaluate(_indicator(Method.SUM, factor=0.001), FRAME).actual == pytest.approx(0.01)


def test_rate_divides_the_sums_never_averages_the_rates():
    result = evaluate(_indicator(Method.RATE, denominator="D"), FRAME)
    # (3 + 7) / (100 + 300) = 2,5 %; the average of 3 % and 2,33 % would be 2,67 %.
    assert result.actual == pytest.approx(2.5)
    assert (result.numerator_total, result.denominator_total, result.units_reporting) == (10, 400, 2)


def test_quotient_is_per_head():
    assert evaluate(_indicator(Method.QUOTIENT, denominator="D"), FRAME).actual == pytest.approx(0.025)


def test_zero_denominator_gives_no_value():
    frame = pd.DataFrame({"N": [0.0], "D": [0.0]}, index=["T1"])
    result = evaluate(_indicator(Method.RATE, denominator="D"), frame)
    assert result.actual is None and result.achieved is None and result.ratio is None


def test_count_and_rate_of_units_achieving():
    assert evaluate(_indicator(Method.COUNT_PASS, numerator="P", target=2), FRAME).actual == 2
    assert evaluate(_indicator(Method.PASS_RATE, numerator="P", target=100), FRAME).actual == pytest.approx(200 / 3)


def test_qualitative_and_value_take_the_single_reporting_unit():
    one = FRAME.loc[["T2"]]
    qualitative = evaluate(_indicator(Method.QUALITATIVE, numerator="P", comparison=Comparison.PASS, target=True), one)
    assert qualitative.actual is False and qualitative.achieved is False
    assert evaluate(_indicator(Method.VALUE, numerator="D", target=88.5), one).actual == 300
    assert evaluate(_indicator(Method.VALUE, numerator="D"), FRAME).actual is None  # three units: ambiguous


@pytest.mark.parametrize(
    ("comparison", "target", "actual", "ratio", "ok"),
    [
        (Comparison.GE, 96.5, 95.0, 100 * 95 / 96.5, False),
        (Comparison.GE, 96.5, 96.5, 100.0, True),
        (Comparison.GT, 97.4, 97.4, 100.0, False),
        (Comparison.LT, 3.0, 2.4, 125.0, True),  # at most: 100 × target / actual
        (Comparison.LE, 3.22, 3.5, 100 * 3.22 / 3.5, False),
        (Comparison.LT, 3.0, 0.0, None, True),  # nothing to divide by; met in full
        (Comparison.GE, 0.0, 5.0, None, True),
        (Comparison.EQ, 100.0, 100.0000000001, 100.0000000001, True),
        (Comparison.PASS, True, True, None, True),
        (Comparison.PASS, True, False, None, False),
    ],
)
def test_attainment_and_verdict(comparison, target, actual, ratio, ok):
    assert achieved(comparison, target, actual) is ok
    got = attainment_ratio(comparison, target, actual)
    assert got == (None if ratio is None else pytest.approx(ratio))


@pytest.mark.parametrize(("comparison", "met"), [(Comparison.LE, True), (Comparison.LT, False)])
def test_an_at_most_target_met_exactly(comparison, met):
    """Tỷ lệ hộ nghèo ≤ 3,22 % with an actual of exactly 3,22 %: «Đạt»; with "<" it is not."""
    assert achieved(comparison, 3.22, 3.22) is met
    assert attainment_ratio(comparison, 3.22, 3.22) == 100.0
