"""Real xlwings ``Book`` objects on a machine without Excel.

xlwings' remote interpreter (the engine behind xlwings Server and Lite)
builds a ``Book`` from the JSON payload its Office.js client sends, and
records every change as an *action* instead of touching Excel.  This
module turns a real .xlsx file into such a payload, so a macro can run on
a real workbook and the test can assert on exactly what it asked Excel to
do.

The remote engine needs an xlwings licence key.  The free ``noncommercial``
key (PolyForm Noncommercial; government institutions are permitted users)
is set here only while xlwings loads that engine, never for the package.

    book = book_from_xlsx(path, caller_sheet="Điều khiển")
    with mock_caller(book):
        macros.validate_button()
    actions(book)  # [{"func": "setValues", "sheet": ..., "address": "D21", ...}, ...]
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path
from typing import Any, Iterator

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

LICENSE_ENV = "XLWINGS_LICENSE_KEY"
NONCOMMERCIAL_KEY = "noncommercial"


@contextlib.contextmanager
def _environment(name: str, value: str) -> Iterator[None]:
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


def xlwings_with_remote_engine():
    """The ``xlwings`` module, with its remote engine registered.

    Works whether or not something imported xlwings earlier without a key:
    the engine is then loaded and registered now.
    """
    with _environment(LICENSE_ENV, NONCOMMERCIAL_KEY):
        import xlwings as xw

        if "remote" not in [engine.name for engine in xw.engines]:
            from xlwings.pro import _xlremote

            xw.engines.add(xw.main.Engine(impl=_xlremote.engine))
    return xw


def book_from_xlsx(path: str | Path, *, caller_sheet: str | None = None, beside=None):
    """An xlwings ``Book`` holding the sheets, values, names and notes of ``path``.

    Values are the ones stored in the file (formula results as last
    saved), as Excel would report them.  ``caller_sheet`` becomes the
    active sheet, as when a button on that sheet was clicked; otherwise
    the file's own active sheet is used.

    Each book gets an Excel of its own (``book.app.books`` holds only it),
    unless ``beside`` names a book whose Excel it opens in — as when a user
    has the control workbook and a report open together.
    """
    return book_from_payload(payload_from_xlsx(path, caller_sheet=caller_sheet), beside=beside)


def book_from_payload(payload: dict[str, Any], *, beside=None):
    """An xlwings ``Book`` from an Office.js payload (see :func:`book_from_xlsx`)."""
    xw = xlwings_with_remote_engine()
    if beside is None:
        app = xw.engines["remote"].impl.apps.add(add_book=False)
    else:
        app = beside.app.impl
    book = xw.Book(impl=app.books.open(json=payload))
    book._harness_sheet_names = tuple(sheet["name"] for sheet in payload["sheets"])
    return book


def payload_from_xlsx(path: str | Path, *, caller_sheet: str | None = None) -> dict[str, Any]:
    """The JSON an xlwings Office.js client would send for the workbook at ``path``."""
    import xlwings

    path = Path(path)
    workbook = load_workbook(path, data_only=True)
    names = [sheet.title for sheet in workbook.worksheets]
    active = names.index(caller_sheet) if caller_sheet is not None else workbook.index(workbook.active)
    return {
        "client": "Office.js",
        "version": xlwings.__version__,
        "book": {"name": path.name, "active_sheet_index": active, "selection": "A1"},
        "names": _defined_names(workbook, names),
        "sheets": [_sheet_payload(sheet) for sheet in workbook.worksheets],
    }


def _sheet_payload(sheet) -> dict[str, Any]:
    values = [
        [_cell_value(cell.value) for cell in row]
        for row in sheet.iter_rows(min_row=1, min_col=1, max_row=sheet.max_row, max_col=sheet.max_column)
    ]
    notes = [
        {"address": cell.coordinate}
        for row in sheet.iter_rows()
        for cell in row
        if cell.comment is not None
    ]
    return {
        "name": sheet.title,
        "values": values or [[""]],
        "pictures": [],
        "tables": [],
        "shapes": [],
        "charts": [],
        "pivot_tables": [],
        "notes": notes,
        "visibility": "Visible" if sheet.sheet_state == "visible" else "Hidden",
        "show_gridlines": bool(sheet.sheet_view.showGridLines is not False),
        "print_area": None,
    }


def _cell_value(value: Any) -> Any:
    """A cell as Office.js hands it over: blanks as "", dates as JavaScript ISO text."""
    if value is None:
        return ""
    if isinstance(value, dt.time):
        value = dt.datetime.combine(dt.date(1899, 12, 30), value)  # Excel's day zero
    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if isinstance(value, dt.datetime):
        # Date.toISOString(): milliseconds and a "Z", which xlwings strips.
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    return value


def _defined_names(workbook, sheet_names: list[str]) -> list[dict[str, Any]]:
    entries = []
    scopes = [(None, workbook.defined_names)] + [
        (index, sheet.defined_names) for index, sheet in enumerate(workbook.worksheets)
    ]
    for scope_index, defined in scopes:
        for name, definition in defined.items():
            destinations = list(definition.destinations)
            if len(destinations) != 1:
                continue  # constants and multi-area names: not single ranges
            sheet_name, address = destinations[0]
            entries.append(
                {
                    "name": name,
                    "sheet_index": sheet_names.index(sheet_name),
                    "address": address.replace("$", ""),
                    "book_scope": scope_index is None,
                    "scope_sheet_name": None if scope_index is None else sheet_names[scope_index],
                    "scope_sheet_index": scope_index,
                }
            )
    return entries


def actions(book) -> list[dict[str, Any]]:
    """The actions the book recorded, each with ``sheet`` (name) and ``address`` (A1) added.

    Raw actions carry a sheet position and a 0-based rectangle; the two
    extra keys let tests say "D21 on Điều khiển" the way a user would.
    Sheet names are tracked through the sheet additions, copies, moves,
    renames and deletions recorded before each action.
    """
    sheets = list(_initial_sheet_names(book))
    result = []
    for action in book.json()["actions"]:
        entry = dict(action)
        position = action.get("sheet_position")
        entry["sheet"] = sheets[position] if position is not None else None
        entry["address"] = _rectangle_address(action)
        result.append(entry)
        _apply_sheet_change(sheets, action)
    return result


def _initial_sheet_names(book) -> list[str]:
    names = getattr(book, "_harness_sheet_names", None)
    if names is None:
        raise ValueError("actions() needs a book made by book_from_xlsx()")
    return names


def _apply_sheet_change(sheets: list[str], action: dict[str, Any]) -> None:
    func, args, position = action["func"], action.get("args") or [], action.get("sheet_position")
    if func == "addSheet":
        sheets.insert(args[0], args[1])
    elif func == "copySheet":
        where, target, name = args
        sheets.insert(target if where == "Before" else target + 1, name)
    elif func == "setSheetName":
        sheets[position] = args[0]
    elif func == "setSheetPosition":
        sheets.insert(args[0], sheets.pop(position))
    elif func == "sheetDelete":
        del sheets[position]


def _rectangle_address(action: dict[str, Any]) -> str | None:
    if action.get("start_row") is None or action.get("start_column") is None:
        return None
    first = f"{get_column_letter(action['start_column'] + 1)}{action['start_row'] + 1}"
    rows, cols = action.get("row_count") or 1, action.get("column_count") or 1
    if rows == 1 and cols == 1:
        return first
    last_col = get_column_letter(action["start_column"] + cols)
    return f"{first}:{last_col}{action['start_row'] + rows}"


@contextlib.contextmanager
def mock_caller(book) -> Iterator[None]:
    """Make ``xw.Book.caller()`` return ``book``, as when Excel ran ``RunPython``."""
    xw = xlwings_with_remote_engine()
    book.set_mock_caller()
    try:
        yield
    finally:
        if hasattr(xw.Book, "_mock_caller"):
            del xw.Book._mock_caller
