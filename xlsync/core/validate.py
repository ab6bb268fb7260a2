"""Checking the values of many reports at once with the plan's report schema."""

from __future__ import annotations

import pandas as pd

from xlsync.core.issues import Issue
from xlsync.core.plan import Plan
from xlsync.core.report import UnitReport
from xlsync.core.schema_check import Locate, Position, schema_issues
from xlsync.schemas.report import report_schema


def values_frame(plan: Plan, reports: list[UnitReport]) -> pd.DataFrame:
    """One row per report (index = position in ``reports``), one float column per data element."""
    columns = list(plan.elements)
    data = [[report.number(code) for code in columns] for report in reports]
    return pd.DataFrame(data, columns=columns, index=range(len(reports)), dtype=float)


def check_values(plan: Plan, reports: list[UnitReport]) -> list[Issue]:
    """Bounds by kind, whole numbers, Đạt/Chưa đạt, and part ≤ whole for every rate."""
    if not reports:
        return []

    def locate(index: object, code: str) -> Position:
        report = reports[int(index)]
        item = report.values.get(code)
        element = plan.elements[code]
        if item is None:
            return Position(report.source, report.sheet, "", "", {"name": element.name})
        return Position(report.source, report.sheet, item.cell, item.raw, {"name": element.name})

    return check_frame(plan, values_frame(plan, reports), locate)


def check_frame(plan: Plan, frame: pd.DataFrame, locate: Locate) -> list[Issue]:
    """The same rules over any frame of values (one row per report or unit, one float
    column per data element); ``locate`` turns (index, element code) into a cell."""
    return schema_issues(report_schema(plan), frame, locate)
