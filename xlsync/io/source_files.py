"""Finding the workbooks in what the user named, and saying what else was there.

Units send reports by email and USB stick, and a reports folder collects
whatever came with them: Word letters, scanned PDFs, photos of the paper
form, CSV exports, Excel lock files.  Nothing in a folder is skipped
silently except files the operating system itself leaves there; every
other file that is not read becomes a warning naming what it is.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from xlsync.core.issues import CannotRun, Issue, make_issue

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")

# Written by Windows and macOS on their own (thumbnail caches, folder view
# settings, resource forks, the recycle bin of a USB stick): the user never
# put them there, so a warning about them would only be noise.
_SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db", "icon\r"})
_SYSTEM_FOLDERS = frozenset({"$recycle.bin", "system volume information", "__macosx"})

_PathLike = str | os.PathLike[str]

TEXT_FILE_DETAIL = (
    " (đây là tệp văn bản/CSV; hãy mở bằng Excel rồi lưu lại dạng .xlsx)",
    " (it is a text/CSV file; open it in Excel and save it as .xlsx)",
)
_SAVE_AS_XLSX_VI = "; hãy mở bằng Excel rồi lưu lại dạng .xlsx)"
_SAVE_AS_XLSX_EN = "; open it in Excel and save it as .xlsx)"
# What a file is, by its extension: (Vietnamese detail, English detail) for the "skipped-file" record.
_KINDS: dict[str, tuple[str, str]] = {
    **dict.fromkeys((".doc", ".docx", ".docm", ".dot", ".dotx", ".odt", ".rtf"),
                    (" (đây là văn bản Word)", " (it is a Word document)")),
    ".pdf": (" (đây là tệp PDF)", " (it is a PDF file)"),
    **dict.fromkeys((".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".heic", ".webp"),
                    (" (đây là ảnh)", " (it is an image)")),
    **dict.fromkeys((".csv", ".txt", ".tsv", ".prn"), TEXT_FILE_DETAIL),
    **dict.fromkeys((".ppt", ".pptx", ".odp"), (" (đây là tệp trình chiếu)", " (it is a presentation)")),
    **dict.fromkeys((".zip", ".rar", ".7z"), (
        " (đây là tệp nén; hãy giải nén rồi chạy lại với thư mục đã giải nén)",
        " (it is a compressed archive; extract it and run again on the extracted folder)",
    )),
    ".xlsb": (" (đây là sổ Excel dạng nhị phân .xlsb" + _SAVE_AS_XLSX_VI,
              " (it is a binary Excel workbook .xlsb" + _SAVE_AS_XLSX_EN),
    **dict.fromkeys((".xlt", ".xltx", ".xltm", ".ots"), (
        " (đây là tệp mẫu của Excel" + _SAVE_AS_XLSX_VI, " (it is an Excel template" + _SAVE_AS_XLSX_EN,
    )),
}


@dataclass(slots=True)
class SourceFiles:
    """The workbooks to read, in order, and a warning for every other file found in a folder."""

    files: list[Path] = field(default_factory=list)
    skipped: list[Issue] = field(default_factory=list)


def scan_paths(paths: Iterable[_PathLike]) -> SourceFiles:
    """The workbooks in ``paths``: folders searched recursively, files kept as given.

    In a folder, .xlsx/.xlsm/.xls/.ods files are read (sorted by path); an
    Office lock file ``~$name.xlsx`` is a "lock-file" warning; any other file
    a "skipped-file" warning saying what it is.  Hidden files and folders and
    the operating system's own files are passed over silently.  A file named
    explicitly is kept whatever its extension, so the reader can tell the user
    what it really is.  A file reached twice is listed once.  A named path that
    does not exist cannot run ("file-not-found").
    """
    found = SourceFiles()
    seen: set[str] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            folder, keys = _scan_folder(path)
            candidates = zip(folder.files, keys)
            found.skipped.extend(folder.skipped)
        elif path.exists() or path.is_symlink():
            candidates = [(path, str(path.resolve()))]
        else:
            raise CannotRun("file-not-found", file=str(given))
        for candidate, key in candidates:
            if key not in seen:
                seen.add(key)
                found.files.append(candidate)
    return found


def iter_workbook_paths(paths: Iterable[_PathLike]) -> list[Path]:
    """The workbooks to read (see :func:`scan_paths`), without the warnings about other files."""
    return scan_paths(paths).files


def _scan_folder(folder: Path) -> tuple[SourceFiles, list[str]]:
    """The folder's files, and for each workbook the real path it stands for (to list a file reached twice once).

    Each folder is resolved, parsed and given its sort key once for all its
    files: doing it for each of ten thousand files costs a second.
    """
    files: list[tuple[tuple[str, ...], Path, str]] = []
    skipped: list[tuple[tuple[str, ...], Issue]] = []
    for root, entries in _walk(str(folder)):
        root_path, real_root = Path(root), ""
        root_key = _path_sort_key(root_path)
        for entry in entries:
            name = entry.name
            if _is_hidden_file(name):
                continue
            path = root_path / name
            sort_key = (*root_key, _name_key(name))
            if name.startswith("~$"):
                if _suffix(name) in WORKBOOK_SUFFIXES:
                    skipped.append((sort_key, make_issue("lock-file", file=str(path))))
                # A lock file of a Word document or other file: that file itself is reported.
                continue
            if _suffix(name) in WORKBOOK_SUFFIXES:
                if entry.is_symlink():
                    real = str(path.resolve())
                else:
                    real_root = real_root or os.path.realpath(root)
                    real = os.path.join(real_root, name)
                files.append((sort_key, path, real))
            else:
                skipped.append((sort_key, _skipped_file(path)))
    skipped.sort(key=lambda item: item[0])
    files.sort(key=lambda item: item[0])
    return SourceFiles([path for _, path, _ in files], [issue for _, issue in skipped]), [real for *_, real in files]


def _walk(top: str) -> Iterator[tuple[str, list[os.DirEntry[str]]]]:
    """Each folder under ``top`` with its files, as ``os.walk`` finds them (symbolic links to folders are
    not followed, folders that cannot be listed are passed over), hidden folders left out; the entries
    say whether a file is a symbolic link without asking the system again."""
    try:
        with os.scandir(top) as listing:
            entries = list(listing)
    except OSError:
        return
    files, folders = [], []
    for entry in entries:
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if not is_dir:
            files.append(entry)
        elif not _is_hidden_folder(entry.name):
            folders.append(entry)
    yield top, files
    for entry in folders:
        if not entry.is_symlink():
            yield from _walk(entry.path)


def _skipped_file(path: Path) -> Issue:
    detail_vi, detail_en = _KINDS.get(_suffix(path.name), ("", ""))
    return make_issue("skipped-file", file=str(path), detail_vi=detail_vi, detail_en=detail_en)


def _is_hidden_folder(name: str) -> bool:
    return name.startswith(".") or name.casefold() in _SYSTEM_FOLDERS


def _is_hidden_file(name: str) -> bool:
    # Dot files include macOS resource forks ("._báo cáo.xlsx") and LibreOffice
    # lock files (".~lock.báo cáo.ods#"), which the user never sees.
    return name.startswith(".") or name.casefold() in _SYSTEM_FILES


def _suffix(name: str) -> str:
    return os.path.splitext(name)[1].lower()


def _path_sort_key(path: Path) -> tuple[str, ...]:
    return tuple(_name_key(part) for part in path.parts)


def _name_key(name: str) -> str:
    # NFC: macOS stores decomposed Vietnamese names; the order must not depend on that.
    return unicodedata.normalize("NFC", name).casefold()
