"""Vietnamese number reading: certain, ambiguous (read and flagged), wrong (rejected)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlsync.core.numbers import Kind, format_number, parse_number, parse_pass_fail, percent_shown, read_cell


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("442,75", 442.75),
        ("1.234.567", 1234567),
        ("3.5", 3.5),
        ("0,125", 0.125),
        ("1.234,5", 1234.5),
        ("12", 12),
        (" 1 234 ", 1234),
        ("1\u00a0234", 1234),
        ("-5", -5),
        ("−2,5", -2.5),
        (".5", 0.5),
    ],
)
def test_certain_forms_are_read_without_a_warning(text, expected):
    reading = parse_number(text)
    assert reading.status == "ok"
    assert reading.value == pytest.approx(expected)


def test_percent_sign_is_accepted_for_percent_elements_only():
    assert parse_number("96,5%", percent=True).value == pytest.approx(96.5)
    assert parse_number("96,5%", percent=True).status == "ok"
    assert parse_number("96,5%").status == "invalid"


@pytest.mark.parametrize(
    ("text", "vietnamese", "other"),
    [("6.990", 6990, 6.99), ("1,234", 1.234, 1234), ("6,990", 6.99, 6990), ("-1.500", -1500, -1.5)],
)
def test_ambiguous_forms_are_read_the_vietnamese_way_and_flagged(text, vietnamese, other):
    reading = parse_number(text)
    assert reading.status == "ambiguous"
    assert reading.value == pytest.approx(vietnamese)
    assert reading.other == pytest.approx(other)


@pytest.mark.parametrize(("text", "expected"), [("1,234,567", 1234567), ("1,234.5", 1234.5)])
def test_english_forms_are_read_and_flagged_as_foreign(text, expected):
    reading = parse_number(text)
    assert (reading.status, reading.value) == ("foreign", pytest.approx(expected))


@pytest.mark.parametrize(
    "text", ["khoảng 50", "50 hộ", "abc", "1.2.3", "12.34.567", "5.", "1,2,3", "1.234,5,6", "--5", "%", "1e5"]
)
def test_wrong_forms_are_rejected(text):
    assert parse_number(text, percent=True) .status == "invalid"
    assert parse_number(text, percent=True).value is None


def test_cells_stored_as_numbers_are_taken_as_they_are():
    reading = parse_number(6.99)
    assert (reading.value, reading.status, reading.from_number_cell) == (6.99, "ok", True)
    assert parse_number(1234).value == 1234.0


def test_booleans_dates_and_nan_in_number_cells_are_rejected():
    from datetime import datetime

    assert parse_number(True).status == "invalid"
    assert parse_number(datetime(2024, 5, 1)).status == "invalid"
    assert parse_number(math.nan).status == "invalid"


def test_blank_cells_are_blank_not_zero():
    assert parse_number(None).status == "blank"
    assert parse_number("  ").status == "blank"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Đạt", True), ("đạt", True), (" ĐẠT ", True), ("Chưa đạt", False), ("Không đạt", False), ("chua dat", False)],
)
def test_pass_fail_words(text, expected):
    assert parse_pass_fail(text).value is expected


def test_pass_fail_rejects_other_words():
    assert parse_pass_fail("Tốt").status == "invalid"
    assert read_cell("x", Kind.PASS_FAIL).status == "invalid"


def test_formatting_uses_dot_thousands_and_comma_decimals():
    assert format_number(1234567.5) == "1.234.567,5"
    assert format_number(6990) == "6.990"
    assert format_number(442.75) == "442,75"
    assert format_number(96.456, 1) == "96,5"
    assert format_number(-0.0001, 2) == "0,00"


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_integers_round_trip(value):
    assert parse_number(format_number(value)).value == value


@given(
    st.decimals(min_value=-10**9, max_value=10**9, places=3, allow_nan=False, allow_infinity=False),
)
def test_decimals_round_trip(value):
    number = float(value)
    reading = parse_number(format_number(number))
    assert reading.value == pytest.approx(number, rel=1e-12, abs=1e-9)
    # Only the forms that truly have two readings are flagged.
    assert reading.status in ("ok", "ambiguous")


@given(st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda v: round(v, 2)))
def test_percent_round_trip_with_sign(value):
    assert parse_number(format_number(value) + "%", percent=True).value == pytest.approx(value)


@pytest.mark.parametrize(("text", "expected"), [("1.2345", 1.2345), ("1,2345", 1.2345), ("12.34567", 12.34567)])
def test_four_or_more_digits_after_one_separator_are_decimals(text, expected):
    """A thousands group has exactly three digits: "1.2345" can only be a decimal."""
    reading = parse_number(text)
    assert (reading.value, reading.status, reading.other) == (expected, "ok", None)


def test_three_digits_after_one_dot_stay_ambiguous():
    reading = parse_number("1.234")
    assert (reading.value, reading.status, reading.other) == (1234.0, "ambiguous", 1.234)


@pytest.mark.parametrize("stored, shown", [(0.648, 64.8), (0.965, 96.5), (0.0299, 2.99), (1.0, 100.0), (0.5, 50.0)])
def test_a_percent_formatted_fraction_is_the_figure_the_cell_shows(stored, shown):
    assert percent_shown(stored) == shown  # exactly: 0.648 * 100 alone is 64.80000000000001
