"""Checking workbooks: plan workbooks and unit reports, many files in one run.

A file that cannot be read becomes an error record for that file; the other
files are still checked.  Reports are read one by one but their values are
checked together, in one pass of the report schema; then the reports are
judged together exactly as the consolidation judges them (another period,
two reports for one unit: :func:`xlsync.core.consolidate.judge_sources`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Literal

from xlsync.core.collector import collector_paused
from xlsync.core.issues import CannotRun, Issue, Report
from xlsync.core.legacy_text import convert_workbook, detect_and_convert
from xlsync.core.plan import Sheets
from xlsync.core.report import UnitReport, read_metadata, read_report
from xlsync.core.sheets import WorkbookData, parse_address
from xlsync.core.template import META_SHEET, REPORT_SHEET, MetaKeys
from xlsync.core.text import label_key
from xlsync.io.xlsx_read import read_workbook

if TYPE_CHECKING:
    from xlsync.core.consolidate import Source
    from xlsync.io.plan_source import LoadedPlan

# Reading a report needs only the modules above: pandas and pandera (the plan, the schema, the
# consolidation) are imported by the functions that use them, so reading can start before they load.

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


def load_source(path: Path | str, reader: Callable[[Path | str], WorkbookData] | None = None) -> CheckedFile:
    """Read one source; a file that cannot be read becomes an error record.

    Text typed in a legacy Vietnamese encoding (TCVN3, VNI) is converted
    before anything looks at the workbook, each conversion a warning.  A
    file (no ``reader`` given) whose sheet names say it is a report is read
    from its report sheets only (see :func:`report_sheets`); read again
    whole when it turns out to be something else or to hold legacy text, so
    the records are those of a whole reading.
    """
    try:
        return _checked(reader(path)) if reader is not None else _read_file(path)
    except CannotRun as problem:
        return CheckedFile(str(path), "unreadable", issues=[problem.as_issue(file=str(path))])


def _read_file(path: Path | str) -> CheckedFile:
    left_out: list[bool] = []

    def choose(names: list[str]) -> list[str] | None:
        chosen = report_sheets(names)
        left_out.append(chosen is not None and len(chosen) < len(names))
        return chosen

    item = _checked(read_workbook(path, choose_sheets=choose))
    if any(left_out) and (item.kind != "report" or item.issues):
        item = _checked(read_workbook(path))
    return item


def _checked(workbook: WorkbookData) -> CheckedFile:
    converted = convert_workbook(workbook)
    return CheckedFile(workbook.source, classify(workbook), workbook=workbook, issues=converted)


_REPORT_SHEET_KEYS = frozenset({label_key(REPORT_SHEET), label_key(META_SHEET)})
_PLAN_SHEET_KEYS = frozenset({label_key(Sheets.INDICATORS), label_key(Sheets.ELEMENTS)})


def report_sheets(names: list[str]) -> list[str] | None:
    """The sheets a report is read from («Báo cáo» and the hidden ``_xlsync``), when the names say the file
    is a report; None (every sheet) when a name is a plan's or written in a legacy encoding, or no sheet
    is «Báo cáo».  Reading the instructions sheet of ten thousand reports would cost a tenth of the time."""
    chosen = _report_sheets(tuple(names))
    return None if chosen is None else list(chosen)


@functools.lru_cache(maxsize=256)  # every report of a run has the same sheet names
def _report_sheets(names: tuple[str, ...]) -> tuple[str, ...] | None:
    keys = [label_key(name) for name in names]
    if label_key(REPORT_SHEET) not in keys or not _PLAN_SHEET_KEYS.isdisjoint(keys):
        return None
    if any(detect_and_convert(name) for name in names):
        return None
    return tuple(name for name, key in zip(names, keys) if key in _REPORT_SHEET_KEYS)


def parse_file(item: CheckedFile, plan: LoadedPlan) -> CheckedFile:
    """Read what one workbook holds, by its kind, after the records of its reading; idempotent."""
    if item.parsed or item.workbook is None:
        return item
    found: list[Issue] = []
    if item.kind == "plan":
        from xlsync.core.plan_reader import read_plan

        _, found = read_plan(item.workbook)
    elif item.kind == "score":
        from xlsync.core.scoring.read import read_score_sheet

        _, found = read_score_sheet(item.workbook, plan.plan)
    elif item.kind == "report":
        item.report, found = read_report(item.workbook, plan.plan)
    elif item.kind == "master":
        from xlsync.core.master.check import master_issues

        try:
            found = master_issues(item.workbook, plan.plan)
        except CannotRun as problem:  # a master of another plan: a record, the other files go on
            found = [problem.as_issue(file=item.path)]
    item.issues += found
    item.parsed = True
    return item


def check_workbooks(files: list[CheckedFile], plan: LoadedPlan) -> list[CheckedFile]:
    """Check what was read: plans on their own, reports together."""
    # Importing pandas and pandera, then building the schema (pandera copies every column deeply) make
    # hundreds of thousands of objects and no garbage; each full collection would walk every report too.
    with collector_paused():
        from xlsync.core.validate import check_values

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
    from xlsync.core.consolidate import judge_sources

    check_workbooks(files, plan)
    judge_sources(sources_from(files), period or plan.plan.info.period, plan.plan.periods)
    return files


def sources_from(files: list[CheckedFile]) -> list[Source]:
    """The checked files that are reports (or unreadable), as consolidation sources.

    A plan workbook or an earlier master lying in the reports folder is not a
    report and is passed over.  Each source shares its file's list of records.
    """
    from xlsync.core.consolidate import Source

    return [
        Source(f.path, f.report, f.issues, dict(f.workbook.metadata) if f.workbook else {})
        for f in files
        if f.kind in ("report", "unreadable")
    ]


def _position(issue: Issue) -> tuple:
    """Sort records as a person reads a sheet: by row, then column."""
    if issue.cell and issue.cell[0].isalpha() and any(ch.isdigit() for ch in issue.cell):
        row, col = parse_address(issue.cell)
        return (issue.sheet != REPORT_SHEET, issue.sheet, row, col)
    return (issue.sheet != REPORT_SHEET, issue.sheet, -1, -1)
