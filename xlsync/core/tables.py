"""Finding a labelled table inside a sheet, remembering where every cell was.

People insert title rows, move columns and add notes; a table is therefore
found by its header labels, not by fixed positions.  Every value keeps its
sheet row and column, so a later check can name the exact cell.

Real forms also split a header over two or three rows: a group label merged
over several columns («Số liệu» over «Năm 2023 | Năm 2024»), labels merged
down over a sub-header row.  :func:`header_band` reads such a header as one
list of words per column.  A header row counts as a group (its words spread
over the columns below) only with evidence: a merged range, or a blank cell
right of a grouped label with sub-headers under both.  Forms also number
their columns in the row under the header (``(1) (2) (3)``, ``1 2 3``,
``A B C 1 2``): :func:`is_column_number_row` tells that row apart.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Generic, Iterator, Sequence, TypeVar

from xlsync.core.issues import Issue, make_issue
from xlsync.core.sheets import Cell, Sheet, cell_address
from xlsync.core.text import is_blank, label_key, normalize_text, text_key

HEADER_SEARCH_ROWS = 40


@dataclass(slots=True)
class TableRow:
    row: int  # 0-based row in the sheet
    values: dict[str, Cell]

    def get(self, label: str) -> Cell:
        return self.values.get(label)


Row = TypeVar("Row")


@dataclass(slots=True)
class Table(Generic[Row]):
    """A located table: each label's column and its rows (:class:`TableRow`, or the rows a reader keeps)."""

    file: str
    sheet: str
    header_row: int
    columns: dict[str, int]  # canonical label → 0-based column
    rows: list[Row] = field(default_factory=list)

    def address(self, row: int, label: str) -> str:
        col = self.columns.get(label)
        return cell_address(row, col) if col is not None else f"{row + 1}:{row + 1}"

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)


def find_header(sheet: Sheet, required: Sequence[str], optional: Sequence[str] = ()) -> tuple[int, dict[str, int]]:
    """The row (within the first rows) holding the most ``required`` labels, and each label's column.

    (-1, {}) when no row holds any of them.
    """
    wanted = _wanted((*required, *optional))
    best_row, best_cols, best_found = -1, {}, 0
    for r, line in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        cols = labels_in_row(line, wanted)
        if cols:  # most rows hold no label at all
            found = sum(1 for label in required if label in cols)
            if found > best_found:
                best_row, best_cols, best_found = r, cols, found
                if found == len(required):
                    break  # no later row can hold more
    return best_row, best_cols


@functools.lru_cache(maxsize=64)
def _wanted(labels: tuple[str, ...]) -> dict[str, str]:
    """Label key → label (the same few lists of labels for every sheet: each made once)."""
    return {label_key(label): label for label in labels}


def labels_in_row(line: Sequence[Cell], wanted: dict[str, str]) -> dict[str, int]:
    """Canonical label → column of its first occurrence in ``line`` (``wanted``: label key → label)."""
    cols: dict[str, int] = {}
    for c, value in enumerate(line):
        if isinstance(value, str) and (canonical := wanted.get(text_key(value))) and canonical not in cols:
            cols[canonical] = c
    return cols


def locate_table(
    sheet: Sheet,
    required: Sequence[str],
    optional: Sequence[str] = (),
    *,
    file: str = "",
) -> tuple[Table[TableRow] | None, list[Issue]]:
    """Find the header row holding ``required`` labels and read the rows below it.

    The header is the row (within the first rows) that holds the most of the
    required labels.  Each missing required label is a ``missing-label``
    record.  Blank rows are skipped; a blank row with data after it is a
    ``blank-row`` warning.
    """
    best_row, best_cols = find_header(sheet, required, optional)
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


# --- headers over several rows, column-number rows -------------------------

_MARK = r"\(?\s*(?:[0-9]{1,2}|[A-Za-z])\s*\)?"
# "(3)", "3", "C", and a computed column's "(5)=(3)/(4)" or "4=2x100".
_COLUMN_MARK = re.compile(rf"{_MARK}(?:\s*[=+\-*/x×:]\s*(?:{_MARK}|[0-9]+))*")


def is_column_number_row(line: Sequence[Cell]) -> bool:
    """A row that only numbers the columns: ``(1) (2) (3)``, ``1 2 3`` (numbers or text), ``A B C 1 2``,
    with computed columns written ``(5)=(3)/(4)``."""
    marks = 0
    for value in line:
        if not is_blank(value):
            if not _is_column_mark(value):
                return False  # a data row ends here, at its first cell
            marks += 1
    return marks >= 3


def _is_column_mark(value: Cell) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return float(value).is_integer() and 0 <= value < 100
    return isinstance(value, str) and _COLUMN_MARK.fullmatch(value.strip()) is not None


@dataclass(frozen=True, slots=True)
class HeaderBand:
    """A table header over one to three sheet rows: a group row, the label row, a sub-header row."""

    rows: tuple[int, ...]  # 0-based sheet rows, top to bottom
    words: dict[int, tuple[tuple[int, str], ...]]  # column → (row, text) from top to bottom

    @property
    def last_row(self) -> int:
        return self.rows[-1]

    def texts(self, col: int) -> tuple[str, ...]:
        return tuple(text for _, text in self.words.get(col, ()))

    def cell(self, col: int) -> str:
        """Address of the lowest header cell naming the column (the header row when none does)."""
        found = self.words.get(col)
        return cell_address(found[-1][0] if found else self.rows[-1], col)


def header_band(sheet: Sheet, header_row: int, code_col: int) -> HeaderBand:
    """The header around ``header_row``: a merged group row above it, a sub-header row below it.

    ``code_col`` is the table's key column: a row with something in it is
    data, never a sub-header, and a merge over it is a title, not a group.
    """
    rows = [header_row]
    if header_row > 0 and _is_group_row(sheet, header_row - 1, header_row, code_col):
        rows.insert(0, header_row - 1)
    if _is_sub_header_row(sheet, header_row, code_col):
        rows.append(header_row + 1)
    words: dict[int, list[tuple[int, str]]] = {}
    for index, row in enumerate(rows):
        below = rows[index + 1] if index + 1 < len(rows) else None
        for col, text in _row_words(sheet, row, below).items():
            column = words.setdefault(col, [])
            if not column or column[-1][1] != text:  # a group merged down over two rows is said once
                column.append((row, text))
    return HeaderBand(tuple(rows), {col: tuple(found) for col, found in words.items()})


def _row_words(sheet: Sheet, row: int, below: int | None) -> dict[int, str]:
    """Non-blank header texts of one row; in a group row (``below`` set) a group spreads over its columns."""
    line = sheet.rows[row] if row < len(sheet.rows) else []
    texts = {c: normalize_text(v) for c, v in enumerate(line) if not is_blank(v)}
    if below is None:
        return texts
    for r0, c0, r1, c1 in sheet.merged:
        if r0 <= row <= r1 and c1 > c0:
            anchor = normalize_text(sheet.cell(r0, c0))
            if anchor:
                texts.update(dict.fromkeys(range(c0, c1 + 1), anchor))
    width = max(len(line), len(sheet.rows[below]) if below < len(sheet.rows) else 0)
    for c in range(1, width):
        # Without merge facts: a blank cell right of a label, both with sub-headers, continues the group.
        if c not in texts and c - 1 in texts and not is_blank(sheet.cell(below, c)) \
                and not is_blank(sheet.cell(below, c - 1)):
            texts[c] = texts[c - 1]
    return dict(sorted(texts.items()))


def _is_group_row(sheet: Sheet, row: int, header_row: int, code_col: int) -> bool:
    """A row above the labels holding a group merged over some of the table's columns (not a title)."""
    return any(
        r1 == row and c1 > c0 and not c0 <= code_col <= c1 and not is_blank(sheet.cell(r0, c0))
        for r0, c0, r1, c1 in sheet.merged
    )


def _is_sub_header_row(sheet: Sheet, header_row: int, code_col: int) -> bool:
    """The row under the labels holds sub-headers: text only (a year may be a number), the key blank,
    and evidence of a grouped header above it (a merged or blank header cell over a sub-header)."""
    row = header_row + 1
    if row >= len(sheet.rows) or not is_blank(sheet.cell(row, code_col)):
        return False
    line = sheet.rows[row]
    filled = [c for c, v in enumerate(line) if not is_blank(v)]
    if not filled or is_column_number_row(line) or not all(_is_header_word(line[c]) for c in filled):
        return False
    merged_down = any(r0 == header_row < r1 for r0, _, r1, _ in sheet.merged)
    grouped = {c for r0, c0, r1, c1 in sheet.merged if r0 <= header_row <= r1 and c1 > c0
               for c in range(c0, c1 + 1)}
    return merged_down or any(c in grouped or is_blank(sheet.cell(header_row, c)) for c in filled)


def _is_header_word(value: Cell) -> bool:
    if isinstance(value, str):
        return True
    # «2024» typed as a number over a column of figures.
    return isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer() \
        and 1900 <= value <= 2100
