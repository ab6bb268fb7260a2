"""Checking one workbook already read (an open Excel book, say), as ``xlsync validate`` does.

Plans and reports go through :func:`xlsync.jobs.validate.check_sources`,
the same code the command runs on files (a report of another period is
refused here too).  A master gets what can go wrong
in one after staff edited it: sheets that cannot be read, figures of the
included units that break the report schema, and «Thực hiện» values that
no longer match those figures (:mod:`xlsync.core.master.check`).
"""

from __future__ import annotations

from typing import Callable

from xlsync.core.master.check import master_issues
from xlsync.core.plan_reader import read_plan
from xlsync.core.sheets import WorkbookData
from xlsync.io.plan_source import LoadedPlan
from xlsync.jobs.validate import CheckedFile, check_sources, load_source


def check_workbook_data(workbook: WorkbookData, load_plan: Callable[[], LoadedPlan]) -> CheckedFile:
    """Every record about ``workbook``, positioned on its own sheets and cells.

    ``load_plan`` is called only for a report or a master: a plan workbook is
    checked on its own, even when no other plan can be found.
    """
    checked = load_source(workbook.source, reader=lambda _source: workbook)  # as a file: legacy text converted
    if checked.kind == "plan":
        checked.issues += read_plan(workbook)[1]
        return checked
    # A report or master judged against a broken plan would be judged wrongly.
    loaded = load_plan()
    plan = loaded.require_usable()
    if checked.kind == "master":
        checked.issues += master_issues(workbook, plan)
    else:
        check_sources([checked], loaded)  # the period too, as validate and consolidate judge it
    return checked
