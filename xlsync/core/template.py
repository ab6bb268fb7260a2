"""The report template as a layout, independent of where it is rendered.

One layout serves the .xlsx template (XlsxWriter), the Google Sheet made for
a village (gspread) and the parser that reads reports back.  Labels, not
positions, are the contract; positions here are simply where xlsync puts
them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xlsync import __version__
from xlsync.core.numbers import Kind
from xlsync.core.periods import resolve_period
from xlsync.core.plan import DataElement, Plan, Unit
from xlsync.core.sheets import Cell

REPORT_SHEET = "Báo cáo"
INSTRUCTIONS_SHEET = "Hướng dẫn"
META_SHEET = "_xlsync"  # hidden: which plan, unit and period the report belongs to


class ReportLabels:
    UNIT_CODE = "Mã đơn vị:"
    UNIT_NAME = "Tên đơn vị:"
    PERIOD = "Kỳ báo cáo:"
    STATUS = "Kết quả kiểm tra:"
    CODE = "Mã"
    CONTENT = "Nội dung"
    UNIT = "Đơn vị tính"
    VALUE = "Số liệu"
    NOTE = "Ghi chú"
    HEADER = (CODE, CONTENT, UNIT, VALUE, NOTE)


class MetaKeys:
    PLAN_ID = "plan_id"
    PLAN_VERSION = "plan_version"
    PLAN_FINGERPRINT = "plan_fingerprint"
    UNIT = "unit"
    PERIOD = "period"  # the period's name, as the report shows it
    PERIOD_CODE = "period_code"  # its code (xlsync.core.periods): what consolidation compares
    TEMPLATE_VERSION = "template_version"
    KIND = "kind"


REPORT_KIND = "report"

KIND_HINTS: dict[Kind, str] = {
    Kind.INTEGER: "Số nguyên, không âm (ví dụ 1.250)",
    Kind.DECIMAL: "Số, dùng dấu phẩy cho phần thập phân (ví dụ 442,75)",
    Kind.PERCENT: "Tỷ lệ từ 0 đến 100 (ví dụ 96,5)",
    Kind.PASS_FAIL: "Chọn Đạt hoặc Chưa đạt",
}

INSTRUCTIONS = (
    "HƯỚNG DẪN NHẬP BÁO CÁO",
    "1. Chỉ nhập vào các ô màu vàng ở cột «Số liệu» (và «Ghi chú» nếu cần). Các ô khác đã được khóa.",
    "2. Nhập số theo cách viết Việt Nam: dấu chấm phân cách hàng nghìn, dấu phẩy là phần thập phân "
    "(ví dụ 1.250 hộ; 442,75 tỷ đồng; 96,5 cho 96,5%).",
    "3. Chỉ nhập con số, không kèm chữ (viết «50», không viết «50 hộ» hay «khoảng 50»).",
    "4. Với các dòng Đạt/Chưa đạt, chọn trong danh sách thả xuống.",
    "5. Nhập số liệu thô (số hộ, số người...): tỷ lệ phần trăm sẽ được xã tính từ số liệu của các đơn vị.",
    "6. Không đổi tên trang, không xóa hay chèn cột, không sửa cột «Mã».",
    "7. Lưu tệp và gửi về Văn phòng xã (hoặc nhập thẳng trên Google Sheets nếu được chia sẻ).",
    "Nếu xlsync phát hiện lỗi, ô có lỗi sẽ được tô màu và có ghi chú giải thích.",
)


@dataclass(frozen=True, slots=True)
class LayoutCell:
    row: int
    col: int
    value: Cell
    style: str  # issuer | title | subtitle | label | field | header | code | text | unit | input | note


@dataclass(frozen=True, slots=True)
class InputCell:
    """An unlocked cell where a unit types one data element's value."""

    row: int
    col: int
    element: DataElement


@dataclass(slots=True)
class ReportLayout:
    plan: Plan
    unit: Unit
    period: str
    period_code: str = ""
    cells: list[LayoutCell] = field(default_factory=list)
    inputs: list[InputCell] = field(default_factory=list)
    note_cells: list[tuple[int, int]] = field(default_factory=list)  # unlocked "Ghi chú" cells
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    column_widths: tuple[float, ...] = (12, 58, 14, 16, 30)
    status_cell: tuple[int, int] = (0, 0)
    header_row: int = 0

    @property
    def metadata(self) -> dict[str, str]:
        return {
            MetaKeys.KIND: REPORT_KIND,
            MetaKeys.PLAN_ID: self.plan.info.plan_id,
            MetaKeys.PLAN_VERSION: self.plan.info.version,
            MetaKeys.PLAN_FINGERPRINT: self.plan.fingerprint,
            MetaKeys.UNIT: self.unit.code,
            MetaKeys.PERIOD: self.period,
            MetaKeys.PERIOD_CODE: self.period_code,
            MetaKeys.TEMPLATE_VERSION: __version__,
        }

    @property
    def instructions(self) -> tuple[str, ...]:
        return INSTRUCTIONS


def report_layout(plan: Plan, unit: Unit, period: str | None = None) -> ReportLayout:
    """Where every label, code and input cell of one unit's report goes; ``period``: a code or a name."""
    chosen = resolve_period(plan.periods, period, plan.current_period)
    if chosen is None:
        layout = ReportLayout(plan=plan, unit=unit, period=period or plan.info.period)
    else:
        layout = ReportLayout(plan=plan, unit=unit, period=chosen.name, period_code=chosen.code)
    period = layout.period
    add = layout.cells.append
    last_col = len(ReportLabels.HEADER) - 1

    add(LayoutCell(0, 0, plan.info.issuer.upper(), "issuer"))
    add(LayoutCell(1, 0, "BÁO CÁO KẾT QUẢ THỰC HIỆN CHỈ TIÊU THI ĐUA", "title"))
    add(LayoutCell(2, 0, f"(Theo {plan.label})" if plan.label else "", "subtitle"))
    layout.merges += [(1, 0, 1, last_col), (2, 0, 2, last_col)]

    fields = (
        (ReportLabels.UNIT_CODE, unit.code),
        (ReportLabels.UNIT_NAME, unit.name),
        (ReportLabels.PERIOD, period),
        (ReportLabels.STATUS, ""),
    )
    for offset, (label, value) in enumerate(fields):
        row = 4 + offset
        add(LayoutCell(row, 0, label, "label"))
        add(LayoutCell(row, 1, value, "field"))
    layout.status_cell = (7, 1)

    header = 9
    layout.header_row = header
    for col, label in enumerate(ReportLabels.HEADER):
        add(LayoutCell(header, col, label, "header"))
    for offset, element in enumerate(plan.elements_for(unit)):
        row = header + 1 + offset
        add(LayoutCell(row, 0, element.code, "code"))
        add(LayoutCell(row, 1, element.name, "text"))
        add(LayoutCell(row, 2, element.unit, "unit"))
        layout.inputs.append(InputCell(row, 3, element))
        layout.note_cells.append((row, 4))
    return layout
