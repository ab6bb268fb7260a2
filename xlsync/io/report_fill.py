"""Typing figures into a report template, as a unit would in Excel.

Used by `xlsync demo` to make example reports; it goes through the same
template file a village head receives.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from openpyxl import load_workbook

from xlsync.core.numbers import FAIL, PASS
from xlsync.core.sheets import cell_address
from xlsync.core.template import REPORT_SHEET, ReportLayout


def fill_template(template: str | Path, layout: ReportLayout, values: Mapping[str, object], out: str | Path) -> Path:
    """Copy ``template`` to ``out`` with ``values`` typed into the input cells (Đạt/Chưa đạt for bools)."""
    workbook = load_workbook(template)
    sheet = workbook[REPORT_SHEET]
    for item in layout.inputs:
        if item.element.code not in values:
            continue
        value = values[item.element.code]
        if isinstance(value, bool):
            value = PASS if value else FAIL
        cell = sheet[cell_address(item.row, item.col)]
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"  # typed text, even "=...", is text: openpyxl would make it a formula
    workbook.save(out)
    return Path(out)
