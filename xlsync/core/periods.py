"""Reporting periods (kỳ báo cáo): the year, its first six months, a quarter…

A period has a code that every file of the round carries (templates, Google
Sheets, masters), a name users read, and optional dates: «Từ ngày», «Đến
ngày» and «Hạn nộp» (the submission deadline).

Codes: the year is ``"2024"`` («Năm 2024»), the first six months
``"2024-6T"`` («6 tháng đầu năm 2024»), the last six ``"2024-6TC"``, a
quarter ``"2024-Q1"`` («Quý I năm 2024»), a month ``"2024-T03"``.  Any other
code a plan's «Kỳ báo cáo» sheet gives is kept as typed (normalised text);
its kind is then told from its dates.

Where the periods live: :attr:`xlsync.core.plan.Plan.periods` (the sheet
«Kỳ báo cáo», or :func:`default_periods` when the plan has none) and
:meth:`xlsync.core.plan.Plan.period`.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Iterable, Literal

from xlsync.core.text import is_blank, label_key, normalize_text

PeriodKind = Literal["year", "half", "quarter", "month", "other"]

ROMAN = ("I", "II", "III", "IV")
_YEAR = re.compile(r"^(\d{4})$")
_HALF = re.compile(r"^(\d{4})-6T(C?)$", re.IGNORECASE)
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-T(\d{1,2})$", re.IGNORECASE)
_LEADING_YEAR = re.compile(r"^(\d{4})(?:\b|-)")
_KIND_BY_MONTHS: dict[int, PeriodKind] = {12: "year", 6: "half", 3: "quarter", 1: "month"}


@dataclass(frozen=True, slots=True)
class Period:
    code: str
    name: str
    start: date | None = None
    end: date | None = None
    deadline: date | None = None

    @property
    def year(self) -> int | None:
        """The year the period belongs to: from its dates, else from its code."""
        if self.end is not None:
            return self.end.year
        if self.start is not None:
            return self.start.year
        found = _LEADING_YEAR.match(self.code)
        return int(found.group(1)) if found else None

    @property
    def kind(self) -> PeriodKind:
        """Year, half, quarter, month or other: told from the dates, or from the code when dates are blank."""
        if self.start is not None and self.end is not None:
            return _kind_of_span(self.start, self.end)
        standard = period_from_code(self.code)
        return standard.kind if standard is not None and standard.start is not None else "other"

    @property
    def bounds(self) -> tuple[date | None, date | None]:
        """(first day, last day): as given, else those of a standard code."""
        standard = period_from_code(self.code)
        start = self.start or (standard.start if standard else None)
        end = self.end or (standard.end if standard else None)
        return start, end

    @property
    def part_of_year(self) -> bool:
        """A period inside one year that is not the whole year (6 tháng, a quarter, a month…)."""
        start, end = self.bounds
        if start is None or end is None:
            return False
        return start.year == end.year and (start, end) != (date(start.year, 1, 1), date(start.year, 12, 31))

    @property
    def label(self) -> str:
        """How the period is named in a message: «6 tháng đầu năm 2024 (2024-6T)»."""
        return self.name if label_key(self.name) == label_key(self.code) else f"{self.name} ({self.code})"


def default_periods(plan_year: int | str | None, *, name: str = "", deadline: date | None = None
                    ) -> tuple[Period, ...]:
    """The one period of a plan without a «Kỳ báo cáo» sheet: its year (or the period its «Thông tin» names)."""
    year = _as_year(plan_year)
    named = period_from_name(name) if name else None
    if named is not None:
        return (replace(named, name=normalize_text(name), deadline=deadline),)
    if year is None:
        text = normalize_text(name)
        return (Period(text, text, deadline=deadline),) if text else ()
    standard = period_from_code(str(year))
    assert standard is not None
    return (replace(standard, name=normalize_text(name) or standard.name, deadline=deadline),)


def period_from_code(code: str) -> Period | None:
    """The standard period a code names (with its name and dates); None for a code of another form."""
    text = normalize_text(code)
    if found := _YEAR.match(text):
        year = int(found.group(1))
        return Period(text, f"Năm {year}", date(year, 1, 1), date(year, 12, 31))
    if found := _HALF.match(text):
        year, last = int(found.group(1)), bool(found.group(2))
        if last:
            return Period(f"{year}-6TC", f"6 tháng cuối năm {year}", date(year, 7, 1), date(year, 12, 31))
        return Period(f"{year}-6T", f"6 tháng đầu năm {year}", date(year, 1, 1), date(year, 6, 30))
    if found := _QUARTER.match(text):
        year, quarter = int(found.group(1)), int(found.group(2))
        first = 3 * quarter - 2
        return Period(f"{year}-Q{quarter}", f"Quý {ROMAN[quarter - 1]} năm {year}",
                      date(year, first, 1), _month_end(year, first + 2))
    if (found := _MONTH.match(text)) and 1 <= int(found.group(2)) <= 12:
        year, month = int(found.group(1)), int(found.group(2))
        return Period(f"{year}-T{month:02d}", f"Tháng {month} năm {year}", date(year, month, 1),
                      _month_end(year, month))
    return None


_NAMED = (
    (re.compile(r"^nam (\d{4})$"), "{0}"),
    (re.compile(r"^6 thang dau nam (\d{4})$"), "{0}-6T"),
    (re.compile(r"^6 thang cuoi nam (\d{4})$"), "{0}-6TC"),
    (re.compile(r"^quy (i|ii|iii|iv|1|2|3|4)(?: nam |/)(\d{4})$"), "quarter"),
    (re.compile(r"^thang (\d{1,2})(?: nam |/)(\d{4})$"), "{1}-T{0}"),
)


def period_from_name(name: str) -> Period | None:
    """The standard period a name says («Năm 2024», «6 tháng đầu năm 2024», «Quý I/2024»…), else None."""
    key = _plain(name)
    for pattern, template in _NAMED:
        found = pattern.match(key)
        if found is None:
            continue
        if template == "quarter":
            number = found.group(1)
            quarter = int(number) if number.isdigit() else ROMAN.index(number.upper()) + 1
            return period_from_code(f"{found.group(2)}-Q{quarter}")
        return period_from_code(template.format(*found.groups()))
    return None


def code_from_name(name: str) -> str:
    """The code of a period named in words («Năm 2024» → "2024"); "" when the name is of no standard form."""
    found = period_from_name(name)
    return found.code if found is not None else ""


def find_period(periods: Iterable[Period], asked: str) -> Period | None:
    """The period ``asked`` names, by its code or its name (case and spacing aside)."""
    key = label_key(asked)
    if not key:
        return None
    known = list(periods)
    return (next((p for p in known if label_key(p.code) == key), None)
            or next((p for p in known if label_key(p.name) == key), None))


def resolve_period(periods: Iterable[Period], asked: str | None, default: Period | None) -> Period | None:
    """The period a run works on: ``asked`` (a code or name) among the plan's, else as typed; or the default."""
    if asked is None or is_blank(asked):
        return default
    found = find_period(periods, asked)
    if found is not None:
        return found
    text = normalize_text(asked)
    standard = period_from_code(text) or period_from_name(text)
    return standard if standard is not None else Period(text, text)


def report_period_code(shown: str, recorded_code: str, periods: Iterable[Period]) -> str:
    """The code of the period a report is for.

    The «Kỳ báo cáo:» text the unit sees wins (a known period's code or name,
    or a standard name); the code recorded in the file is used when that text
    is blank; text of no known form is its own code, so it differs from any.
    """
    if not is_blank(shown):
        found = find_period(periods, shown)
        if found is not None:
            return found.code
        return code_from_name(shown) or normalize_text(shown)
    if not is_blank(recorded_code):
        return normalize_text(recorded_code)
    return ""


def same_code(a: str, b: str) -> bool:
    return label_key(a) == label_key(b)


def time_order(period: Period) -> tuple:
    """Sort key: by last day, then first day (so «6 tháng» comes before «Năm» of the same year), then code."""
    start, end = period.bounds
    year = period.year or 9999
    return (end or date(year, 12, 31), start or date(year, 1, 1), period.code)


def same_period_previous_year(period: Period, periods_known: Iterable[Period]) -> Period | None:
    """The period a year earlier among ``periods_known``: by code («2024-6T» → «2023-6T»), else by dates."""
    known = list(periods_known)
    year = period.year
    if year is None:
        return None
    found = _LEADING_YEAR.match(period.code)
    if found is not None:
        earlier = find_code(known, f"{year - 1}{period.code[len(found.group(1)):]}")
        if earlier is not None:
            return earlier
    start, end = period.bounds
    if start is None or end is None:
        return None
    wanted = (_year_earlier(start), _year_earlier(end))
    return next((p for p in known if p.bounds == wanted), None)


def find_code(periods: Iterable[Period], code: str) -> Period | None:
    return next((p for p in periods if same_code(p.code, code)), None)


def parse_day(value: object) -> date | None:
    """A date as typed in a plan: 15/01/2025, 15-01-2025, 15.01.2025, 2025-01-15, or an Excel date.

    None for a blank cell; ValueError for anything else that is not a date.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if is_blank(value):
        return None
    raw = normalize_text(value)
    found = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", raw)
    if found:
        day, month, year = (int(part) for part in found.groups())
        return date(year, month, day)
    found = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?", raw)
    if found:
        year, month, day = (int(part) for part in found.groups())
        return date(year, month, day)
    raise ValueError(raw)


def format_day(day: date | None) -> str:
    return "" if day is None else day.strftime("%d/%m/%Y")


def _kind_of_span(start: date, end: date) -> PeriodKind:
    if start.day != 1 or end != _month_end(end.year, end.month) or end < start:
        return "other"
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    return _KIND_BY_MONTHS.get(months, "other")


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year_earlier(day: date) -> date:
    if (day.month, day.day) == (2, 29):
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def _as_year(value: int | str | None) -> int | None:
    text = normalize_text(value)
    return int(text) if re.fullmatch(r"\d{4}", text) else None


def _plain(text: str) -> str:
    """Case-folded, without accents, «đ» as «d»: «6 Tháng đầu năm 2024» → "6 thang dau nam 2024"."""
    key = normalize_text(text).casefold().replace("đ", "d")
    key = "".join(c for c in unicodedata.normalize("NFD", key) if not unicodedata.combining(c))
    return " ".join(key.replace("/", " / ").split()).replace(" / ", "/")
