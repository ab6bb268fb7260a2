"""One unit's Google spreadsheet: read it back in one request, mark its problems in one.

The gspread client is passed in (see :func:`xlsync.io.gsheets.client.make_client`),
so the same code runs against Google and against the local fake the tests serve.
Request budget per spreadsheet, well inside Google's 60 requests per minute:

* :func:`read_spreadsheet` — one ``spreadsheets.get`` with grid data, and one
  Drive ``files.get`` for when it was last changed (a ``revisions.list`` page
  more when that change was xlsync's own);
* :func:`write_feedback` — one ``batchUpdate``.

What is read remembers the notes and highlights xlsync wrote before
(:class:`SpreadsheetData`), so feedback can clear them when fixed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Iterable, Sequence

import gspread
from gspread.urls import DRIVE_FILES_API_V3_URL

from xlsync.core.issues import CannotRun, Issue, marking_severity
from xlsync.core.messages import text
from xlsync.core.sheets import Cell, Sheet, WorkbookData, cell_address, parse_address
from xlsync.core.submission import MODIFIED
from xlsync.core.template import REPORT_SHEET, ReportLabels
from xlsync.io.gsheets.client import call_api
from xlsync.io.gsheets.names import sheet_url, source_name, spreadsheet_key
from xlsync.io.gsheets.template import ERROR_FILL, STATUS_OK_FILL, WARNING_FILL, Json, template_fill
from xlsync.io.retry import DEFAULT_RETRY, RetryPolicy

Place = tuple[str, int, int]  # sheet title, 0-based row, 0-based column

NOTE_MARKER = "xlsync:"  # first characters of every note xlsync writes; how it finds its own notes
KEPT_NOTE_SEPARATOR = "\n———\n"  # between xlsync's text and a note that was already on the cell
READ_FIELDS = (
    "spreadsheetId,properties(title),"
    "sheets(properties(sheetId,title,index,hidden,gridProperties(rowCount,columnCount)),"
    "data(startRow,startColumn,rowData(values(effectiveValue,formattedValue,"
    "effectiveFormat/numberFormat/type,userEnteredFormat/backgroundColor,note))))"
)
_DATE_TYPES = {"DATE", "TIME", "DATE_TIME"}
_SHEETS_EPOCH = datetime(1899, 12, 30)  # serial 0 of Sheets (and Excel) dates
_A1 = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]+)$")
FILE_TIME_FIELDS = "modifiedTime,lastModifyingUser(me)"
REVISION_FIELDS = "nextPageToken,revisions(modifiedTime,lastModifyingUser(me))"
REVISION_PAGES = 10  # of 1000 revisions each: far more than a report sheet gathers in a year


# --- reading ---------------------------------------------------------------------


@dataclass(slots=True)
class SpreadsheetData(WorkbookData):
    """A spreadsheet read from Google: the grid as any workbook, plus what feedback needs.

    ``notes`` holds every cell note; ``marked`` the cells carrying an xlsync
    note or highlight from an earlier run (to clear them once correct).
    """

    spreadsheet_id: str = ""
    sheet_ids: dict[str, int] = field(default_factory=dict)
    grid_sizes: dict[str, tuple[int, int]] = field(default_factory=dict)  # rows, columns
    notes: dict[Place, str] = field(default_factory=dict)
    marked: set[Place] = field(default_factory=set)


def read_spreadsheet(
    client: gspread.Client, source: str, *, label: str | None = None, policy: RetryPolicy = DEFAULT_RETRY
) -> SpreadsheetData:
    """The whole spreadsheet in ONE Sheets request: values as typed (text stays text), notes and fills.

    ``source`` is ``gsheet:<id>``, a sheet URL or an ID; ``label`` names it
    in error messages (e.g. the unit).  Raises :class:`CannotRun`.  When it
    was last changed, as Drive knows it, goes into ``metadata["modified"]``
    (see :func:`last_changed`).
    """
    key = spreadsheet_key(source)
    params = {"includeGridData": "true", "fields": READ_FIELDS}
    response = call_api(lambda: client.http_client.spreadsheets_get(key, params=params),
                        client=client, spreadsheet=label or key, policy=policy)
    data = spreadsheet_data(key, response)
    changed = last_changed(client, key, label=label, policy=policy)
    if changed is not None:
        # The same text as a file's time (xlsync.io.xlsx_read): local time with its offset.
        data.metadata[MODIFIED] = changed.astimezone().isoformat(timespec="seconds")
    return data


def last_changed(
    client: gspread.Client, key: str, *, label: str | None = None, policy: RetryPolicy = DEFAULT_RETRY
) -> datetime | None:
    """When somebody other than xlsync's account last changed the spreadsheet, by Google Drive.

    Drive's ``modifiedTime`` counts every change, xlsync's notes and status
    cell included; when the last one was ours, the latest revision by
    somebody else is the unit's.  None when Drive does not say (its API off
    for the project, no change but ours): the time is worth knowing, not
    worth refusing the figures for.
    """
    url = f"{DRIVE_FILES_API_V3_URL}/{key}"
    try:
        params = {"fields": FILE_TIME_FIELDS, "supportsAllDrives": "true"}
        found = _drive_get(client, url, params, label or key, policy)
        if not _changed_by_us(found):
            return _drive_time(found.get("modifiedTime"))
        return _last_revision_by_others(client, f"{url}/revisions", label or key, policy)
    except CannotRun:
        return None


def _last_revision_by_others(client: gspread.Client, url: str, label: str, policy: RetryPolicy) -> datetime | None:
    times: list[datetime] = []
    params = {"fields": REVISION_FIELDS, "pageSize": "1000"}
    for _ in range(REVISION_PAGES):
        page = _drive_get(client, url, params, label, policy)
        times += [t for r in page.get("revisions", []) if not _changed_by_us(r)
                  and (t := _drive_time(r.get("modifiedTime"))) is not None]
        if not page.get("nextPageToken"):
            break
        params = {**params, "pageToken": str(page["nextPageToken"])}
    return max(times, default=None)


def _drive_get(client: gspread.Client, url: str, params: dict[str, str], label: str, policy: RetryPolicy) -> Json:
    return call_api(lambda: client.http_client.request("get", url, params=params).json(),
                    client=client, spreadsheet=label, policy=policy) or {}


def _changed_by_us(resource: Json) -> bool:
    return bool(resource.get("lastModifyingUser", {}).get("me"))


def _drive_time(text: object) -> datetime | None:
    """Drive's RFC 3339 time ("2024-06-30T10:15:00.000Z") → an aware datetime."""
    try:
        return datetime.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def spreadsheet_data(key: str, response: Json) -> SpreadsheetData:
    """A ``spreadsheets.get`` response (with grid data) → :class:`SpreadsheetData`."""
    data = SpreadsheetData(source=source_name(key), spreadsheet_id=key)
    data.metadata = {"title": str(response.get("properties", {}).get("title", "")), "url": sheet_url(key)}
    data.file_format = "gsheet"
    for sheet_json in sorted(response.get("sheets", []), key=lambda s: s.get("properties", {}).get("index", 0)):
        properties = sheet_json.get("properties", {})
        title = str(properties.get("title", ""))
        data.sheet_ids[title] = int(properties.get("sheetId", 0))
        grid = properties.get("gridProperties", {})
        data.grid_sizes[title] = (int(grid.get("rowCount", 0)), int(grid.get("columnCount", 0)))
        data.sheets[title] = _grid_sheet(title, sheet_json.get("data", []), data)
    return data


def _grid_sheet(title: str, grids: list[Json], data: SpreadsheetData) -> Sheet:
    rows: dict[int, dict[int, Cell]] = defaultdict(dict)
    percent: set[tuple[int, int]] = set()
    errors: dict[tuple[int, int], str] = {}
    for grid in grids:
        row0, col0 = grid.get("startRow", 0), grid.get("startColumn", 0)
        for r, row_json in enumerate(grid.get("rowData", [])):
            for c, cell in enumerate(row_json.get("values", [])):
                place = (title, row0 + r, col0 + c)
                _remember_marks(place, cell, data)
                effective = cell.get("effectiveValue") or {}
                if "errorValue" in effective:
                    # An error result reads as blank, as from a file; the error is said by the report reader.
                    errors[(row0 + r, col0 + c)] = cell.get("formattedValue") or "#ERROR!"
                    continue
                value = cell_value(cell)
                if value is not None:
                    rows[row0 + r][col0 + c] = value
                    if "numberValue" in effective and _number_type(cell) == "PERCENT":
                        percent.add((row0 + r, col0 + c))
    grid_rows = [] if not rows else [
        [rows[r].get(c) for c in range(max(rows[r]) + 1)] if rows.get(r) else [] for r in range(max(rows) + 1)
    ]
    return Sheet(title, grid_rows, percent_cells=frozenset(percent), error_cells=errors)


def _number_type(cell: Json) -> str:
    return cell.get("effectiveFormat", {}).get("numberFormat", {}).get("type", "")


def cell_value(cell: Json) -> Cell:
    """A CellData's value as a workbook reader gives it: float, str, bool, datetime or None."""
    value = cell.get("effectiveValue") or {}
    if "stringValue" in value:
        return value["stringValue"] if value["stringValue"] != "" else None
    if "boolValue" in value:
        return bool(value["boolValue"])
    if "numberValue" in value:
        number = float(value["numberValue"])
        return _SHEETS_EPOCH + timedelta(days=number) if _number_type(cell) in _DATE_TYPES else number
    if "errorValue" in value:
        return cell.get("formattedValue") or "#ERROR!"
    return None


def _remember_marks(place: Place, cell: Json, data: SpreadsheetData) -> None:
    note = cell.get("note")
    if note:
        data.notes[place] = note
    fill = cell.get("userEnteredFormat", {}).get("backgroundColor")
    if (note and note.startswith(NOTE_MARKER)) or _same_colour(fill, ERROR_FILL) or _same_colour(fill, WARNING_FILL):
        data.marked.add(place)


def _same_colour(colour: Json | None, wanted: Json) -> bool:
    # The API leaves out channels that are 0.
    return colour is not None and all(abs(colour.get(k, 0.0) - wanted[k]) < 0.01 for k in ("red", "green", "blue"))


# --- feedback --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedbackSummary:
    flagged: tuple[str, ...]  # "Báo cáo!D12" of every cell noted this time
    cleared: tuple[str, ...]  # cells whose earlier note/highlight was removed
    status_cell: str  # "" when the report sheet has no status label
    status: str


def write_feedback(
    client: gspread.Client,
    data: SpreadsheetData,
    issues: Iterable[Issue],
    *,
    checked_at: datetime | None = None,
    status_cell: tuple[int, int] | None = None,
    label: str | None = None,
    policy: RetryPolicy = DEFAULT_RETRY,
) -> FeedbackSummary:
    """Mark this check's problems in the spreadsheet it was read from, in ONE batchUpdate.

    ``issues`` are the records of this spreadsheet.  Each flagged cell gets a
    note with the Vietnamese messages and a red (error) or orange (warning)
    fill; cells xlsync marked earlier that are now correct get their note
    and template fill back; the status cell (found by its label «Kết quả
    kiểm tra:», or ``status_cell``) says «Hợp lệ» or «Có N lỗi» with the
    time, and carries the messages that point at no cell.  Values are never
    written except the status text.
    """
    requests, summary = feedback_requests(data, list(issues), checked_at or datetime.now(), status_cell)
    if requests:  # Google refuses an empty batch; nothing to mark and no status cell means nothing to do
        body = {"requests": requests}
        call_api(lambda: client.http_client.batch_update(data.spreadsheet_id, body),
                 client=client, spreadsheet=label or data.spreadsheet_id, policy=policy)
    return summary


def feedback_requests(
    data: SpreadsheetData,
    issues: Sequence[Issue],
    checked_at: datetime,
    status_cell: tuple[int, int] | None = None,
) -> tuple[list[Json], FeedbackSummary]:
    """The batchUpdate requests of :func:`write_feedback` (no I/O)."""
    placed, unplaced = _place_issues(data, issues)
    report = data.sheet(REPORT_SHEET)
    status_place = _status_place(report, status_cell)
    requests: list[Json] = []
    for place, found in placed.items():
        worst = marking_severity(found)
        note = _note_text([i.message("vi") for i in found], data.notes.get(place, ""))
        if worst is not None:
            fill = ERROR_FILL if worst == "error" else WARNING_FILL
            requests.append(_cell_update(data, place, {"note": note, "userEnteredFormat": {"backgroundColor": fill}}))
        else:
            requests.append(_cell_update(data, place, {"note": note}, fields="note"))
    cleared = sorted(data.marked - placed.keys() - {status_place}, key=lambda p: (p[0], p[1], p[2]))
    for place in cleared:
        requests.append(_cell_update(data, place, _restored(data, place)))
    status = _status_text(issues, checked_at)
    if status_place is not None:
        requests.append(_status_update(data, status_place, status, issues, unplaced))
    summary = FeedbackSummary(
        flagged=tuple(_address(p) for p in placed),
        cleared=tuple(_address(p) for p in cleared),
        status_cell=_address(status_place) if status_place else "",
        status=status,
    )
    return requests, summary


def _place_issues(data: SpreadsheetData, issues: Sequence[Issue]) -> tuple[dict[Place, list[Issue]], list[Issue]]:
    placed: dict[Place, list[Issue]] = {}
    unplaced: list[Issue] = []
    for issue in issues:
        sheet = data.sheet(issue.sheet or REPORT_SHEET)
        match = _A1.match(issue.cell.strip().upper())
        if sheet is None or match is None:
            unplaced.append(issue)
            continue
        row, col = parse_address(issue.cell)
        rows, columns = data.grid_sizes.get(sheet.name, (0, 0))
        if row >= rows or col >= columns:
            unplaced.append(issue)  # a note outside the grid would make Google refuse the whole batch
            continue
        placed.setdefault((sheet.name, row, col), []).append(issue)
    return placed, unplaced


def _status_place(report: Sheet | None, override: tuple[int, int] | None) -> Place | None:
    if report is None:
        return None
    if override is not None:
        return (report.name, *override)
    found = report.find_label([ReportLabels.STATUS])
    return (report.name, found[0], found[1] + 1) if found else None


def _note_text(messages: list[str], current: str) -> str:
    kept = _kept_note(current)
    note = NOTE_MARKER + " " + "\n".join(dict.fromkeys(messages))
    return note + KEPT_NOTE_SEPARATOR + kept if kept else note


def _kept_note(current: str) -> str:
    """The part of a cell's note that is not xlsync's (somebody else's note is never lost)."""
    if not current.startswith(NOTE_MARKER):
        return current
    return current.split(KEPT_NOTE_SEPARATOR, 1)[1] if KEPT_NOTE_SEPARATOR in current else ""


def _restored(data: SpreadsheetData, place: Place) -> Json:
    cell: Json = {}
    kept = _kept_note(data.notes.get(place, ""))
    if kept:
        cell["note"] = kept
    sheet = data.sheets[place[0]]
    fill = template_fill(sheet, place[1], place[2]) if sheet.name == REPORT_SHEET else None
    if fill is not None:
        cell["userEnteredFormat"] = {"backgroundColor": fill}
    return cell


MARK_FIELDS = "note,userEnteredFormat.backgroundColor"  # never userEnteredValue: what was typed stays


def _cell_update(data: SpreadsheetData, place: Place, cell: Json, fields: str = MARK_FIELDS) -> Json:
    # A field named in ``fields`` but absent from ``cell`` is cleared: that is how notes and fills are removed.
    title, row, col = place
    return {"updateCells": {
        "start": {"sheetId": data.sheet_ids[title], "rowIndex": row, "columnIndex": col},
        "rows": [{"values": [cell]}],
        "fields": fields,
    }}


def _status_text(issues: Sequence[Issue], checked_at: datetime) -> str:
    errors = sum(1 for i in issues if i.is_error)
    warnings = sum(1 for i in issues if i.is_warning)
    parts = [text("gsheet-status-errors", "vi", errors=errors) if errors else text("gsheet-status-ok", "vi")]
    if warnings:
        parts.append(text("gsheet-status-warnings", "vi", warnings=warnings))
    checked = text("gsheet-status-checked", "vi", time=checked_at.strftime("%H:%M %d/%m/%Y"))
    return ", ".join(parts) + " – " + checked


def _status_update(
    data: SpreadsheetData, place: Place, status: str, issues: Sequence[Issue], unplaced: list[Issue]
) -> Json:
    errors = any(i.is_error for i in issues)
    fill = ERROR_FILL if errors else WARNING_FILL if issues else STATUS_OK_FILL
    cell: Json = {"userEnteredValue": {"stringValue": status}, "userEnteredFormat": {"backgroundColor": fill}}
    if unplaced:
        cell["note"] = _note_text([i.message("vi") for i in unplaced], data.notes.get(place, ""))
    elif _kept_note(data.notes.get(place, "")):
        cell["note"] = _kept_note(data.notes[place])
    return _cell_update(data, place, cell, "userEnteredValue,note,userEnteredFormat.backgroundColor")


def _address(place: Place) -> str:
    return f"{place[0]}!{cell_address(place[1], place[2])}"
