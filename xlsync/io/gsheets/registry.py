"""The register of Google Sheets made for the units: ``gsheets.csv`` beside the plan.

One row per unit, columns in Vietnamese so the office can open it in Excel:

    Mã đơn vị, Tên đơn vị, Spreadsheet ID, URL, Ngày tạo, Chia sẻ với

``Chia sẻ với`` is the email the sheet was shared with ("" until shared), so
a push that stopped between creating and sharing finishes the job next time.
The file is rewritten atomically after every change: an interrupted push
never loses the ID of a spreadsheet it has already created.
"""

from __future__ import annotations

import csv
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator

from xlsync.core.issues import CannotRun
from xlsync.core.text import label_key, normalize_text

REGISTRY_FILE = "gsheets.csv"


class Columns:
    UNIT_CODE = "Mã đơn vị"
    UNIT_NAME = "Tên đơn vị"
    SPREADSHEET_ID = "Spreadsheet ID"
    URL = "URL"
    CREATED = "Ngày tạo"
    SHARED_WITH = "Chia sẻ với"
    ALL = (UNIT_CODE, UNIT_NAME, SPREADSHEET_ID, URL, CREATED, SHARED_WITH)
    REQUIRED = (UNIT_CODE, SPREADSHEET_ID)


@dataclass(frozen=True, slots=True)
class RegistryEntry:
    unit_code: str
    unit_name: str
    spreadsheet_id: str
    url: str
    created: str  # "YYYY-MM-DD HH:MM", local time
    shared_with: str = ""

    def shared(self, email: str) -> RegistryEntry:
        return replace(self, shared_with=email)


def registry_path(plan_path: str | os.PathLike[str]) -> Path:
    """Where the register of a plan lives: beside the plan file."""
    return Path(plan_path).parent / REGISTRY_FILE


class SheetRegistry:
    """The units' spreadsheet IDs, loaded from and saved to one CSV file."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._entries: dict[str, RegistryEntry] = {}
        if self.path.is_file():
            self._load()

    def get(self, unit_code: str) -> RegistryEntry | None:
        return self._entries.get(label_key(unit_code))

    def put(self, entry: RegistryEntry) -> None:
        """Add or replace a unit's row and save the file at once."""
        self._entries[label_key(entry.unit_code)] = entry
        self._save()

    def save(self) -> None:
        """Write the file as it stands (a push does this first, to stop before creating anything)."""
        self._save()

    def __iter__(self) -> Iterator[RegistryEntry]:
        return iter(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def _load(self) -> None:
        with self.path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            found = {normalize_text(name) for name in reader.fieldnames or []}
            missing = [name for name in Columns.REQUIRED if name not in found]
            if missing:
                raise CannotRun("gsheet-registry-invalid", file=str(self.path), columns=", ".join(missing))
            for row in reader:
                row = {normalize_text(k): normalize_text(v) for k, v in row.items() if k is not None}
                code, key = row.get(Columns.UNIT_CODE, ""), row.get(Columns.SPREADSHEET_ID, "")
                if code and key:
                    self._entries[label_key(code)] = RegistryEntry(
                        unit_code=code,
                        unit_name=row.get(Columns.UNIT_NAME, ""),
                        spreadsheet_id=key,
                        url=row.get(Columns.URL, ""),
                        created=row.get(Columns.CREATED, ""),
                        shared_with=row.get(Columns.SHARED_WITH, ""),
                    )

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(
            "w", encoding="utf-8-sig", newline="", dir=self.path.parent, suffix=".tmp", delete=False
        )
        try:
            with handle:
                writer = csv.writer(handle)
                writer.writerow(Columns.ALL)
                for e in self._entries.values():
                    writer.writerow([e.unit_code, e.unit_name, e.spreadsheet_id, e.url, e.created, e.shared_with])
            os.replace(handle.name, self.path)
        except PermissionError:
            Path(handle.name).unlink(missing_ok=True)
            raise CannotRun("output-locked", file=str(self.path)) from None
        except OSError as err:
            Path(handle.name).unlink(missing_ok=True)
            raise CannotRun("output-failed", file=str(self.path), detail=err.strerror or type(err).__name__) from None
        except BaseException:
            Path(handle.name).unlink(missing_ok=True)
            raise
