"""The office's main job: unit reports in, the master workbook out."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from xlsync.core.consolidate import Consolidation, Source, consolidate
from xlsync.core.issues import CannotRun
from xlsync.io.master_xlsx import write_master
from xlsync.io.plan_source import LoadedPlan
from xlsync.jobs.validate import CheckedFile, Progress, check_workbooks, read_files


def sources_from(files: list[CheckedFile]) -> list[Source]:
    """The checked files that are reports (or unreadable), as consolidation sources.

    A plan workbook or an earlier master lying in the reports folder is not a
    report and is passed over.
    """
    return [
        Source(f.path, f.report, f.issues, dict(f.workbook.metadata) if f.workbook else {})
        for f in files
        if f.kind in ("report", "unreadable")
    ]


def inputs_other_than(paths: Iterable[Path | str], out: str | Path) -> list[Path | str]:
    """The sources without the master being written: a second run into the same folder
    must not read (let alone count) its own earlier output."""
    out_path = Path(out).resolve()
    return [p for p in paths if Path(p).resolve() != out_path]


def consolidate_files(
    files: list[CheckedFile], loaded: LoadedPlan, out: str | Path, period: str | None = None
) -> Consolidation:
    """``files`` read from sources that exclude ``out`` (see :func:`inputs_other_than`)."""
    plan = loaded.require_usable()
    check_workbooks(files, loaded)
    result = consolidate(plan, sources_from(files), period)
    write_master(result, out)
    return result


def consolidate_paths(
    paths: Iterable[Path | str],
    loaded: LoadedPlan,
    out: str | Path,
    period: str | None = None,
    progress: Progress | None = None,
) -> Consolidation:
    paths = inputs_other_than(paths, out)
    if not paths:
        raise CannotRun("no-sources", paths="")
    return consolidate_files(read_files(paths, loaded, progress), loaded, out, period)
