"""One sheet of the plan workbook: its table found, its cells read, its own records.

A :class:`PlanSheet` is what the plan reader builds the plan from: a frame
of canonical columns (index = 0-based sheet row) whose text is normalised,
whose numbers are parsed and whose «So sánh» is the canonical sign.  Every
record about a cell names its column, and a cell is reported once: a value
that could not be read is a ``type-error``, never also «chưa nhập».
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterator, Literal

import pandas as pd
import pandera.pandas as pa

from xlsync.core.issues import Issue, column_fields, make_issue
from xlsync.core.numbers import format_number, parse_number, parse_pass_fail, percent_shown
from xlsync.core.plan import comparison_choices, parse_comparison
from xlsync.core.schema_check import Position, schema_issues
from xlsync.core.sheets import Sheet, WorkbookData, cell_address, parse_address
from xlsync.core.tables import Table, locate_table
from xlsync.core.text import is_blank, normalize_text

NUMBER_COLUMNS = {
    "Kế hoạch", "Hệ số",
    "Điểm tối đa", "Điểm mỗi lần", "Mức trần", "Mức sàn",  # Tiêu chí chấm điểm
    "Điểm tối thiểu", "Số đơn vị dẫn đầu mỗi khối", "Tỷ lệ tối đa (%)",  # Khen thưởng
}
# Columns whose figures are percentages whatever the row says; «Kế hoạch» depends on its indicator.
PERCENT_COLUMNS = {"Tỷ lệ tối đa (%)"}
COMPARISON_COLUMN = "So sánh"
TARGET_COLUMN = "Kế hoạch"
PERCENT_AWARE = PERCENT_COLUMNS | {TARGET_COLUMN}  # where a % format or a typed «%» means something

# How a cell says it holds a percentage: Excel's % number format (the cell stores 0.965 for «96,5%»),
# or a «%» typed at the end of text («96,5%», already read as 96,5).
PercentMark = Literal["format", "sign"]


@dataclass(slots=True)
class PlanSheet:
    """One sheet of the plan as a frame (index = sheet row) plus where it came from."""

    table: Table
    frame: pd.DataFrame
    percent_marks: dict[tuple[int, str], PercentMark] = field(default_factory=dict)
    found: list[Issue] = field(default_factory=list)  # this sheet's own records (reading, schema)

    def locate(self, index: object, column: str) -> Position:
        """Where a value is, with the column's name for every message (the schema's callback)."""
        row = int(index)
        params: dict[str, object] = {"name": column, **column_fields(column)}
        if column == COMPARISON_COLUMN:
            params["choices"] = comparison_choices()
        return Position(self.table.file, self.table.sheet, self.cell(row, column), self.raw(row, column) or "", params)

    def cell(self, row: int, column: str) -> str:
        return self.table.address(row, column)

    def raw(self, row: int, column: str) -> object:
        """The value as the sheet holds it."""
        return next((r.get(column) for r in self.table.rows if r.row == row), None)

    def records(self) -> Iterator[tuple[int, dict]]:
        """(sheet row, {label: value}) with missing text as None and missing numbers as NaN."""
        for index, values in zip(self.frame.index, self.frame.to_dict("records")):
            yield int(index), {
                k: (None if k not in NUMBER_COLUMNS and not isinstance(v, str) else v) for k, v in values.items()
            }

    def check(self, schema: pa.DataFrameSchema) -> list[Issue]:
        """The schema's records, keeping this sheet's error rows up to date."""
        found = [i for i in schema_issues(schema, self.frame, self.locate) if not _blank_after_unreadable(i)]
        self.found.extend(found)
        return found

    @property
    def error_rows(self) -> set[int]:
        """0-based sheet rows holding an error already reported: such rows are left out of the plan."""
        return {parse_address(i.cell)[0] for i in self.found if i.is_error and _is_cell(i.cell)}

    def percent_value(
        self, row: int, column: str, value: float, *, in_percent: bool
    ) -> tuple[float | None, list[Issue]]:
        """A figure of a column whose meaning (% or not) depends on the row, and what to say about it.

        None means the value cannot be used (a «%» typed on a figure that is not a percentage).
        """
        mark = self.percent_marks.get((row, column))
        where = {"file": self.table.file, "sheet": self.table.sheet, "cell": self.cell(row, column),
                 **column_fields(column)}
        raw = self.raw(row, column)
        if mark == "format":
            # Excel shows 0.965 as «96,5%»; for a count the stored value is what Excel computes with.
            return (_shown_percent(value, where) if in_percent else (value, []))
        if mark == "sign":
            return (value, []) if in_percent else (None, [make_issue("type-error", **where, value=raw)])
        if in_percent and not isinstance(raw, str) and 0 < value <= 1:
            return value, [make_issue("percent-as-fraction", **where, value=raw, percent=format_number(value * 100))]
        return value, []


def _is_cell(address: str) -> bool:
    return bool(address) and address[0].isalpha() and address[-1].isdigit()


def _blank_after_unreadable(issue: Issue) -> bool:
    """«chưa nhập» on a cell that holds something: the value could not be read and was reported."""
    return issue.code == "missing-cell" and bool(issue.value)


def _shown_percent(stored: float, where: dict) -> tuple[float, list[Issue]]:
    value = percent_shown(stored)
    shown = format_number(value)
    return value, [make_issue("percent-format-read", **where, value=stored, shown=f"{shown}%", percent=shown)]


def read_plan_sheet(
    workbook: WorkbookData, name: str, labels: tuple, issues: list[Issue], *, required: bool = True
) -> PlanSheet | None:
    """The plan sheet ``name`` with its table found and its cells read; its records go to ``issues``."""
    sheet = workbook.sheet(name)
    if sheet is None:
        if required:
            issues.append(make_issue("missing-sheet", file=workbook.source, sheet=name,
                                     available=", ".join(workbook.sheets)))
        return None
    table, found = locate_table(sheet, labels[0], labels[1], file=workbook.source)
    issues.extend(found)
    if table is None:
        return None
    plan_sheet = _frame(table, sheet, [*labels[0], *labels[1]])
    issues.extend(plan_sheet.found)
    issues.extend(values_without_header(sheet, table))
    return plan_sheet


def _frame(table: Table, sheet: Sheet, columns: list[str]) -> PlanSheet:
    plan_sheet = PlanSheet(table, pd.DataFrame())
    data: dict[str, list] = {c: [] for c in columns}
    for row in table.rows:
        for column in columns:
            raw = row.get(column)
            if column in NUMBER_COLUMNS:
                data[column].append(_plan_number(plan_sheet, sheet, row.row, column, raw))
            elif column == COMPARISON_COLUMN:
                # The schema checks the canonical sign; what was typed stays in the table for messages.
                sign = parse_comparison(raw)
                data[column].append(sign.value if sign is not None else (normalize_text(raw) or None))
            else:
                data[column].append(normalize_text(raw) or None)
    frame = pd.DataFrame(data, index=[r.row for r in table.rows])
    for column in NUMBER_COLUMNS & set(columns):
        frame[column] = frame[column].astype(float)
    plan_sheet.frame = frame
    return plan_sheet


def _plan_number(plan_sheet: PlanSheet, sheet: Sheet, row: int, column: str, raw: object) -> float:
    if column == TARGET_COLUMN and parse_pass_fail(raw).value is True:
        return math.nan  # a "Đạt" target; the indicator reader handles it
    table = plan_sheet.table
    where = {"file": table.file, "sheet": table.sheet, "cell": table.address(row, column), "value": raw,
             **column_fields(column)}
    mark = _percent_mark(sheet, row, table.columns.get(column), raw) if column in PERCENT_AWARE else None
    reading = parse_number(raw, percent=mark == "sign")
    found = plan_sheet.found
    if reading.status == "invalid":
        found.append(make_issue("type-error", **where))
    elif reading.status == "ambiguous":
        found.append(make_issue("ambiguous-number", **where, reading=_fmt(reading.value), other=_fmt(reading.other)))
    elif reading.status == "foreign":
        found.append(make_issue("foreign-number-format", **where, reading=_fmt(reading.value)))
    if reading.value is None:
        return math.nan
    value = float(reading.value)
    if mark is not None:
        plan_sheet.percent_marks[(row, column)] = mark
        if column in PERCENT_COLUMNS:
            value, said = plan_sheet.percent_value(row, column, value, in_percent=True)
            found.extend(said)
    return value


def _percent_mark(sheet: Sheet, row: int, col: int | None, raw: object) -> PercentMark | None:
    if isinstance(raw, str):
        return "sign" if normalize_text(raw).endswith("%") else None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and (row, col) in sheet.percent_cells:
        return "format"
    return None


def _fmt(value: float | None) -> str:
    return "" if value is None else format_number(value)


def values_without_header(sheet: Sheet, table: Table) -> list[Issue]:
    """Values typed on the table's rows in a column whose header cell is blank: they would be lost.

    Looked for between the first labelled column and the one just right of the last; a column
    under a merged header belongs to that header, and text further right is taken for a note.
    """
    if not table.columns:
        return []
    first, last = min(table.columns.values()), max(table.columns.values())
    labelled = set(table.columns.values())
    headless = [c for c in range(first, last + 2)
                if c not in labelled and is_blank(sheet.cell(table.header_row, c))
                and not _under_merged_header(sheet, table.header_row, c)]
    issues = []
    for row in table.rows:
        for col in headless:
            value = sheet.cell(row.row, col)
            if not is_blank(value):
                issues.append(make_issue("value-without-header", file=table.file, sheet=table.sheet,
                                         cell=cell_address(row.row, col), value=value))
    return issues


def _under_merged_header(sheet: Sheet, row: int, col: int) -> bool:
    """A blank header cell that is part of a merged header (its text is in the merge's first cell)."""
    return any(top <= row <= bottom and left <= col <= right and (row, col) != (top, left)
               for top, left, bottom, right in sheet.merged)
