"""Where a printed sheet's pages will break, estimated, so that a block which must stay whole is not split.

A spreadsheet has no "keep together": the printer breaks a page wherever the rows fill it.  A sheet
fitted to the width of an A4 landscape page is printed at the scale that makes its columns fit; the
rows then fill the page's height divided by that scale, the repeated header rows on every page after
the first.  Knowing the row heights the writer set (the others are the default 15 points), the breaks
can be foreseen and a manual one put above a block that would straddle one.  The estimate keeps a
margin: LibreOffice and Excel round heights and scales each their own way.
"""

from __future__ import annotations

from collections.abc import Sequence

PAGE_WIDTH, PAGE_HEIGHT = 841.89, 595.28  # A4 landscape, points
MARGINS = {"left": 0.6, "right": 0.4, "top": 0.6, "bottom": 0.6}  # inches
POINTS_PER_INCH = 72.0
DIGIT_PIXELS, PADDING_PIXELS = 7, 5  # a column width counts Calibri 11 digits, as XlsxWriter sizes them
SAFETY = 30.0  # points of the sheet kept spare on a page: two default rows


def column_pixels(width: float) -> int:
    return int(width * DIGIT_PIXELS + 0.5) + PADDING_PIXELS


def fit_width_scale(widths: Sequence[float]) -> float:
    """The scale (≤ 1) at which the columns fill the printable width, in whole percent as Excel keeps it."""
    printable = (PAGE_WIDTH - POINTS_PER_INCH * (MARGINS["left"] + MARGINS["right"])) * 4 / 3  # pixels
    return min(100, int(100 * printable / sum(column_pixels(w) for w in widths))) / 100


def page_height(scale: float) -> float:
    """Points of sheet rows one page holds at ``scale``."""
    return (PAGE_HEIGHT - POINTS_PER_INCH * (MARGINS["top"] + MARGINS["bottom"])) / scale


def page_starts(heights: Sequence[float], repeated: Sequence[int], body: float) -> list[int]:
    """The rows (0-based) that begin the second page, the third…: each page takes rows while they fit,
    below the ``repeated`` header rows on every page after the first."""
    repeat_height = sum(heights[row] for row in repeated)
    starts, used, placed = [], 0.0, 0
    for row, height in enumerate(heights):
        if used + height > body and placed:  # a row taller than a page still takes one of its own
            starts.append(row)
            used, placed = repeat_height, 0
        used += height
        placed += 1
    return starts


def break_above(heights: Sequence[float], repeated: Sequence[int], widths: Sequence[float],
                block: range) -> int | None:
    """The row to break the page above, when the rows of ``block`` would otherwise be split across pages."""
    body = page_height(fit_width_scale(widths)) - SAFETY
    if any(block.start < start < block.stop for start in page_starts(heights[:block.stop], repeated, body)):
        return block.start
    return None


def chart_room(widths: Sequence[float], header_height: float) -> int:
    """Pixels of the sheet's height a chart may take to print whole on one page, below the repeated header."""
    return int((page_height(fit_width_scale(widths)) - SAFETY - header_height) * 4 / 3)


def row_heights(sheet, rows: int) -> list[float]:
    """The heights in points of a sheet's first ``rows`` rows as written so far (XlsxWriter keeps pixels)."""
    info, default = sheet.row_info, sheet.default_row_height
    return [0.75 * (info[row].height if row in info else default) for row in range(rows)]
