"""What ``collect`` remembers between runs, and the CSV logs of collecting and reminding.

Beside the reports folder ``bao-cao/``:

- ``bao-cao.collect-state.json``: per mailbox folder its UIDVALIDITY and the
  UIDs already read; every Message-ID already read (a second safeguard when
  the server renumbers its UIDs); per unit the report filed as current;
  the SHA-256 of every file filed.  Written in one step after each run.
- ``bao-cao.collect-log.csv``: one row per file filed or message not used.
- ``bao-cao.remind-log.csv``: one row per reminder sent.

The CSV files are UTF-8 with a byte-order mark so that Excel shows the Vietnamese text.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from xlsync.core.issues import CannotRun
from xlsync.io.atomic import atomic_path
from xlsync.io.mail.log import append_csv_rows

COLLECT_LOG_COLUMNS = ("Thời gian", "Người gửi", "Message-ID", "Tệp", "SHA-256", "Đơn vị", "Việc đã làm")
REMIND_LOG_COLUMNS = ("Thời gian", "Mã đơn vị", "Đơn vị", "Địa chỉ", "Lý do", "Message-ID")


def beside(folder: str | Path, suffix: str) -> Path:
    """``bao-cao/`` + ``.collect-log.csv`` → ``bao-cao.collect-log.csv`` in the same parent folder."""
    path = Path(folder).resolve()
    return path.with_name(path.name + suffix)


def older_folder(folder: str | Path) -> Path:
    """Where the versions replaced by a newer report are kept: a sibling, so consolidation never reads them."""
    return beside(folder, " (bản cũ)")


@dataclass(slots=True)
class FiledReport:
    """The report filed as a unit's current one."""

    file: str  # name inside the reports folder
    date: str  # the message's date, ISO 8601
    sha256: str
    sender: str = ""


@dataclass(slots=True)
class CollectState:
    mailboxes: dict[str, dict] = field(default_factory=dict)  # "user@host/folder" → {"uidvalidity", "uids"}
    message_ids: list[str] = field(default_factory=list)
    units: dict[str, FiledReport] = field(default_factory=dict)
    filed: list[str] = field(default_factory=list)  # SHA-256 of every file written, current or older

    def seen_uids(self, key: str, uidvalidity: int) -> set[int]:
        """The UIDs read before in this mailbox folder; none when the server renumbered them."""
        entry = self.mailboxes.get(key)
        if not entry or entry.get("uidvalidity") != uidvalidity:
            return set()
        return set(entry.get("uids", []))

    def remember_uids(self, key: str, uidvalidity: int, uids: set[int]) -> None:
        self.mailboxes[key] = {"uidvalidity": uidvalidity, "uids": sorted(uids)}


def state_path(folder: str | Path) -> Path:
    return beside(folder, ".collect-state.json")


def load_state(folder: str | Path) -> CollectState:
    path = state_path(folder)
    if not path.exists():
        return CollectState()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        units = {code: FiledReport(**entry) for code, entry in raw.get("units", {}).items()}
        return CollectState(raw.get("mailboxes", {}), list(raw.get("message_ids", [])), units,
                            list(raw.get("filed", [])))
    except (OSError, ValueError, TypeError) as error:
        raise CannotRun("collect-state-unreadable", file=str(path), detail=str(error)) from error


def save_state(folder: str | Path, state: CollectState) -> Path:
    path = state_path(folder)
    data = {"mailboxes": state.mailboxes, "message_ids": state.message_ids,
            "units": {code: asdict(report) for code, report in state.units.items()}, "filed": state.filed}
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def collect_log_path(folder: str | Path) -> Path:
    return beside(folder, ".collect-log.csv")


def remind_log_path(folder: str | Path) -> Path:
    return beside(folder, ".remind-log.csv")


def append_collect_log(folder: str | Path, rows: list[list[str]]) -> Path:
    return append_csv_rows(collect_log_path(folder), COLLECT_LOG_COLUMNS, rows)


def append_remind_log(folder: str | Path, rows: list[list[str]]) -> Path:
    return append_csv_rows(remind_log_path(folder), REMIND_LOG_COLUMNS, rows)


def read_remind_log(folder: str | Path) -> list[dict[str, str]]:
    import csv

    path = remind_log_path(folder)
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))
