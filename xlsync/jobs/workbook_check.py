"""Checking one workbook already read (an open Excel book, say), as ``xlsync validate`` does.

Plans and reports go through :func:`xlsync.jobs.validate.check_workbooks`,
the same code the command runs on files.  A master gets what can go wrong
in one after staff edited it: sheets that cannot be read, figures of the
included units that break the report schema, and «Thực hiện» values that
no longer match those figures (:mod:`xlsync.core.master_check`).
"""

from __future__ import annotations

from typing import Callable

from xlsync.core.master_check import master_issues
from xlsync.core.plan_reader import read_plan
from xlsync.core.sheets import WorkbookData
from xlsync.io.plan_source import LoadedPlan
from xlsync.jobs.validate import CheckedFile, check_workbooks, classify


def check_workbook_data(workbook: WorkbookData, load_plan: Callable[[], LoadedPlan]) -> CheckedFile:
    """Every record about ``workbook``, positioned on its own sheets and cells.

    ``load_plan`` is called only for a report or a master: a plan workbook is
    checked on its own, even when no other plan can be found.
    """
    checked = CheckedFile(workbook.source, classify(workbook), workbook=workbook)
    if checked.kind == "plan":
        _, checked.issues = read_plan(workbook)
        return checked
    # A report or master judged against a broken plan would be judged wrongly.
    loaded = load_plan()
    plan = loaded.require_usable()
    if checked.kind == "master":
        checked.issues = master_issues(workbook, plan)
    else:
        check_workbooks([checked], loaded)
    return checked
