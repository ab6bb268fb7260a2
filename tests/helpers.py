"""Building real report workbooks the way units fill them."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from openpyxl import load_workbook

from xlsync.core.plan import Plan
from xlsync.core.sheets import cell_address
from xlsync.core.template import REPORT_SHEET, report_layout
from xlsync.io.report_fill import fill_template
from xlsync.io.report_xlsx import write_report_template
from xlsync.jobs.setup import template_name


def value_cells(plan: Plan, unit_code: str) -> dict[str, str]:
    """Element code → address of its input cell in the unit's template."""
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
    """Write the unit's template, then type ``values`` into it (as Excel would save them).

    Notes are stored as text cells even when they start with "=", as a
    quote-prefixed cell or a Google Sheet's plain text would be.
    """
    folder.mkdir(parents=True, exist_ok=True)
    unit = plan.units[unit_code]
    layout = report_layout(plan, unit, period)
    path = folder / (name or template_name(unit))
    write_report_template(layout, path)
    fill_template(path, layout, values, path)
    if notes:
        book = load_workbook(path)
        sheet = book[REPORT_SHEET]
        cells = value_cells(plan, unit_code)
        for code, note in notes.items():
            cell = sheet[cells[code].replace("D", "E", 1)]
            cell.value = note
            cell.data_type = "s"
        book.save(path)
    return path
