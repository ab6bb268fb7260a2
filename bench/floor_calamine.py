"""The floor: calamine reads every report's «Báo cáo» sheet into Python values in 2 processes, nothing else.

    python bench/floor_calamine.py FOLDER

No other sheet, no checks, no sums, no output but the count of files and rows
read (which the benchmark checks). No consolidation can read faster with calamine.
"""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

from python_calamine import CalamineWorkbook


def rows_in_report(path: str) -> int:
    return len(CalamineWorkbook.from_path(path).get_sheet_by_name("Báo cáo").to_python())


def main(folder: Path) -> None:
    paths = sorted(str(path) for path in folder.glob("*.xlsx"))
    with multiprocessing.get_context("fork").Pool(2) as pool:
        rows = sum(pool.map(rows_in_report, paths))
    print(len(paths), rows)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
