"""Rendering a block's score workbook (a :class:`ScoreLayout`) as an .xlsx file."""

from __future__ import annotations

from pathlib import Path

from xlsync.core.numbers import format_number
from xlsync.core.scoring.model import CriterionKind
from xlsync.core.scoring.template import (
    SCORE_INSTRUCTIONS,
    SCORE_INSTRUCTIONS_SHEET,
    SCORE_SHEET,
    FROZEN_COLUMNS,
    ScoreInput,
    ScoreLabels,
    ScoreLayout,
)
from xlsync.io.xlsx_sheets import new_workbook, write_instructions_sheet, write_meta_sheet
from xlsync.io.xlsx_style import FONT, INPUT_FILL, Formats, write_text

COMPUTED_FILL = "#E7E6E6"  # grey: computed by xlsync, not typed
POINTS_FORMAT = "0.00"


def _score_formats(workbook) -> dict[str, object]:
    """Grey locked cells for what xlsync computed; yellow open cells for scores, which may be decimals."""
    base = {"font_name": FONT, "font_size": 12, "valign": "vcenter", "border": 1, "bg_color": COMPUTED_FILL}
    return {
        "points": workbook.add_format({**base, "num_format": POINTS_FORMAT, "align": "center"}),
        "text": workbook.add_format({**base, "text_wrap": True, "font_size": 10}),
        "score_input": workbook.add_format({"font_name": FONT, "font_size": 12, "valign": "vcenter", "border": 1,
                                            "bg_color": INPUT_FILL, "locked": False, "align": "center"}),
    }


def _score_validation(item: ScoreInput) -> dict:
    """A hint, and a warning (not a block) for a score out of range: xlsync checks every score anyway."""
    if item.label == ScoreLabels.EVIDENCE:
        return {"validate": "any", "input_title": item.label,
                "input_message": "Ghi số, ngày văn bản hoặc số liệu chứng minh."}
    criterion = item.criterion
    low, high = criterion.bounds
    if criterion.kind is CriterionKind.PENALTY:
        low, high = low, -low  # the size of the deduction is typed, with either sign
    hint = {
        CriterionKind.PASS_FAIL: f"Nhập {format_number(high)} nếu đạt, 0 nếu không đạt.",
        CriterionKind.PENALTY: f"Số điểm bị trừ, từ 0 đến {format_number(high)}; để trống nếu không bị trừ.",
    }.get(criterion.kind, f"Từ {format_number(low)} đến {format_number(high)} điểm.")
    return {"validate": "decimal", "criteria": "between", "minimum": min(low, 0.0), "maximum": high,
            "error_type": "warning", "error_title": "Kiểm tra lại điểm", "error_message": hint,
            "input_title": item.label, "input_message": hint}


def write_score_template(layout: ScoreLayout, path: str | Path) -> Path:
    target = Path(path)
    with new_workbook(target, title=f"Bảng chấm điểm thi đua – {layout.block}", subject=layout.plan.label,
                      author=layout.plan.info.issuer, comments="Bảng chấm điểm tạo bởi xlsync",
                      metadata=layout.metadata) as (workbook, formats):
        _score_sheet(workbook, formats, layout)
        write_instructions_sheet(workbook, formats, SCORE_INSTRUCTIONS_SHEET, SCORE_INSTRUCTIONS)
        write_meta_sheet(workbook, layout.metadata)
    return target


def _score_sheet(workbook, formats: Formats, layout: ScoreLayout) -> None:
    sheet = workbook.add_worksheet(SCORE_SHEET)
    sheet.protect("", {"format_columns": True, "format_rows": True})
    computed = _score_formats(workbook)
    for col, width in enumerate(layout.column_widths):
        sheet.set_column(col, col, width)
    for row, height in layout.row_heights.items():
        sheet.set_row(row, height)
    merged = {(r1, c1): (r2, c2) for r1, c1, r2, c2 in layout.merges}
    for cell in layout.cells:
        fmt = formats[cell.style]
        if (cell.row, cell.col) in merged:
            r2, c2 = merged[(cell.row, cell.col)]
            sheet.merge_range(cell.row, cell.col, r2, c2, "", fmt)
            write_text(sheet, cell.row, cell.col, cell.value, fmt, formats["safe_text"])
        elif isinstance(cell.value, (int, float)):
            sheet.write_number(cell.row, cell.col, cell.value, fmt)
        else:
            write_text(sheet, cell.row, cell.col, cell.value, fmt, formats["safe_text"])
    for item in layout.computed:
        _computed_cell(sheet, computed, item.row, item.col, item.last_col, item.value)
    for item in layout.inputs:
        fmt = formats["note"] if item.label == ScoreLabels.EVIDENCE else computed["score_input"]
        sheet.write_blank(item.row, item.col, None, fmt)
        sheet.data_validation(item.row, item.col, item.row, item.col, _score_validation(item))
    sheet.freeze_panes(layout.header_row + 1, FROZEN_COLUMNS)
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(layout.unit_row - 1, layout.header_row)
    sheet.set_margins(left=0.6, right=0.4, top=0.6, bottom=0.6)
    sheet.set_footer("&CTrang &P/&N")
    sheet.activate()


def _computed_cell(sheet, computed: dict, row: int, col: int, last_col: int, value) -> None:
    fmt = computed["points"] if last_col > col or isinstance(value, (int, float)) else computed["text"]
    if last_col > col:
        sheet.merge_range(row, col, row, last_col, "", fmt)
    if value is None:
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, value, fmt)
    else:
        sheet.write_string(row, col, value, fmt)
