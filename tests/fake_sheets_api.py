"""A local stand-in for the parts of Google Sheets v4 and Drive v3 that xlsync uses.

``FakeGoogle`` serves HTTP on 127.0.0.1 from a thread and keeps spreadsheets
in memory.  Tests talk to it with the real gspread client: ``client_for``
mounts a requests adapter that sends https://sheets.googleapis.com and
https://www.googleapis.com to the fake (gspread binds its URLs at import, so
the session is redirected, not the constants).

It records every request (method, path, query, body, kind, status), can
fail requests per spreadsheet (429, 5xx, 403, 404) and exposes its state
for assertions: values, notes, fills, validations, protection, permissions.
Drive's modifiedTime, lastModifyingUser and revisions follow every change:
the API's (by the fake's account) and a person's (``type_value``, ``edited_at``).

It is strict where a mistake of ours would pass silently otherwise: field
masks are applied to responses (a field not asked for is not returned),
unknown request kinds and unknown CellData fields are 400, ranges must lie
inside the grid, and a batchUpdate is applied all or nothing.

Simplifications: no formulas are computed (``type_formula`` stores a
result), values typed through ``values.update`` with USER_ENTERED become
numbers only for plain en-US digits (as in an en_US sheet), and
permissions are not enforced beyond ``revoke``.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, unquote, urlsplit

import gspread
import requests
from google.oauth2.credentials import Credentials
from requests.adapters import HTTPAdapter

from xlsync.core.sheets import cell_address, column_letter, parse_address
from xlsync.io.retry import RetryPolicy

Json = dict[str, Any]

SHEETS_HOST = "sheets.googleapis.com"
DRIVE_HOST = "www.googleapis.com"
ORIGINAL_HOST_HEADER = "X-Fake-Original-Host"
# The service account the Google Sheets tests act as (the ``fake`` fixture of conftest.py).
SA_EMAIL = "xlsync-office@son-tay.iam.gserviceaccount.com"
# Retries that give up within half a second, so a test of a failure ends quickly.
FAST_RETRY = RetryPolicy(max_attempts=4, max_seconds=0.5, first_delay=0.01, max_delay=0.05)
CREATE = "<create>"  # the "spreadsheet" a creation request belongs to, for fault injection
ANY = "*"  # a fault on every spreadsheet (combine with ``kinds``)
DEFAULT_ROWS, DEFAULT_COLUMNS = 1000, 26
SHEETS_MIME = "application/vnd.google-apps.spreadsheet"

CELL_FIELDS = {"userEnteredValue", "userEnteredFormat", "note", "dataValidation", "textFormatRuns"}
FORMAT_FIELDS = {
    "numberFormat", "backgroundColor", "backgroundColorStyle", "borders", "padding", "horizontalAlignment",
    "verticalAlignment", "wrapStrategy", "textDirection", "textFormat", "hyperlinkDisplayType", "textRotation",
}
VALUE_KINDS = {"stringValue", "numberValue", "boolValue", "formulaValue", "errorValue"}


class ApiError(Exception):
    """An error response of the fake, in Google's JSON shape."""

    def __init__(self, status: int, message: str, *, reason: str = "", api: str = "sheets",
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.reason, self.api = status, message, reason, api
        self.headers = headers or {}

    def body(self) -> Json:
        error: Json = {"code": self.status, "message": self.message}
        if self.api == "drive":
            error["errors"] = [{"message": self.message, "domain": "usageLimits" if self.reason.endswith(
                ("Exceeded", "exceeded")) else "global", "reason": self.reason or "error"}]
        else:
            error["status"] = _STATUS_NAMES.get(self.status, "UNKNOWN")
            if self.reason:
                error["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": self.reason}]
        return {"error": error}


_STATUS_NAMES = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
                 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}
_DEFAULT_MESSAGES = {
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    429: "Quota exceeded for quota metric 'Requests' and limit 'Requests per minute per user' "
         "of service 'sheets.googleapis.com'.",
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
}


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


# --- field masks -------------------------------------------------------------------


def parse_partial_fields(spec: str) -> Json | None:
    """Google's partial-response syntax ("a,b/c,d(e,f/g)") → a tree; None means everything."""
    pos = 0

    def parse_list() -> Json:
        nonlocal pos
        tree: Json = {}
        while True:
            start = pos
            while pos < len(spec) and spec[pos] not in ",()":
                pos += 1
            path = [part.strip() for part in spec[start:pos].split("/")]
            if not all(path):
                raise bad_request(f"Invalid field selection {spec!r}")
            sub = None
            if pos < len(spec) and spec[pos] == "(":
                pos += 1
                sub = parse_list()
                if pos >= len(spec) or spec[pos] != ")":
                    raise bad_request(f"Invalid field selection {spec!r}")
                pos += 1
            _insert_path(tree, path, sub)
            if pos < len(spec) and spec[pos] == ",":
                pos += 1
                continue
            return tree

    if not spec.strip() or spec.strip() == "*":
        return None
    tree = parse_list()
    if pos != len(spec):
        raise bad_request(f"Invalid field selection {spec!r}")
    return tree


def _insert_path(tree: Json, path: list[str], sub: Json | None) -> None:
    node = tree
    for name in path[:-1]:
        if name in node and node[name] is None:
            return  # already selected whole
        node = node.setdefault(name, {})
    leaf = path[-1]
    if sub is None or node.get(leaf, {}) is None:
        node[leaf] = None
    else:
        existing = node.setdefault(leaf, {})
        for key, value in sub.items():
            _insert_path(existing, [key], value)


def select_fields(value: Any, tree: Json | None) -> Any:
    if tree is None or "*" in tree:
        return value
    if isinstance(value, list):
        return [select_fields(item, tree) for item in value]
    if isinstance(value, dict):
        return {key: select_fields(value[key], sub) for key, sub in tree.items() if key in value}
    return value


def apply_mask(target: Json, source: Json, mask: str, allowed: set[str] | None = None) -> None:
    """A batchUpdate ``fields`` mask (dotted paths): named fields are copied, or cleared when absent."""
    if not mask or not mask.strip():
        raise bad_request("At least one field must be updated, but 'fields' is empty.")
    if mask.strip() == "*":
        target.clear()
        target.update(copy.deepcopy(source))
        return
    for path in (p.strip() for p in mask.split(",")):
        parts = path.split(".")
        if allowed is not None and parts[0] not in allowed:
            raise bad_request(f"Invalid field mask path {path!r}")
        found, value = _get_path(source, parts)
        if found:
            node = target
            for name in parts[:-1]:
                node = node.setdefault(name, {})
            node[parts[-1]] = copy.deepcopy(value)
        else:
            _delete_path(target, parts)


def _get_path(source: Json, parts: list[str]) -> tuple[bool, Any]:
    node: Any = source
    for name in parts:
        if not isinstance(node, dict) or name not in node:
            return False, None
        node = node[name]
    return True, node


def _delete_path(target: Json, parts: list[str]) -> None:
    if len(parts) == 1:
        target.pop(parts[0], None)
        return
    child = target.get(parts[0])
    if isinstance(child, dict):
        _delete_path(child, parts[1:])
        if not child:
            target.pop(parts[0])


# --- the model -----------------------------------------------------------------------


@dataclass
class FakeSheet:
    sheet_id: int
    title: str
    index: int = 0
    hidden: bool = False
    rows: int = DEFAULT_ROWS
    columns: int = DEFAULT_COLUMNS
    frozen_rows: int = 0
    cells: dict[tuple[int, int], Json] = field(default_factory=dict)
    merges: list[Json] = field(default_factory=list)
    protected_ranges: list[Json] = field(default_factory=list)
    borders: list[Json] = field(default_factory=list)
    column_pixels: dict[int, int] = field(default_factory=dict)

    # -- what tests read --
    def cell(self, a1: str) -> Json:
        return self.cells.get(parse_address(a1), {})

    def value(self, a1: str) -> Any:
        """What was typed/written: str, float, bool or None."""
        entered = self.cell(a1).get("userEnteredValue", {})
        return next(iter(entered.values()), None)

    def note(self, a1: str) -> str | None:
        return self.cell(a1).get("note")

    def background(self, a1: str) -> Json | None:
        return self.cell(a1).get("userEnteredFormat", {}).get("backgroundColor")

    def validation(self, a1: str) -> Json | None:
        return self.cell(a1).get("dataValidation")

    def properties(self) -> Json:
        grid: Json = {"rowCount": self.rows, "columnCount": self.columns}
        if self.frozen_rows:
            grid["frozenRowCount"] = self.frozen_rows
        props: Json = {"sheetId": self.sheet_id, "title": self.title, "index": self.index,
                       "sheetType": "GRID", "gridProperties": grid}
        if self.hidden:
            props["hidden"] = True
        return props

    def set_properties(self, props: Json, mask: str) -> None:
        current = self.properties()
        apply_mask(current, props, mask)
        grid = current.get("gridProperties", {})
        if grid.get("rowCount", 1) < 1 or grid.get("columnCount", 1) < 1:
            raise bad_request("Grid must have at least one row and column")
        self.title, self.index = current["title"], current.get("index", self.index)
        self.hidden = bool(current.get("hidden", False))
        self.rows, self.columns = grid.get("rowCount", self.rows), grid.get("columnCount", self.columns)
        self.frozen_rows = grid.get("frozenRowCount", 0)
        self.cells = {rc: c for rc, c in self.cells.items() if rc[0] < self.rows and rc[1] < self.columns}


@dataclass
class FakeSpreadsheet:
    spreadsheet_id: str
    title: str
    owner: str
    locale: str = "en_US"
    time_zone: str = "Etc/GMT"
    sheets: list[FakeSheet] = field(default_factory=list)
    permissions: list[Json] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    created: str = ""
    modified: str = ""
    modified_by: str = ""  # email of who changed it last (Drive's lastModifyingUser)
    revisions: list[Json] = field(default_factory=list)  # {"id", "modifiedTime", "by"}, oldest first
    deleted: bool = False
    revoked: bool = False
    _next_protected_id: int = 1

    def sheet(self, title: str) -> FakeSheet:
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        raise KeyError(title)

    def sheet_by_id(self, sheet_id: Any) -> FakeSheet:
        for sheet in self.sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        raise bad_request(f"No grid with id: {sheet_id}")

    @property
    def protected_ranges(self) -> list[Json]:
        return [p for sheet in self.sheets for p in sheet.protected_ranges]

    def editors(self) -> list[str]:
        return [p["emailAddress"] for p in self.permissions if p.get("role") == "writer"]

    def record_edit(self, by: str, when: str | None = None) -> None:
        """A change by ``by`` at ``when`` (now by default): Drive's modifiedTime and a revision.

        One person's consecutive changes make one revision, as Google groups them.
        """
        when = when or _now()
        self.modified, self.modified_by = when, by
        if self.revisions and self.revisions[-1]["by"] == by:
            self.revisions[-1]["modifiedTime"] = when
        else:
            self.revisions.append({"id": str(len(self.revisions) + 1), "modifiedTime": when, "by": by})


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    host: str
    path: str
    query: dict[str, list[str]]
    body: Any
    kind: str
    spreadsheet_id: str
    status: int = 0


def sheets_api(recorded: list[RecordedRequest]) -> list[RecordedRequest]:
    """The requests that count against the Sheets quota of 60 a minute (Drive's quota is another, far larger)."""
    return [r for r in recorded if r.kind.startswith(("spreadsheets.", "values."))]


@dataclass
class Fault:
    spreadsheet_id: str
    status: int
    remaining: int | None  # None: for ever
    kinds: frozenset[str] | None
    reason: str
    retry_after: float | None

    def matches(self, spreadsheet_id: str, kind: str) -> bool:
        return (self.remaining is None or self.remaining > 0) and self.spreadsheet_id in (ANY, spreadsheet_id) and (
            self.kinds is None or kind in self.kinds)


# --- routing ----------------------------------------------------------------------------

_ID = r"([A-Za-z0-9_-]+)"
ROUTES: list[tuple[str, str, re.Pattern[str], str]] = [
    (SHEETS_HOST, "POST", re.compile(r"^/v4/spreadsheets$"), "spreadsheets.create"),
    (SHEETS_HOST, "GET", re.compile(rf"^/v4/spreadsheets/{_ID}$"), "spreadsheets.get"),
    (SHEETS_HOST, "POST", re.compile(rf"^/v4/spreadsheets/{_ID}:batchUpdate$"), "spreadsheets.batchUpdate"),
    (SHEETS_HOST, "GET", re.compile(rf"^/v4/spreadsheets/{_ID}/values:batchGet$"), "values.batchGet"),
    (SHEETS_HOST, "POST", re.compile(rf"^/v4/spreadsheets/{_ID}/values:batchUpdate$"), "values.batchUpdate"),
    (SHEETS_HOST, "GET", re.compile(rf"^/v4/spreadsheets/{_ID}/values/([^/:]+)$"), "values.get"),
    (SHEETS_HOST, "PUT", re.compile(rf"^/v4/spreadsheets/{_ID}/values/([^/:]+)$"), "values.update"),
    (DRIVE_HOST, "POST", re.compile(r"^/drive/v3/files$"), "drive.files.create"),
    (DRIVE_HOST, "GET", re.compile(r"^/drive/v3/files$"), "drive.files.list"),
    (DRIVE_HOST, "GET", re.compile(rf"^/drive/v3/files/{_ID}$"), "drive.files.get"),
    (DRIVE_HOST, "DELETE", re.compile(rf"^/drive/v3/files/{_ID}$"), "drive.files.delete"),
    (DRIVE_HOST, "GET", re.compile(rf"^/drive/v3/files/{_ID}/revisions$"), "drive.revisions.list"),
    (DRIVE_HOST, "POST", re.compile(rf"^/drive/v3/files/{_ID}/permissions$"), "drive.permissions.create"),
    (DRIVE_HOST, "GET", re.compile(rf"^/drive/v3/files/{_ID}/permissions$"), "drive.permissions.list"),
    (DRIVE_HOST, "DELETE", re.compile(rf"^/drive/v3/files/{_ID}/permissions/{_ID}$"), "drive.permissions.delete"),
]
CREATION_KINDS = {"spreadsheets.create", "drive.files.create"}


class FakeGoogle:
    """The fake APIs: state, request log, faults, and the HTTP server that serves them."""

    def __init__(self, account_email: str = "xlsync-test@fake-project.iam.gserviceaccount.com") -> None:
        self.account_email = account_email
        self.spreadsheets: dict[str, FakeSpreadsheet] = {}
        self.requests: list[RecordedRequest] = []
        self.faults: list[Fault] = []
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle --
    def start(self) -> FakeGoogle:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-google", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeGoogle:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- faults and outside events --
    def fail(self, spreadsheet_id: str, status: int, *, times: int | None = None, kinds: set[str] | None = None,
             reason: str = "", retry_after: float | None = None) -> None:
        """Answer the next ``times`` requests (None: all) on a spreadsheet with an error.

        ``spreadsheet_id`` may be ``CREATE`` (creation requests) or ``ANY``;
        ``kinds`` narrows it to request kinds such as "spreadsheets.batchUpdate".
        """
        with self._lock:
            self.faults.append(Fault(spreadsheet_id, status, times, frozenset(kinds) if kinds else None,
                                     reason, retry_after))

    def delete(self, spreadsheet_id: str) -> None:
        """Somebody deletes the spreadsheet in Drive: every request on it is 404 from now on."""
        with self._lock:
            self.spreadsheets[spreadsheet_id].deleted = True

    def revoke(self, spreadsheet_id: str) -> None:
        """The owner stops sharing with our account: every request on it is 403 from now on."""
        with self._lock:
            self.spreadsheets[spreadsheet_id].revoked = True

    def add_spreadsheet(self, title: str, sheet_titles: tuple[str, ...] = ("Sheet1",), *,
                        owner: str = "someone@example.org") -> FakeSpreadsheet:
        """A spreadsheet made by somebody else (e.g. a village) and shared with our account."""
        with self._lock:
            book = self._new_spreadsheet(title, owner)
            book.sheets = [FakeSheet(i, t, index=i) for i, t in enumerate(sheet_titles)]
            return book

    def type_value(self, spreadsheet_id: str, sheet: str, a1: str, value: Any) -> None:
        """A person types into a cell in the browser: no API request, the stored value is exactly ``value``.

        It counts as a change by :meth:`person` of the spreadsheet, now (:meth:`edited_at` sets another time).
        """
        with self._lock:
            book = self.spreadsheets[spreadsheet_id]
            book.record_edit(self.person(book))
            cell = book.sheet(sheet).cells.setdefault(parse_address(a1), {})
            cell.pop("effectiveValue", None)
            if value is None or value == "":
                cell.pop("userEnteredValue", None)
            else:
                cell["userEnteredValue"] = _extended(value)

    def type_formula(self, spreadsheet_id: str, sheet: str, a1: str, formula: str, result: Any) -> None:
        with self._lock:
            cell = self.spreadsheets[spreadsheet_id].sheet(sheet).cells.setdefault(parse_address(a1), {})
            cell["userEnteredValue"] = {"formulaValue": formula}
            cell["effectiveValue"] = _extended(result) if not isinstance(result, dict) else result

    def edited_at(self, spreadsheet_id: str, when: datetime, by: str | None = None) -> None:
        """Somebody (:meth:`person` by default) changed the spreadsheet in the browser at ``when`` (aware)."""
        with self._lock:
            book = self.spreadsheets[spreadsheet_id]
            book.record_edit(by or self.person(book), _google_time(when))

    def person(self, book: FakeSpreadsheet) -> str:
        """Who types into a spreadsheet: its owner, or for one our account made, its first editor (the village)."""
        if book.owner != self.account_email:
            return book.owner
        return next((e for e in book.editors() if e != self.account_email), "village@example.org")

    def put_note(self, spreadsheet_id: str, sheet: str, a1: str, note: str) -> None:
        with self._lock:
            self.spreadsheets[spreadsheet_id].sheet(sheet).cells.setdefault(parse_address(a1), {})["note"] = note

    # -- what tests read --
    def spreadsheet(self, spreadsheet_id: str) -> FakeSpreadsheet:
        return self.spreadsheets[spreadsheet_id]

    def sheet(self, spreadsheet_id: str, title: str) -> FakeSheet:
        return self.spreadsheets[spreadsheet_id].sheet(title)

    def requests_for(self, spreadsheet_id: str | None = None, kind: str | None = None) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests
                    if (spreadsheet_id is None or r.spreadsheet_id == spreadsheet_id) and (kind is None or r.kind == kind)]

    def count(self, kind: str | None = None, spreadsheet_id: str | None = None) -> int:
        return len(self.requests_for(spreadsheet_id, kind))

    def live_spreadsheets(self) -> list[FakeSpreadsheet]:
        return [s for s in self.spreadsheets.values() if not s.deleted]

    # -- serving --
    def handle(self, method: str, host: str, raw_path: str, query: dict[str, list[str]], body: Any,
               headers: dict[str, str]) -> tuple[int, Json, dict[str, str]]:
        kind, args = self._route(method, host, raw_path)
        spreadsheet_id = CREATE if kind in CREATION_KINDS else (args[0] if args else "")
        with self._lock:
            try:
                if not headers.get("authorization", "").startswith("Bearer "):
                    raise ApiError(401, "Request is missing required authentication credential.")
                self._check_faults(spreadsheet_id, kind)
                status, payload = 200, getattr(self, "_" + kind.replace(".", "_"))(args, query, body)
                extra: dict[str, str] = {}
            except ApiError as err:
                if kind.startswith("drive."):
                    err.api = "drive"
                status, payload, extra = err.status, err.body(), err.headers
            if isinstance(payload, dict) and kind in CREATION_KINDS and status == 200:
                spreadsheet_id = payload.get("spreadsheetId") or payload.get("id") or CREATE
            self.requests.append(RecordedRequest(method, host, raw_path, query, body, kind, spreadsheet_id, status))
            return status, payload, extra

    def _route(self, method: str, host: str, raw_path: str) -> tuple[str, list[str]]:
        for route_host, route_method, pattern, kind in ROUTES:
            match = pattern.match(raw_path)
            if match and route_method == method and route_host == host:
                return kind, [unquote(g) for g in match.groups()]
        return "unknown", []

    def _check_faults(self, spreadsheet_id: str, kind: str) -> None:
        if kind == "unknown":
            raise ApiError(404, "Not found (no such endpoint in the fake)")
        for fault in self.faults:
            if fault.matches(spreadsheet_id, kind):
                if fault.remaining is not None:
                    fault.remaining -= 1
                headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
                raise ApiError(fault.status, _DEFAULT_MESSAGES.get(fault.status, "Error"),
                               reason=fault.reason, headers=headers)
        book = self.spreadsheets.get(spreadsheet_id)
        if spreadsheet_id not in (CREATE, "") and (book is None or book.deleted):
            raise ApiError(404, _DEFAULT_MESSAGES[404] if kind.startswith(("spreadsheets", "values"))
                           else f"File not found: {spreadsheet_id}.", reason="notFound")
        if book is not None and book.revoked:
            raise ApiError(403, _DEFAULT_MESSAGES[403], reason="insufficientFilePermissions")

    def _book(self, args: list[str]) -> FakeSpreadsheet:
        return self.spreadsheets[args[0]]

    def _new_spreadsheet(self, title: str, owner: str | None = None) -> FakeSpreadsheet:
        number = next(self._ids)
        key = f"1FakeSheet{number:04d}xlsyncTestKey"
        now = _now()
        book = FakeSpreadsheet(key, title, owner or self.account_email, created=now)
        book.record_edit(owner or self.account_email, now)
        book.permissions.append({"id": "owner", "type": "user", "role": "owner",
                                 "emailAddress": owner or self.account_email})
        self.spreadsheets[key] = book
        return book

    # -- Sheets: spreadsheets --
    def _spreadsheets_create(self, args: list[str], query: Json, body: Json) -> Json:
        body = body or {}
        props = body.get("properties", {})
        book = self._new_spreadsheet(props.get("title", "Untitled spreadsheet"))
        book.locale = props.get("locale", book.locale)
        book.time_zone = props.get("timeZone", book.time_zone)
        for index, sheet_json in enumerate(body.get("sheets") or [{"properties": {"sheetId": 0, "title": "Sheet1"}}]):
            p = sheet_json.get("properties", {})
            sheet = FakeSheet(p.get("sheetId", index), p.get("title", f"Sheet{index + 1}"), index=index)
            sheet.hidden = bool(p.get("hidden", False))
            grid = p.get("gridProperties", {})
            sheet.rows, sheet.columns = grid.get("rowCount", DEFAULT_ROWS), grid.get("columnCount", DEFAULT_COLUMNS)
            if sheet_json.get("data"):
                raise bad_request("this fake takes grid data through batchUpdate, not create")
            book.sheets.append(sheet)
        return self._spreadsheet_json(book, include_grid=False, ranges=[])

    def _spreadsheets_get(self, args: list[str], query: Json, body: Any) -> Json:
        book = self._book(args)
        include = _flag(query, "includeGridData")
        result = self._spreadsheet_json(book, include_grid=include, ranges=query.get("ranges", []))
        return select_fields(result, parse_partial_fields(_one(query, "fields")))

    def _spreadsheet_json(self, book: FakeSpreadsheet, *, include_grid: bool, ranges: list[str]) -> Json:
        boxes = [_parse_range(book, r) for r in ranges]
        sheets = []
        for sheet in sorted(book.sheets, key=lambda s: s.index):
            wanted = [box for s, box in boxes if s is sheet]
            if boxes and not wanted:
                continue
            sheet_json: Json = {"properties": sheet.properties()}
            if include_grid:
                sheet_json["data"] = [_grid_json(sheet, box) for box in (wanted or [None])]
            if sheet.merges:
                sheet_json["merges"] = copy.deepcopy(sheet.merges)
            if sheet.protected_ranges:
                sheet_json["protectedRanges"] = copy.deepcopy(sheet.protected_ranges)
            sheets.append(sheet_json)
        return {
            "spreadsheetId": book.spreadsheet_id,
            "properties": {"title": book.title, "locale": book.locale, "timeZone": book.time_zone,
                           "autoRecalc": "ON_CHANGE"},
            "sheets": sheets,
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{book.spreadsheet_id}/edit",
        }

    def _spreadsheets_batchUpdate(self, args: list[str], query: Json, body: Json) -> Json:
        book = self._book(args)
        requests_json = (body or {}).get("requests")
        if not isinstance(requests_json, list) or not requests_json:
            raise bad_request("Must specify at least one request.")
        draft = copy.deepcopy(book)  # all or nothing, as Google does
        replies = [apply_request(draft, request) for request in requests_json]
        self.spreadsheets[book.spreadsheet_id] = draft
        draft.record_edit(self.account_email)
        return {"spreadsheetId": book.spreadsheet_id, "replies": replies}

    # -- Sheets: values --
    def _values_get(self, args: list[str], query: Json, body: Any) -> Json:
        return _value_range(self._book(args), args[1], _one(query, "valueRenderOption") or "FORMATTED_VALUE")

    def _values_batchGet(self, args: list[str], query: Json, body: Any) -> Json:
        book = self._book(args)
        render = _one(query, "valueRenderOption") or "FORMATTED_VALUE"
        return {"spreadsheetId": book.spreadsheet_id,
                "valueRanges": [_value_range(book, r, render) for r in query.get("ranges", [])]}

    def _values_update(self, args: list[str], query: Json, body: Json) -> Json:
        option = _one(query, "valueInputOption")
        if option not in ("RAW", "USER_ENTERED"):
            raise bad_request("Invalid valueInputOption")
        written = _write_values(self._book(args), args[1], (body or {}).get("values", []), option)
        self._book(args).record_edit(self.account_email)
        return written

    def _values_batchUpdate(self, args: list[str], query: Json, body: Json) -> Json:
        option = (body or {}).get("valueInputOption")
        if option not in ("RAW", "USER_ENTERED"):
            raise bad_request("Invalid valueInputOption")
        book = self._book(args)
        responses = [_write_values(book, d["range"], d.get("values", []), option) for d in body.get("data", [])]
        book.record_edit(self.account_email)
        return {"spreadsheetId": book.spreadsheet_id, "responses": responses,
                "totalUpdatedCells": sum(r["updatedCells"] for r in responses)}

    # -- Drive --
    def _drive_files_create(self, args: list[str], query: Json, body: Json) -> Json:
        if (body or {}).get("mimeType") != SHEETS_MIME:
            raise bad_request("this fake only creates Google Sheets files")
        book = self._new_spreadsheet(body.get("name", "Untitled spreadsheet"))
        book.parents = list(body.get("parents", []))
        book.sheets.append(FakeSheet(0, "Sheet1"))
        return {"kind": "drive#file", "id": book.spreadsheet_id, "name": book.title, "mimeType": SHEETS_MIME}

    def _drive_files_list(self, args: list[str], query: Json, body: Any) -> Json:
        name = re.search(r'name\s*=\s*"([^"]*)"', _one(query, "q"))
        files = [self._file_json(b) for b in self.live_spreadsheets() if not b.revoked
                 and (name is None or b.title == name.group(1))]
        return {"kind": "drive#fileList", "files": files}

    def _drive_files_get(self, args: list[str], query: Json, body: Any) -> Json:
        found = self._file_json(self._book(args))
        if not _one(query, "fields"):  # Drive's default answer: no times
            return {key: found[key] for key in ("kind", "id", "name", "mimeType")}
        return select_fields(found, parse_partial_fields(_one(query, "fields")))

    def _drive_revisions_list(self, args: list[str], query: Json, body: Any) -> Json:
        book = self._book(args)
        size = int(_one(query, "pageSize") or 200)
        if not 1 <= size <= 1000:
            raise bad_request("Invalid value for pageSize")
        start = int(_one(query, "pageToken") or 0)
        revisions = [{"kind": "drive#revision", "id": r["id"], "mimeType": SHEETS_MIME,
                      "modifiedTime": r["modifiedTime"], "lastModifyingUser": self._user_json(r["by"])}
                     for r in book.revisions[start:start + size]]
        answer: Json = {"kind": "drive#revisionList", "revisions": revisions}
        if start + size < len(book.revisions):
            answer["nextPageToken"] = str(start + size)
        return select_fields(answer, parse_partial_fields(_one(query, "fields")))

    def _file_json(self, book: FakeSpreadsheet) -> Json:
        return {"kind": "drive#file", "id": book.spreadsheet_id, "name": book.title, "mimeType": SHEETS_MIME,
                "createdTime": book.created, "modifiedTime": book.modified,
                "lastModifyingUser": self._user_json(book.modified_by)}

    def _user_json(self, email: str) -> Json:
        return {"kind": "drive#user", "displayName": email.split("@")[0], "emailAddress": email,
                "me": email == self.account_email}

    def _drive_files_delete(self, args: list[str], query: Json, body: Any) -> Json:
        self._book(args).deleted = True
        return {}

    def _drive_permissions_create(self, args: list[str], query: Json, body: Json) -> Json:
        book = self._book(args)
        body = body or {}
        if body.get("type") not in ("user", "group", "domain", "anyone"):
            raise bad_request("Invalid permission type")
        if body.get("role") not in ("owner", "writer", "commenter", "reader"):
            raise bad_request("Invalid permission role")
        email = body.get("emailAddress", "")
        if body["type"] in ("user", "group") and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email):
            raise bad_request(f"Invalid sharing request: {email!r} is not an email address")
        permission = {"id": f"perm{len(book.permissions)}", "kind": "drive#permission", "type": body["type"],
                      "role": body["role"], "emailAddress": email,
                      "sendNotificationEmail": _one(query, "sendNotificationEmail") or "true",
                      "emailMessage": _one(query, "emailMessage")}
        book.permissions.append(permission)
        return {k: permission[k] for k in ("id", "kind", "type", "role")}

    def _drive_permissions_list(self, args: list[str], query: Json, body: Any) -> Json:
        return {"permissions": copy.deepcopy(self._book(args).permissions)}

    def _drive_permissions_delete(self, args: list[str], query: Json, body: Any) -> Json:
        book = self._book(args)
        book.permissions = [p for p in book.permissions if p["id"] != args[1]]
        return {}


# --- batchUpdate requests -------------------------------------------------------------------


def apply_request(book: FakeSpreadsheet, request: Json) -> Json:
    if not isinstance(request, dict) or len(request) != 1:
        raise bad_request("Each request must set exactly one kind")
    kind, payload = next(iter(request.items()))
    handler: Callable[[FakeSpreadsheet, Json], Json] | None = _REQUEST_HANDLERS.get(kind)
    if handler is None:
        raise bad_request(f"Unknown or unsupported request kind {kind!r}")
    return handler(book, payload)


def _update_cells(book: FakeSpreadsheet, payload: Json) -> Json:
    if "start" in payload:
        start = payload["start"]
        sheet = book.sheet_by_id(start.get("sheetId", 0))
        row0, col0 = start.get("rowIndex", 0), start.get("columnIndex", 0)
    else:
        sheet = book.sheet_by_id(payload["range"].get("sheetId", 0))
        row0, col0 = payload["range"].get("startRowIndex", 0), payload["range"].get("startColumnIndex", 0)
    mask = payload.get("fields", "")
    for r, row in enumerate(payload.get("rows", [])):
        for c, cell in enumerate(row.get("values", [])):
            _check_cell(cell)
            _check_inside(sheet, row0 + r, col0 + c)
            target = sheet.cells.setdefault((row0 + r, col0 + c), {})
            apply_mask(target, cell, mask, CELL_FIELDS)
    return {}


def _repeat_cell(book: FakeSpreadsheet, payload: Json) -> Json:
    sheet, (r0, c0, r1, c1) = _grid_range(book, payload["range"])
    _check_cell(payload["cell"])
    for row in range(r0, r1):
        for col in range(c0, c1):
            apply_mask(sheet.cells.setdefault((row, col), {}), payload["cell"], payload.get("fields", ""), CELL_FIELDS)
    return {}


def _set_data_validation(book: FakeSpreadsheet, payload: Json) -> Json:
    sheet, (r0, c0, r1, c1) = _grid_range(book, payload["range"])
    rule = payload.get("rule")
    if rule is not None and rule.get("condition", {}).get("type") == "ONE_OF_LIST" and not rule["condition"].get("values"):
        raise bad_request("ONE_OF_LIST needs values")
    for row in range(r0, r1):
        for col in range(c0, c1):
            cell = sheet.cells.setdefault((row, col), {})
            if rule is None:
                cell.pop("dataValidation", None)
            else:
                cell["dataValidation"] = copy.deepcopy(rule)
    return {}


def _add_protected_range(book: FakeSpreadsheet, payload: Json) -> Json:
    protected = copy.deepcopy(payload["protectedRange"])
    if protected.get("warningOnly") and protected.get("editors"):
        raise bad_request("Editors are not supported with warningOnly protection")
    sheet, _ = _grid_range(book, protected["range"])
    for unprotected in protected.get("unprotectedRanges", []):
        other, _ = _grid_range(book, unprotected)
        if other is not sheet:
            raise bad_request("unprotectedRanges must be on the protected sheet")
    protected["protectedRangeId"] = book._next_protected_id
    book._next_protected_id += 1
    protected.setdefault("editors", {"users": [book.owner]})
    sheet.protected_ranges.append(protected)
    return {"addProtectedRange": {"protectedRange": copy.deepcopy(protected)}}


def _add_sheet(book: FakeSpreadsheet, payload: Json) -> Json:
    props = payload.get("properties", {})
    title = props.get("title") or f"Sheet{len(book.sheets) + 1}"
    if any(s.title == title for s in book.sheets):
        raise bad_request(f'A sheet with the name "{title}" already exists.')
    sheet_id = props.get("sheetId", max((s.sheet_id for s in book.sheets), default=0) + 1)
    if any(s.sheet_id == sheet_id for s in book.sheets):
        raise bad_request(f"A sheet with the id {sheet_id} already exists.")
    grid = props.get("gridProperties", {})
    sheet = FakeSheet(sheet_id, title, index=props.get("index", len(book.sheets)), hidden=bool(props.get("hidden")),
                      rows=grid.get("rowCount", DEFAULT_ROWS), columns=grid.get("columnCount", DEFAULT_COLUMNS),
                      frozen_rows=grid.get("frozenRowCount", 0))
    if len(book.sheets) == sum(1 for s in book.sheets if s.hidden) and sheet.hidden:
        raise bad_request("You can't hide all the sheets in a document.")
    book.sheets.append(sheet)
    _reindex(book, sheet)
    return {"addSheet": {"properties": sheet.properties()}}


def _update_sheet_properties(book: FakeSpreadsheet, payload: Json) -> Json:
    props = payload["properties"]
    sheet = book.sheet_by_id(props.get("sheetId", 0))
    title = props.get("title")
    if title and any(s.title == title and s is not sheet for s in book.sheets):
        raise bad_request(f'A sheet with the name "{title}" already exists.')
    sheet.set_properties(props, payload.get("fields", ""))
    _reindex(book, sheet)
    return {}


def _update_spreadsheet_properties(book: FakeSpreadsheet, payload: Json) -> Json:
    current = {"title": book.title, "locale": book.locale, "timeZone": book.time_zone}
    apply_mask(current, payload["properties"], payload.get("fields", ""), {"title", "locale", "timeZone"})
    book.title, book.locale, book.time_zone = current["title"], current["locale"], current["timeZone"]
    return {}


def _merge_cells(book: FakeSpreadsheet, payload: Json) -> Json:
    sheet, box = _grid_range(book, payload["range"])
    for merge in sheet.merges:
        other = (merge["startRowIndex"], merge["startColumnIndex"], merge["endRowIndex"], merge["endColumnIndex"])
        if box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]:
            raise bad_request("You can't merge cells that overlap an existing merge")
    r0, c0, r1, c1 = box
    sheet.merges.append({"sheetId": sheet.sheet_id, "startRowIndex": r0, "endRowIndex": r1,
                         "startColumnIndex": c0, "endColumnIndex": c1})
    return {}


def _update_dimension_properties(book: FakeSpreadsheet, payload: Json) -> Json:
    span = payload["range"]
    sheet = book.sheet_by_id(span.get("sheetId", 0))
    if payload.get("fields") != "pixelSize" or span.get("dimension") not in ("ROWS", "COLUMNS"):
        raise bad_request("this fake supports pixelSize of ROWS/COLUMNS only")
    limit = sheet.columns if span["dimension"] == "COLUMNS" else sheet.rows
    if not 0 <= span.get("startIndex", 0) < span.get("endIndex", limit) <= limit:
        raise bad_request("Invalid dimension range")
    if span["dimension"] == "COLUMNS":
        for col in range(span.get("startIndex", 0), span.get("endIndex", limit)):
            sheet.column_pixels[col] = payload["properties"]["pixelSize"]
    return {}


def _update_borders(book: FakeSpreadsheet, payload: Json) -> Json:
    sheet, _ = _grid_range(book, payload["range"])
    sheet.borders.append(copy.deepcopy(payload))
    return {}


_REQUEST_HANDLERS: dict[str, Callable[[FakeSpreadsheet, Json], Json]] = {
    "updateCells": _update_cells,
    "repeatCell": _repeat_cell,
    "setDataValidation": _set_data_validation,
    "addProtectedRange": _add_protected_range,
    "addSheet": _add_sheet,
    "updateSheetProperties": _update_sheet_properties,
    "updateSpreadsheetProperties": _update_spreadsheet_properties,
    "mergeCells": _merge_cells,
    "updateDimensionProperties": _update_dimension_properties,
    "updateBorders": _update_borders,
}


def _reindex(book: FakeSpreadsheet, moved: FakeSheet) -> None:
    others = sorted((s for s in book.sheets if s is not moved), key=lambda s: s.index)
    others.insert(min(moved.index, len(others)), moved)
    for index, sheet in enumerate(others):
        sheet.index = index


def _check_cell(cell: Json) -> None:
    unknown = set(cell) - CELL_FIELDS
    if unknown:
        raise bad_request(f"Invalid JSON payload: unknown CellData field(s) {sorted(unknown)}")
    unknown_format = set(cell.get("userEnteredFormat", {})) - FORMAT_FIELDS
    if unknown_format:
        raise bad_request(f"Invalid JSON payload: unknown CellFormat field(s) {sorted(unknown_format)}")
    colour = cell.get("userEnteredFormat", {}).get("backgroundColor")
    if colour is not None and (set(colour) - {"red", "green", "blue", "alpha"}
                               or not all(0 <= v <= 1 for v in colour.values())):
        raise bad_request(f"Invalid colour {colour}")
    entered = cell.get("userEnteredValue")
    if entered is not None and (len(entered) != 1 or not set(entered) <= VALUE_KINDS):
        raise bad_request(f"Invalid ExtendedValue {entered}")


def _check_inside(sheet: FakeSheet, row: int, col: int) -> None:
    if not (0 <= row < sheet.rows and 0 <= col < sheet.columns):
        raise bad_request(f"Range ({sheet.title}!{cell_address(row, col)}) exceeds grid limits. "
                          f"Max rows: {sheet.rows}, max columns: {sheet.columns}")


def _grid_range(book: FakeSpreadsheet, grid_range: Json) -> tuple[FakeSheet, tuple[int, int, int, int]]:
    sheet = book.sheet_by_id(grid_range.get("sheetId", 0))
    r0, r1 = grid_range.get("startRowIndex", 0), grid_range.get("endRowIndex", sheet.rows)
    c0, c1 = grid_range.get("startColumnIndex", 0), grid_range.get("endColumnIndex", sheet.columns)
    if not (0 <= r0 < r1 <= sheet.rows and 0 <= c0 < c1 <= sheet.columns):
        raise bad_request(f"Invalid grid range {grid_range} on a {sheet.rows}x{sheet.columns} grid")
    return sheet, (r0, c0, r1, c1)


# --- cells and values ----------------------------------------------------------------------------


def _extended(value: Any) -> Json:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float)):
        return {"numberValue": value}
    return {"stringValue": str(value)}


def _effective(cell: Json) -> Json | None:
    if "effectiveValue" in cell:
        return cell["effectiveValue"]
    entered = cell.get("userEnteredValue")
    if entered is None or "formulaValue" in entered:
        return None
    return entered


def _formatted(effective: Json | None) -> str:
    if not effective:
        return ""
    if "stringValue" in effective:
        return effective["stringValue"]
    if "boolValue" in effective:
        return "TRUE" if effective["boolValue"] else "FALSE"
    if "numberValue" in effective:
        number = effective["numberValue"]
        return str(int(number)) if float(number).is_integer() else repr(float(number))
    return "#ERROR!"


def _cell_json(cell: Json) -> Json:
    out: Json = {}
    if "userEnteredValue" in cell:
        out["userEnteredValue"] = copy.deepcopy(cell["userEnteredValue"])
    effective = _effective(cell)
    if effective is not None:
        out["effectiveValue"] = copy.deepcopy(effective)
        out["formattedValue"] = _formatted(effective)
    if "userEnteredFormat" in cell:
        out["userEnteredFormat"] = copy.deepcopy(cell["userEnteredFormat"])
        out["effectiveFormat"] = copy.deepcopy(cell["userEnteredFormat"])
    for key in ("note", "dataValidation"):
        if key in cell:
            out[key] = copy.deepcopy(cell[key])
    return out


def _grid_json(sheet: FakeSheet, box: tuple[int, int, int, int] | None) -> Json:
    r0, c0, r1, c1 = box or (0, 0, sheet.rows, sheet.columns)
    used = [(r, c) for (r, c), cell in sheet.cells.items() if cell and r0 <= r < r1 and c0 <= c < c1]
    grid: Json = {"startRow": r0, "startColumn": c0}
    if not used:
        return grid
    last_row = max(r for r, _ in used)
    rows = []
    for r in range(r0, last_row + 1):
        columns = [c for rr, c in used if rr == r]
        if not columns:
            rows.append({})
            continue
        rows.append({"values": [_cell_json(sheet.cells.get((r, c), {})) for c in range(c0, max(columns) + 1)]})
    grid["rowData"] = rows
    grid["columnMetadata"] = [{"pixelSize": sheet.column_pixels.get(c, 100)} for c in range(c0, c1)]
    return grid


_CELLS = re.compile(r"^([A-Z]+[0-9]+)(?::([A-Z]+[0-9]+))?$")


def _parse_range(book: FakeSpreadsheet, text: str) -> tuple[FakeSheet, tuple[int, int, int, int]]:
    """"'Báo cáo'!D11", "Sheet1!A1:B2", "A1:B2" (first sheet) or "Sheet1" → sheet and box (ends exclusive)."""
    text = text.strip()
    if "!" in text:
        name, cells = text.rsplit("!", 1)
    elif _CELLS.match(text):
        name, cells = None, text
    else:
        name, cells = text, ""
    if name is not None and len(name) > 1 and name.startswith("'") and name.endswith("'"):
        name = name[1:-1].replace("''", "'")
    sheet = book.sheets[0] if name is None else next((s for s in book.sheets if s.title == name), None)
    if sheet is None:
        raise bad_request(f"Unable to parse range: {text}")
    if not cells:
        return sheet, (0, 0, sheet.rows, sheet.columns)
    match = _CELLS.match(cells)
    if match is None:
        raise bad_request(f"Unable to parse range: {text} (this fake takes A1 or A1:B2 boxes)")
    r0, c0 = parse_address(match.group(1))
    r1, c1 = parse_address(match.group(2) or match.group(1))
    return sheet, (r0, c0, r1 + 1, c1 + 1)


def _range_name(sheet: FakeSheet, box: tuple[int, int, int, int]) -> str:
    r0, c0, r1, c1 = box
    title = "'" + sheet.title.replace("'", "''") + "'"
    return f"{title}!{column_letter(c0)}{r0 + 1}:{column_letter(c1 - 1)}{r1}"


def _value_range(book: FakeSpreadsheet, text: str, render: str) -> Json:
    sheet, box = _parse_range(book, text)
    r0, c0, r1, c1 = box
    rows: list[list[Any]] = []
    for r in range(r0, min(r1, sheet.rows)):
        row = []
        for c in range(c0, min(c1, sheet.columns)):
            effective = _effective(sheet.cells.get((r, c), {}))
            if render == "FORMATTED_VALUE" or not effective:
                row.append(_formatted(effective))
            else:
                row.append(next(iter(effective.values())))
        while row and row[-1] == "":
            row.pop()
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    result: Json = {"range": _range_name(sheet, box), "majorDimension": "ROWS"}
    if rows:
        result["values"] = rows
    return result


def _typed(value: Any, option: str, cell: Json) -> Json | None:
    if value is None or value == "":
        return None
    if option == "RAW" or not isinstance(value, str):
        return _extended(value)
    if cell.get("userEnteredFormat", {}).get("numberFormat", {}).get("type") == "TEXT":
        return {"stringValue": value}
    if value.startswith("="):
        return {"formulaValue": value}
    if value.upper() in ("TRUE", "FALSE"):
        return {"boolValue": value.upper() == "TRUE"}
    if re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", value):
        return {"numberValue": float(value)}
    return {"stringValue": value}


def _write_values(book: FakeSpreadsheet, text: str, values: list[list[Any]], option: str) -> Json:
    sheet, (r0, c0, _, _) = _parse_range(book, text)
    count = 0
    for r, row in enumerate(values):
        for c, value in enumerate(row):
            _check_inside(sheet, r0 + r, c0 + c)
            cell = sheet.cells.setdefault((r0 + r, c0 + c), {})
            cell.pop("effectiveValue", None)
            entered = _typed(value, option, cell)
            if entered is None:
                cell.pop("userEnteredValue", None)
            else:
                cell["userEnteredValue"] = entered
            count += 1
    width = max((len(row) for row in values), default=0)
    return {"spreadsheetId": book.spreadsheet_id, "updatedRange": _range_name(
        sheet, (r0, c0, r0 + max(len(values), 1), c0 + max(width, 1))),
            "updatedRows": len(values), "updatedColumns": width, "updatedCells": count}


def _now() -> str:
    return _google_time(datetime.now(timezone.utc))


def _google_time(moment: datetime) -> str:
    """A time as Drive writes it: UTC, milliseconds, "Z"."""
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _one(query: Json, name: str) -> str:
    values = query.get(name) or [""]
    return values[0]


def _flag(query: Json, name: str) -> bool:
    return _one(query, name).lower() in ("true", "1")


# --- HTTP -----------------------------------------------------------------------------------------


def _handler_for(fake: FakeGoogle) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in two writes: avoid a 40 ms stall per request

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except json.JSONDecodeError:
                body = None
            host = self.headers.get(ORIGINAL_HOST_HEADER, "")
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, payload, extra = fake.handle(self.command, host, parts.path, parse_qs(parts.query), body, headers)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

    return Handler


# --- pointing gspread at the fake -------------------------------------------------------------------


class LoopbackAdapter(HTTPAdapter):
    """Sends requests for Google's API hosts to the fake, saying which host they were meant for."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        parts = urlsplit(request.url)
        request.headers[ORIGINAL_HOST_HEADER] = parts.hostname or ""
        request.url = self.base_url + parts.path + (f"?{parts.query}" if parts.query else "")
        return super().send(request, **kwargs)


def redirect_session(session: requests.Session, fake: FakeGoogle) -> None:
    adapter = LoopbackAdapter(fake.base_url)
    for host in (SHEETS_HOST, DRIVE_HOST):
        session.mount(f"https://{host}/", adapter)


def client_for(fake: FakeGoogle, credentials: Any = None) -> gspread.Client:
    """A real gspread client whose requests go to the fake."""
    client = gspread.Client(auth=credentials or Credentials(token="test"))
    redirect_session(client.http_client.session, fake)
    client.set_timeout((5, 10))
    return client
