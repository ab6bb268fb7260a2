"""Finding a labelled table inside a sheet, remembering where every cell was.

People insert title rows, move columns and add notes; a table is therefore
found by its header labels, not by fixed positions.  Every value keeps its
sheet row and column, so a later check can name the exact cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Sequence

from xlsync.core.issues import Issue, make_issue
from xlsync.core.sheets import Cell, Sheet, cell_address
from xlsync.core.text import is_blank, label_key

HEADER_SEARCH_ROWS = 40


@dataclass(slots=True)
class TableRow:
    row: int  # 0-based row in the sheet
    values: dict[str, Cell]

    def get(self, label: str) -> Cell:
        return self.values.get(label)


@dataclass(slots=True)
class Table:
    file: str
    sheet: str
    header_row: int
    columns: dict[str, int]  # canonical label → 0-based column
    rows: list[TableRow] = field(default_factory=list)

    def address(self, row: int, label: str) -> str:
        col = self.columns.get(label)
        return cell_address(row, col) if col is not None else f"{row + 1}:{row + 1}"

    def __iter__(self) -> Iterator[TableRow]:
        return iter(self.rows)


def locate_table(
    sheet: Sheet,
    required: Sequence[str],
    optional: Sequence[str] = (),
    *,
    file: str = "",
) -> tuple[Table | None, list[Issue]]:
    """Find the header row holding ``required`` labels and read the rows below it.

    The header is the row (within the first rows) that holds the most of the
    required labels.  Each missing required label is a ``missing-label``
    record.  Blank rows are skipped; a blank row with data after it is a
    ``blank-row`` warning.
    """
    wanted = {label_key(label): label for label in [*required, *optional]}
    best_row, best_cols = -1, {}
    for r, line in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        cols = {}
        for c, value in enumerate(line):
            if isinstance(value, str):
                canonical = wanted.get(label_key(value))
                if canonical and canonical not in cols:
                    cols[canonical] = c
        found = sum(1 for label in required if label in cols)
        if found > sum(1 for label in required if label in best_cols):
            best_row, best_cols = r, cols

    issues = [
        make_issue("missing-label", file=file, sheet=sheet.name, label=label)
        for label in required
        if label not in best_cols
    ]
    if best_row < 0:
        return None, issues

    table = Table(file=file, sheet=sheet.name, header_row=best_row, columns=best_cols)
    pending_blanks: list[int] = []
    for r in range(best_row + 1, len(sheet.rows)):
        line = sheet.rows[r]
        values = {label: (line[c] if c < len(line) else None) for label, c in best_cols.items()}
        if all(is_blank(v) for v in values.values()):
            pending_blanks.append(r)
            continue
        for blank in pending_blanks:
            issues.append(make_issue("blank-row", file=file, sheet=sheet.name, row=blank + 1))
        pending_blanks = []
        table.rows.append(TableRow(row=r, values=values))
    return table, issues
