"""The plan: what units report, what the commune aims for, who receives the result.

Modelled on DHIS2: *data elements* are the raw figures a unit enters
(households, poor households...), *indicators* are computed from summed
data elements at each level, so a rate is never an average of rates.

The words used here (sheet names, header labels, vocabulary) are the public
contract of the plan workbook; docs/plan-workbook.md describes them.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from enum import StrEnum

from xlsync.core.numbers import Kind
from xlsync.core.periods import Period, default_periods, find_code, find_period, parse_day
from xlsync.core.scoring.model import AwardRule, Criterion
from xlsync.core.text import label_key


class Comparison(StrEnum):
    GE = "≥"
    GT = ">"
    LE = "≤"
    LT = "<"
    EQ = "="
    PASS = "Đạt"

    @property
    def at_most(self) -> bool:
        return self in (Comparison.LE, Comparison.LT)


# What people type in «So sánh» besides the signs themselves: keyboard pairs (no ≥ / ≤ key) and the
# plan's own words. «trên»/«dưới» are strict, as the plan uses them («trên 97,4%», «dưới 3,0%»);
# «không quá», «tối đa», «ít nhất», «tối thiểu», «không dưới» include the target itself.
COMPARISON_WORDS: dict[Comparison, tuple[str, ...]] = {
    Comparison.GE: (">=", "ít nhất", "tối thiểu", "không dưới", "=>", "≧", "⩾", "không thấp hơn", "không ít hơn",
                    "lớn hơn hoặc bằng"),
    Comparison.GT: ("trên", "lớn hơn", "cao hơn", "nhiều hơn"),
    Comparison.LE: ("<=", "không quá", "tối đa", "không vượt quá", "=<", "≦", "⩽", "không vượt", "không trên",
                    "không cao hơn", "không nhiều hơn", "nhỏ hơn hoặc bằng"),
    Comparison.LT: ("dưới", "nhỏ hơn", "thấp hơn", "ít hơn"),
    Comparison.EQ: ("==", "bằng"),
    Comparison.PASS: ("đạt",),
}
# How many of those words the refusal message shows (the common ones come first).
_WORDS_SHOWN = {Comparison.GE: 4, Comparison.GT: 1, Comparison.LE: 4, Comparison.LT: 1}


def _comparison_key(text: str, *, unaccented: bool = False) -> str:
    key = " ".join(unicodedata.normalize("NFKC", text).split()).casefold()
    if unaccented:  # typed without Vietnamese input: «duoi», «khong qua»
        key = "".join(c for c in unicodedata.normalize("NFD", key.replace("đ", "d")) if not unicodedata.combining(c))
    return key


COMPARISON_ALIASES: dict[str, Comparison] = {
    **{_comparison_key(word, unaccented=True): sign for sign, words in COMPARISON_WORDS.items() for word in words},
    **{_comparison_key(word): sign for sign, words in COMPARISON_WORDS.items() for word in words},
    **{_comparison_key(sign.value): sign for sign in Comparison},
}


def parse_comparison(raw: object) -> Comparison | None:
    """«So sánh» as typed → its sign; None when it is none of the documented forms."""
    if not isinstance(raw, str):
        return None
    found = COMPARISON_ALIASES.get(_comparison_key(raw))
    if found is None and any(c.isalpha() for c in raw):
        found = COMPARISON_ALIASES.get(_comparison_key(raw, unaccented=True))
    return found


def comparison_choices() -> str:
    """The accepted forms of «So sánh», for the message that refuses another one."""
    shown = []
    for sign in Comparison:
        words = COMPARISON_WORDS[sign][: _WORDS_SHOWN.get(sign, 0)]
        shown.append(f"{sign.value} ({', '.join(words)})" if words else sign.value)
    return "; ".join(shown)


def measured_in_percent(unit: str, method: Method) -> bool:
    """An indicator whose figures are percentages: a rate, or a figure whose unit is «%»."""
    return method in (Method.RATE, Method.PASS_RATE) or unit.strip() == "%"


class Method(StrEnum):
    """Cách tính: how an indicator's actual value comes from data elements."""

    SUM = "Tổng"  # Σ numerator
    RATE = "Tỷ lệ"  # 100 × Σ numerator / Σ denominator
    QUOTIENT = "Bình quân"  # Σ numerator / Σ denominator (per head...)
    COUNT_PASS = "Đếm đạt"  # units whose numerator element is Đạt
    PASS_RATE = "Tỷ lệ đạt"  # 100 × units Đạt / units reporting
    QUALITATIVE = "Định tính"  # the single Đạt/Chưa đạt reported by one unit
    VALUE = "Giá trị"  # the single figure reported by one unit (a score, a rate)

    @property
    def needs_denominator(self) -> bool:
        return self in (Method.RATE, Method.QUOTIENT)

    @property
    def needs_pass_fail(self) -> bool:
        return self in (Method.COUNT_PASS, Method.PASS_RATE, Method.QUALITATIVE)


class Sheets:
    """Sheet names of the plan workbook."""

    INFO = "Thông tin"
    INDICATORS = "Chỉ tiêu"
    ELEMENTS = "Số liệu"
    UNITS = "Đơn vị"
    RECIPIENTS = "Nơi nhận"
    UNIT_TARGETS = "Giao chỉ tiêu"
    CRITERIA = "Tiêu chí chấm điểm"
    AWARDS = "Khen thưởng"
    PERIODS = "Kỳ báo cáo"  # optional: the round's periods (xlsync.core.periods)
    PERIOD_TARGETS = "Chỉ tiêu theo kỳ"  # optional: a target for one period
    UNIT_CODE_CHANGES = "Đổi mã đơn vị"  # optional: units merged or renamed, for history


class Labels:
    """Header labels of the plan workbook, per sheet: (required, optional)."""

    INFO = (("Mục", "Nội dung"), ())
    INDICATORS = (
        ("Mã", "Nhóm", "Chỉ tiêu", "Đơn vị tính", "So sánh", "Kế hoạch", "Cách tính", "Tử số", "Mẫu số", "Ghi chú"),
        ("Hệ số",),
    )
    ELEMENTS = (("Mã", "Tên", "Đơn vị tính", "Kiểu", "Cấp báo cáo"), ("Ghi chú",))
    UNITS = (("Mã", "Tên", "Loại", "Khối thi đua", "Email"), ("Ghi chú",))
    RECIPIENTS = (("Tên", "Email"), ("Ghi chú",))
    UNIT_TARGETS = (("Mã đơn vị", "Mã chỉ tiêu", "Kế hoạch"), ("Ghi chú",))
    CRITERIA = (
        ("Mã", "Khối thi đua", "Nhóm", "Tiêu chí", "Điểm tối đa", "Loại", "Mã chỉ tiêu"),
        ("Quy tắc", "Điểm mỗi lần", "Mức trần", "Mức sàn", "Ghi chú"),
    )
    AWARDS = (
        ("Danh hiệu", "Điểm tối thiểu", "Số đơn vị dẫn đầu mỗi khối", "Tỷ lệ tối đa (%)", "Tính trên"),
        ("Khối thi đua", "Ghi chú"),
    )
    PERIODS = (("Mã kỳ", "Tên kỳ"), ("Từ ngày", "Đến ngày", "Hạn nộp", "Ghi chú"))
    PERIOD_TARGETS = (("Mã chỉ tiêu", "Mã kỳ", "Kế hoạch"), ("Ghi chú",))
    UNIT_CODE_CHANGES = (("Mã cũ", "Mã mới", "Từ kỳ"), ("Ghi chú",))


class InfoKeys:
    """Rows of the ``Thông tin`` sheet."""

    PLAN_ID = "Số kế hoạch"
    TITLE = "Tên kế hoạch"
    ISSUER = "Cơ quan ban hành"
    ISSUED = "Ngày ban hành"
    YEAR = "Năm"
    PERIOD = "Kỳ báo cáo"
    VERSION = "Phiên bản"
    SIGNER = "Người ký"
    SIGNER_TITLE = "Chức vụ người ký"
    SENDER = "Đơn vị gửi báo cáo"
    DEADLINE = "Hạn nộp báo cáo"  # dd/mm/yyyy; `xlsync remind` reminds from that day
    EXAMPLE = "Ghi chú"


INDICATOR_GROUPS = ("Kinh tế", "Văn hóa – xã hội", "Môi trường", "Quốc phòng – an ninh")
COMMUNE_TYPE = "Xã"  # the unit type of the commune office itself


@dataclass(frozen=True, slots=True)
class DataElement:
    code: str
    name: str
    unit: str
    kind: Kind
    reported_by: tuple[str, ...]  # unit types, e.g. ("Thôn",)
    note: str = ""
    row: int = -1  # 0-based row in the plan sheet, for messages

    def is_reported_by(self, unit_type: str) -> bool:
        key = label_key(unit_type)
        return any(label_key(t) == key for t in self.reported_by)


@dataclass(frozen=True, slots=True)
class Indicator:
    code: str
    group: str
    name: str
    unit: str
    comparison: Comparison
    target: float | bool | None
    method: Method
    numerator: str
    denominator: str = ""
    factor: float = 1.0
    note: str = ""
    row: int = -1

    @property
    def in_percent(self) -> bool:
        return measured_in_percent(self.unit, self.method)


EMAIL_ADDRESS = re.compile(r"[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+")
_ADDRESS_SEPARATORS = re.compile(r"[;,]")


def split_addresses(cell_text: str) -> list[str]:
    """The addresses of one cell: «a@x.vn; b@x.vn» or «a@x.vn, b@x.vn» (an empty piece is a stray separator)."""
    return [piece.strip() for piece in _ADDRESS_SEPARATORS.split(cell_text or "") if piece.strip()]


def is_email_address(value: str) -> bool:
    return bool(EMAIL_ADDRESS.fullmatch(value))


@dataclass(frozen=True, slots=True)
class Unit:
    code: str
    name: str
    type: str
    block: str
    email: str = ""  # as typed in «Đơn vị»: one address, or several separated by «;» or «,»
    note: str = ""
    row: int = -1

    @property
    def emails(self) -> list[str]:
        """Every well-formed address of «Email» (a malformed one is a record of the plan)."""
        return [address for address in split_addresses(self.email) if is_email_address(address)]


@dataclass(frozen=True, slots=True)
class Recipient:
    name: str
    email: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class UnitTarget:
    unit: str
    indicator: str
    target: float | bool | None
    row: int = -1


@dataclass(frozen=True, slots=True)
class PeriodTarget:
    """A target for one period (sheet «Chỉ tiêu theo kỳ»), instead of the annual one."""

    indicator: str
    period: str  # a period code
    target: float | bool | None
    row: int = -1


@dataclass(frozen=True, slots=True)
class UnitCodeChange:
    """A unit code that changed (sheet «Đổi mã đơn vị»): from period ``since`` on, ``old`` is part of ``new``.

    Villages that merge keep one code or take a new one; history adds up the
    old units of earlier periods into the new one (xlsync.core.history.units).
    """

    old: str
    new: str
    since: str  # a period code
    note: str = ""
    row: int = -1


@dataclass(slots=True)
class PlanInfo:
    plan_id: str = ""
    title: str = ""
    issuer: str = ""
    issued: str = ""
    year: str = ""
    period: str = ""
    version: str = ""
    signer: str = ""
    signer_title: str = ""
    sender: str = ""
    note: str = ""
    deadline: str = ""


@dataclass(slots=True)
class Plan:
    info: PlanInfo
    elements: dict[str, DataElement] = field(default_factory=dict)
    indicators: list[Indicator] = field(default_factory=list)
    units: dict[str, Unit] = field(default_factory=dict)
    recipients: list[Recipient] = field(default_factory=list)
    unit_targets: list[UnitTarget] = field(default_factory=list)
    criteria: list[Criterion] = field(default_factory=list)  # sheet «Tiêu chí chấm điểm», optional
    award_rules: list[AwardRule] = field(default_factory=list)  # sheet «Khen thưởng», optional
    period_table: tuple[Period, ...] = ()  # sheet «Kỳ báo cáo», optional: see `periods`
    period_targets: list[PeriodTarget] = field(default_factory=list)  # sheet «Chỉ tiêu theo kỳ», optional
    unit_code_changes: list[UnitCodeChange] = field(default_factory=list)  # sheet «Đổi mã đơn vị», optional
    source: str = ""
    # (identity of the element and unit tables, their fingerprint): every report of a run asks for it.
    _fingerprint: tuple[tuple[int, int], str] | None = field(default=None, repr=False, compare=False)
    # Elements per unit type, with the identity of the element table they were taken from.
    _by_type_of: tuple[tuple[int, int], dict[str, list[DataElement]]] = field(
        default=((0, -1), {}), repr=False, compare=False)

    def elements_for(self, unit: Unit) -> list[DataElement]:
        """The data elements a unit of this type reports, in plan order."""
        # Asked once per unit by consolidation and the master reader: 10,000 units share a few types.
        tables = id(self.elements), len(self.elements)
        if self._by_type_of[0] != tables:
            self._by_type_of = (tables, {})
        by_type = self._by_type_of[1]
        if unit.type not in by_type:
            by_type[unit.type] = [e for e in self.elements.values() if e.is_reported_by(unit.type)]
        return list(by_type[unit.type])

    @property
    def periods(self) -> tuple[Period, ...]:
        """The round's periods: sheet «Kỳ báo cáo», or the one its «Thông tin» names (year, «Kỳ báo cáo»)."""
        if self.period_table:
            return self.period_table
        try:
            deadline = parse_day(self.info.deadline)
        except ValueError:
            deadline = None  # the deadline's reader says so
        return default_periods(self.info.year, name=self.info.period, deadline=deadline)

    def period(self, code: str) -> Period | None:
        """The plan's period of this code."""
        return find_code(self.periods, code)

    @property
    def current_period(self) -> Period | None:
        """The period reports are made for unless told otherwise: the one «Thông tin» names, else the first."""
        periods = self.periods
        return find_period(periods, self.info.period) or (periods[0] if periods else None)

    def period_target(self, indicator: str, period_code: str) -> PeriodTarget | None:
        """The target «Chỉ tiêu theo kỳ» gives an indicator for one period, if any."""
        key = label_key(period_code)
        return next((t for t in self.period_targets if t.indicator == indicator and label_key(t.period) == key), None)

    def unit_by_code(self, code: str) -> Unit | None:
        if code in self.units:
            return self.units[code]
        key = label_key(code)
        return next((u for u in self.units.values() if label_key(u.code) == key), None)

    def ratio_pairs(self) -> list[tuple[str, str]]:
        """(numerator, denominator) of every Tỷ lệ indicator: a part cannot exceed its whole."""
        pairs: list[tuple[str, str]] = []
        for ind in self.indicators:
            pair = (ind.numerator, ind.denominator)
            if ind.method is Method.RATE and pair not in pairs and all(c in self.elements for c in pair):
                pairs.append(pair)
        return pairs

    @property
    def blocks(self) -> list[str]:
        return list(dict.fromkeys(u.block for u in self.units.values() if u.block))

    @property
    def fingerprint(self) -> str:
        """A short hash of what reports depend on: elements and units.

        Templates record it, so a report made from an older plan is noticed.
        Computed once per pair of tables (they are replaced, not edited, once read).
        """
        tables = (id(self.elements), id(self.units))
        if self._fingerprint is not None and self._fingerprint[0] == tables:
            return self._fingerprint[1]
        content = {
            "elements": [[e.code, e.kind.value, list(e.reported_by)] for e in self.elements.values()],
            "units": [[u.code, u.type] for u in self.units.values()],
        }
        raw = json.dumps(content, ensure_ascii=False, sort_keys=True).encode()
        self._fingerprint = (tables, hashlib.sha256(raw).hexdigest()[:12])
        return self._fingerprint[1]

    @property
    def label(self) -> str:
        """How the plan is named to users: its number and title."""
        return " – ".join(part for part in (self.info.plan_id, self.info.title) if part)

    def to_dict(self) -> dict:
        return asdict(self)
