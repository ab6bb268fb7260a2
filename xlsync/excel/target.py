"""Which workbook a button works on, and which plan it uses.

Under xlwings Server or xlwings Lite the book handed to a script *is* the
user's workbook.  Under classic ``RunPython`` the calling book is the
control workbook ``xlsync.xlsm``, whose button was clicked (so it is also
the active one); the workbook to work on is then the other workbook open in
the same Excel — or, if none is, the master named on «Cài đặt», opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import xlwings as xw

from xlsync.core.issues import CannotRun
from xlsync.core.report import read_metadata
from xlsync.core.sheets import Sheet, WorkbookData
from xlsync.core.template import META_SHEET
from xlsync.excel.book_data import sheet_rows
from xlsync.excel.control import find_sheet
from xlsync.io.plan_source import LoadedPlan, find_folder_plan, remembered_bundled_plan, remembered_plan_file
from xlsync.workbook import layout

PERSONAL_MACRO_BOOK = "personal."  # PERSONAL.XLSB, Excel's hidden macro store
MASTER_KIND = "master"


@dataclass(frozen=True, slots=True)
class Action:
    """What a button does to its workbook, for the messages that name it."""

    vi: str
    en: str


CHECK = Action("kiểm tra", "check")
RECOMPUTE = Action("tính lại", "recompute")


def is_control_book(book: xw.Book) -> bool:
    return find_sheet(book, layout.CONTROL_SHEET) is not None


def target_book(
    book: xw.Book,
    action: Action,
    *,
    fallback: str | None = None,
    accepts: Callable[[xw.Book], bool] = lambda _book: True,
) -> xw.Book:
    """The workbook ``action`` applies to, seen from the calling ``book``.

    ``book`` itself unless it is the control workbook; else the one other
    open workbook that ``accepts`` takes; else the file ``fallback``, opened
    in the same Excel.  Several candidates, or none and no fallback, cannot
    be decided for the user: they are told what to do.
    """
    if not is_control_book(book):
        return book
    candidates = [other for other in open_books(book) if accepts(other)]
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        preferred = [other for other in candidates if fallback and _same_file(other, fallback)]
        if len(preferred) == 1:
            return preferred[0]
        raise CannotRun("macro-target-ambiguous", books=", ".join(other.name for other in candidates),
                        action_vi=action.vi, action_en=action.en)
    if fallback:
        return open_book(book, fallback)
    raise CannotRun("macro-no-target", action_vi=action.vi, action_en=action.en)


def open_books(book: xw.Book) -> list[xw.Book]:
    """The workbooks open beside ``book`` in its Excel, without Excel's own macro store."""
    return [
        other for other in book.app.books
        if other.name != book.name and not other.name.lower().startswith(PERSONAL_MACRO_BOOK)
    ]


def open_book(book: xw.Book, path: str) -> xw.Book:
    """``path`` opened in the Excel of ``book`` (or the already open copy)."""
    if not Path(path).is_file():
        raise CannotRun("file-not-found", file=path)
    if book.app.engine.type == "remote":
        # xlwings Server and Lite see only the workbooks Excel sends them.
        raise CannotRun("macro-cannot-open", file=path)
    return book.app.books.open(path)


def is_master_book(book: xw.Book) -> bool:
    """Whether ``book`` is a master written by xlsync (its hidden «_xlsync» sheet says so)."""
    sheet = find_sheet(book, META_SHEET)
    if sheet is None:
        return False
    meta = WorkbookData(book.name, {sheet.name: Sheet(sheet.name, sheet_rows(sheet))})
    return read_metadata(meta).get("kind") == MASTER_KIND


def book_folder(book: xw.Book) -> Path | None:
    """The folder of a saved workbook; None for a new, unsaved one."""
    try:
        path = Path(book.fullname)
    except Exception:  # some engines have no path for an unsaved book
        return None
    return path.parent if path.is_absolute() and path.parent.is_dir() else None


def plan_for(settings: dict[str, str], near: Path | None) -> LoadedPlan:
    """The plan named on «Cài đặt»; else the plan of the working folder around
    ``near`` (as ``xlsync init`` lays it out); else the bundled example.  Kept between clicks as
    between commands (:mod:`xlsync.io.plan_cache`): an unchanged plan is not read again."""
    named = settings.get("plan_path")
    if named:
        if not Path(named).is_file():
            raise CannotRun("file-not-found", file=named)
        return remembered_plan_file(named, "option")
    folder_plan = find_folder_plan(near) if near is not None else None
    if folder_plan is not None:
        return remembered_plan_file(folder_plan, "folder")
    return remembered_bundled_plan()


def required_setting(settings: dict[str, str], key: str) -> str:
    """A setting the button cannot do without; its label names it to the user."""
    value = settings.get(key)
    if not value:
        label = next(s.label for s in layout.SETTINGS if s.key == key)
        raise CannotRun("macro-setting-missing", setting=label)
    return value


def _same_file(book: xw.Book, path: str) -> bool:
    try:
        return Path(book.fullname).resolve() == Path(path).resolve()
    except Exception:
        return False
