"""The score workbook of one emulation block, as a layout (see :mod:`xlsync.core.template` for reports).

One row per criterion of the block; one column group per unit of the block
with ``Tự chấm`` (self-score), ``Khối chấm`` (the block's review) and
``Minh chứng`` (evidence).  The unit codes sit on the row just above those
labels, at the ``Tự chấm`` column of each group: together with the labels
they are the contract the score reader relies on.  ``Định lượng`` rows are
not typed: they show the points computed from the master, locked, with the
computation in place of the evidence.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Mapping

from xlsync import __version__
from xlsync.core.numbers import format_number
from xlsync.core.plan import Plan, Unit
from xlsync.core.row_height import LINE_HEIGHT, text_lines
from xlsync.core.scoring.model import Criterion, CriterionKind, CriterionScore, QuantRule
from xlsync.core.template import LayoutCell, MetaKeys

SCORE_SHEET = "Chấm điểm"
SCORE_INSTRUCTIONS_SHEET = "Hướng dẫn"
SCORE_KIND = "score"


class ScoreLabels:
    BLOCK = "Khối thi đua:"
    PERIOD = "Kỳ chấm điểm:"
    DATA = "Số liệu định lượng:"
    STATUS = "Kết quả kiểm tra:"
    CODE = "Mã"
    GROUP = "Nhóm"
    CRITERION = "Tiêu chí"
    MAX = "Điểm tối đa"
    KIND = "Loại"
    HOW = "Cách chấm"
    SELF = "Tự chấm"
    REVIEW = "Khối chấm"
    EVIDENCE = "Minh chứng"
    FIXED = (CODE, GROUP, CRITERION, MAX, KIND, HOW)
    UNIT_GROUP = (SELF, REVIEW, EVIDENCE)


class ScoreMetaKeys:
    BLOCK = "block"
    CRITERIA_FINGERPRINT = "criteria_fingerprint"
    MASTER = "master"


FIXED_WIDTHS = (7, 16, 46, 8, 13, 30)
GROUP_WIDTHS = (10, 10, 36)
EXPLANATION_LINE_HEIGHT = 13.0  # the computation is written in 10-point text
FROZEN_COLUMNS = 4  # Mã … Điểm tối đa stay in view while scrolling across the units
NO_DATA_YET = "Tính từ số liệu khi chấm điểm (xlsync score)."

SCORE_INSTRUCTIONS = (
    "HƯỚNG DẪN CHẤM ĐIỂM THI ĐUA",
    "1. Mỗi dòng là một tiêu chí; mỗi đơn vị của khối có ba cột: «Tự chấm» (đơn vị tự chấm), «Khối chấm» "
    "(khối thi đua chấm lại) và «Minh chứng» (văn bản, số liệu chứng minh).",
    "2. Chỉ nhập vào các ô màu vàng. Các ô khác đã được khóa.",
    "3. Nhập điểm là con số theo cách viết Việt Nam (ví dụ 7,5). Không nhập quá «Điểm tối đa».",
    "4. Tiêu chí Đạt/Không đạt: nhập đủ điểm tối đa (hoặc «Đạt») nếu đạt, 0 (hoặc «Không đạt») nếu không đạt.",
    "5. Tiêu chí theo lần: nhập số điểm = số lần × điểm mỗi lần, không quá mức trần; ghi các lần ở «Minh chứng».",
    "6. Điểm thưởng phải có minh chứng (số, ngày văn bản công nhận); không có minh chứng thì không được cộng.",
    "7. Điểm trừ: nhập số điểm bị trừ (ví dụ 2); để trống nếu không bị trừ.",
    "8. Các dòng «Định lượng» (màu xám) do xlsync tính từ kết quả thực hiện chỉ tiêu giao cho đơn vị; "
    "cột «Minh chứng» của dòng đó ghi rõ số liệu, quy tắc và phép tính.",
    "9. Khi khối đã chấm, điểm «Khối chấm» được dùng; nếu khối chưa chấm, dùng điểm «Tự chấm».",
    "10. Không đổi tên trang, không xóa hay chèn cột, không sửa cột «Mã» và dòng mã đơn vị.",
)


@dataclass(frozen=True, slots=True)
class ScoreInput:
    """An unlocked cell where a score or its evidence is typed."""

    row: int
    col: int
    criterion: Criterion
    unit: Unit
    label: str  # one of ScoreLabels.UNIT_GROUP


@dataclass(frozen=True, slots=True)
class ComputedCell:
    """A locked cell holding what xlsync computed for a Định lượng criterion."""

    row: int
    col: int
    value: float | str | None
    last_col: int  # the cell spans row, col … last_col


@dataclass(slots=True)
class ScoreLayout:
    plan: Plan
    block: str
    period: str
    units: list[Unit]
    criteria: list[Criterion]
    data_note: str = ""  # where the Định lượng points came from
    cells: list[LayoutCell] = field(default_factory=list)
    inputs: list[ScoreInput] = field(default_factory=list)
    computed: list[ComputedCell] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    column_widths: tuple[float, ...] = ()
    row_heights: dict[int, float] = field(default_factory=dict)  # wrapped rows; spreadsheets do not size them
    header_row: int = 0
    unit_row: int = 0  # the row of unit codes, just above the header
    status_cell: tuple[int, int] = (0, 0)
    master: str = ""

    @property
    def metadata(self) -> dict[str, str]:
        return {
            MetaKeys.KIND: SCORE_KIND,
            MetaKeys.PLAN_ID: self.plan.info.plan_id,
            MetaKeys.PLAN_VERSION: self.plan.info.version,
            MetaKeys.PLAN_FINGERPRINT: self.plan.fingerprint,
            ScoreMetaKeys.CRITERIA_FINGERPRINT: criteria_fingerprint(self.plan, self.block),
            ScoreMetaKeys.BLOCK: self.block,
            MetaKeys.PERIOD: self.period,
            ScoreMetaKeys.MASTER: self.master,
            MetaKeys.TEMPLATE_VERSION: __version__,
        }

    def group_col(self, index: int) -> int:
        """First column (``Tự chấm``) of the index-th unit's group."""
        return len(ScoreLabels.FIXED) + len(ScoreLabels.UNIT_GROUP) * index


def block_criteria(plan: Plan, block: str) -> list[Criterion]:
    return [c for c in plan.criteria if c.applies_to(block)]


def block_units(plan: Plan, block: str) -> list[Unit]:
    return [u for u in plan.units.values() if u.block == block]


def criteria_fingerprint(plan: Plan, block: str) -> str:
    """A short hash of the block's criteria as scored: a sheet made before they changed is noticed."""
    content = [[c.code, c.kind.value, c.max_points, c.indicator_code, c.rule.value, c.points_per_occurrence,
                c.cap, c.floor, c.ceiling] for c in block_criteria(plan, block)]
    content.append([u.code for u in block_units(plan, block)])
    raw = json.dumps(content, ensure_ascii=False).encode()
    return hashlib.sha256(raw).hexdigest()[:12]


def how_to_score(criterion: Criterion) -> str:
    """The «Cách chấm» text: the criterion's rule in a sentence."""
    low, high = criterion.bounds
    top = format_number(abs(criterion.max_points))
    per = criterion.points_per_occurrence
    match criterion.kind:
        case CriterionKind.QUANTITATIVE:
            rule = "quy tắc dẫn đầu" if criterion.rule is QuantRule.LEADER else "tỷ lệ thực hiện / kế hoạch"
            return f"Tính từ chỉ tiêu {criterion.indicator_code} giao cho đơn vị, {rule}."
        case CriterionKind.PASS_FAIL:
            return f"Đạt: {top} điểm; không đạt: 0."
        case CriterionKind.PER_OCCURRENCE:
            each = f"Mỗi lần {format_number(per)} điểm, " if per else ""
            return f"{each}tối đa {format_number(high)} điểm."
        case CriterionKind.BONUS:
            return f"Từ {format_number(low)} đến {format_number(high)} điểm; phải có minh chứng."
        case _:
            each = f"mỗi lần {format_number(abs(per))} điểm, " if per else ""
            return f"Nhập số điểm bị trừ ({each}trừ tối đa {format_number(-low)} điểm)."


def score_layout(
    plan: Plan,
    block: str,
    period: str | None = None,
    computed: Mapping[tuple[str, str], CriterionScore] | None = None,
    master: str = "",
) -> ScoreLayout:
    """Where every label and cell of one block's score workbook goes.

    ``computed`` maps (unit code, criterion code) to the points of the
    block's Định lượng criteria, as the engine computed them from a master;
    without it those cells stay blank and say they will be computed.
    """
    period = period or plan.info.period
    units, criteria = block_units(plan, block), block_criteria(plan, block)
    layout = ScoreLayout(plan, block, period, units, criteria, master=master)
    layout.data_note = (f"Từ sổ tổng hợp «{master}»." if master and computed is not None
                        else "Chưa có; xlsync tính khi chấm điểm.")
    last_col = layout.group_col(len(units)) - 1
    layout.column_widths = FIXED_WIDTHS + GROUP_WIDTHS * len(units)
    _heading(layout, last_col)
    _header(layout)
    for offset, criterion in enumerate(criteria):
        _criterion_row(layout, layout.header_row + 1 + offset, criterion, computed)
    _size_rows(layout)
    return layout


def _size_rows(layout: ScoreLayout) -> None:
    layout.row_heights[layout.header_row] = 2 * LINE_HEIGHT
    widths = layout.column_widths
    for cell in layout.cells:
        if cell.row > layout.header_row and cell.style == "text":
            height = text_lines(cell.value, widths[cell.col]) * LINE_HEIGHT
            layout.row_heights[cell.row] = max(layout.row_heights.get(cell.row, LINE_HEIGHT), height)
    for item in layout.computed:
        if isinstance(item.value, str):
            height = text_lines(item.value, widths[item.col], small=True) * EXPLANATION_LINE_HEIGHT
            layout.row_heights[item.row] = max(layout.row_heights.get(item.row, LINE_HEIGHT), height)


def _heading(layout: ScoreLayout, last_col: int) -> None:
    add, plan = layout.cells.append, layout.plan
    add(LayoutCell(0, 0, plan.info.issuer.upper(), "issuer"))
    add(LayoutCell(1, 0, "BẢNG CHẤM ĐIỂM THI ĐUA", "title"))
    add(LayoutCell(2, 0, f"(Theo {plan.label})" if plan.label else "", "subtitle"))
    layout.merges += [(1, 0, 1, last_col), (2, 0, 2, last_col)]
    fields = ((ScoreLabels.BLOCK, layout.block), (ScoreLabels.PERIOD, layout.period),
              (ScoreLabels.DATA, layout.data_note), (ScoreLabels.STATUS, ""))
    for offset, (label, value) in enumerate(fields):
        add(LayoutCell(4 + offset, 0, label, "label"))
        add(LayoutCell(4 + offset, 2, value, "field"))
    layout.status_cell = (7, 2)


def _header(layout: ScoreLayout) -> None:
    """Unit names, then unit codes, then the labels: three rows above the criteria."""
    add = layout.cells.append
    names, codes, header = 9, 10, 11
    layout.unit_row, layout.header_row = codes, header
    for col, label in enumerate(ScoreLabels.FIXED):
        add(LayoutCell(names, col, "", "header"))
        add(LayoutCell(codes, col, "", "header"))
        add(LayoutCell(header, col, label, "header"))
    for index, unit in enumerate(layout.units):
        first = layout.group_col(index)
        last = first + len(ScoreLabels.UNIT_GROUP) - 1
        add(LayoutCell(names, first, unit.name, "header"))
        add(LayoutCell(codes, first, unit.code, "header"))
        layout.merges += [(names, first, names, last), (codes, first, codes, last)]
        for offset, label in enumerate(ScoreLabels.UNIT_GROUP):
            add(LayoutCell(header, first + offset, label, "header"))


def _criterion_row(layout: ScoreLayout, row: int, criterion: Criterion,
                   computed: Mapping[tuple[str, str], CriterionScore] | None) -> None:
    add = layout.cells.append
    add(LayoutCell(row, 0, criterion.code, "code"))
    add(LayoutCell(row, 1, criterion.group, "text"))
    add(LayoutCell(row, 2, criterion.name, "text"))
    add(LayoutCell(row, 3, criterion.max_points, "number"))
    add(LayoutCell(row, 4, criterion.kind.value, "text"))
    add(LayoutCell(row, 5, how_to_score(criterion), "text"))
    for index, unit in enumerate(layout.units):
        first = layout.group_col(index)
        if criterion.kind is CriterionKind.QUANTITATIVE:
            score = None if computed is None else computed.get((unit.code, criterion.code))
            points = None if score is None else score.points
            layout.computed.append(ComputedCell(row, first, points, first + 1))
            layout.computed.append(ComputedCell(row, first + 2, NO_DATA_YET if score is None else
                                                score.explanation_vi, first + 2))
            continue
        for offset, label in enumerate(ScoreLabels.UNIT_GROUP):
            layout.inputs.append(ScoreInput(row, first + offset, criterion, unit, label))
