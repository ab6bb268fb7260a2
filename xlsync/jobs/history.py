"""`xlsync history`: masters of several periods and years → the history workbook."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from xlsync.core.history.build import History, build_history
from xlsync.core.history.figures import MasterFigures, read_master_figures
from xlsync.core.issues import CannotRun
from xlsync.core.master.contents import MasterSheets, is_master
from xlsync.core.plan import Plan
from xlsync.io.history_xlsx import write_history
from xlsync.io.xlsx_read import read_workbook


def read_masters(paths: Iterable[str | Path]) -> list[MasterFigures]:
    """The figures of each master; a workbook that is not a master cannot take part."""
    masters = []
    for path in paths:
        if not Path(path).is_file():
            raise CannotRun("file-not-found", file=str(path))
        workbook = read_workbook(path, choose_sheets=_history_sheets)
        if not is_master(workbook):
            raise CannotRun("not-a-master", file=str(path))
        masters.append(read_master_figures(workbook))
    return masters


def _history_sheets(names: list[str]) -> list[str]:
    """The sheets history reads: a master's «Kiểm tra» and «Nguồn» can be far larger and are not needed."""
    return [name for name in names if name in (MasterSheets.SUMMARY, MasterSheets.BY_UNIT, MasterSheets.META)]


def write_history_file(paths: list[str | Path], plan: Plan, out: str | Path) -> History:
    """Read the masters, build their history, write it to ``out`` (never over one of them)."""
    target = Path(out).resolve()
    for path in paths:
        if Path(path).resolve() == target:
            raise CannotRun("history-out-is-master", file=str(path))
    history = build_history(read_masters(paths), plan)
    write_history(history, out)
    return history
