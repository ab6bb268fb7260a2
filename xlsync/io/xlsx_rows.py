"""Whole rows of a big table written into an XlsxWriter worksheet at a small cost per cell.

XlsxWriter keeps every cell as an object until the workbook closes, then
writes each one through several layers of calls: about 15 µs a cell, most
of the master's time at province scale (500,000 cells for 10,000 units).
:class:`RowSheet` renders each row's XML once, when the row is written, the
way XlsxWriter's own ``constant_memory`` mode does, and stores only that
text; at close it is written out in row order among the cells written the
usual way (titles, headers, merged ranges, signatures).  Strings still go
to the workbook's shared-string table, so a cell reads exactly as one
written with ``write_string``.

What a row holds: text, a number, a blank (``None``: written only with a
format), or a :class:`Formula` with the value xlsync computed for it.
This reaches into XlsxWriter's worksheet internals (the row table, the
shared-string table, the sheet's XML stream); ``tests/test_master_rows.py``
compares a sheet written here with one written through the public API.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from xlsync.io.xlsx_style import looks_like_formula

EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384
CELL_OPEN = '<c r="'
CELL_START = len(CELL_OPEN)  # where the column letters start in a column's '<c r="AB'
ZERO = {1.0: "0", -1.0: "-0"}  # by math.copysign(1.0, value), as XlsxWriter writes 0 and -0.0
TEXT_LIMIT = 32_767  # UTF-16 code units in one cell; longer text is cut, as XlsxWriter does


@dataclass(frozen=True, slots=True)
class Formula:
    """A live formula (``=...``) and the value xlsync computed for it ("" for a blank result)."""

    text: str
    value: float | str | bool = ""


Value = str | float | int | Formula | None
Cell = tuple[Value, Any]  # (value, XlsxWriter format or None)


def user_text(value: object, fmt: Any, safe_fmt: Any) -> Cell:
    """Text that came from a user, as :func:`xlsync.io.xlsx_style.write_text` writes it (NFC, quote-prefixed
    when it looks like a formula)."""
    return user_texts((value,), fmt, safe_fmt)[0]


def user_texts(values: Iterable[object], fmt: Any, safe_fmt: Any) -> list[Cell]:
    """:func:`user_text` of each value, in one pass: a province's «Nguồn» has 90,000 of them."""
    normalize = unicodedata.normalize
    cells = []
    for value in values:
        text = "" if value is None else normalize("NFC", str(value))
        cells.append((text, safe_fmt if looks_like_formula(text) else fmt))
    return cells


class RowSheet(Worksheet):
    """A worksheet that also takes whole pre-rendered rows (:meth:`write_cells`).

    Create it with ``workbook.add_worksheet(name, worksheet_class=RowSheet)``.
    A row is written either with :meth:`write_cells` or with the usual
    ``write_*`` calls, never both.
    """

    def __init__(self) -> None:
        super().__init__()
        self._rendered: dict[int, str] = {}
        self._refs: list[str] = []  # '<c r="AB' for each column, grown on demand
        self._styles: dict[Any, str] = {None: ""}  # format → its ' s="n"' attribute
        # A figure's text, by value: formatting a float to 16 digits costs ten times a look-up, and a table's
        # figures repeat.  Zero is not stored: 0.0 and -0.0 are one key but read "0" and "-0" (ZERO).
        self._numbers: dict[float, str] = {}

    def write_cells(self, row: int, cells: Sequence[Cell], first_col: int = 0, height: float | None = None) -> None:
        """Write ``cells`` from column ``first_col`` of ``row``; ``height`` in points, as ``set_row``."""
        last_col = first_col + max(len(cells), 1) - 1
        if not 0 <= row < EXCEL_ROWS or not 0 <= first_col or last_col >= EXCEL_COLUMNS:
            raise OverflowError(f"cell outside the sheet: row {row + 1}, columns {first_col + 1}–{last_col + 1}")
        if row in self._rendered or self.table.get(row):
            raise ValueError(f"row {row + 1} of «{self.name}» is written twice")
        self._check_dimensions(row, first_col)
        self._check_dimensions(row, last_col)
        refs = self._column_refs(last_col)
        number = row + 1
        parts = [f'<row r="{number}"']
        if height is not None:
            # As set_row: Excel keeps row heights in whole pixels (4/3 of a point).
            parts.append(f' ht="{int(height * 4.0 / 3.0 + 0.5) * 0.75:.16g}" customHeight="1"')
        parts.append(">")
        styles, numbers = self._styles, self._numbers
        shared = self.str_table._get_shared_string_index
        # The innermost loop of a province's master (500,000 cells): plain types first, no call per cell.
        for ref, (value, fmt) in zip(refs[first_col:], cells):
            style = styles.get(fmt)
            if style is None:
                style = styles[fmt] = f' s="{fmt._get_xf_index()}"'
            kind = type(value)
            if kind is float or kind is int:
                if value:
                    text = numbers.get(value) or self._number(f"{ref[CELL_START:]}{number}", value)
                else:
                    text = ZERO[math.copysign(1.0, value)]
                parts.append(f'{ref}{number}"{style}><v>{text}</v></c>')
            elif kind is str:
                if len(value) > TEXT_LIMIT // 2:
                    value = _cut(value)
                parts.append(f'{ref}{number}"{style} t="s"><v>{shared(value)}</v></c>')
            elif value is None:
                if fmt is not None:  # a blank without a format is no cell at all, as in XlsxWriter
                    parts.append(f'{ref}{number}"{style}/>')
            else:
                parts.append(self._other(f"{ref[CELL_START:]}{number}", style, value))
        parts.append("</row>")
        self._rendered[row] = "".join(parts)

    def _column_refs(self, last_col: int) -> list[str]:
        while len(self._refs) <= last_col:
            self._refs.append(f'{CELL_OPEN}{xl_col_to_name(len(self._refs))}')
        return self._refs

    def _number(self, ref: str, value: float | int) -> str:
        """A figure as the cell's text (16 significant digits, as XlsxWriter writes it), kept for its next use."""
        if not math.isfinite(value):
            raise TypeError(f"cell {ref}: {value!r} is not a number a spreadsheet can hold")
        text = self._numbers[value] = f"{value:.16G}"
        return text

    def _other(self, ref: str, style: str, value: object) -> str:
        """A formula, or a number of another type (numpy's); never a bool, which is not a figure."""
        if isinstance(value, Formula):
            return self._formula(ref, style, value)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            return f'<c r="{ref}"{style}><v>{float(value):.16G}</v></c>'
        raise TypeError(f"cell {ref}: {value!r} is not a number a spreadsheet can hold")

    @staticmethod
    def _formula(ref: str, style: str, formula: Formula) -> str:
        # The project's formulas use functions of Excel 2007 (IF, SUM, COUNTIF, SUMIFS...): none needs the
        # _xlfn. prefix XlsxWriter adds to newer ones, so only the leading "=" goes.
        text = _escape(formula.text.removeprefix("="))
        value = formula.value
        kind = ""
        if isinstance(value, bool):
            kind, value = ' t="b"', int(value)
        elif isinstance(value, str) and value:
            kind, value = ' t="str"', _escape(value)
        return f'<c r="{ref}"{style}{kind}><f>{text}</f><v>{value}</v></c>'

    def _write_rows(self) -> None:
        """XlsxWriter's rows and the pre-rendered ones, in row order (XlsxWriter calls this at close)."""
        if not self._rendered:
            super()._write_rows()
            return
        self._calculate_spans()
        for row in range(self.dim_rowmin, self.dim_rowmax + 1):
            rendered = self._rendered.get(row)
            if rendered is not None:
                self.fh.write(rendered)
            elif row in self.row_info or row in self.comments or self.table.get(row):
                self._write_own_row(row)

    def _write_own_row(self, row: int) -> None:
        """One row of cells written with ``write_*``, as ``Worksheet._write_rows`` writes it."""
        span = self.row_spans.get(row // 16)
        info = self.row_info.get(row)
        cells = self.table.get(row)
        if not cells:
            self._write_empty_row(row, span, info)
            return
        self._write_row(row, span, info)
        for col in sorted(cells):
            self._write_cell(row, col, cells[col])
        self._xml_end_tag("row")


def _cut(text: str) -> str:
    """At most :data:`TEXT_LIMIT` UTF-16 code units, as Excel counts them."""
    encoded = text.encode("utf-16-le")
    if len(encoded) <= 2 * TEXT_LIMIT:
        return text
    return encoded[:2 * TEXT_LIMIT].decode("utf-16-le", errors="ignore")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
