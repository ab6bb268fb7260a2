"""Which files a run reads, and reading many of them at once.

The master being written is left out of the sources (:func:`inputs_other_than`);
files are read in forked worker processes when there are many, possibly
started before the plan is loaded (:func:`start_reading`), and each comes back
as the :class:`~xlsync.jobs.validate.CheckedFile` that reading it in this
process would give.
"""

from __future__ import annotations

import importlib
import os
import threading
from dataclasses import fields
from operator import attrgetter, is_
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

from xlsync.core.collector import collector_paused
from xlsync.core.issues import CannotRun, Issue
from xlsync.core.plan import Plan
from xlsync.core.report import ReportValue, UnitReport
from xlsync.core.sheets import WorkbookData
from xlsync.io.source_files import SourceFiles, scan_paths
from xlsync.jobs.read_workers import ReadWorkers, can_fork
from xlsync.jobs.validate import CheckedFile, Progress, ValidationRun, check_sources, load_source, parse_file

if TYPE_CHECKING:
    from xlsync.io.plan_source import LoadedPlan


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

        with collector_paused():  # the imports below, and the reports arriving
            importing = _import_meanwhile(_CHECKING_MODULES)
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
# objects; records and reports travel as tuples, a report's values as one list per field (the
# parent builds them with map and zip, and the pickle holds five lists instead of a tuple per value).
# Pickling the objects as they are costs the parent as much as the reading costs a worker.

_issue_fields = attrgetter(*(f.name for f in fields(Issue)))
_REPORT_FIELDS = tuple(f.name for f in fields(UnitReport))
_report_fields = attrgetter(*_REPORT_FIELDS)
_VALUES_AT, _UNIT_AT = _REPORT_FIELDS.index("values"), _REPORT_FIELDS.index("unit")


def _parsed_and_packed(item: CheckedFile, plan: LoadedPlan) -> tuple:
    return _packed(parse_file(item, plan), plan.plan)


def _packed(item: CheckedFile, plan: Plan) -> tuple:
    workbook = item.workbook
    return (
        item.path, item.kind, item.parsed,
        None if workbook is None else (workbook.source, workbook.metadata, workbook.file_format),
        [_issue_fields(issue) for issue in item.issues],
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


def _packed_report(report: UnitReport, plan: Plan) -> tuple:
    """The report's fields in order; its unit by code, and its values as (codes, elements, raws, values, cells)
    with elements None when each is the plan's element of its code."""
    state = list(_report_fields(report))
    if report.unit is not None and plan.units.get(report.unit.code) is report.unit:
        state[_UNIT_AT] = report.unit.code
    codes, items = list(report.values), report.values.values()
    # A comprehension per field: reading the slots directly is faster than attrgetter here.
    elements: list | None = [value.element for value in items]
    if all(map(is_, map(plan.elements.get, codes), elements)):
        elements = None
    state[_VALUES_AT] = (codes, elements, [value.raw for value in items], [value.value for value in items],
                         [value.cell for value in items])
    return tuple(state)


def _unpacked_report(packed: tuple, plan: Plan) -> UnitReport:
    state = list(packed)
    unit = state[_UNIT_AT]
    if isinstance(unit, str):
        state[_UNIT_AT] = plan.units[unit]
    codes, elements, raws, values, cells = state[_VALUES_AT]
    found = map(plan.elements.__getitem__, codes) if elements is None else elements
    state[_VALUES_AT] = dict(zip(codes, map(ReportValue, found, raws, values, cells)))
    return UnitReport(*state)


def validate_paths(
    paths: Iterable[Path | str], plan: LoadedPlan, progress: Progress | None = None, period: str | None = None
) -> ValidationRun:
    return ValidationRun(plan, check_sources(read_files(paths, plan, progress), plan, period))
