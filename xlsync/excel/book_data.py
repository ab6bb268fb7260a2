"""An open xlwings ``Book`` as :class:`~xlsync.core.sheets.WorkbookData`.

The same shape the .xlsx reader produces, so every check points at the same
cell address whether the workbook came from a file or from Excel.  Values
are read once, sheet by sheet (one call each, not one per cell), before a
macro writes anything.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import xlwings as xw

from xlsync.core.sheets import Cell, Sheet, WorkbookData

EXCEL_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#DATA!"})
_OFFICE_JS_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def workbook_data(book: xw.Book) -> WorkbookData:
    """Every sheet of ``book`` (hidden ones too), in order, with rows anchored at A1.

    ``WorkbookData.source`` is the book's full name (its path once saved), as
    the .xlsx reader names a file by its path.
    """
    return WorkbookData(
        source=book_source(book),
        sheets={sheet.name: Sheet(sheet.name, sheet_rows(sheet)) for sheet in book.sheets},
    )


def book_source(book: xw.Book) -> str:
    try:
        return book.fullname or book.name
    except Exception:  # some engines cannot tell a path for an unsaved book
        return book.name


def sheet_rows(sheet: xw.Sheet) -> list[list[Cell]]:
    """The used range's values, padded so that row 0 / column 0 are row 1 / column A.

    Excel's used range starts at the first used cell (C5, say); the core
    addresses cells from A1.  Values follow the .xlsx reader's conventions:
    blanks are None, numbers floats, trailing blank cells and rows dropped.
    """
    used = sheet.used_range
    values = _values(used)
    top, left = used.row - 1, used.column - 1
    rows: list[list[Cell]] = [[] for _ in range(top)]
    rows.extend([None] * left + [_clean(value) for value in line] for line in values)
    for line in rows:
        while line and line[-1] is None:
            line.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _values(used: xw.Range) -> list[list[Any]]:
    try:
        return used.options(ndim=2).value or []
    except ValueError:
        # xlwings' remote engine (Server, Lite) takes any text shaped like an
        # ISO timestamp for a date and fails on one with a UTC offset, such
        # as the times xlsync writes on «Nguồn».  Office.js sends real dates
        # as ISO text ending in "Z": convert only those.
        return [[_remote_cell(value) for value in line] for line in used.raw_value]


def _remote_cell(value: Any) -> Any:
    if isinstance(value, str):
        if value in EXCEL_ERRORS:
            return None
        if _OFFICE_JS_DATE.match(value):
            return dt.datetime.fromisoformat(value[:-1])
    return value


def _clean(value: Any) -> Cell:
    if value is None or value == "":
        return None
    if type(value) is int:  # Excel holds every number as a double
        return float(value)
    return value
