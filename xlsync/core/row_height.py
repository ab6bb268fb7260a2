"""How tall a row must be to show all of its wrapped text.

Excel and LibreOffice keep the default height for a row written with wrapped text, so a long indicator
name or note is cut on screen and on paper unless the writer sets the height itself.  The estimate is
by characters per line, which errs on the tall side for Vietnamese text in the fonts we use.
"""

from __future__ import annotations

from collections.abc import Iterable

LINE_HEIGHT = 16.0  # points per line of 12-point text


def text_lines(text: object, width: float, *, small: bool = False) -> int:
    """About how many lines ``text`` wraps to in a column ``width`` characters wide."""
    per_line = int(max(1.0, width * (1.25 if small else 1.0)))
    text = str(text or "")
    if "\n" not in text:  # most cells: no split, no generator
        return max(1, -(-len(text) // per_line))
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def row_height(cells: Iterable[tuple[object, float]]) -> float | None:
    """Points a row needs for its wrapped cells, each (text, column width in characters); None: one line does."""
    lines = 1
    for text, width in cells:
        # Short text without a line break is one line, settled without a call: most cells of a province's tables.
        if type(text) is not str or "\n" in text or len(text) > width:
            lines = max(lines, text_lines(text, width))
    return lines * LINE_HEIGHT if lines > 1 else None
