"""Showing check records inside the open workbook: coloured cells, notes, a list sheet.

The marks are what ``xlsync validate --feedback`` puts into an annotated
copy, applied to the open book instead; nothing is saved, so the user
decides whether to keep them.  Every write uses calls that desktop Excel
(classic xlwings) and Office.js (xlwings Server / Lite) both implement.
"""

from __future__ import annotations

import re
from collections import defaultdict

import xlwings as xw

from xlsync.core.issues import Issue, marking_severity, severity_word
from xlsync.core.messages import text
from xlsync.core.sheets import WorkbookData, column_letter
from xlsync.core.text import normalize_text
from xlsync.excel.control import find_sheet
from xlsync.io.feedback import SUMMARY_HEADER
from xlsync.io.xlsx_style import ERROR_FILL, WARNING_FILL, looks_like_formula

CHECK_SHEET = "Kiểm tra"
# A master already has a «Kiểm tra» sheet: the consolidation's records, which
# xlsync reads back.  Its re-check goes beside it instead of over it.
MASTER_CHECK_SHEET = "Kiểm tra lại"
SHEET_COLUMN, CELL_COLUMN = SUMMARY_HEADER.index("Trang"), SUMMARY_HEADER.index("Ô")
VALUE_COLUMN = SUMMARY_HEADER.index("Giá trị")
_CELL_ADDRESS = re.compile(r"^[A-Z]{1,3}[1-9][0-9]{0,6}$")

Position = tuple[str, str]  # (sheet name, A1 address)


def check_sheet_name(kind: str) -> str:
    return MASTER_CHECK_SHEET if kind == "master" else CHECK_SHEET


def show_check(book: xw.Book, workbook: WorkbookData, sheet_name: str, issues: list[Issue], lang: str,
               *, list_sheet: bool = True) -> None:
    """Mark the flagged cells, unmark those an earlier check flagged and this one does not,
    and list the records on sheet ``sheet_name``.

    ``workbook`` is the book as read before this run wrote anything.  With
    ``list_sheet`` false the list is written only if there is something to
    list or an earlier list to bring up to date.
    """
    marked = mark_issues(book, issues, lang)
    unmark(book, [cell for cell in previous_marks(workbook, sheet_name) if cell not in marked])
    exists = workbook.sheet(sheet_name) is not None
    if list_sheet or issues or exists:
        write_check_sheet(book, sheet_name, issues, exists=exists)


def flagged_cells(issues: list[Issue]) -> dict[Position, list[Issue]]:
    """Records grouped by the single cell they point at; records about a whole file or row are left out."""
    cells: dict[Position, list[Issue]] = defaultdict(list)
    for issue in issues:
        if issue.sheet and _CELL_ADDRESS.match(issue.cell):
            cells[(issue.sheet, issue.cell)].append(issue)
    return dict(cells)


def mark_issues(book: xw.Book, issues: list[Issue], lang: str) -> list[Position]:
    """Colour every flagged cell (error or warning fill) and put the messages in its note."""
    marked = []
    for (sheet_name, address), found in flagged_cells(issues).items():
        sheet = find_sheet(book, sheet_name)
        if sheet is None:
            continue
        cell = sheet[address]
        worst = marking_severity(found)
        if worst is not None:
            cell.color = ERROR_FILL if worst == "error" else WARNING_FILL
        set_note(cell, "\n".join(f"• {issue.message(lang)}" for issue in found))
        marked.append((sheet.name, address))
    return marked


def set_note(cell: xw.Range, note: str) -> None:
    """Replace the cell's note with ``note``, or add one."""
    if cell.note is None:
        cell.add_note(note)
    else:
        cell.note.text = note


def unmark(book: xw.Book, positions: list[Position]) -> None:
    """Take the marks of an earlier check off cells that are no longer flagged.

    The fill is reset to none: the colour a cell had before it was first
    marked is not known any more.
    """
    for sheet_name, address in positions:
        sheet = find_sheet(book, sheet_name)
        if sheet is None:
            continue
        cell = sheet[address]
        cell.color = None
        if cell.note is not None:
            cell.note.delete()


def previous_marks(workbook: WorkbookData, sheet_name: str) -> list[Position]:
    """The cells listed on the check sheet of an earlier run, as read before this run wrote anything."""
    sheet = workbook.sheet(sheet_name)
    if sheet is None or not sheet.rows or _header(sheet.rows[0]) != list(SUMMARY_HEADER):
        return []
    positions = []
    for line in sheet.rows[1:]:
        where = normalize_text(_at(line, SHEET_COLUMN)), normalize_text(_at(line, CELL_COLUMN))
        if where[0] and _CELL_ADDRESS.match(where[1]) and where not in positions:
            positions.append(where)
    return positions


def write_check_sheet(book: xw.Book, name: str, issues: list[Issue], *, exists: bool) -> None:
    """The records as a table on sheet ``name``, cleared first if ``exists``, else added at the end."""
    if exists:
        sheet = find_sheet(book, name)
        sheet.clear()
    else:
        sheet = book.sheets.add(name, after=book.sheets[len(book.sheets) - 1])
    sheet["A1"].value = check_rows(issues)
    sheet[f"A1:{column_letter(len(SUMMARY_HEADER) - 1)}1"].font.bold = True


def check_rows(issues: list[Issue]) -> list[list[str]]:
    """Header and one row per record; a single "no problems" row when there is none."""
    rows = [list(SUMMARY_HEADER)]
    for issue in issues:
        severity = severity_word(issue)
        rows.append([severity, issue.code, issue.sheet, issue.cell, issue.value, issue.message_vi,
                     issue.message_en])
    if not issues:
        rows.append(["", "", "", "", "", text("no-problems", "vi"), text("no-problems", "en")])
    return [[_as_text(value, col == VALUE_COLUMN) for col, value in enumerate(row)] for row in rows]


def _as_text(value: str, is_cell_value: bool) -> str:
    """Text that Excel stores as typed: never a formula, and a cell's value never a number or date.

    A leading apostrophe is Excel's own "this is text" mark; it is not shown.
    """
    if value and (looks_like_formula(value) or (is_cell_value and not value[0].isalpha())):
        return "'" + value
    return value


def _header(line: list[object]) -> list[str]:
    return [normalize_text(value) for value in line[: len(SUMMARY_HEADER)]]


def _at(line: list[object], col: int) -> object:
    return line[col] if col < len(line) else None
