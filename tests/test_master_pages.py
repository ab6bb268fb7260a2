"""Where the master's printed pages break, as xlsync foresees it (tests/test_master_print.py checks the PDF)."""

from __future__ import annotations

from xlsync.io.master.pages import SAFETY, break_above, fit_width_scale, page_height, page_starts
from xlsync.io.master.write import SUMMARY_WIDTHS


def test_the_summary_prints_at_the_scale_that_fits_its_columns_to_the_page():
    # 1,441 pixels of columns into 770 points (1,026.7 pixels) of A4 landscape between the margins.
    assert fit_width_scale(SUMMARY_WIDTHS) == 0.71
    assert fit_width_scale((10, 20)) == 1.0  # never enlarged
    assert round(page_height(0.71), 1) == 716.7  # (595.28 - 86.4 points of margins) / 71 %


def test_pages_break_where_the_rows_stop_fitting_with_the_header_repeated():
    heights = [10.0] * 30
    # 9 rows on the first page; then the header row (10) and 8 rows a page.
    assert page_starts(heights, [0], 95) == [9, 17, 25]
    assert page_starts(heights, [], 95) == [9, 18, 27]


def test_a_row_taller_than_a_page_gets_a_page_of_its_own():
    assert page_starts([10.0, 200.0, 10.0], [0], 95) == [1, 2]


def test_a_block_that_would_straddle_a_break_starts_a_page():
    body = page_height(fit_width_scale(SUMMARY_WIDTHS)) - SAFETY
    rows = int(body // 15)  # default rows filling the first page
    heights = [15.0] * (rows + 20)
    assert break_above(heights, [0], SUMMARY_WIDTHS, range(rows - 3, rows + 5)) == rows - 3
    assert break_above(heights, [0], SUMMARY_WIDTHS, range(rows - 10, rows - 2)) is None
    assert break_above(heights, [0], SUMMARY_WIDTHS, range(rows, rows + 8)) is None  # already on a new page
