"""The quick proofs that a sheet is small never contradict the walk that places every cell as calamine does.

Sheets are generated at random (fixed seed): references with 0–3 letters and
0–7 digits, in either quotes, after a space, a tab or a newline, first or not;
prefixed tags, cells without references, self-closing cells, rows with and
without numbers.  Whenever a proof says "small", the walk must find at most
MAX_SHEET_CELLS cells from A1 to the farthest one.
"""

from __future__ import annotations

import random

import pytest

from xlsync.io.workbook_checks import MAX_SHEET_CELLS
from xlsync.io.xml_checks import _cells_clearly_small, _clearly_small, _walk_extent, cell_extent


SEPARATORS = (" ", " ", " ", "\t", "\n")


def _random_sheet(rng: random.Random) -> bytes:
    def reference() -> str:
        letters = "".join(rng.choice("ABXZaq") for _ in range(rng.choice([0, 1, 1, 2, 2, 3])))
        digits = "".join(rng.choice("0123456789") for _ in range(rng.choice([0, 1, 3, 4, 5, 5, 6, 7])))
        quote = rng.choice(['"', '"', "'"])
        return rng.choice(SEPARATORS) + f"r={quote}{letters}{digits}{quote}"

    def cell() -> str:
        prefix = rng.choice(["", "", "", "x:"])
        attributes = [reference()] if rng.random() < 0.9 else []
        if rng.random() < 0.3:
            attributes.insert(rng.randrange(len(attributes) + 1), ' s="3"')
        if rng.random() < 0.1:
            return f"<{prefix}c{''.join(attributes)}/>"
        return f"<{prefix}c{''.join(attributes)}><v>1</v></{prefix}c>"

    def row() -> str:
        prefix = rng.choice(["", "", "", "x:"])
        number = reference() if rng.random() < 0.85 else ""
        cells = "".join(cell() for _ in range(rng.choice([0, 1, 2, 3, 30, 150])))
        return f"<{prefix}row{number}>{cells}</{prefix}row>"

    rows = "".join(row() for _ in range(rng.choice([1, 2, 3, 5])))
    return f'<?xml version="1.0"?>\n<worksheet xmlns:r="r"><sheetData>{rows}</sheetData></worksheet>'.encode()


@pytest.mark.parametrize("seed", range(2))
def test_a_sheet_proved_small_is_small_for_the_walk(seed: int):
    rng = random.Random(seed)
    proved = 0
    for _ in range(500):
        part = _random_sheet(rng)
        rows, columns = _walk_extent(part)
        if _cells_clearly_small(part):
            proved += 1
            assert rows * columns <= MAX_SHEET_CELLS, part[:400]
        if _clearly_small(part) or _cells_clearly_small(part):
            assert cell_extent(part) == (0, 0)
        else:
            assert cell_extent(part) == (rows, columns)
    assert proved > 20  # the generator does reach the proof


@pytest.mark.parametrize(
    "cells, small",
    [
        ('<c r="Z99999"><v>1</v></c>', True),
        ('<c r="ZZ9999"><v>1</v></c>', True),
        ('<c r="ZZ9999"><v>1</v></c><c r="A10000"><v>1</v></c>', False),  # 702 columns × 10,000 rows
        ('<c r="AAA1"><v>1</v></c>', False),
        ('<c r="A100000"><v>1</v></c>', False),
        ('<c s="1" r="A1"><v>1</v></c>', False),  # reference not first: left to the other proofs
        ('<c r="A"><v>1</v></c>', False),  # no row digits: the cell follows its row's number
        ('<x:c r="A1"><v>1</v></x:c>', False),
    ],
)
def test_the_cell_tag_proof(cells: str, small: bool):
    part = f'<worksheet><sheetData><row r="1048576">{cells}</row></sheetData></worksheet>'.encode()
    assert _cells_clearly_small(part) is small
