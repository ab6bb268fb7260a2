"""What an office script would do without xlsync: read every report with pandas and add up.

    python bench/peer_pandas.py FOLDER
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd


def main(folder: str) -> None:
    frames = []
    for path in sorted(Path(folder).glob("*.xlsx")):
        frame = pd.read_excel(path, sheet_name="Báo cáo", header=9, usecols="A:D", engine="openpyxl")
        frame["Tệp"] = path.name
        frames.append(frame)
    data = pd.concat(frames, ignore_index=True)
    numbers = pd.to_numeric(data["Số liệu"], errors="coerce")
    totals = numbers.groupby(data["Mã"]).sum()
    print(totals.to_string())


if __name__ == "__main__":
    main(sys.argv[1])
