"""Row heights of wrapped text: one line needs none, longer text one line per column width of characters."""

from __future__ import annotations

from xlsync.core.row_height import LINE_HEIGHT, row_height, text_lines


def test_text_that_fits_its_column_needs_no_height():
    assert row_height([("Thôn 1", 10), ("x" * 14, 14), ("", 7), (None, 7), (12345, 10)]) is None
    assert row_height([]) is None


def test_a_row_is_as_tall_as_its_longest_wrapped_text():
    # 15 characters in 14: two lines; 45 in 14.5 (14 whole characters): four; a number counted by its digits.
    assert row_height([("x" * 15, 14)]) == 2 * LINE_HEIGHT
    assert row_height([("x" * 15, 14), ("ậ" * 45, 14.5), ("short", 30)]) == 4 * LINE_HEIGHT
    assert row_height([(12345678901, 10)]) == 2 * LINE_HEIGHT


def test_line_breaks_count_each_line_on_its_own():
    assert row_height([("a\nb", 10)]) == 2 * LINE_HEIGHT
    assert row_height([("a\n" + "b" * 21, 10)]) == 4 * LINE_HEIGHT
    assert text_lines("a\n\nb", 10) == 3


def test_a_column_narrower_than_a_character_holds_one_a_line():
    assert row_height([("abc", 0.5)]) == 3 * LINE_HEIGHT
    assert text_lines("abc", 0.5) == 3
    assert text_lines("x" * 25, 20, small=True) == 1  # small print: a quarter more characters a line
