"""Points computed exactly, and the bilingual phrases that explain them.

Points are rounded half up to 2 decimals, exactly (from the decimal the
user typed, not the binary float), so the published points add up to the
published total and equal totals compare equal.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Iterable

from xlsync.core.messages import TEXT, render
from xlsync.core.numbers import FAIL, PASS, format_number

POINT_DECIMALS = 2
LANGS = ("vi", "en")
_HALF = Fraction(1, 2)


def exact_value(value: float) -> Fraction:
    """The decimal a user typed (96.5 → 193/2), not the binary float nearest it."""
    return Fraction(Decimal(repr(float(value))))


def round_points(value: float | Fraction) -> float:
    """Half up (away from zero) to POINT_DECIMALS decimals: 4.825 → 4.83."""
    exact = value if isinstance(value, Fraction) else exact_value(value)
    scale = 10**POINT_DECIMALS
    magnitude = math.floor(abs(exact) * scale + _HALF)
    return math.copysign(magnitude, exact) / scale + 0.0


def sum_points(values: Iterable[float]) -> float:
    return round_points(sum((exact_value(v) for v in values), Fraction(0)))


def localized_number(value: float | Fraction, lang: str) -> str:
    text = format_number(float(value))
    return text if lang == "vi" else text.translate(str.maketrans(".,", ",."))


Phrase = tuple[str, str]  # (Vietnamese, English)


def _field(value: object, lang: str) -> str:
    if isinstance(value, tuple):
        return value[LANGS.index(lang)]
    if isinstance(value, bool):
        return PASS if value else FAIL
    if isinstance(value, (int, float, Fraction)):
        return localized_number(value, lang)
    return str(value)


def say(key: str, **fields: object) -> Phrase:
    """A TEXT template in both languages; numbers formatted per language."""
    vi, en = (render(TEXT[key][i], {k: _field(v, lang) for k, v in fields.items()})
              for i, lang in enumerate(LANGS))
    return vi, en


def join_phrases(*phrases: Phrase, sep: str = "") -> Phrase:
    return sep.join(p[0] for p in phrases), sep.join(p[1] for p in phrases)
