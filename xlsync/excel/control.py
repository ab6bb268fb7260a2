"""The control workbook as a macro sees it: its status area and its settings.

Works on any xlwings ``Book``: a desktop Excel book (classic ``RunPython``)
or a remote one (xlwings Server / Lite), so it only uses calls both
engines implement.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import xlwings as xw

from xlsync.core.sheets import is_blank, label_key
from xlsync.workbook import layout

StatusLevel = Literal["ok", "warning", "error", "info"]

STATUS_FILLS: dict[StatusLevel, str] = {
    "ok": "#C6EFCE",
    "warning": "#FFEB9C",
    "error": "#FFC7CE",
    "info": "#DDEBF7",
}
TIME_FORMAT = "%d/%m/%Y %H:%M:%S"
ALERT_TITLE = "xlsync"


@dataclass(frozen=True)
class Outcome:
    """What a button did, in the user's language, and how it went."""

    message: str
    level: StatusLevel = "ok"


def find_sheet(book: xw.Book, name: str) -> xw.Sheet | None:
    """A sheet by name, tolerant of case, spacing and Unicode form."""
    wanted = label_key(name)
    for sheet in book.sheets:
        if label_key(sheet.name) == wanted:
            return sheet
    return None


def write_status(book: xw.Book, outcome: Outcome, *, now: dt.datetime | None = None) -> None:
    """Show ``outcome`` in the status area, or in a message box if the book has none.

    A book opened without the control sheet (a report run through xlwings
    Lite, say) still tells the user what happened.
    """
    sheet = find_sheet(book, layout.CONTROL_SHEET)
    if sheet is None:
        book.app.alert(outcome.message, title=ALERT_TITLE)
        return
    status = sheet[layout.STATUS_CELL]
    status.value = outcome.message
    status.color = STATUS_FILLS[outcome.level]
    sheet[layout.STATUS_TIME_CELL].value = (now or dt.datetime.now()).strftime(TIME_FORMAT)


def read_settings(book: xw.Book) -> dict[str, str]:
    """The values typed on the settings sheet, by setting key; blank ones are left out."""
    sheet = find_sheet(book, layout.SETTINGS_SHEET)
    if sheet is None:
        return {}
    settings: dict[str, str] = {}
    for setting in layout.SETTINGS:
        value = sheet[setting.cell].value
        if not is_blank(value):
            settings[setting.key] = str(value).strip()
    return settings
