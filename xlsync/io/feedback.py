"""Annotated copies: the checked workbook with its problems marked on the cells.

The source is never touched.  The copy is the source loaded with openpyxl
(which keeps values, formulas, styles, other sheets, data validation and
protection), with each flagged cell highlighted and commented, plus a sheet
listing every record.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from xlsync.core.issues import Issue, severity_word
from xlsync.io.atomic import atomic_path
from xlsync.io.xlsx_style import ERROR_FILL, FONT, WARNING_FILL, looks_like_formula

SUMMARY_SHEET = "Kết quả kiểm tra"
COMMENT_AUTHOR = "xlsync"
SUMMARY_HEADER = ("Mức", "Mã lỗi", "Trang", "Ô", "Giá trị", "Nội dung", "Message")


def feedback_path(source: str | Path, folder: str | Path) -> Path:
    source = Path(source)
    return Path(folder) / f"{source.stem}.kiem-tra{source.suffix}"


def write_feedback_copy(source: str | Path, issues: list[Issue], folder: str | Path) -> Path:
    """Write ``<name>.kiem-tra.xlsx`` into ``folder``; return its path."""
    source = Path(source)
    target = feedback_path(source, folder)
    workbook = load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm", rich_text=True)

    by_cell: dict[tuple[str, str], list[Issue]] = defaultdict(list)
    for issue in issues:
        if issue.sheet and issue.cell and issue.sheet in workbook.sheetnames:
            by_cell[(issue.sheet, issue.cell)].append(issue)
    for (sheet_name, address), found in by_cell.items():
        cell = workbook[sheet_name][address]
        worst = _fill(found)
        if worst:  # information (a %-formatted rate read as such) gets a note, not a colour
            cell.fill = PatternFill("solid", start_color=worst[1:], end_color=worst[1:])
        text = "\n".join(f"• {i.message_vi}" for i in found)
        cell.comment = Comment(text, COMMENT_AUTHOR, width=320, height=120)

    _summary_sheet(workbook, issues)
    with atomic_path(target) as tmp:
        workbook.save(tmp)
    return target


def _fill(found: list[Issue]) -> str | None:
    if any(i.is_error for i in found):
        return ERROR_FILL
    return WARNING_FILL if any(i.is_warning for i in found) else None


def _summary_sheet(workbook, issues: list[Issue]) -> None:
    if SUMMARY_SHEET in workbook.sheetnames:
        del workbook[SUMMARY_SHEET]
    sheet = workbook.create_sheet(SUMMARY_SHEET, 0)
    bold = Font(name=FONT, bold=True)
    sheet.append(SUMMARY_HEADER)
    for cell in sheet[1]:
        cell.font = bold
    for row, issue in enumerate(issues, start=2):
        severity = severity_word(issue)
        values = (severity, issue.code, issue.sheet, issue.cell, issue.value, issue.message_vi, issue.message_en)
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=col, value=value)
            if looks_like_formula(value):
                # Values from a source are data: keep "=..." as text.
                cell.data_type = "s"
                cell.quotePrefix = True
    for column, width in zip("ABCDEFG", (10, 28, 14, 8, 16, 80, 80)):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
