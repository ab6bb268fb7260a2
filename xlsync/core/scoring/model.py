"""The words of scoring: what the plan says and what scoring yields.

The plan workbook's sheets ``Tiêu chí chấm điểm`` and ``Khen thưởng`` give the
criteria (:class:`Criterion`) and commendation rules (:class:`AwardRule`);
the blocks' score workbooks give entries (:class:`ScoreEntry`); scoring gives
:class:`CriterionScore` and :class:`UnitTotal`.  Nothing here imports the plan
module, which holds criteria and rules: the plan can import this one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Mapping, TypeVar

from xlsync.core.text import label_key

# Several emulation blocks in one cell of «Tiêu chí chấm điểm» or «Khen thưởng»; not a comma,
# which block names contain («Khối Mặt trận, đoàn thể»).
BLOCK_SEPARATOR = ";"

V = TypeVar("V")


def split_blocks(cell: str) -> list[str]:
    """The block names listed in one cell ("" → none, meaning every block)."""
    return [part.strip() for part in cell.split(BLOCK_SEPARATOR) if part.strip()]


class CriterionKind(StrEnum):
    QUANTITATIVE = "Định lượng"
    PASS_FAIL = "Đạt/Không đạt"
    PER_OCCURRENCE = "Theo lần"
    BONUS = "Điểm thưởng"
    PENALTY = "Điểm trừ"

    @property
    def must_be_scored(self) -> bool:
        """A blank is an omission; for bonus and penalty a blank means none."""
        return self in (CriterionKind.PASS_FAIL, CriterionKind.PER_OCCURRENCE)


class QuantRule(StrEnum):
    PROPORTIONAL = "Tỷ lệ"
    LEADER = "Dẫn đầu"


class ScoreSource(StrEnum):
    BLOCK = "Khối chấm"
    SELF = "Tự chấm"
    DATA = "Tính từ số liệu"
    MISSING = "Chưa chấm"

    @property
    def english(self) -> str:
        return {"Khối chấm": "Block review", "Tự chấm": "Self-score",
                "Tính từ số liệu": "Computed from data", "Chưa chấm": "Not scored"}[self.value]


class QuotaBase(StrEnum):
    BLOCK = "Khối thi đua"
    ALL = "Toàn xã"


@dataclass(frozen=True, slots=True)
class Criterion:
    code: str
    name: str
    max_points: float
    kind: CriterionKind
    block: str = ""  # "" = every block; several separated by ";"
    group: str = ""
    indicator_code: str = ""  # Định lượng only
    rule: QuantRule = QuantRule.PROPORTIONAL  # Định lượng only
    points_per_occurrence: float | None = None
    cap: float | None = None  # Theo lần
    floor: float | None = None  # Điểm thưởng / Điểm trừ
    ceiling: float | None = None  # Điểm thưởng / Điểm trừ
    row: int = -1  # 0-based row in the plan sheet, for messages
    note: str = ""

    def applies_to(self, block: str) -> bool:
        return _names_block(self.block, block)

    @property
    def bounds(self) -> tuple[float, float]:
        """The lowest and highest points this criterion can give, signed.

        0 is always allowed besides: for a bonus or penalty it means "none",
        even when the floor of a bonus is above 0.
        """
        top = abs(self.max_points)
        if self.kind is CriterionKind.PER_OCCURRENCE:
            return 0.0, top if self.cap is None else abs(self.cap)
        if self.kind is CriterionKind.BONUS:
            low = 0.0 if self.floor is None else self.floor
            return low, top if self.ceiling is None else self.ceiling
        if self.kind is CriterionKind.PENALTY:
            low = -top if self.floor is None else -abs(self.floor)
            return low, 0.0 if self.ceiling is None else -abs(self.ceiling)
        return 0.0, top


@dataclass(frozen=True, slots=True)
class ScoreCells:
    """Where each part of a score entry sits, for cell-addressed messages."""

    unit: str = ""
    criterion: str = ""
    self_score: str = ""
    block_score: str = ""
    evidence: str = ""
    occurrences: str = ""


@dataclass(frozen=True, slots=True)
class ScoreEntry:
    """One unit × criterion of a score sheet, numbers already read."""

    unit: str
    criterion: str
    self_score: float | None = None  # Tự chấm
    block_score: float | None = None  # Khối chấm
    evidence: str = ""  # Minh chứng
    occurrences: float | None = None  # Theo lần: how many times
    file: str = ""
    sheet: str = ""
    cells: ScoreCells = field(default_factory=ScoreCells)


@dataclass(frozen=True, slots=True)
class CriterionScore:
    unit: str
    block: str
    criterion: str
    kind: CriterionKind
    points: float
    source: ScoreSource
    self_score: float | None = None  # as counted (a penalty negative)
    block_score: float | None = None
    difference: float | None = None  # block − self, when both exist
    explanation_vi: str = ""
    explanation_en: str = ""

    def explanation(self, lang: str = "vi") -> str:
        return self.explanation_en if lang == "en" else self.explanation_vi


@dataclass(frozen=True, slots=True)
class UnitTotal:
    unit: str
    block: str
    total: float
    quantitative: float  # subtotal of Định lượng criteria
    penalty: float  # points deducted, as a positive number
    rank: int = 0
    tied: bool = False
    tied_with: tuple[str, ...] = ()
    rank_note_vi: str = ""  # how equal totals were ordered
    rank_note_en: str = ""
    title: str = ""  # proposed commendation, "" if none
    reason_vi: str = ""
    reason_en: str = ""

    @property
    def sort_key(self) -> tuple[float, float, float]:
        """Smaller is better: the documented tie-break order."""
        return (-self.total, -self.quantitative, self.penalty)


@dataclass(frozen=True, slots=True)
class AwardRule:
    title: str
    min_total: float | None = None
    top_k: int | None = None  # per block
    quota_percent: float | None = None  # at most this % of the base, rounded down
    quota_base: QuotaBase = QuotaBase.BLOCK
    block: str = ""  # "" = every block; several separated by ";"
    row: int = -1
    note: str = ""

    def applies_to(self, block: str) -> bool:
        return _names_block(self.block, block)


def _names_block(cell: str, block: str) -> bool:
    """Whether a ``Khối thi đua`` cell (blank = every block) includes ``block``."""
    names = split_blocks(cell)
    return not names or any(label_key(name) == label_key(block) for name in names)


def find_by_code(mapping: Mapping[str, V], code: str) -> V | None:
    """By exact code, else by the normalised code (stray spaces, case)."""
    if code in mapping:
        return mapping[code]
    key = label_key(code)
    return next((v for k, v in mapping.items() if label_key(k) == key), None)
