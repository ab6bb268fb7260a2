"""Checking workbooks: plan workbooks and unit reports, many files in one run.

A file that cannot be read becomes an error record for that file; the other
files are still checked.  Reports are read one by one but their values are
checked together, in one pass of the report schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Literal

from xlsync.core.issues import CannotRun, Issue, Report
from xlsync.core.plan import Sheets
from xlsync.core.plan_reader import read_plan
from xlsync.core.score_reader import read_score_sheet
from xlsync.core.report import UnitReport, read_metadata, read_report
from xlsync.core.sheets import WorkbookData, parse_address
from xlsync.core.template import REPORT_SHEET, MetaKeys
from xlsync.core.validate import check_values
from xlsync.io.plan_source import LoadedPlan
from xlsync.io.xlsx_read import read_workbook

FileKind = Literal["plan", "report", "master", "score", "unreadable"]
Progress = Callable[[str], None]


@dataclass(slots=True)
class CheckedFile:
    path: str
    kind: FileKind
    workbook: WorkbookData | None = None
    report: UnitReport | None = None
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for i in self.issues if i.is_error)

    @property
    def warnings(self) -> int:
        return sum(1 for i in self.issues if not i.is_error)


@dataclass(slots=True)
class ValidationRun:
    plan: LoadedPlan
    files: list[CheckedFile] = field(default_factory=list)

    @property
    def report(self) -> Report:
        return Report([i for f in self.files for i in f.issues])

    @property
    def reports(self) -> list[CheckedFile]:
        return [f for f in self.files if f.report is not None]


def classify(workbook: WorkbookData) -> FileKind:
    if workbook.sheet(Sheets.INDICATORS) is not None and workbook.sheet(Sheets.ELEMENTS) is not None:
        return "plan"
    kind = read_metadata(workbook).get(MetaKeys.KIND)
    if kind in ("master", "score"):
        return kind
    return "report"


def load_source(path: Path | str, reader: Callable[[Path | str], WorkbookData] = read_workbook) -> CheckedFile:
    """Read one source; a file that cannot be read becomes an error record."""
    try:
        workbook = reader(path)
    except CannotRun as problem:
        return CheckedFile(str(path), "unreadable", issues=[problem.as_issue(file=str(path))])
    return CheckedFile(workbook.source, classify(workbook), workbook=workbook)


def check_workbooks(files: list[CheckedFile], plan: LoadedPlan) -> list[CheckedFile]:
    """Check what was read: plans on their own, reports together."""
    reports: list[CheckedFile] = []
    for item in files:
        if item.workbook is None:
            continue
        if item.kind == "plan":
            _, item.issues = read_plan(item.workbook)
        elif item.kind == "score":
            _, item.issues = read_score_sheet(item.workbook, plan.plan)
        elif item.kind == "report":
            item.report, item.issues = read_report(item.workbook, plan.plan)
            if item.report is not None:
                reports.append(item)
    by_source = {item.report.source: item for item in reports}
    for issue in check_values(plan.plan, [item.report for item in reports]):
        by_source[issue.file].issues.append(issue)
    for item in reports:
        item.issues.sort(key=_position)
    return files


def validate_paths(
    paths: Iterable[Path | str], plan: LoadedPlan, progress: Progress | None = None
) -> ValidationRun:
    files = []
    for path in paths:
        files.append(load_source(path))
        if progress:
            progress(str(path))
    return ValidationRun(plan, check_workbooks(files, plan))


def _position(issue: Issue) -> tuple:
    """Sort records as a person reads a sheet: by row, then column."""
    if issue.cell and issue.cell[0].isalpha() and any(ch.isdigit() for ch in issue.cell):
        row, col = parse_address(issue.cell)
        return (issue.sheet != REPORT_SHEET, issue.sheet, row, col)
    return (issue.sheet != REPORT_SHEET, issue.sheet, -1, -1)
