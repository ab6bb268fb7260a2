"""Reading and writing numbers the way Vietnamese offices type them.

The Vietnamese convention is a dot between thousands and a comma before the
decimals ("1.234.567", "442,75").  People also type a dot decimal ("3.5")
and paste English figures ("1,234.5").  The rule here: read what is
certain, read what is ambiguous by the Vietnamese convention *and say so*,
reject what is wrong.  Nothing is guessed silently.

Ambiguous forms are exactly those where one separator is followed by three
digits and preceded by one to three digits not starting with zero
("6.990", "1,234"): both a thousands reading and a decimal reading exist.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from typing import Literal

Status = Literal["ok", "blank", "ambiguous", "foreign", "invalid"]


class Kind(StrEnum):
    """What a data element holds; the values are the plan workbook's words."""

    INTEGER = "Số nguyên"
    DECIMAL = "Số thập phân"
    PERCENT = "Tỷ lệ %"
    PASS_FAIL = "Đạt/Chưa đạt"


PASS, FAIL = "Đạt", "Chưa đạt"


@dataclass(frozen=True, slots=True)
class Reading:
    """The outcome of reading one cell.

    ``value`` is a float for numbers, a bool for Đạt/Chưa đạt, None when blank
    or invalid.  For ``ambiguous`` and ``foreign`` readings, ``other`` is the
    alternative the user may have meant (for the warning).
    """

    value: float | bool | None
    status: Status
    other: float | None = None
    from_number_cell: bool = False

    @property
    def usable(self) -> bool:
        return self.value is not None


_BLANKS = dict.fromkeys(map(ord, " \t\r\n\u00a0\u2007\u2009\u202f\u200b"), None)
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-"})
_BODY = re.compile(r"[0-9.,]+")
_DOT_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+")
_COMMA_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+")
_THREE_AFTER = re.compile(r"[1-9][0-9]{0,2}")  # a left part that could be a thousands group


def parse_number(raw: object, *, percent: bool = False) -> Reading:
    """Read one cell as a number (see the module docstring for the rules)."""
    if raw is None:
        return Reading(None, "blank")
    if isinstance(raw, bool) or isinstance(raw, (datetime, date, time)):
        # A date in a number cell is usually Excel "helping" with "1.5" → 1 May.
        return Reading(None, "invalid")
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and not math.isfinite(raw):
            return Reading(None, "invalid")
        return Reading(float(raw), "ok", from_number_cell=True)

    text = unicodedata.normalize("NFKC", str(raw)).translate(_BLANKS).translate(_MINUS)
    if not text:
        return Reading(None, "blank")
    sign = 1.0
    if text[0] in "+-":
        sign = -1.0 if text[0] == "-" else 1.0
        text = text[1:]
    if text.endswith("%"):
        if not percent:
            return Reading(None, "invalid")
        text = text[:-1]
    if not _BODY.fullmatch(text) or not any(ch.isdigit() for ch in text):
        return Reading(None, "invalid")

    reading = _read_body(text)
    if reading.value is None:
        return reading
    other = None if reading.other is None else sign * reading.other
    return Reading(sign * reading.value + 0.0, reading.status, other)


def _read_body(text: str) -> Reading:
    dots, commas = text.count("."), text.count(",")
    if not dots and not commas:
        return Reading(float(text), "ok")
    if dots and commas:
        return _read_mixed(text)
    sep = "." if dots else ","
    count = dots or commas
    if count > 1:
        grouped = _DOT_GROUPED if sep == "." else _COMMA_GROUPED
        if not grouped.fullmatch(text):
            return Reading(None, "invalid")
        whole = float(text.replace(sep, ""))
        # "1.234.567" is plain Vietnamese; "1,234,567" is English thousands.
        return Reading(whole, "ok" if sep == "." else "foreign")

    left, right = text.split(sep)
    if not right:
        return Reading(None, "invalid")
    as_decimal = float(f"{left or '0'}.{right}")
    if len(right) == 3 and _THREE_AFTER.fullmatch(left):
        as_thousands = float(left + right)
        if sep == ".":
            return Reading(as_thousands, "ambiguous", other=as_decimal)
        return Reading(as_decimal, "ambiguous", other=as_thousands)
    # One separator that cannot be a thousands mark: it is a decimal point,
    # whichever of the two was typed ("442,75", "3.5", "0.125").
    return Reading(as_decimal, "ok")


def _read_mixed(text: str) -> Reading:
    last_comma, last_dot = text.rfind(","), text.rfind(".")
    if last_comma > last_dot:  # Vietnamese: 1.234,5
        whole, frac = text[:last_comma], text[last_comma + 1 :]
        if frac and frac.isdigit() and _DOT_GROUPED.fullmatch(whole):
            return Reading(float(f"{whole.replace('.', '')}.{frac}"), "ok")
    else:  # English: 1,234.5
        whole, frac = text[:last_dot], text[last_dot + 1 :]
        if frac and frac.isdigit() and _COMMA_GROUPED.fullmatch(whole):
            return Reading(float(f"{whole.replace(',', '')}.{frac}"), "foreign")
    return Reading(None, "invalid")


_PASS_WORDS = {"đạt", "dat"}
_FAIL_WORDS = {"chưa đạt", "chua dat", "không đạt", "khong dat"}


def parse_pass_fail(raw: object) -> Reading:
    """Read a Đạt / Chưa đạt cell (also accepts "Không đạt" and unaccented forms)."""
    if raw is None:
        return Reading(None, "blank")
    text = " ".join(unicodedata.normalize("NFC", str(raw)).replace("\u00a0", " ").split()).casefold()
    if not text:
        return Reading(None, "blank")
    if text in _PASS_WORDS:
        return Reading(True, "ok")
    if text in _FAIL_WORDS:
        return Reading(False, "ok")
    return Reading(None, "invalid")


def read_cell(raw: object, kind: Kind) -> Reading:
    if kind is Kind.PASS_FAIL:
        return parse_pass_fail(raw)
    return parse_number(raw, percent=kind is Kind.PERCENT)


def percent_shown(stored: float) -> float:
    """The percentage a %-formatted cell shows for the fraction it stores (0.648 → 64.8).

    Rounded, because binary fractions do not scale exactly (0.648 × 100 is 64.80000000000001,
    0.965 × 100 is 96.49999999999999) and the user typed the shown figure.
    """
    return round(stored * 100, 10)


def format_number(value: float, decimals: int | None = None) -> str:
    """Vietnamese formatting: ``1234567.5`` → ``"1.234.567,5"``.

    With ``decimals`` None, whole numbers show no decimals and others show
    as many as needed (up to 6, trailing zeros dropped).
    """
    if decimals is None:
        text = f"{value:,.6f}".rstrip("0").rstrip(".")
    else:
        text = f"{value:,.{decimals}f}"
    if text in ("-0", "-0." + "0" * (decimals or 0)):
        text = text[1:]
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_value(value: float | bool | None, kind: Kind | None = None) -> str:
    """A value as a user reads it: Đạt/Chưa đạt, or a Vietnamese number."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool) or kind is Kind.PASS_FAIL:
        return PASS if value else FAIL
    return format_number(float(value))
