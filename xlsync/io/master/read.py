"""Opening a master workbook from disk (see :mod:`xlsync.core.master.contents`)."""

from __future__ import annotations

from pathlib import Path

from xlsync.core.issues import CannotRun
from xlsync.core.master.contents import MasterData, is_master, read_master
from xlsync.core.plan import Plan
from xlsync.io.xlsx_read import read_workbook


def read_master_file(path: str | Path, plan: Plan) -> MasterData:
    """The consolidation stored in a master; refuses a workbook that is not one."""
    workbook = read_workbook(path)
    if not is_master(workbook):
        raise CannotRun("not-a-master", file=str(path))
    return read_master(workbook, plan)
