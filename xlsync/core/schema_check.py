"""Run a pandera schema and turn its failures into cell-addressed records.

The frame's index says which row a value came from; a ``locate`` callback
(provided by whoever built the frame) turns (index, column) into a position
and the message parameters.  Checks that involve several columns carry the
columns they use in their statistics, so the record points at those cells
and not at the whole row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pandas as pd
import pandera.pandas as pa

from xlsync.core.issues import Issue, display_value, make_issue
from xlsync.schemas.checks import RECORD_CODES


@dataclass(slots=True)
class Position:
    file: str
    sheet: str
    cell: str
    value: object = ""
    params: dict[str, object] = field(default_factory=dict)


Locate = Callable[[object, str], Position]


def schema_issues(schema: pa.DataFrameSchema, frame: pd.DataFrame, locate: Locate) -> list[Issue]:
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as failures:
        issues: list[Issue] = []
        for error in failures.schema_errors:
            issues.extend(_records(error, locate))
        return _dedupe(issues)
    return []


def _check_name(error: pa.errors.SchemaError) -> str:
    check = error.check
    if isinstance(check, str):
        return check
    return getattr(check, "name", "") or ""


def _records(error: pa.errors.SchemaError, locate: Locate) -> list[Issue]:
    name = _check_name(error)
    code = RECORD_CODES.get(name)
    if code is None or error.failure_cases is None:
        raise RuntimeError(f"unmapped schema failure: {name}: {error}")
    cases = error.failure_cases
    statistics = getattr(error.check, "statistics", None) or {}

    if name == "numerator_le_denominator":
        return [_ratio_record(idx, statistics, locate) for idx in dict.fromkeys(cases["index"])]

    column = getattr(error.schema, "name", "") or ""
    if name == "field_uniqueness":
        return _duplicate_records(code, cases, column, locate)
    records = []
    for idx in dict.fromkeys(cases["index"]):
        if idx is None or (isinstance(idx, float) and pd.isna(idx)):
            continue
        pos = locate(idx, column)
        params = dict(pos.params)
        if name == "one_of":
            params.setdefault("choices", ", ".join(statistics.get("choices", ())))
            params.setdefault("label", column)
        records.append(
            make_issue(code, file=pos.file, sheet=pos.sheet, cell=pos.cell, value=pos.value, **params)
        )
    return records


def _duplicate_records(code: str, cases: pd.DataFrame, column: str, locate: Locate) -> list[Issue]:
    """pandera lists every occurrence of a repeated value; report the repeats, naming the first."""
    records = []
    for _, group in cases.groupby("failure_case", sort=False):
        indexes = sorted(group["index"])
        first = locate(indexes[0], column)
        for idx in indexes[1:]:
            pos = locate(idx, column)
            params = {**pos.params, "first_cell": first.cell}
            records.append(
                make_issue(code, file=pos.file, sheet=pos.sheet, cell=pos.cell, value=pos.value, **params)
            )
    return records


def _ratio_record(idx: object, statistics: dict, locate: Locate) -> Issue:
    numerator = locate(idx, statistics["numerator"])
    denominator = locate(idx, statistics["denominator"])
    return make_issue(
        "numerator-exceeds-denominator",
        file=numerator.file,
        sheet=numerator.sheet,
        cell=numerator.cell,
        value=numerator.value,
        numerator_name=numerator.params.get("name", statistics["numerator"]),
        numerator_value=display_value(numerator.value),
        numerator_cell=numerator.cell,
        denominator_name=denominator.params.get("name", statistics["denominator"]),
        denominator_value=display_value(denominator.value),
        denominator_cell=denominator.cell,
    )


def _dedupe(issues: list[Issue]) -> list[Issue]:
    """One record per problem and cell, even if two checks found it."""
    seen: set[tuple] = set()
    out = []
    for issue in issues:
        key = (issue.code, issue.file, issue.sheet, issue.cell)
        if key not in seen:
            seen.add(key)
            out.append(issue)
    return out
