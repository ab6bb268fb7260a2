"""The send log: one CSV row per sending, beside the master.

Named ``<master stem>.send-log.csv`` (``Tổng hợp 2024.xlsx`` → ``Tổng hợp
2024.send-log.csv``), UTF-8 with a byte-order mark so that Excel shows the
Vietnamese text.  One row per sending, columns:

- ``Thời gian``: when the server answered, ISO 8601 with the UTC offset;
- ``Message-ID``: the message's Message-ID header;
- ``SHA-256 tệp đính kèm``: hex SHA-256 of the attached workbook;
- ``Đã nhận``: addresses the server accepted, separated by ``; ``; when the
  connection broke before the server confirmed the message, each address is
  followed by ``(chưa xác nhận)``: it may or may not have arrived;
- ``Bị từ chối``: refused addresses with the server's reply, ``addr (550 ...)``,
  separated by ``; ``.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from xlsync.core.issues import CannotRun
from xlsync.io.mail.transport import SendResult

SEND_LOG_COLUMNS = ("Thời gian", "Message-ID", "SHA-256 tệp đính kèm", "Đã nhận", "Bị từ chối")
UNCONFIRMED_MARK = "(chưa xác nhận)"


def send_log_path(master_path: str | Path) -> Path:
    master = Path(master_path)
    return master.with_name(f"{master.stem}.send-log.csv")


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def append_send_log(master_path: str | Path, result: SendResult, attachment_sha256: str) -> Path:
    """Add one row for ``result`` to the send log beside the master; return the log's path."""
    path = send_log_path(master_path)
    mark = f" {UNCONFIRMED_MARK}" if result.unconfirmed else ""
    row = [
        result.sent_at.isoformat(timespec="seconds"),
        result.message_id,
        attachment_sha256,
        "; ".join(f"{address}{mark}" for address in result.accepted),
        "; ".join(f"{address} ({reply})" for address, reply in result.refused.items()),
    ]
    try:
        append_csv_rows(path, SEND_LOG_COLUMNS, [row])
    except CannotRun as problem:
        raise CannotRun(
            "send-log-failed",
            file=str(path),
            detail=problem.params.get("detail", ""),
            recipients=", ".join(result.accepted) or "-",
        ) from problem
    return path


def append_csv_rows(path: Path, header: tuple[str, ...], rows: list[list[str]]) -> Path:
    """Append ``rows`` to the CSV log ``path``, writing ``header`` first when the file is new."""
    try:
        starting = not path.exists() or path.stat().st_size == 0
        # utf-8-sig writes its byte-order mark only at the start of the file, not on each append.
        with path.open("a", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            if starting:
                writer.writerow(header)
            writer.writerows([_inert_cell(str(value)) for value in row] for row in rows)
    except OSError as error:
        raise CannotRun("log-write-failed", file=str(path), detail=error.strerror or str(error)) from error
    return path


def _inert_cell(value: str) -> str:
    """Keep Excel from reading a cell as a formula when the log is opened."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
