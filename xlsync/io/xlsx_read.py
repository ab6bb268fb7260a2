"""Reading workbooks (.xlsx, .xlsm, .xls, .ods) safely into :class:`WorkbookData`.

Every file is checked before any parser sees it
(:mod:`xlsync.io.workbook_checks`: what it really is, zip and entity bombs,
sheets too large to hold), then read with python-calamine, which reads
Excel 2007+, Excel 97–2003 and OpenDocument alike.  ``WorkbookData.file_format``
says which it was, whatever the file's name.  An .xlsx reaches calamine with
the parts the checks unpacked stored uncompressed (``CheckedWorkbook.package``):
calamine parses the very bytes that were checked, without unpacking them again.

Values come back as calamine gives them, with two normalisations:
empty cells are ``None`` (calamine says ``""``), and every number is a
``float`` (Excel stores all numbers as doubles; ``5`` reads as ``5.0``).
Text is ``str``, booleans ``bool``, date-formatted numbers
``datetime.date`` / ``datetime.datetime`` / ``datetime.time`` (duration
formats ``datetime.timedelta``).  Error cells (``#DIV/0!``) and formulas
whose result the file does not store read as ``None``.  Rows keep their
position from A1; trailing empty cells and rows are dropped.

What the values cannot tell is added to each :class:`Sheet` from the file's
own markup: ``percent_cells`` (a number shown with a % format),
``formulas_without_value``, ``error_cells`` and ``merged``.

* .xlsx/.xlsm: from the sheet parts the checks unpacked
  (:mod:`xlsync.io.cell_facts`); merged ranges from calamine;
* .xls: from the BIFF records (:mod:`xlsync.io.xls_records`): % number
  formats and error results; merged ranges from calamine.  An .xls always
  stores formula results;
* .ods: from content.xml (:mod:`xlsync.io.ods_content`): percentage cells,
  LibreOffice's error results, formulas with no stored result, merges.

A source that cannot tell (a % typed in a cell the markup does not show as
such) leaves the facts empty, so a fraction in a percent element stays a
warning rather than being read as a percentage.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import stat
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Callable, Collection, Iterator

from python_calamine import CalamineWorkbook

from xlsync.core.issues import CannotRun
from xlsync.core.sheets import Cell, Sheet, WorkbookData
from xlsync.io.cell_facts import SheetFacts
from xlsync.io.source_files import WORKBOOK_SUFFIXES, SourceFiles, iter_workbook_paths, scan_paths
from xlsync.io.workbook_checks import MAX_SHEET_CELLS, CheckedWorkbook, check_content, human_size

__all__ = [
    "MAX_FILE_BYTES", "MAX_SHEET_CELLS", "WORKBOOK_SUFFIXES", "SourceFiles",
    "inspect_file", "iter_workbook_paths", "read_workbook", "scan_paths",
]

MAX_FILE_BYTES = 100 * 2**20

_PathLike = str | os.PathLike[str]
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)  # Windows opens in text mode unless told
SheetChoice = Callable[[list[str]], Collection[str] | None]


# --- reading --------------------------------------------------------------


def read_workbook(
    path: _PathLike, *, display_name: str | None = None, choose_sheets: SheetChoice | None = None
) -> WorkbookData:
    """Every sheet of the workbook at ``path`` (hidden ones too), in workbook order.

    ``display_name`` is how the file is named in messages and in
    ``WorkbookData.source`` (default: the path as given).  ``choose_sheets``,
    given the sheet names in workbook order, may name the only sheets to
    read (None: all of them); every check still covers the whole file.
    Raises :class:`CannotRun` for anything that is not a readable, safe workbook.
    """
    path = Path(path)
    name = display_name or str(path)
    content, status = _load(path, name)
    checked = check_content(content, name)
    return WorkbookData(
        source=name,
        sheets=_read_sheets(content, name, checked, choose_sheets),
        metadata=_file_metadata(path, status, content),
        file_format=checked.file_format,
    )


def inspect_file(path: _PathLike, *, display_name: str | None = None) -> None:
    """Run every safety check on ``path`` without parsing it; raise :class:`CannotRun` on failure."""
    path = Path(path)
    name = display_name or str(path)
    check_content(_load(path, name)[0], name)


def _load(path: Path, name: str) -> tuple[bytes, os.stat_result]:
    """The file's bytes and status, read once so the checks and the parser see the same content.

    Opened first and asked about afterwards: each question to the system
    costs, and a province reads ten thousand files.
    """
    try:
        # os.open and os.read, not open(): the buffered file object costs three times the reading itself.
        descriptor = os.open(path, _READ_FLAGS)
        try:
            status = os.fstat(descriptor)
            if stat.S_ISDIR(status.st_mode):
                raise IsADirectoryError
            if status.st_size > MAX_FILE_BYTES:
                raise CannotRun("workbook-too-large", file=name, size=human_size(status.st_size))
            content = _read_to_end(descriptor, status.st_size)
        finally:
            os.close(descriptor)
    except FileNotFoundError:
        raise CannotRun("file-not-found", file=name) from None
    except OSError as exc:
        if isinstance(exc, IsADirectoryError) or path.is_dir():  # Windows refuses to open a folder
            raise CannotRun("not-a-workbook", file=name, detail_vi=" (đây là thư mục)",
                            detail_en=" (it is a folder)") from None
        raise CannotRun("file-unreadable", file=name, detail=exc.strerror or type(exc).__name__) from exc
    if not content:
        raise CannotRun("empty-file", file=name)
    return content, status


def _read_to_end(descriptor: int, size: int) -> bytes:
    """Everything up to the end of the file, in one call when it still has the size it was found with."""
    content = os.read(descriptor, size + 1)
    if len(content) == size:
        return content
    chunks = [content]
    while chunk := os.read(descriptor, 2**20):  # shorter, or longer: read on to the end, as read() does
        chunks.append(chunk)
    return b"".join(chunks)


def _read_sheets(
    content: bytes, name: str, checked: CheckedWorkbook, choose_sheets: SheetChoice | None
) -> dict[str, Sheet]:
    sheets: dict[str, Sheet] = {}
    with _damage_reported(name):
        book = CalamineWorkbook.from_filelike(io.BytesIO(checked.package or content))
        names = [meta.name for meta in book.sheets_metadata]
    chosen = choose_sheets(names) if choose_sheets else None
    read = []
    for index, sheet_name in enumerate(names):
        if chosen is not None and sheet_name not in chosen:
            continue
        with _damage_reported(name):
            sheet = book.get_sheet_by_index(index)
            read.append((sheet_name, sheet.to_python(skip_empty_area=False), sheet.merged_cell_ranges))
    # Only once calamine has read the file: one it refuses is "corrupt-workbook" before any markup is scanned.
    facts = dict(zip(names, checked.sheet_facts(names)))
    for sheet_name, grid, merged in read:
        sheets[sheet_name] = _sheet(sheet_name, _clean_rows(grid), merged, facts[sheet_name])
    return sheets


def _sheet(
    name: str, rows: list[list[Cell]], merged: list[tuple[tuple[int, int], tuple[int, int]]] | None,
    facts: SheetFacts | None,
) -> Sheet:
    """A sheet with its facts; merged ranges from calamine where it gives them (.xlsx, .xls), else from the walk."""
    ranges = tuple((top, left, bottom, right) for (top, left), (bottom, right) in merged or ())
    if facts is None:
        return Sheet(name, rows, merged=ranges)
    return Sheet(
        name,
        rows,
        percent_cells=frozenset(facts.percent_cells),
        formulas_without_value=facts.formulas_without_value,
        error_cells=facts.error_cells,
        merged=ranges if merged is not None else tuple(facts.merged),
    )


@contextmanager
def _damage_reported(name: str) -> Iterator[None]:
    """Whatever calamine raises becomes "corrupt-workbook", never a traceback."""
    try:
        yield
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # pyo3 turns Rust panics into a BaseException subclass
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise CannotRun("corrupt-workbook", file=name, detail=detail) from exc


def _clean_rows(grid: list[list[object]]) -> list[list[Cell]]:
    """Empty cells as None, numbers as float, trailing empty cells and rows dropped."""
    rows: list[list[Cell]] = []
    for raw in grid:
        cells = [None if value == "" else float(value) if type(value) is int else value for value in raw]
        end = len(cells)
        while end and cells[end - 1] is None:
            end -= 1
        del cells[end:]
        rows.append(cells)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _file_metadata(path: Path, status: os.stat_result, content: bytes) -> dict[str, str]:
    modified = datetime.fromtimestamp(status.st_mtime).astimezone()
    return {
        "size": str(len(content)),
        "sha256": hashlib.sha256(content).hexdigest(),
        "modified": modified.isoformat(timespec="seconds"),
        "path": _real_path(path),
    }


def _real_path(path: Path) -> str:
    """``path.resolve()``, resolving its folder once for all the files in it (unless the file is a link)."""
    if ".." in path.parts or path.is_symlink():  # ".." follows the links before it: left to resolve()
        return str(path.resolve())
    folder, name = os.path.split(os.path.abspath(path))
    return os.path.join(_real_folder(folder), name)


@functools.lru_cache(maxsize=64)
def _real_folder(folder: str) -> str:
    return os.path.realpath(folder)
