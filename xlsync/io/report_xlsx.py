"""Rendering a unit's report template (a :class:`ReportLayout`) as an .xlsx file."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from xlsync.core.numbers import FAIL, PASS, Kind
from xlsync.core.template import INSTRUCTIONS_SHEET, KIND_HINTS, ReportLayout
from xlsync.io.xlsx_sheets import new_workbook, write_instructions_sheet, write_meta_sheet
from xlsync.io.xlsx_style import Formats

_VALIDATION_TITLE = "Nhập số liệu"


def _validation(kind: Kind) -> dict:
    """Data validation for an input cell.

    Numbers use the "warning" style: Excel on an English-locale PC may read
    "96,5" differently, and xlsync checks the value anyway, so the user is
    warned rather than blocked.
    """
    hint = {"input_title": _VALIDATION_TITLE, "input_message": KIND_HINTS[kind]}
    if kind is Kind.PASS_FAIL:
        return {"validate": "list", "source": [PASS, FAIL], "error_title": "Giá trị không hợp lệ",
                "error_message": "Chọn Đạt hoặc Chưa đạt.", **hint}
    criteria = {
        Kind.INTEGER: {"validate": "integer", "criteria": ">=", "value": 0},
        Kind.DECIMAL: {"validate": "decimal", "criteria": ">=", "value": 0},
        Kind.PERCENT: {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100},
    }[kind]
    return {**criteria, "error_type": "warning", "error_title": "Kiểm tra lại số liệu",
            "error_message": KIND_HINTS[kind], **hint}


def write_report_template(
    layout: ReportLayout, path: str | Path, values: Mapping[str, object] | None = None
) -> Path:
    """Write the template; with ``values``, a filled report (for examples and benchmarks)."""
    target = Path(path)
    with new_workbook(target, title=f"Báo cáo thi đua – {layout.unit.name}", subject=layout.plan.label,
                      author=layout.plan.info.issuer, comments="Mẫu báo cáo tạo bởi xlsync",
                      metadata=layout.metadata) as (workbook, formats):
        _report_sheet(workbook, formats, layout, values or {})
        write_instructions_sheet(workbook, formats, INSTRUCTIONS_SHEET, layout.instructions)
        write_meta_sheet(workbook, layout.metadata)
    return target


def _report_sheet(workbook, formats: Formats, layout: ReportLayout, values: Mapping[str, object]) -> None:
    sheet = workbook.add_worksheet("Báo cáo")
    sheet.protect("", {"format_columns": True, "format_rows": True})
    for col, width in enumerate(layout.column_widths):
        sheet.set_column(col, col, width)
    merged = {(r1, c1): (r2, c2) for r1, c1, r2, c2 in layout.merges}
    for cell in layout.cells:
        fmt = formats[cell.style]
        if (cell.row, cell.col) in merged:
            r2, c2 = merged[(cell.row, cell.col)]
            sheet.merge_range(cell.row, cell.col, r2, c2, cell.value, fmt)
        else:
            sheet.write_string(cell.row, cell.col, str(cell.value), fmt)
    for item in layout.inputs:
        style = "input_integer" if item.element.kind is Kind.INTEGER else "input"
        _write_input(sheet, item.row, item.col, values.get(item.element.code), formats[style])
        sheet.data_validation(item.row, item.col, item.row, item.col, _validation(item.element.kind))
    for row, col in layout.note_cells:
        sheet.write_blank(row, col, None, formats["note"])
    sheet.freeze_panes(layout.header_row + 1, 0)
    sheet.set_paper(9)  # A4
    sheet.set_portrait()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(layout.header_row)
    sheet.set_margins(left=0.8, right=0.6, top=0.8, bottom=0.8)
    sheet.set_footer("&CTrang &P/&N")
    sheet.activate()


def _write_input(sheet, row: int, col: int, value: object, fmt) -> None:
    if value is None:
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        sheet.write_string(row, col, PASS if value else FAIL, fmt)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, value, fmt)
    else:
        sheet.write_string(row, col, str(value), fmt)
