"""What an analyst would write with pandas instead of xlsync: read every report, add up, write a workbook.

    python bench/peer_pandas.py FOLDER OUT.xlsx                     # calamine engine (pandas ≥ 2.2)
    python bench/peer_pandas.py FOLDER OUT.xlsx --engine openpyxl   # the historical peer

One `read_excel` per file (the «Báo cáo» sheet, header on row 10, columns A:D),
`concat`, then per data element the sum of the numbers and the count of «Đạt»
(as xlsync's «Toàn xã» column counts them), written with the figures of every
unit to a two-sheet .xlsx. No validation, no cell addresses, no formulas.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--engine", default="calamine")
    args = parser.parse_args()

    frames = []
    for path in sorted(args.folder.glob("*.xlsx")):
        frame = pd.read_excel(path, sheet_name="Báo cáo", header=9, usecols="A:D", engine=args.engine)
        frame["Đơn vị"] = path.stem
        frames.append(frame)
    data = pd.concat(frames, ignore_index=True)

    achieved = data["Số liệu"].eq("Đạt").astype(float)
    data["Giá trị"] = pd.to_numeric(data["Số liệu"], errors="coerce").fillna(achieved)
    totals = data.groupby("Mã", sort=False).agg(**{"Nội dung": ("Nội dung", "first"), "Tổng": ("Giá trị", "sum")})
    by_unit = data.pivot(index="Đơn vị", columns="Mã", values="Số liệu")

    with pd.ExcelWriter(args.out, engine="xlsxwriter") as writer:
        totals.to_excel(writer, sheet_name="Tổng hợp")
        by_unit.to_excel(writer, sheet_name="Theo đơn vị")


if __name__ == "__main__":
    main()
