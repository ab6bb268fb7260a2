"""Annotated copies: the checked workbook with its problems marked on the cells.

The source is never touched.  For an .xlsx/.xlsm the copy is the source
loaded with openpyxl (which keeps values, formulas, styles, other sheets,
data validation and protection), with each flagged cell highlighted and
commented, plus a sheet listing every record.

openpyxl cannot open an .xls or .ods, so for those the copy is a new
``<name>.kiem-tra.xlsx`` built from what was read: every sheet's values
(numbers shown with a % format where the source showed them so, error
results as their text), merged ranges, the same marks and the same
summary sheet, which says the copy was converted and from what.
"""

from __future__ import annotations

import zipfile
from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from xlsync.core.issues import Issue, marking_severity, severity_word
from xlsync.core.messages import text
from xlsync.core.sheets import Sheet, WorkbookData
from xlsync.io.atomic import atomic_path
from xlsync.io.xlsx_style import ERROR_FILL, FONT, WARNING_FILL, looks_like_formula

FILLS = {"error": ERROR_FILL, "warning": WARNING_FILL}  # by marking_severity
SUMMARY_SHEET = "Kết quả kiểm tra"
COMMENT_AUTHOR = "xlsync"
SUMMARY_HEADER = ("Mức", "Mã lỗi", "Trang", "Ô", "Giá trị", "Nội dung", "Message")
_FORMAT_NAMES = {"xls": "Excel 97–2003 (.xls)", "ods": "OpenDocument (.ods)"}
_PERCENT_FORMAT = "0.0##%"
_MAX_TITLE = 31  # Excel's limit on a sheet name


def feedback_path(source: str | Path, folder: str | Path) -> Path:
    """``<stem>.kiem-tra.xlsx`` (``.xlsm`` for a macro workbook, which keeps its macros)."""
    source = Path(source)
    suffix = ".xlsm" if source.suffix.lower() == ".xlsm" else ".xlsx"
    return Path(folder) / f"{source.stem}.kiem-tra{suffix}"


def write_feedback_copy(
    source: str | Path, issues: list[Issue], folder: str | Path, *, workbook: WorkbookData | None = None
) -> Path:
    """Write ``<name>.kiem-tra.xlsx`` into ``folder``; return its path.

    ``workbook`` is what was read from ``source``; it is needed (and read
    again when not given, or when its cells were not kept) only for a
    source openpyxl cannot open, such as an .xls or .ods.
    """
    source = Path(source)
    target = feedback_path(source, folder)
    if _opens_with_openpyxl(source):
        book = load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm", rich_text=True)
        converted_from = None
    else:
        if workbook is None or not workbook.sheets:
            from xlsync.io.xlsx_read import read_workbook

            workbook = read_workbook(source)
        book = _book_from_grid(workbook)
        converted_from = workbook.file_format
    _mark_cells(book, issues)
    _summary_sheet(book, issues, _conversion_note(source, converted_from))
    with atomic_path(target) as tmp:
        book.save(tmp)
    return target


def _opens_with_openpyxl(source: Path) -> bool:
    """An Office Open XML package (whatever the file is called); .xls and .ods are not."""
    try:
        with zipfile.ZipFile(source) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


# --- a copy built from what was read ------------------------------------------------------


def _book_from_grid(workbook: WorkbookData) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    for sheet in workbook.sheets.values():
        _copy_sheet(sheet, book.create_sheet(sheet.name[:_MAX_TITLE]))
    return book


def _copy_sheet(sheet: Sheet, target) -> None:
    for row, values in enumerate(sheet.rows):
        for col, value in enumerate(values):
            if value is not None:
                _write_value(target.cell(row=row + 1, column=col + 1), value)
    for (row, col), error in sheet.error_cells.items():
        _write_value(target.cell(row=row + 1, column=col + 1), error)
    for row, col in sheet.percent_cells:
        target.cell(row=row + 1, column=col + 1).number_format = _PERCENT_FORMAT
    for top, left, bottom, right in sheet.merged:
        if (top, left) != (bottom, right):
            target.merge_cells(start_row=top + 1, start_column=left + 1, end_row=bottom + 1, end_column=right + 1)


def _write_value(cell, value: object) -> None:
    cell.value = value
    if isinstance(value, str) and looks_like_formula(value):  # values from a source are data: keep "=..." as text
        cell.data_type = "s"
        cell.quotePrefix = True


def _conversion_note(source: Path, file_format: str | None) -> list[str]:
    """The sentence saying the copy was converted, in both languages (none for a copy of an .xlsx)."""
    if file_format is None:
        return []
    fields = {"file": source.name, "format": _FORMAT_NAMES.get(file_format, file_format)}
    return [text("feedback-converted", lang, **fields) for lang in ("vi", "en")]


# --- marks and the summary ----------------------------------------------------------------


def _mark_cells(book: Workbook, issues: list[Issue]) -> None:
    by_cell: dict[tuple[str, str], list[Issue]] = defaultdict(list)
    for issue in issues:
        if issue.sheet and issue.cell and issue.sheet in book.sheetnames:
            by_cell[(issue.sheet, issue.cell)].append(issue)
    for (sheet_name, address), found in by_cell.items():
        cell = book[sheet_name][address]
        if type(cell).__name__ == "MergedCell":  # inside a merged range: the mark goes on its top-left cell
            cell = _merge_origin(book[sheet_name], address)
        worst = FILLS.get(marking_severity(found))
        if worst:  # information (a %-formatted rate read as such) gets a note, not a colour
            cell.fill = PatternFill("solid", start_color=worst[1:], end_color=worst[1:])
        text_ = "\n".join(f"• {i.message_vi}" for i in found)
        cell.comment = Comment(text_, COMMENT_AUTHOR, width=320, height=120)


def _merge_origin(sheet, address: str):
    for merged in sheet.merged_cells.ranges:
        if address in merged:
            return sheet.cell(row=merged.min_row, column=merged.min_col)
    return sheet[address]


def _summary_sheet(book: Workbook, issues: list[Issue], note: list[str]) -> None:
    if SUMMARY_SHEET in book.sheetnames:
        del book[SUMMARY_SHEET]
    sheet = book.create_sheet(SUMMARY_SHEET, 0)
    bold = Font(name=FONT, bold=True)
    sheet.append(SUMMARY_HEADER)
    for cell in sheet[1]:
        cell.font = bold
    for row, issue in enumerate(issues, start=2):
        severity = severity_word(issue)
        values = (severity, issue.code, issue.sheet, issue.cell, issue.value, issue.message_vi, issue.message_en)
        for col, value in enumerate(values, start=1):
            _write_value(sheet.cell(row=row, column=col), value)
    for offset, line in enumerate(note):  # below the records, so the table keeps its header in row 1
        sheet.cell(row=len(issues) + 3 + offset, column=1, value=line).font = bold
    for column, width in zip("ABCDEFG", (10, 28, 14, 8, 16, 80, 80)):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
