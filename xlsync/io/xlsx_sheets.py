"""Sheets that every workbook xlsync writes has in common (XlsxWriter)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import xlsxwriter

from xlsync.core.template import META_SHEET
from xlsync.io.atomic import atomic_path
from xlsync.io.xlsx_style import Formats

# Text stays text: a unit's «=HYPERLINK(…)» or a «www.» note must not become a formula or a link.
TEXT_STAYS_TEXT = {"strings_to_formulas": False, "strings_to_urls": False}


@contextmanager
def new_workbook(path: str | Path, *, title: str, subject: str = "", author: str = "", comments: str = "",
                 metadata: Mapping[str, str] | None = None) -> Iterator[tuple[Any, Formats]]:
    """A workbook that replaces ``path`` in one step once the block ends, with its properties set.

    ``metadata`` is also stored as custom document properties (``xlsync_<key>``), which survive a
    copy made by software that drops hidden sheets.
    """
    with atomic_path(path) as tmp:
        workbook = xlsxwriter.Workbook(str(tmp), TEXT_STAYS_TEXT)
        workbook.set_properties({"title": title, "subject": subject, "author": author, "comments": comments})
        for key, value in (metadata or {}).items():
            workbook.set_custom_property(f"xlsync_{key}", value)
        yield workbook, Formats(workbook)
        workbook.close()


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
