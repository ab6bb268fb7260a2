"""Each unit's submission against the period's deadline (Hạn nộp): on time, late, or missing.

What a consolidation knows of when a report came is the time it was last
modified (``Source.metadata["modified"]``, set when it is read): a file's as
the office's disk has it, a Google Sheet's as Google Drive has it (its last
change by somebody other than xlsync's own account, whose notes do not
count).  A sheet whose time Google did not give is «Chưa rõ thời điểm».
The master says which time it used.
A report counts as on time when it was last modified on or before the day
of the deadline (the whole day counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from xlsync.core.consolidate import Source, Status, UnitStatus
from xlsync.core.sheets import GOOGLE_SHEET_PREFIX


class Timeliness(StrEnum):
    ON_TIME = "Đúng hạn"
    LATE = "Nộp muộn"
    MISSING = "Chưa nộp"
    UNKNOWN = "Chưa rõ thời điểm"
    NO_DEADLINE = "Kế hoạch không ghi hạn nộp"


class TimeBasis(StrEnum):
    """Which time «Thời điểm nộp» is (the sheet's first line says it in full)."""

    FILE_MODIFIED = "Sửa tệp lần cuối"
    GOOGLE_MODIFIED = "Sửa trên Google lần cuối"
    NONE = "Không có (Google Sheets)"


MODIFIED = "modified"  # Source.metadata: the last change, ISO 8601 with the local offset


# Columns «Tiến độ nộp» adds after its own, in this order.
SUBMISSION_LABELS = ("Thời điểm nộp", "Thời điểm theo", "Hạn nộp", "Nộp đúng hạn", "Số ngày muộn")


@dataclass(frozen=True, slots=True)
class Submission:
    time: datetime | None
    basis: TimeBasis | None  # None: nothing was submitted
    deadline: date | None
    timeliness: Timeliness
    days_late: int | None = None


def submission_of(status: UnitStatus, deadline: date | None) -> Submission:
    """When the unit's (first) report came and how that stands against ``deadline``."""
    source = status.sources[0] if status.sources else None
    if status.status is Status.NOT_SUBMITTED or source is None:
        return Submission(None, None, deadline, Timeliness.MISSING)
    time = _modified(source.metadata.get(MODIFIED, ""))
    basis = _basis(source) if time is not None else TimeBasis.NONE
    if deadline is None:
        return Submission(time, basis, None, Timeliness.NO_DEADLINE)
    if time is None:
        return Submission(None, basis, deadline, Timeliness.UNKNOWN)
    late = (time.date() - deadline).days
    if late > 0:
        return Submission(time, basis, deadline, Timeliness.LATE, late)
    return Submission(time, basis, deadline, Timeliness.ON_TIME, 0)


def _basis(source: Source) -> TimeBasis:
    # Known by the source's name, which a master read back keeps (for xlsync score to write it again).
    return TimeBasis.GOOGLE_MODIFIED if source.path.startswith(GOOGLE_SHEET_PREFIX) else TimeBasis.FILE_MODIFIED


def _modified(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
