"""Building real report workbooks the way units fill them."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from openpyxl import load_workbook

from xlsync.core.plan import Plan
from xlsync.core.template import REPORT_SHEET, report_layout
from xlsync.jobs.setup import template_name
from xlsync.io.report_xlsx import write_report_template


def value_cells(plan: Plan, unit_code: str) -> dict[str, str]:
    """Element code → address of its input cell in the unit's template."""
    from xlsync.core.sheets import cell_address

    layout = report_layout(plan, plan.units[unit_code])
    return {item.element.code: cell_address(item.row, item.col) for item in layout.inputs}


def fill_report(
    plan: Plan,
    unit_code: str,
    folder: Path,
    values: Mapping[str, object],
    *,
    name: str | None = None,
    period: str | None = None,
    notes: Mapping[str, str] | None = None,
) -> Path:
    """Write the unit's template, then type ``values`` into it with openpyxl (as Excel would save them)."""
    folder.mkdir(parents=True, exist_ok=True)
    unit = plan.units[unit_code]
    path = folder / (name or template_name(unit))
    write_report_template(report_layout(plan, unit, period), path)
    workbook = load_workbook(path)
    sheet = workbook[REPORT_SHEET]
    cells = value_cells(plan, unit_code)
    for code, value in values.items():
        sheet[cells[code]] = value
    for code, note in (notes or {}).items():
        row = int("".join(ch for ch in cells[code] if ch.isdigit()))
        sheet.cell(row=row, column=5, value=note)
    workbook.save(path)
    return path
