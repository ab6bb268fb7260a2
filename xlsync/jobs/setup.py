"""Starting a year: a working folder with the plan, and one report template per unit."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from xlsync.core.issues import CannotRun
from xlsync.core.plan import Plan, Unit
from xlsync.core.template import report_layout
from xlsync.core.text import ascii_slug
from xlsync.io.plan_source import PLAN_FILE_NAME, load_bundled_plan
from xlsync.io.plan_xlsx import write_plan_workbook
from xlsync.io.report_xlsx import write_report_template

REPORTS_FOLDER = "bao-cao"  # where the units' filled reports are collected
TEMPLATES_FOLDER = "mau-bao-cao"


def init_folder(folder: str | Path) -> Path:
    """Create a working folder holding the bundled plan as an editable workbook."""
    folder = Path(folder)
    plan_path = folder / PLAN_FILE_NAME
    if plan_path.exists():
        raise CannotRun("folder-not-empty", file=str(folder))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / REPORTS_FOLDER).mkdir(exist_ok=True)
    write_plan_workbook(load_bundled_plan().plan, plan_path)
    return plan_path


def template_name(unit: Unit) -> str:
    return f"bao-cao-{ascii_slug(unit.code)}-{ascii_slug(unit.name)}.xlsx"


def select_units(plan: Plan, codes: Iterable[str] = ()) -> list[Unit]:
    codes = list(codes)
    if not codes:
        return [u for u in plan.units.values() if plan.elements_for(u)]
    units = []
    for code in codes:
        unit = plan.unit_by_code(code)
        if unit is None:
            raise CannotRun("unknown-unit-option", value=code)
        units.append(unit)
    return units


def write_templates(plan: Plan, out: str | Path, units: list[Unit], period: str | None = None) -> list[Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    return [write_report_template(report_layout(plan, unit, period), out / template_name(unit)) for unit in units]
