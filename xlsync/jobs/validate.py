"""Checking workbooks: plan workbooks and unit reports, many files in one run.

A file that cannot be read becomes an error record for that file; the other
files are still checked.  Reports are read one by one but their values are
checked together, in one pass of the report schema; then the reports are
judged together exactly as the consolidation judges them (another period,
two reports for one unit: :func:`xlsync.core.consolidate.judge_sources`).
"""

from __future__ import annotations

import functools
import gc
import importlib
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Literal, Sequence

from xlsync.core.issues import CannotRun, Issue, Report
from xlsync.core.legacy_text import convert_workbook, detect_and_convert
from xlsync.core.plan import Plan, Sheets
from xlsync.core.report import ReportValue, UnitReport, read_metadata, read_report
from xlsync.core.sheets import WorkbookData, parse_address
from xlsync.core.template import META_SHEET, REPORT_SHEET, MetaKeys
from xlsync.core.text import label_key
from xlsync.io.source_files import SourceFiles, scan_paths
from xlsync.io.xlsx_read import read_workbook
from xlsync.jobs.read_workers import ReadWorkers, can_fork

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
        from xlsync.core.master_check import master_issues

        try:
            found = master_issues(item.workbook, plan.plan)
        except CannotRun as problem:  # a master of another plan: a record, the other files go on
            found = [problem.as_issue(file=item.path)]
    item.issues += found
    item.parsed = True
    return item


def check_workbooks(files: list[CheckedFile], plan: LoadedPlan) -> list[CheckedFile]:
    """Check what was read: plans on their own, reports together."""
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
    judge_sources(sources_from(files), period or plan.plan.info.period)
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


def inputs_other_than(paths: Iterable[Path | str], out: str | Path) -> list[Path | str]:
    """The sources without the master being written: a second run into the same folder
    must not read (let alone count) its own earlier output.

    Compared as files (device and inode, whatever the path says): one
    question to the system per source, and none before the master exists.
    """
    try:
        master = os.stat(out)
    except OSError:
        return list(paths)
    return [path for path in paths if not _same_file(path, master)]


def _same_file(path: Path | str, other: os.stat_result) -> bool:
    try:
        return os.path.samestat(os.stat(path), other)
    except OSError:
        return False


def start_reading_named(args: Sequence[str], out: str | Path | None = None) -> Reading | None:
    """Start reading the workbook files named in ``args`` now, before the plan is loaded.

    For a command's first step: folders are searched as the run will search
    them, Google Sheets left to the run, ``out`` (the master to write) left
    out.  The run takes it over (``reading=``) and does not search again.
    None when the names cannot be searched: the run then says why.
    """
    from xlsync.io.gsheets.names import is_gsheet_source

    try:
        scanned = scan_paths([arg for arg in args if not is_gsheet_source(arg)])
    except CannotRun:
        return None
    reading = start_reading(inputs_other_than(scanned.files, out) if out is not None else scanned.files)
    reading.scanned = scanned
    return reading


def read_files(paths: Iterable[Path | str], plan: LoadedPlan, progress: Progress | None = None) -> list[CheckedFile]:
    """Read and parse workbook files, in parallel when there are many and the machine allows."""
    return start_reading(paths, plan).finish(plan, progress)


def start_reading(paths: Iterable[Path | str], plan: LoadedPlan | None = None) -> Reading:
    """Start reading ``paths`` now, in worker processes when there are many.

    Called before the plan is loaded (``plan`` None; loading it imports
    pandas and pandera), the workers read while it loads; :meth:`Reading.finish`
    then parses every file against the plan.  With few files, or where
    processes cannot be forked, everything is done by :meth:`Reading.finish`
    in this process.
    """
    paths = list(paths)
    workers = worker_count(len(paths), early=plan is None)
    if workers <= 1:
        return Reading(paths)
    # Small claims: the last ones end together (a claim of 16 reports is about 40 ms of work).
    chunk = max(1, min(MAX_CHUNK_FILES, len(paths) // (workers * 16)))
    return Reading(paths, ReadWorkers(paths, workers, load_source, _parsed_and_packed, chunk, plan))


class Reading:
    """Files being read (see :func:`start_reading`)."""

    def __init__(self, paths: list[Path | str], workers: ReadWorkers | None = None) -> None:
        self.paths = paths
        self.scanned: SourceFiles | None = None  # what the names given were found to hold (start_reading_named)
        self._workers = workers

    def finish(self, plan: LoadedPlan, progress: Progress | None = None) -> list[CheckedFile]:
        """Every file read and parsed against ``plan``, in the order given."""
        if self._workers is None:
            files = []
            for path in self.paths:
                files.append(parse_file(load_source(path), plan))
                if progress:
                    progress(str(path))
            return files
        files: list[CheckedFile | None] = [None] * len(self.paths)

        def arrived(index: int, packed: tuple) -> None:
            files[index] = item = _unpacked(packed, plan.plan)
            if progress:
                progress(item.path)

        importing = _import_meanwhile(_CHECKING_MODULES)
        with _collector_paused():
            self._workers.finish(plan, arrived)
        importing.join()
        return files  # type: ignore[return-value]  # every index arrived (ReadWorkers checks)

    def close(self) -> None:
        """Stop reading (the run ends without the files)."""
        if self._workers is not None:
            self._workers.close()

    def __enter__(self) -> Reading:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# What checking the files loads next (pandas, pandera: most of a second).
_CHECKING_MODULES = ("xlsync.core.validate", "xlsync.core.consolidate")


def _import_meanwhile(modules: tuple[str, ...]) -> threading.Thread:
    """Import ``modules`` in a thread while the workers read: this process only waits for their reports,
    and its second core would otherwise be idle through the imports afterwards.  A module that fails to
    import is imported again, and fails, where it is used."""

    def run() -> None:
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - reported where the module is used
                return

    thread = threading.Thread(target=run, name="xlsync-imports", daemon=True)
    thread.start()
    return thread


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while reports arrive: they form no cycles, and each of its passes
    would walk every object of the run (pandas included) again, doubling the cost of unpacking."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def worker_count(files: int, *, early: bool = False) -> int:
    """How many processes read files: one for a commune, all cores for a province.

    Workers are forked, so other platforms read in one process.  A worker
    forked after pandas is loaded costs 50-80 ms of CPU (page tables, and the
    pages of a large process copied as it touches them), repaid from about a
    hundred reports (2.4 ms each) on two cores.  Forked before (``early``) it
    also reads while the plan and pandas load, on a core that would be idle,
    so fewer reports repay it.  XLSYNC_WORKERS overrides the choice.
    """
    chosen = os.environ.get("XLSYNC_WORKERS", "")
    if chosen.isdigit():
        wanted = int(chosen)
    elif files >= (PARALLEL_EARLY_FROM_FILES if early else PARALLEL_FROM_FILES):
        wanted = os.cpu_count() or 1
    else:
        wanted = 1
    if not can_fork():
        return 1
    return max(1, min(wanted, files))


PARALLEL_FROM_FILES = 100
PARALLEL_EARLY_FROM_FILES = 30
MAX_CHUNK_FILES = 16


# --- what a worker sends back -----------------------------------------------------------------
#
# A file's records and its report, not its cells: they are not needed once the report is read, and
# sending them would cost more than reading them.  The plan's data elements and units are named by
# code and found again in the parent's plan, which also keeps every report pointing at the same
# objects; records travel as tuples.  Pickling the objects as they are costs the parent as much
# as the reading costs a worker.

_ISSUE_FIELDS = tuple(f.name for f in fields(Issue))


def _parsed_and_packed(item: CheckedFile, plan: LoadedPlan) -> tuple:
    return _packed(parse_file(item, plan), plan.plan)


def _packed(item: CheckedFile, plan: Plan) -> tuple:
    workbook = item.workbook
    return (
        item.path, item.kind, item.parsed,
        None if workbook is None else (workbook.source, workbook.metadata, workbook.file_format),
        [tuple(getattr(issue, name) for name in _ISSUE_FIELDS) for issue in item.issues],
        None if item.report is None else _packed_report(item.report, plan),
    )


def _unpacked(packed: tuple, plan: Plan) -> CheckedFile:
    path, kind, parsed, workbook, issues, report = packed
    return CheckedFile(
        path, kind,
        workbook=None if workbook is None else WorkbookData(workbook[0], metadata=workbook[1], file_format=workbook[2]),
        report=None if report is None else _unpacked_report(report, plan),
        issues=[Issue(*values) for values in issues],
        parsed=parsed,
    )


def _packed_report(report: UnitReport, plan: Plan) -> dict:
    state = {f.name: getattr(report, f.name) for f in fields(UnitReport)}
    if report.unit is not None and plan.units.get(report.unit.code) is report.unit:
        state["unit"] = report.unit.code
    state["values"] = [
        (code, value.element.code if plan.elements.get(value.element.code) is value.element else value.element,
         value.raw, value.value, value.cell)
        for code, value in report.values.items()
    ]
    return state


def _unpacked_report(state: dict, plan: Plan) -> UnitReport:
    unit = state["unit"]
    state["unit"] = plan.units[unit] if isinstance(unit, str) else unit
    state["values"] = {
        code: ReportValue(plan.elements[element] if isinstance(element, str) else element, raw, value, cell)
        for code, element, raw, value, cell in state["values"]
    }
    return UnitReport(**state)


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
