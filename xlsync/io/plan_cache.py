"""The plan as read last time, kept between runs in the user's cache folder.

Why: a clerk checks one report at a time, and reading the plan (every sheet
into a frame, each checked by its pandera schema) costs more than checking
that report.  The plan a run reads is the same file, unchanged, for a year.

What is kept: the :class:`Plan` and its records, pickled, under a key made of
the plan's own bytes (SHA-256), the name it is read under (records name the
file), xlsync's version, the size and time of every xlsync module (a plan read
by other code is read again: an editable install keeps its version number),
and Python's version.  A changed byte, an edit of xlsync or another Python
is a new key; the old entry is never read again and is pruned.

Safety: loading a pickle runs code, so only files this module wrote are
loaded, from the user's own cache folder (as trusted as their Python
installation); never from a folder reports arrive in.  Every entry is written
atomically.  An entry that cannot be read (truncated, written by an older
xlsync, a folder that is not writable) is ignored and the plan is read again:
the cache can only save time, never change a result.

``XLSYNC_CACHE_DIR`` names another folder (tests); ``XLSYNC_CACHE_DIR=off``
turns the cache off.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import Callable, Iterable

import xlsync
from xlsync.core.issues import Issue
from xlsync.core.plan import Plan

ParsedPlan = tuple[Plan, list[Issue]]

ENTRIES_KEPT = 16  # plans of the last runs; an office uses one or two a year
_SUFFIX = ".pickle"


def remembered(name: str, content: bytes, read: Callable[[], ParsedPlan]) -> ParsedPlan:
    """The plan read from ``content`` under ``name``: from the cache, or ``read()`` and kept."""
    folder = cache_folder()
    if folder is None:
        return read()
    entry = folder / f"{entry_key(name, content)}{_SUFFIX}"
    kept = _load(entry)
    if kept is not None:
        return kept
    parsed = read()
    _store(entry, parsed)
    return parsed


def cache_folder() -> Path | None:
    """Where parsed plans are kept (None: the cache is off)."""
    chosen = os.environ.get("XLSYNC_CACHE_DIR")
    if chosen:
        return None if chosen.lower() == "off" else Path(chosen) / "plans"
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "xlsync" / "Cache"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches" / "xlsync"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "xlsync"
    return base / "plans"


def entry_key(name: str, content: bytes) -> str:
    key = hashlib.sha256()
    for part in (xlsync.__version__, sys.version, name, code_stamp()):
        key.update(part.encode("utf-8", "surrogatepass") + b"\0")
    key.update(hashlib.sha256(content).digest())
    return key.hexdigest()


def code_stamp() -> str:
    """The size and modification time of every module of xlsync (schemas too, wherever installed)."""
    stamps = sorted(
        f"{path}:{status.st_size}:{status.st_mtime_ns}"
        for path, status in _module_files(_package_folders())
    )
    return hashlib.sha256("\n".join(stamps).encode("utf-8", "surrogatepass")).hexdigest()


def _package_folders() -> list[str]:
    from importlib.util import find_spec

    folders = list(xlsync.__path__)
    schemas = find_spec("xlsync.schemas")  # finds, does not import (an editable install maps it elsewhere)
    if schemas is not None and schemas.submodule_search_locations:
        folders += [f for f in schemas.submodule_search_locations if f not in folders]
    return folders


def _module_files(folders: Iterable[str]) -> Iterable[tuple[str, os.stat_result]]:
    for folder in folders:
        for root, subfolders, files in os.walk(folder):
            subfolders[:] = [s for s in subfolders if s != "__pycache__"]
            for file in files:
                if file.endswith(".py"):
                    path = os.path.join(root, file)
                    yield path, os.stat(path)


def _load(entry: Path) -> ParsedPlan | None:
    try:
        with entry.open("rb") as stream:
            kept = pickle.load(stream)
    except Exception:  # missing, truncated, or pickled by other code: read the plan again
        return None
    if not (isinstance(kept, tuple) and len(kept) == 2 and isinstance(kept[0], Plan) and isinstance(kept[1], list)):
        return None
    try:
        os.utime(entry)  # recently used: pruned last
    except OSError:
        pass
    return kept


def _store(entry: Path, parsed: ParsedPlan) -> None:
    from xlsync.io.atomic import atomic_path

    try:
        data = pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL)
        with atomic_path(entry) as temporary:
            temporary.write_bytes(data)
        _prune(entry.parent)
    except Exception:  # CannotRun, OSError, an unpicklable value: the run goes on without an entry
        pass


def _prune(folder: Path) -> None:
    """Keep the :data:`ENTRIES_KEPT` entries used last."""
    entries = sorted((e for e in folder.glob(f"*{_SUFFIX}") if not e.name.startswith(".")), key=_used, reverse=True)
    for stale in entries[ENTRIES_KEPT:]:
        stale.unlink(missing_ok=True)


def _used(entry: Path) -> float:
    try:
        return entry.stat().st_mtime
    except OSError:
        return 0.0
