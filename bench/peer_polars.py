"""What an analyst would write with polars instead of xlsync: read every report, add up, write a workbook.

    python bench/peer_polars.py FOLDER OUT.xlsx

One `pl.read_excel` per file (calamine engine, through fastexcel), `concat`,
`group_by` per data element (sum of the numbers, count of «Đạt»), and
`write_excel` of the totals and of every unit's figures into one two-sheet
.xlsx. «Số liệu» mixes numbers and «Đạt»/«Chưa đạt», so it is read as text and
cast. No validation, no cell addresses, no formulas.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import xlsxwriter


def main(folder: Path, out: Path) -> None:
    frames = [
        pl.read_excel(path, sheet_name="Báo cáo", engine="calamine",
                      read_options={"header_row": 9, "use_columns": "A:D"},
                      schema_overrides={"Số liệu": pl.String})
        .with_columns(pl.lit(path.stem).alias("Đơn vị"))
        for path in sorted(folder.glob("*.xlsx"))
    ]
    data = pl.concat(frames)

    figure = pl.col("Số liệu")
    value = figure.cast(pl.Float64, strict=False).fill_null((figure == "Đạt").cast(pl.Float64))
    totals = data.group_by("Mã", maintain_order=True).agg(pl.col("Nội dung").first(), value.sum().alias("Tổng"))
    by_unit = data.pivot(on="Mã", index="Đơn vị", values="Số liệu")

    with xlsxwriter.Workbook(out) as book:
        totals.write_excel(book, worksheet="Tổng hợp")
        by_unit.write_excel(book, worksheet="Theo đơn vị")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
