"""Pieces every sheet of the master workbook shares: attainment formulas, headers, print setup, cells."""

from __future__ import annotations

from dataclasses import dataclass

from xlsxwriter.utility import xl_rowcol_to_cell

from xlsync.core.numbers import FAIL, PASS
from xlsync.core.plan import Comparison
from xlsync.core.row_height import row_height
from xlsync.io.master.pages import MARGINS
from xlsync.io.xlsx_rows import Cell
from xlsync.io.xlsx_style import Formats


@dataclass(frozen=True, slots=True)
class Columns:
    """Where comparison, target and actual sit, so the formulas can be written for any table."""

    comparison: int
    target: int
    actual: int


def ratio_formula(row: int, cols: Columns) -> str:
    e, f, g = (xl_rowcol_to_cell(row, c) for c in (cols.comparison, cols.target, cols.actual))
    return (f'=IF(OR({f}="",{g}="",{e}="{Comparison.PASS.value}"),"",'
            f'IF(OR({e}="{Comparison.LE.value}",{e}="{Comparison.LT.value}"),'
            f'IF({g}=0,"",100*{f}/{g}),IF({f}=0,"",100*{g}/{f})))')


def verdict_formula(row: int, cols: Columns) -> str:
    e, f, g = (xl_rowcol_to_cell(row, c) for c in (cols.comparison, cols.target, cols.actual))
    holds = (f'OR(AND({e}="≥",{g}>={f}),AND({e}=">",{g}>{f}),AND({e}="≤",{g}<={f}),'
             f'AND({e}="<",{g}<{f}),AND({e}="=",ABS({g}-{f})<=1E-9*MAX(1,ABS({f}))))')
    return (f'=IF({g}="","",IF({e}="{PASS}",IF({g}="{PASS}","{PASS}","{FAIL}"),'
            f'IF({f}="","",IF({holds},"{PASS}","{FAIL}"))))')


def verdict_text(achieved: bool | None) -> str:
    return "" if achieved is None else (PASS if achieved else FAIL)


def print_setup(sheet, header_rows: tuple[int, int], *, fit_width: bool = True) -> None:
    """A4 landscape, header rows repeated on every page; ``fit_width``: shrink to one page wide."""
    sheet.set_paper(9)
    sheet.set_landscape()
    if fit_width:
        sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(*header_rows)
    sheet.set_margins(**MARGINS)
    sheet.set_footer("&CTrang &P/&N")


def header(sheet, formats: Formats, row: int, labels: tuple[str, ...], widths: tuple[int, ...] = ()) -> None:
    """The header row; with ``widths``, the columns' widths and a row tall enough for the labels that wrap."""
    for col, label in enumerate(labels):
        sheet.write_string(row, col, label, formats["header"])
        if col < len(widths):
            sheet.set_column(col, col, widths[col])
    height = row_height(zip(labels, widths))
    if height is not None:
        sheet.set_row(row, height)


def number_cell(formats: Formats, value: float | bool | None, kind: str = "number") -> Cell:
    """A figure as a cell: blank, Đạt/Chưa đạt, or a number in the ``kind`` format."""
    if value is None:
        return None, formats["cell"]
    if isinstance(value, bool):
        return (PASS if value else FAIL), formats["cell"]
    return value, formats[kind]


def write_figure(sheet, formats: Formats, row: int, col: int, value: float | bool | None) -> None:
    """A figure written in its cell (blank, Đạt/Chưa đạt or a number), as :func:`number_cell` shapes it."""
    content, fmt = number_cell(formats, value)
    if content is None:
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(content, str):
        sheet.write_string(row, col, content, fmt)
    else:
        sheet.write_number(row, col, content, fmt)
