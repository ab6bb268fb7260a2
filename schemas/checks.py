"""Named checks, registered with pandera, and the record code each one reports.

Values reach these checks already parsed (Vietnamese numbers, Đạt/Chưa đạt
as 1/0): parsing problems are reported before pandera runs, so one bad cell
never hides the real problems of its column.
"""

from __future__ import annotations

import pandas as pd
from pandera.extensions import register_check_method

from xlsync.core.plan import is_email_address

# pandera's built-in failures and our registered checks → catalogue codes.
RECORD_CODES: dict[str, str] = {
    "not_nullable": "missing-cell",
    "field_uniqueness": "duplicate-code",
    "non_negative": "negative-value",
    "whole_number": "not-whole-number",
    "percent_range": "percent-out-of-range",
    "pass_fail_flag": "invalid-pass-fail",
    "one_of": "invalid-choice",
    "email_address": "invalid-email",
    "numerator_le_denominator": "numerator-exceeds-denominator",
}

_TOLERANCE = 1e-9


@register_check_method
def non_negative(series: pd.Series) -> pd.Series:
    return series.isna() | (series >= 0)


@register_check_method
def whole_number(series: pd.Series) -> pd.Series:
    return series.isna() | ((series - series.round()).abs() < _TOLERANCE)


@register_check_method
def percent_range(series: pd.Series) -> pd.Series:
    return series.isna() | series.between(0, 100)


@register_check_method
def pass_fail_flag(series: pd.Series) -> pd.Series:
    return series.isna() | series.isin([0.0, 1.0])


@register_check_method(statistics=["choices"])
def one_of(series: pd.Series, *, choices: tuple[str, ...]) -> pd.Series:
    return series.isna() | series.isin(choices)


@register_check_method
def email_address(series: pd.Series) -> pd.Series:
    return series.isna() | series.map(lambda v: isinstance(v, str) and is_email_address(v))


@register_check_method(statistics=["numerator", "denominator"])
def numerator_le_denominator(frame: pd.DataFrame, *, numerator: str, denominator: str) -> pd.Series:
    """A part (poor households) cannot exceed its whole (households)."""
    part, whole = frame[numerator], frame[denominator]
    return part.isna() | whole.isna() | (part <= whole + _TOLERANCE)
