"""The office's main job: unit reports in, the master workbook out."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence

from xlsync.core.collector import collector_paused
from xlsync.core.consolidate import Consolidation, consolidate
from xlsync.core.issues import CannotRun, Issue
from xlsync.io.plan_source import LoadedPlan
from xlsync.jobs.reading import inputs_other_than, read_files
from xlsync.jobs.validate import CheckedFile, Progress, check_workbooks, require_readable, sources_from


def consolidate_files(
    files: list[CheckedFile],
    loaded: LoadedPlan,
    out: str | Path,
    period: str | None = None,
    skipped: Sequence[Issue] = (),
) -> Consolidation:
    """``files`` read from sources that exclude ``out`` (see :func:`inputs_other_than`).

    ``skipped``: the records of files found in folders and not read; they
    lead the master's «Kiểm tra».  When files were found but none could be
    read, nothing is written (:class:`~xlsync.jobs.validate.NoUsableSource`).
    """
    plan = loaded.require_usable()
    require_readable(files, list(skipped))
    check_workbooks(files, loaded)
    # Sums, attainment and importing the writer make no garbage worth walking every report for.
    with collector_paused():
        result = consolidate(plan, sources_from(files), period)
        result.issues[:0] = skipped
        from xlsync.io.master.write import write_master  # only a run that writes a master pays for XlsxWriter

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
