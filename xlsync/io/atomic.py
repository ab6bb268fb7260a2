"""Writing output files so that a reader never sees half of one.

The file is written beside its destination under a temporary name and moved
into place with one rename.  If the destination is open in Excel (Windows
refuses the rename, and Excel leaves a ``~$name`` lock file), the user gets
a plain message and the old file stays as it was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

from xlsync.core.issues import CannotRun


def excel_lock_file(path: Path) -> Path:
    """Where Excel (and LibreOffice) mark a workbook as open."""
    return path.with_name("~$" + path.name)


def ensure_writable(path: Path) -> None:
    """Refuse early when the destination is open elsewhere."""
    for lock in (excel_lock_file(path), path.with_name(f".~lock.{path.name}#")):
        if lock.exists():
            raise CannotRun("output-locked", file=str(path))


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path; on success it replaces ``path`` in one step."""
    target = Path(path)
    ensure_writable(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=target.parent)
    except OSError as error:
        raise CannotRun("output-failed", file=str(target), detail=error.strerror or str(error)) from error
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, target)
    except PermissionError as error:
        raise CannotRun("output-locked", file=str(target)) from error
    except OSError as error:
        raise CannotRun("output-failed", file=str(target), detail=error.strerror or str(error)) from error
    finally:
        tmp.unlink(missing_ok=True)
