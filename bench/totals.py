"""The totals each contender wrote, so the benchmark only compares programs that computed the same thing."""

from __future__ import annotations

import math
from pathlib import Path

from python_calamine import CalamineWorkbook

TOTAL_LABEL = "Toàn xã"  # xlsync's total per data element on «Theo đơn vị»


def peer_totals(workbook: Path) -> dict[str, float]:
    """Code → total from a peer's «Tổng hợp» sheet (a «Mã» column and a «Tổng» column)."""
    rows = CalamineWorkbook.from_path(str(workbook)).get_sheet_by_name("Tổng hợp").to_python()
    header = [str(cell) for cell in rows[0]]
    code, total = header.index("Mã"), header.index("Tổng")
    return {str(row[code]): float(row[total]) for row in rows[1:] if row[code] != ""}


def master_totals(master: Path, codes: set[str]) -> dict[str, object]:
    """Code → the «Toàn xã» value stored in xlsync's master, for the codes given.

    The total is found by its label, beside the codes whichever way the sheet
    runs (elements down the first column, or across a header row above it).
    """
    book = CalamineWorkbook.from_path(str(master))
    names = sorted(book.sheet_names, key=lambda name: name != "Theo đơn vị")
    for name in names:
        rows = book.get_sheet_by_name(name).to_python()
        for r, row in enumerate(rows):
            if TOTAL_LABEL in row:
                found = _beside(rows, r, row.index(TOTAL_LABEL), codes)
                if found:
                    return found
    raise AssertionError(f"no «{TOTAL_LABEL}» totals for the reports' codes in {master}")


def _beside(rows: list[list], r: int, c: int, codes: set[str]) -> dict[str, object]:
    down = {str(row[0]): row[c] for row in rows[r + 1:] if row and str(row[0]) in codes}
    if down:
        return down
    for header in reversed(rows[:r]):  # the element codes across a header row, the totals on row r
        across = {str(code): rows[r][i] for i, code in enumerate(header) if str(code) in codes and i < len(rows[r])}
        if across:
            return across
    return {}


def differences(expected: dict[str, object], got: dict[str, float]) -> list[str]:
    """Where ``got`` (a peer's totals) differs from ``expected`` (the master's); empty when they agree."""
    wrong = []
    for code in sorted(set(expected) | set(got)):
        want, have = expected.get(code), got.get(code)
        want_number = float(want) if isinstance(want, (int, float)) else 0.0  # a blank total: nothing added up
        if have is None or not math.isclose(want_number, have, rel_tol=1e-9, abs_tol=1e-9):
            wrong.append(f"{code}: master {want!r}, peer {have!r}")
    return wrong
