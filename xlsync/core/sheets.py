"""Workbooks as plain grids, whatever they were read from.

Every adapter (an .xlsx file, a Google Sheet, an open Excel book) turns its
source into a :class:`WorkbookData`: sheet names mapped to rows of raw cell
values.  The core reads only this shape, so a check written once points at
the same cell address in every front end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from xlsync.core.text import is_blank, label_key

Cell = Any  # str | int | float | bool | datetime | None
# A source read from Google Sheets is named «gsheet:<spreadsheet id>» (xlsync.io.gsheets.names makes the names).
GOOGLE_SHEET_PREFIX = "gsheet:"


def column_letter(col: int) -> str:
    """0-based column index → Excel letters (0 → A, 27 → AB)."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_address(row: int, col: int) -> str:
    """0-based row and column → an A1 address ("D12")."""
    return f"{column_letter(col)}{row + 1}"


def parse_address(address: str) -> tuple[int, int]:
    """An A1 address → 0-based (row, col)."""
    letters = "".join(ch for ch in address if ch.isalpha()).upper()
    digits = "".join(ch for ch in address if ch.isdigit())
    col = 0
    for ch in letters:
        col = col * 26 + (ord(ch) - 64)
    return int(digits) - 1, col - 1



@dataclass(slots=True)
class Sheet:
    """A sheet's values by 0-based (row, column), plus what the values alone cannot tell.

    The extra facts come from the file's own markup where its reader can see
    them; a source that cannot tell leaves them empty.
    """

    name: str
    rows: list[list[Cell]] = field(default_factory=list)
    # A number typed as "64,8%" is stored as 0.648: only the % number format tells them apart.
    percent_cells: frozenset[tuple[int, int]] = frozenset()
    # A formula whose result the file does not store reads as blank: the formula text, to say so.
    formulas_without_value: dict[tuple[int, int], str] = field(default_factory=dict)
    # Cells holding an error result ("#DIV/0!"), which also read as blank.
    error_cells: dict[tuple[int, int], str] = field(default_factory=dict)
    # Merged ranges as (first_row, first_col, last_row, last_col), 0-based and inclusive.
    merged: tuple[tuple[int, int, int, int], ...] = ()

    def cell(self, row: int, col: int) -> Cell:
        if row < len(self.rows):
            line = self.rows[row]
            if col < len(line):
                return line[col]
        return None

    def find_label(self, labels: Sequence[str], max_rows: int = 40) -> tuple[int, int] | None:
        """Position of the first cell whose text equals one of ``labels``."""
        wanted = {label_key(label) for label in labels}
        for r, line in enumerate(self.rows[:max_rows]):
            for c, value in enumerate(line):
                if isinstance(value, str) and label_key(value) in wanted:
                    return r, c
        return None

    def value_right_of(self, row: int, col: int) -> tuple[Cell, int]:
        """The first non-blank cell to the right of (row, col), and its column."""
        line = self.rows[row] if row < len(self.rows) else []
        for c in range(col + 1, len(line)):
            if not is_blank(line[c]):
                return line[c], c
        return None, col + 1


@dataclass(slots=True)
class WorkbookData:
    """A workbook's content: where it came from, and its sheets in order."""

    source: str
    sheets: dict[str, Sheet] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    file_format: str = "xlsx"  # xlsx | xlsm | xls | ods | gsheet | excel: what the source really was

    def sheet(self, name: str) -> Sheet | None:
        """A sheet by name, tolerant of case, spacing and Unicode form."""
        if name in self.sheets:
            return self.sheets[name]
        key = label_key(name)
        for candidate, sheet in self.sheets.items():
            if label_key(candidate) == key:
                return sheet
        return None
