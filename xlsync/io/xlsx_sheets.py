"""Sheets that every workbook xlsync writes has in common (XlsxWriter)."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from xlsync.core.template import META_SHEET
from xlsync.io.xlsx_style import Formats


def write_instructions_sheet(workbook: Any, formats: Formats, name: str, lines: Iterable[str]) -> None:
    """A protected, printable sheet of instructions; the first line is its title."""
    sheet = workbook.add_worksheet(name)
    sheet.set_column(0, 0, 110)
    for row, line in enumerate(lines):
        sheet.write_string(row, 0, line, formats["bold" if row == 0 else "wrap"])
    sheet.set_paper(9)
    sheet.protect("")


def write_meta_sheet(workbook: Any, items: Mapping[str, str]) -> None:
    """The hidden «_xlsync» sheet: what the workbook is and which plan, unit and period it belongs to."""
    sheet = workbook.add_worksheet(META_SHEET)
    for row, (key, value) in enumerate(items.items()):
        sheet.write_string(row, 0, key)
        sheet.write_string(row, 1, value)
    sheet.protect("")
    sheet.hide()
