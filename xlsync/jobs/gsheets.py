"""Google Sheets in the office's round: push report sheets, read them with the files, mark problems in them.

The CLI commands are thin layers over these functions.  A gspread client is
made by :data:`client_factory` only when a Google Sheet is involved, so a
run on files alone needs no credentials.  Tests replace
:data:`client_factory` and :data:`retry_policy` to talk to a local fake.

Request budget of a run, per spreadsheet: one read; with ``--feedback`` at
most one write.  Twenty villages cost 40 requests, inside Google's quota of
60 per minute per user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from xlsync.core.consolidate import Consolidation
from xlsync.core.issues import CannotRun, Issue, Report
from xlsync.core.plan import Plan, Unit
from xlsync.io.gsheets.names import is_gsheet_source, source_name, spreadsheet_key
from xlsync.io.gsheets.registry import REGISTRY_FILE, RegistryEntry, SheetRegistry, registry_path
from xlsync.io.plan_source import LoadedPlan
from xlsync.io.retry import DEFAULT_RETRY, RetryPolicy
from xlsync.io.source_files import scan_paths
from xlsync.jobs.consolidate import consolidate_files
from xlsync.jobs.reading import Reading, inputs_other_than, read_files
from xlsync.jobs.validate import (
    CheckedFile,
    NoUsableSource,
    Progress,
    ValidationRun,
    check_sources,
    load_source,
    require_readable,
)

if TYPE_CHECKING:
    import gspread

    from xlsync.io.gsheets.push import PushedSheet
    from xlsync.io.gsheets.spreadsheet import FeedbackSummary, SpreadsheetData

# gspread, google-auth and openpyxl are imported only by the functions that use
# them: a run over files alone should not pay for loading them.


def make_client(credentials: str | None = None) -> gspread.Client:
    from xlsync.io.gsheets.client import make_client as client_from_credentials

    return client_from_credentials(credentials)


# Replaced in tests; the CLI never passes a client of its own.
client_factory: Callable[[str | None], gspread.Client] = make_client
retry_policy: RetryPolicy = DEFAULT_RETRY

# Records that only restate a source's own errors: not repeated in the source's feedback.
RESTATING_CODES = frozenset({"unit-excluded"})


# --- where the register lives, and the client ---------------------------------------------------


def registry_for(loaded: LoadedPlan) -> Path:
    """The register beside the plan workbook; for the bundled example plan, in the current folder."""
    if loaded.origin == "bundled" or not loaded.plan.source or loaded.plan.source.startswith("bundled:"):
        return Path.cwd() / REGISTRY_FILE
    return registry_path(loaded.plan.source)


def open_client(credentials: str | None = None) -> gspread.Client:
    """The client for this run (``--credentials``, else ``XLSYNC_GOOGLE_CREDENTIALS``)."""
    return client_factory(credentials)


def unit_label(entry: RegistryEntry) -> str:
    return f"{entry.unit_name} ({entry.unit_code})" if entry.unit_name else entry.unit_code


# --- push --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class PushRun:
    registry: Path
    pushed: list[PushedSheet] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def report(self) -> Report:
        return Report(list(self.issues))

    @property
    def created(self) -> int:
        return sum(1 for p in self.pushed if p.created)


def push_units(
    client: gspread.Client,
    plan: Plan,
    units: Iterable[Unit],
    registry: SheetRegistry,
    period: str | None = None,
    *,
    share: bool = True,
    folder_id: str | None = None,
    policy: RetryPolicy | None = None,
    progress: Progress | None = None,
) -> PushRun:
    """One report spreadsheet per unit, registered; a unit that fails is a record, the others go on."""
    from xlsync.io.gsheets.push import push_reports

    registry.save()  # a register that cannot be saved stops the run before anything is created
    run = PushRun(registry.path)
    for unit in units:
        pushed, issues = push_reports(client, plan, [unit], period, share=share, registry=registry,
                                      folder_id=folder_id, policy=policy or retry_policy)
        run.pushed += pushed
        run.issues += issues
        if progress:
            progress(unit.code)
    return run


# --- sources: files and Google Sheets ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SheetSource:
    key: str
    label: str  # how messages name it: "Thôn 1 (T01)" when registered, else its ID

    @property
    def name(self) -> str:
        """``gsheet:<id>``: the source's name in records and in the master."""
        return source_name(self.key)


@dataclass(slots=True)
class Sources:
    files: list[Path]
    sheets: list[SheetSource]
    skipped: list[Issue] = field(default_factory=list)  # other files found in folders, each with its reason

    def __len__(self) -> int:
        return len(self.files) + len(self.sheets)


def gather_sources(
    args: Sequence[str], loaded: LoadedPlan, *, all_registered: bool = False, reading: Reading | None = None
) -> Sources:
    """Split what the user named into workbook files (folders expanded) and Google Sheets.

    ``gsheet:<id>`` and sheet URLs are sheets; ``all_registered`` adds every
    sheet of the plan's register.  A sheet named twice is read once.  A
    named file that does not exist, or finding nothing to read, cannot run;
    the other files found in folders are warnings (``skipped``).  The files
    of ``reading`` (:func:`~xlsync.jobs.reading.start_reading_named` of the
    same ``args``) are not searched for again.
    """
    sheet_args = [a for a in args if is_gsheet_source(a)]
    if reading is not None and reading.scanned is not None:
        found = reading.scanned
    else:
        found = scan_paths([a for a in args if not is_gsheet_source(a)])
    files = found.files
    sheets: list[SheetSource] = []
    if sheet_args or all_registered:
        registry = SheetRegistry(registry_for(loaded))
        labels = {entry.spreadsheet_id: unit_label(entry) for entry in registry}
        keys = [spreadsheet_key(a) for a in sheet_args]
        if all_registered:
            if not len(registry):
                raise CannotRun("gsheet-registry-empty", file=str(registry.path))
            keys += [entry.spreadsheet_id for entry in registry]
        sheets = [SheetSource(key, labels.get(key, key)) for key in dict.fromkeys(keys)]
    if not files and not sheets:
        raise NoUsableSource("no-sources", found.skipped, paths=", ".join(args))
    return Sources(files, sheets, found.skipped)


def load_sources(
    sources: Sources, plan: LoadedPlan, client: gspread.Client | None, *, policy: RetryPolicy | None = None,
    progress: Progress | None = None, reading: Reading | None = None,
) -> list[CheckedFile]:
    """Read every source; one that cannot be read (file or sheet) becomes an error record.

    ``reading``, started on these very files, is finished instead of reading them again.
    """
    if reading is not None and reading.paths == list(sources.files):
        loaded = reading.finish(plan, progress)
    else:
        if reading is not None:
            reading.close()
        loaded = read_files(sources.files, plan, progress)
    for sheet in sources.sheets:
        loaded.append(load_sheet(client, sheet, policy or retry_policy))
        if progress:
            progress(sheet.label)
    return loaded


def load_sheet(client: gspread.Client | None, sheet: SheetSource, policy: RetryPolicy) -> CheckedFile:
    """One spreadsheet in ONE request, as a checked source named ``gsheet:<id>``."""
    from xlsync.io.gsheets.spreadsheet import read_spreadsheet

    if client is None:
        raise ValueError("a Google Sheet source needs a client")

    def read(_source: object) -> SpreadsheetData:
        return read_spreadsheet(client, sheet.key, label=sheet.label, policy=policy)

    return load_source(sheet.name, reader=read)


# --- validate and consolidate ------------------------------------------------------------------------


def validate_sources(
    sources: Sources, loaded: LoadedPlan, client: gspread.Client | None, *,
    period: str | None = None, policy: RetryPolicy | None = None, progress: Progress | None = None,
    reading: Reading | None = None,
) -> ValidationRun:
    """Files and sheets checked, and judged together as :func:`consolidate_sources` would judge them.

    ``reading``: see :func:`load_sources`.
    """
    files = load_sources(sources, loaded, client, policy=policy, progress=progress, reading=reading)
    require_readable(files, sources.skipped)
    return ValidationRun(loaded, check_sources(files, loaded, period), list(sources.skipped))


@dataclass(frozen=True, slots=True)
class SheetFeedback:
    sheet: SheetSource
    summary: FeedbackSummary


@dataclass(slots=True)
class ConsolidationRun:
    consolidation: Consolidation
    marked: list[SheetFeedback] = field(default_factory=list)  # sheets whose problems were marked in them
    copies: list[Path] = field(default_factory=list)  # annotated copies of files
    issues: list[Issue] = field(default_factory=list)  # feedback that could not be written

    @property
    def report(self) -> Report:
        return Report([*self.consolidation.issues, *self.issues])


def consolidate_sources(
    sources: Sources,
    loaded: LoadedPlan,
    out: str | Path,
    period: str | None = None,
    *,
    client: gspread.Client | None = None,
    feedback: bool = False,
    feedback_dir: str | Path | None = None,
    policy: RetryPolicy | None = None,
    progress: Progress | None = None,
    checked_at: datetime | None = None,
    reading: Reading | None = None,
) -> ConsolidationRun:
    """Files and sheets in, the master out; then, if asked, each source's problems marked.

    ``feedback`` writes into each Google Sheet (one batchUpdate each);
    ``feedback_dir`` receives annotated copies of the files with problems
    (files are never modified).  ``reading``: see :func:`load_sources`.
    """
    try:
        loaded.require_usable()  # before spending any request on a plan that cannot be used
    except CannotRun:
        if reading is not None:
            reading.close()
        raise
    policy = policy or retry_policy
    sources = Sources(inputs_other_than(sources.files, out), sources.sheets, sources.skipped)
    files = load_sources(sources, loaded, client, policy=policy, progress=progress, reading=reading)
    run = ConsolidationRun(consolidate_files(files, loaded, out, period, sources.skipped))
    if feedback and client is not None:
        labels = {sheet.name: sheet for sheet in sources.sheets}
        mark_sheets(client, run, files, labels, policy, checked_at or datetime.now())
    if feedback_dir:
        run.copies = annotate_files(files, run.consolidation, feedback_dir)
    return run


def issues_by_source(consolidation: Consolidation) -> dict[str, list[Issue]]:
    """The records that belong in each source's feedback, by source name (one pass over all records)."""
    found: dict[str, list[Issue]] = {}
    for issue in consolidation.issues:
        if issue.file and issue.code not in RESTATING_CODES:
            found.setdefault(issue.file, []).append(issue)
    return found


def mark_sheets(
    client: gspread.Client,
    run: ConsolidationRun,
    files: list[CheckedFile],
    sheets: dict[str, SheetSource],
    policy: RetryPolicy,
    checked_at: datetime,
) -> None:
    """Each report sheet gets its problems (or «Hợp lệ»); a sheet that cannot be written is a record."""
    from xlsync.io.gsheets.spreadsheet import write_feedback

    by_source = issues_by_source(run.consolidation)
    for item in files:
        if item.kind != "report" or not is_sheet(item):
            continue
        sheet = sheets[item.path]
        issues = by_source.get(item.path, [])
        try:
            summary = write_feedback(client, item.workbook, issues, checked_at=checked_at,
                                     label=sheet.label, policy=policy)
        except CannotRun as problem:
            run.issues.append(problem.as_issue(file=item.path))
            continue
        run.marked.append(SheetFeedback(sheet, summary))


def annotate_files(files: list[CheckedFile], consolidation: Consolidation, folder: str | Path) -> list[Path]:
    from xlsync.io.feedback import write_feedback_copy

    copies = []
    by_source = issues_by_source(consolidation)
    for item in files:
        if item.kind != "report" or item.workbook is None or is_sheet(item):
            continue
        issues = by_source.get(item.path, [])
        if issues:
            copies.append(write_feedback_copy(item.path, issues, folder))
    return copies


def is_sheet(item: CheckedFile) -> bool:
    """A source read from Google (including one that could not be read): named ``gsheet:<id>``."""
    return is_gsheet_source(item.path)
