"""Writing a plan as the human-editable plan workbook (docs/plan-workbook.md)."""

from __future__ import annotations

from pathlib import Path

from xlsync.core.numbers import PASS, Kind
from xlsync.core.periods import format_day
from xlsync.core.plan import Comparison, InfoKeys, Labels, Method, Plan, Sheets
from xlsync.core.scoring.model import Criterion, CriterionKind, QuantRule, QuotaBase
from xlsync.io.xlsx_sheets import new_workbook
from xlsync.io.xlsx_style import Formats, write_text

GUIDE_SHEET = "Hướng dẫn"

GUIDE = (
    ("SỔ KẾ HOẠCH THI ĐUA – HƯỚNG DẪN SỬA CHO NĂM SAU", ""),
    ("Trang «Thông tin»", "Số, tên, cơ quan ban hành, năm và kỳ báo cáo của kế hoạch. Tăng «Phiên bản» mỗi lần sửa."),
    ("Trang «Chỉ tiêu»", "Mỗi dòng một chỉ tiêu. «So sánh»: ≥ > ≤ < = hoặc Đạt; cũng có thể gõ >=, <= hoặc lời "
     "của kế hoạch: ít nhất, tối thiểu, không dưới (≥); trên (>); không quá, tối đa, không vượt quá (≤); dưới (<). "
     "Chỉ tiêu tính bằng % (Tỷ lệ, Tỷ lệ đạt, hoặc Đơn vị tính «%»): «Kế hoạch» ghi 96,5 hoặc 96,5%. «Cách tính»: "
     "Tổng (cộng Tử số của các đơn vị); Tỷ lệ (100 × tổng Tử số / tổng Mẫu số); Bình quân (tổng Tử số / "
     "tổng Mẫu số, ví dụ thu nhập bình quân đầu người); Đếm đạt (số đơn vị có Tử số «Đạt»); Tỷ lệ đạt "
     "(100 × số đơn vị Đạt / số đơn vị báo cáo); Định tính (giá trị Đạt/Chưa đạt do một đơn vị báo cáo); "
     "Giá trị (con số do một đơn vị báo cáo, ví dụ điểm chuẩn y tế). «Tử số», «Mẫu số» ghi mã ở trang "
     "«Số liệu». «Hệ số» (không bắt buộc) nhân với kết quả, ví dụ 0,001 để đổi triệu đồng sang tỷ đồng."),
    ("Trang «Số liệu»", "Các số liệu thô đơn vị nhập (số hộ, số hộ nghèo...). «Kiểu»: Số nguyên, Số thập phân, "
     "Tỷ lệ % (0–100) hoặc Đạt/Chưa đạt. «Cấp báo cáo»: loại đơn vị nhập số liệu này (Thôn, Trường, "
     "Trạm y tế, HTX, Xã...), nhiều loại cách nhau dấu phẩy."),
    ("Trang «Đơn vị»", "Các đơn vị báo cáo: mã (không trùng), tên, loại, khối thi đua, email người phụ trách."),
    ("Trang «Nơi nhận»", "Nơi nhận bản tổng hợp qua email."),
    ("Trang «Giao chỉ tiêu»", "Không bắt buộc: chỉ tiêu giao riêng cho từng đơn vị (mã đơn vị, mã chỉ tiêu, kế hoạch)."),
    ("Trang «Tiêu chí chấm điểm»", "Không bắt buộc: tiêu chí chấm điểm thi đua. «Khối thi đua» để trống là áp dụng "
     "cho mọi khối; nhiều khối cách nhau dấu chấm phẩy (;). «Loại»: Định lượng (tính từ kết quả thực hiện chỉ tiêu "
     "giao cho đơn vị ở trang «Giao chỉ tiêu», ghi «Mã chỉ tiêu»; «Quy tắc» Tỷ lệ hoặc Dẫn đầu); Đạt/Không đạt "
     "(đủ điểm hoặc 0); Theo lần («Điểm mỗi lần», «Mức trần»); Điểm thưởng (cần minh chứng; «Mức sàn», «Mức trần»); "
     "Điểm trừ («Mức sàn» là số điểm trừ nhiều nhất)."),
    ("Trang «Khen thưởng»", "Không bắt buộc: đề nghị khen thưởng, xét theo thứ tự từng dòng; mỗi đơn vị nhận danh hiệu "
     "đầu tiên đủ điều kiện. «Điểm tối thiểu», «Số đơn vị dẫn đầu mỗi khối», «Tỷ lệ tối đa (%)» (làm tròn xuống) "
     "trên số đơn vị của khối hoặc toàn xã («Tính trên»); ô trống là không giới hạn."),
    ("Trang «Kỳ báo cáo»", "Không bắt buộc: các kỳ báo cáo (Mã kỳ như 2024, 2024-6T, 2024-Q1; Tên kỳ; Từ ngày, "
     "Đến ngày, Hạn nộp theo dạng ngày/tháng/năm). Không có trang này thì kế hoạch có một kỳ là cả năm. "
     "Dòng «Kỳ báo cáo» ở trang «Thông tin» ghi kỳ đang báo cáo (mã hoặc tên)."),
    ("Trang «Chỉ tiêu theo kỳ»", "Không bắt buộc: kế hoạch riêng của một chỉ tiêu trong một kỳ (Mã chỉ tiêu, Mã kỳ, "
     "Kế hoạch), ví dụ chỉ tiêu 6 tháng đầu năm."),
    ("Trang «Đổi mã đơn vị»", "Không bắt buộc: đơn vị sáp nhập hoặc đổi mã (Mã cũ, Mã mới, Từ kỳ). «xlsync history» "
     "cộng số liệu các kỳ trước của đơn vị cũ vào đơn vị mới khi so sánh."),
    ("Lưu ý", "Không đổi tên trang và tên cột. Sau khi sửa, chạy «xlsync validate» để kiểm tra sổ kế hoạch."),
)


def write_plan_workbook(plan: Plan, path: str | Path) -> Path:
    target = Path(path)
    with new_workbook(target, title=plan.label, author=plan.info.issuer,
                      comments="Sổ kế hoạch thi đua dùng với xlsync") as (workbook, formats):
        _write_info(workbook, formats, plan)
        _write_indicators(workbook, formats, plan)
        _write_elements(workbook, formats, plan)
        _write_units(workbook, formats, plan)
        _write_recipients(workbook, formats, plan)
        if plan.unit_targets:
            _write_unit_targets(workbook, formats, plan)
        if plan.criteria:
            _write_criteria(workbook, formats, plan)
        if plan.award_rules:
            _write_award_rules(workbook, formats, plan)
        if plan.period_table:
            _write_periods(workbook, formats, plan)
        if plan.period_targets:
            _write_period_targets(workbook, formats, plan)
        if plan.unit_code_changes:
            _write_unit_code_changes(workbook, formats, plan)
        _write_guide(workbook, formats)
    return target


def _table(workbook, formats: Formats, name: str, labels: tuple[str, ...], widths: tuple[int, ...]):
    sheet = workbook.add_worksheet(name)
    for col, (label, width) in enumerate(zip(labels, widths)):
        sheet.write_string(0, col, label, formats["header"])
        sheet.set_column(col, col, width)
    sheet.freeze_panes(1, 0)
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    return sheet


def _cell(sheet, formats: Formats, row: int, col: int, value: object) -> None:
    if isinstance(value, bool):
        sheet.write_string(row, col, PASS if value else "Chưa đạt", formats["cell"])
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, value, formats["number"])
    elif value in (None, ""):
        sheet.write_blank(row, col, None, formats["cell"])
    else:
        write_text(sheet, row, col, value, formats["text"], formats["safe_text"])


def _rows(sheet, formats: Formats, rows: list[tuple]) -> None:
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values):
            _cell(sheet, formats, r, c, value)
    if rows:
        sheet.autofilter(0, 0, len(rows), len(rows[0]) - 1)


def _choices(sheet, col: int, count: int, choices: list[str], *, only: bool = True) -> None:
    """A drop-down list; with ``only`` False, Excel lets other words through (xlsync checks them)."""
    sheet.data_validation(1, col, max(count, 1) + 200, col,
                          {"validate": "list", "source": choices, "show_error": only})


def _write_info(workbook, formats: Formats, plan: Plan) -> None:
    info = plan.info
    sheet = _table(workbook, formats, Sheets.INFO, Labels.INFO[0], (26, 100))
    _rows(sheet, formats, [
        (InfoKeys.PLAN_ID, info.plan_id), (InfoKeys.TITLE, info.title), (InfoKeys.ISSUER, info.issuer),
        (InfoKeys.ISSUED, info.issued), (InfoKeys.YEAR, info.year), (InfoKeys.PERIOD, info.period),
        (InfoKeys.VERSION, info.version), (InfoKeys.SIGNER, info.signer),
        (InfoKeys.SIGNER_TITLE, info.signer_title), (InfoKeys.SENDER, info.sender), (InfoKeys.EXAMPLE, info.note),
    ])


def _write_indicators(workbook, formats: Formats, plan: Plan) -> None:
    labels = (*Labels.INDICATORS[0][:9], "Hệ số", "Ghi chú")
    sheet = _table(workbook, formats, Sheets.INDICATORS, labels, (8, 20, 60, 16, 9, 12, 12, 18, 14, 8, 50))
    rows = [
        (i.code, i.group, i.name, i.unit, i.comparison.value, i.target, i.method.value, i.numerator,
         i.denominator, None if i.factor == 1 else i.factor, i.note)
        for i in plan.indicators
    ]
    _rows(sheet, formats, rows)
    # «>=», «trên», «không quá»… are accepted too (docs/plan-workbook.md): Excel must not refuse them.
    _choices(sheet, 4, len(rows), [c.value for c in Comparison], only=False)
    _choices(sheet, 6, len(rows), [m.value for m in Method])


def _write_elements(workbook, formats: Formats, plan: Plan) -> None:
    sheet = _table(workbook, formats, Sheets.ELEMENTS, (*Labels.ELEMENTS[0], "Ghi chú"), (20, 55, 14, 16, 18, 40))
    rows = [(e.code, e.name, e.unit, e.kind.value, ", ".join(e.reported_by), e.note) for e in plan.elements.values()]
    _rows(sheet, formats, rows)
    _choices(sheet, 3, len(rows), [k.value for k in Kind])


def _write_units(workbook, formats: Formats, plan: Plan) -> None:
    sheet = _table(workbook, formats, Sheets.UNITS, (*Labels.UNITS[0], "Ghi chú"), (10, 32, 14, 24, 34, 20))
    _rows(sheet, formats, [(u.code, u.name, u.type, u.block, u.email, u.note) for u in plan.units.values()])


def _write_recipients(workbook, formats: Formats, plan: Plan) -> None:
    sheet = _table(workbook, formats, Sheets.RECIPIENTS, (*Labels.RECIPIENTS[0], "Ghi chú"), (50, 34, 20))
    _rows(sheet, formats, [(r.name, r.email, r.note) for r in plan.recipients])


def _write_unit_targets(workbook, formats: Formats, plan: Plan) -> None:
    sheet = _table(workbook, formats, Sheets.UNIT_TARGETS, Labels.UNIT_TARGETS[0], (14, 14, 12))
    _rows(sheet, formats, [(t.unit, t.indicator, t.target) for t in plan.unit_targets])


CRITERIA_LABELS = (*Labels.CRITERIA[0], *Labels.CRITERIA[1])
AWARD_LABELS = (*Labels.AWARDS[0], *Labels.AWARDS[1])


def _criterion_row(c: Criterion) -> tuple:
    ceiling = c.cap if c.kind is CriterionKind.PER_OCCURRENCE else c.ceiling
    rule = c.rule.value if c.kind is CriterionKind.QUANTITATIVE else None
    return (c.code, c.block, c.group, c.name, c.max_points, c.kind.value, c.indicator_code, rule,
            c.points_per_occurrence, ceiling, c.floor, c.note)


def _write_criteria(workbook, formats: Formats, plan: Plan) -> None:
    sheet = _table(workbook, formats, Sheets.CRITERIA, CRITERIA_LABELS, (8, 26, 22, 60, 10, 15, 12, 10, 10, 9, 9, 24))
    rows = [_criterion_row(c) for c in plan.criteria]
    _rows(sheet, formats, rows)
    _choices(sheet, CRITERIA_LABELS.index("Loại"), len(rows), [k.value for k in CriterionKind])
    _choices(sheet, CRITERIA_LABELS.index("Quy tắc"), len(rows), [r.value for r in QuantRule])


def _write_award_rules(workbook, formats: Formats, plan: Plan) -> None:
    sheet = _table(workbook, formats, Sheets.AWARDS, AWARD_LABELS, (34, 12, 14, 14, 14, 26, 40))
    rows = [(a.title, a.min_total, a.top_k, a.quota_percent, a.quota_base.value, a.block, a.note)
            for a in plan.award_rules]
    _rows(sheet, formats, rows)
    _choices(sheet, AWARD_LABELS.index("Tính trên"), len(rows), [b.value for b in QuotaBase])


def _write_periods(workbook, formats: Formats, plan: Plan) -> None:
    labels = (*Labels.PERIODS[0], *Labels.PERIODS[1][:3])
    sheet = _table(workbook, formats, Sheets.PERIODS, labels, (12, 30, 12, 12, 12))
    # Dates as typed text (dd/mm/yyyy): what a clerk reads, and what the reader reads back.
    _rows(sheet, formats, [(p.code, p.name, format_day(p.start), format_day(p.end), format_day(p.deadline))
                           for p in plan.period_table])


def _write_period_targets(workbook, formats: Formats, plan: Plan) -> None:
    sheet = _table(workbook, formats, Sheets.PERIOD_TARGETS, Labels.PERIOD_TARGETS[0], (14, 12, 12))
    _rows(sheet, formats, [(t.indicator, t.period, t.target) for t in plan.period_targets])


def _write_unit_code_changes(workbook, formats: Formats, plan: Plan) -> None:
    labels = (*Labels.UNIT_CODE_CHANGES[0], *Labels.UNIT_CODE_CHANGES[1])
    sheet = _table(workbook, formats, Sheets.UNIT_CODE_CHANGES, labels, (12, 12, 12, 40))
    _rows(sheet, formats, [(c.old, c.new, c.since, c.note) for c in plan.unit_code_changes])


def _write_guide(workbook, formats: Formats) -> None:
    sheet = workbook.add_worksheet(GUIDE_SHEET)
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 110)
    for row, (title, body) in enumerate(GUIDE):
        sheet.write_string(row, 0, title, formats["bold"])
        sheet.write_string(row, 1, body, formats["wrap"])
