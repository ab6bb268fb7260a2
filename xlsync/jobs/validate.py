"""Checking workbooks: plan workbooks and unit reports, many files in one run.

A file that cannot be read becomes an error record for that file; the other
files are still checked.  Reports are read one by one but their values are
checked together, in one pass of the report schema; then the reports are
judged together exactly as the consolidation judges them (another period,
two reports for one unit: :func:`xlsync.core.consolidate.judge_sources`).
"""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Literal

from xlsync.core.consolidate import Source, judge_sources
from xlsync.core.issues import CannotRun, Issue, Report
from xlsync.core.legacy_text import convert_workbook
from xlsync.core.plan import Sheets
from xlsync.core.master_check import master_issues
from xlsync.core.plan_reader import read_plan
from xlsync.core.scoring.read import read_score_sheet
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
    parsed: bool = False  # its own content read and checked (the values of reports are checked together)

    @property
    def errors(self) -> int:
        return sum(1 for i in self.issues if i.is_error)

    @property
    def warnings(self) -> int:
        return sum(1 for i in self.issues if i.is_warning)


@dataclass(slots=True)
class ValidationRun:
    plan: LoadedPlan
    files: list[CheckedFile] = field(default_factory=list)
    skipped: list[Issue] = field(default_factory=list)  # files found in folders and not read, each with its reason

    @property
    def report(self) -> Report:
        return Report([*self.skipped, *(i for f in self.files for i in f.issues)])

    @property
    def reports(self) -> list[CheckedFile]:
        return [f for f in self.files if f.report is not None]


class NoUsableSource(CannotRun):
    """Nothing that was named could be read or checked; ``issues`` say why, file by file."""

    def __init__(self, code: str, issues: list[Issue], /, **params: object) -> None:
        super().__init__(code, **params)
        self.issues = issues


def require_readable(files: list[CheckedFile], skipped: list[Issue]) -> None:
    """Spreadsheets found but none of them readable: the run cannot go on (each file's record says why)."""
    if files and all(item.kind == "unreadable" for item in files):
        records = [*skipped, *(issue for item in files for issue in item.issues)]
        raise NoUsableSource("no-readable-sources", records, count=len(files))


def classify(workbook: WorkbookData) -> FileKind:
    if workbook.sheet(Sheets.INDICATORS) is not None and workbook.sheet(Sheets.ELEMENTS) is not None:
        return "plan"
    kind = read_metadata(workbook).get(MetaKeys.KIND)
    if kind in ("master", "score"):
        return kind
    return "report"


def load_source(path: Path | str, reader: Callable[[Path | str], WorkbookData] = read_workbook) -> CheckedFile:
    """Read one source; a file that cannot be read becomes an error record.

    Text typed in a legacy Vietnamese encoding (TCVN3, VNI) is converted
    before anything looks at the workbook, each conversion a warning.
    """
    try:
        workbook = reader(path)
    except CannotRun as problem:
        return CheckedFile(str(path), "unreadable", issues=[problem.as_issue(file=str(path))])
    converted = convert_workbook(workbook)
    return CheckedFile(workbook.source, classify(workbook), workbook=workbook, issues=converted)


def parse_file(item: CheckedFile, plan: LoadedPlan) -> CheckedFile:
    """Read what one workbook holds, by its kind, after the records of its reading; idempotent."""
    if item.parsed or item.workbook is None:
        return item
    found: list[Issue] = []
    if item.kind == "plan":
        _, found = read_plan(item.workbook)
    elif item.kind == "score":
        _, found = read_score_sheet(item.workbook, plan.plan)
    elif item.kind == "report":
        item.report, found = read_report(item.workbook, plan.plan)
    elif item.kind == "master":
        try:
            found = master_issues(item.workbook, plan.plan)
        except CannotRun as problem:  # a master of another plan: a record, the other files go on
            found = [problem.as_issue(file=item.path)]
    item.issues += found
    item.parsed = True
    return item


def check_workbooks(files: list[CheckedFile], plan: LoadedPlan) -> list[CheckedFile]:
    """Check what was read: plans on their own, reports together."""
    for item in files:
        parse_file(item, plan)
    reports = [item for item in files if item.report is not None]
    by_source = {item.report.source: item for item in reports}
    for issue in check_values(plan.plan, [item.report for item in reports]):
        by_source[issue.file].issues.append(issue)
    for item in reports:
        item.issues.sort(key=_position)
    return files


def check_sources(files: list[CheckedFile], plan: LoadedPlan, period: str | None = None) -> list[CheckedFile]:
    """Check what was read, then judge the reports together as the consolidation does."""
    check_workbooks(files, plan)
    judge_sources(sources_from(files), period or plan.plan.info.period)
    return files


def sources_from(files: list[CheckedFile]) -> list[Source]:
    """The checked files that are reports (or unreadable), as consolidation sources.

    A plan workbook or an earlier master lying in the reports folder is not a
    report and is passed over.  Each source shares its file's list of records.
    """
    return [
        Source(f.path, f.report, f.issues, dict(f.workbook.metadata) if f.workbook else {})
        for f in files
        if f.kind in ("report", "unreadable")
    ]


def read_files(paths: Iterable[Path | str], plan: LoadedPlan, progress: Progress | None = None) -> list[CheckedFile]:
    """Read and parse workbook files, in parallel when there are many and the machine allows.

    Each worker returns what was found in a file, not its grid: the cells
    are not needed once the report is read, and sending them back would
    cost more than reading them.
    """
    paths = list(paths)
    workers = worker_count(len(paths))
    if workers <= 1:
        files = []
        for path in paths:
            files.append(parse_file(load_source(path), plan))
            if progress:
                progress(str(path))
        return files
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_start_worker, initargs=(plan,)) as pool:
        files = []
        for item in pool.imap(_read_in_worker, paths, chunksize=16):
            files.append(item)
            if progress:
                progress(item.path)
        return files


def worker_count(files: int) -> int:
    """How many processes read files: one for a commune, all cores for a province.

    Starting workers costs about a tenth of a second, repaid from a few
    hundred files on.  Workers are forked (they inherit the loaded plan and
    modules), so other platforms read in one process.  XLSYNC_WORKERS
    overrides the choice.
    """
    chosen = os.environ.get("XLSYNC_WORKERS", "")
    if chosen.isdigit():
        wanted = int(chosen)
    elif files >= PARALLEL_FROM_FILES:
        wanted = os.cpu_count() or 1
    else:
        wanted = 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(wanted, files))


PARALLEL_FROM_FILES = 300
_worker_plan: LoadedPlan | None = None


def _start_worker(plan: LoadedPlan) -> None:
    global _worker_plan
    _worker_plan = plan


def _read_in_worker(path: Path | str) -> CheckedFile:
    item = parse_file(load_source(path), _worker_plan)
    if item.workbook is not None:
        item.workbook = WorkbookData(item.workbook.source, metadata=item.workbook.metadata)
    return item


def validate_paths(
    paths: Iterable[Path | str], plan: LoadedPlan, progress: Progress | None = None, period: str | None = None
) -> ValidationRun:
    return ValidationRun(plan, check_sources(read_files(paths, plan, progress), plan, period))


def _position(issue: Issue) -> tuple:
    """Sort records as a person reads a sheet: by row, then column."""
    if issue.cell and issue.cell[0].isalpha() and any(ch.isdigit() for ch in issue.cell):
        row, col = parse_address(issue.cell)
        return (issue.sheet != REPORT_SHEET, issue.sheet, row, col)
    return (issue.sheet != REPORT_SHEET, issue.sheet, -1, -1)
