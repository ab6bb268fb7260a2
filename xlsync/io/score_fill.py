"""Typing scores into a block's score workbook, as the block would in Excel.

Used by `xlsync demo` to make example score sheets; it goes through the
same workbook a block receives.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from openpyxl import load_workbook

from xlsync.core.scoring.template import SCORE_SHEET, ScoreLayout
from xlsync.core.sheets import cell_address


def fill_score_template(template: str | Path, layout: ScoreLayout, typed: Mapping[tuple[str, str, str], object],
                        out: str | Path) -> Path:
    """Copy ``template`` to ``out`` with ``typed[(unit, criterion, label)]`` in the input cells."""
    workbook = load_workbook(template)
    sheet = workbook[SCORE_SHEET]
    for item in layout.inputs:
        key = (item.unit.code, item.criterion.code, item.label)
        if key in typed:
            sheet[cell_address(item.row, item.col)] = typed[key]
    workbook.save(out)
    return Path(out)
