"""Pushing report sheets: one Google spreadsheet per unit, set up and shared, kept in the register.

Request budget: create + one ``batchUpdate`` + one permission for a new unit;
one metadata read for a unit already in the register.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

import gspread
from gspread.urls import DRIVE_FILES_API_V3_URL, SPREADSHEETS_API_V4_BASE_URL
from gspread.utils import MimeType

from xlsync.core.issues import CannotRun, Issue, make_issue
from xlsync.core.messages import text
from xlsync.core.plan import Plan, Unit, split_addresses
from xlsync.core.template import META_SHEET, ReportLayout, report_layout
from xlsync.core.text import label_key
from xlsync.io.gsheets.client import call_api
from xlsync.io.gsheets.names import sheet_url, source_name
from xlsync.io.gsheets.registry import RegistryEntry, SheetRegistry
from xlsync.io.gsheets.template import Json, create_body, setup_requests, spreadsheet_title
from xlsync.io.retry import DEFAULT_RETRY, RetryPolicy


@dataclass(frozen=True, slots=True)
class PushedSheet:
    unit_code: str
    spreadsheet_id: str
    url: str
    created: bool  # False: the unit's registered sheet already existed and was left as it is
    shared_with: str  # the email it is shared with as editor ("" if not shared)


def push_report(
    client: gspread.Client,
    plan: Plan,
    unit: Unit,
    period: str | None = None,
    *,
    share: bool,
    registry: SheetRegistry,
    folder_id: str | None = None,
    policy: RetryPolicy = DEFAULT_RETRY,
    now: datetime | None = None,
) -> PushedSheet:
    """Make the unit's report spreadsheet, share it with each address of ``unit.emails`` and register its ID.

    A unit whose registered spreadsheet still exists is left untouched (only
    a missing share is added), so re-running never duplicates a sheet nor
    touches what a village typed.  A registered sheet that was deleted is
    made again.  ``folder_id`` creates the file in that Drive folder (a
    shared drive: service accounts cannot own files in their own Drive).
    """
    layout = report_layout(plan, unit, period)
    label = _label(unit)
    entry, ready = _registered(client, registry.get(unit.code), label, policy)
    created = entry is None
    if entry is None:
        key = _create(client, layout, folder_id, policy)
        stamp = (now or datetime.now()).strftime("%Y-%m-%d %H:%M")
        entry = RegistryEntry(unit.code, unit.name, key, sheet_url(key), stamp)
        registry.put(entry)  # at once: whatever fails next, the ID is not lost
    key = entry.spreadsheet_id
    if not ready:
        body = {"requests": setup_requests(layout)}
        call_api(lambda: client.http_client.batch_update(key, body),
                 client=client, spreadsheet=label, policy=policy)
    if share:
        shared = split_addresses(entry.shared_with)
        for address in unit.emails:
            if label_key(address) not in {label_key(done) for done in shared}:
                _share(client, key, unit, address, layout.period, policy)
                shared.append(address)
                entry = entry.shared("; ".join(shared))
                registry.put(entry)  # each share as it is made: a refusal further on loses none of them
    return PushedSheet(unit.code, key, entry.url or sheet_url(key), created, entry.shared_with)


def push_reports(
    client: gspread.Client,
    plan: Plan,
    units: Iterable[Unit],
    period: str | None = None,
    *,
    share: bool,
    registry: SheetRegistry,
    folder_id: str | None = None,
    policy: RetryPolicy = DEFAULT_RETRY,
) -> tuple[list[PushedSheet], list[Issue]]:
    """:func:`push_report` for many units; one unit's failure is a record, the others go on."""
    pushed: list[PushedSheet] = []
    issues: list[Issue] = []
    for unit in units:
        try:
            result = push_report(client, plan, unit, period, share=share, registry=registry,
                                 folder_id=folder_id, policy=policy)
        except CannotRun as err:
            issues.append(err.as_issue(file=_label(unit)))
            continue
        pushed.append(result)
        if share and not unit.emails:
            issues.append(make_issue("gsheet-no-email", file=source_name(result.spreadsheet_id),
                                     unit=unit.code, name=unit.name, url=result.url))
    return pushed, issues


def _label(unit: Unit) -> str:
    return f"{unit.name} ({unit.code})"


def _registered(
    client: gspread.Client, entry: RegistryEntry | None, label: str, policy: RetryPolicy
) -> tuple[RegistryEntry | None, bool]:
    """The unit's registered spreadsheet if it still exists, and whether it is already set up.

    One metadata read.  The setup batchUpdate is atomic, so the presence of
    the ``_xlsync`` sheet means it ran.  A deleted spreadsheet counts as none.
    """
    if entry is None:
        return None, False
    params = {"includeGridData": "false", "fields": "sheets(properties(title))"}
    response = call_api(lambda: client.http_client.fetch_sheet_metadata(entry.spreadsheet_id, params=params),
                        client=client, spreadsheet=label, policy=policy, missing_ok=True)
    if response is None:
        return None, False
    titles = {str(s.get("properties", {}).get("title", "")) for s in response.get("sheets", [])}
    return entry, META_SHEET in titles


def _create(client: gspread.Client, layout: ReportLayout, folder_id: str | None, policy: RetryPolicy) -> str:
    title = spreadsheet_title(layout)
    if folder_id:
        # Drive creates the file inside the folder; its first sheet gets ID 0 like any new spreadsheet.
        body: Json = {"name": title, "mimeType": MimeType.google_sheets, "parents": [folder_id]}
        response = call_api(
            lambda: client.http_client.request("post", DRIVE_FILES_API_V3_URL, json=body,
                                               params={"supportsAllDrives": "true"}),
            client=client, spreadsheet=title, policy=policy)
        return str(response.json()["id"])
    body = create_body(layout)
    response = call_api(lambda: client.http_client.request("post", SPREADSHEETS_API_V4_BASE_URL, json=body),
                        client=client, spreadsheet=title, policy=policy)
    return str(response.json()["spreadsheetId"])


def _share(client: gspread.Client, key: str, unit: Unit, address: str, period: str, policy: RetryPolicy) -> None:
    message = text("gsheet-share-message", "vi", period=period, unit=unit.name)
    try:
        call_api(lambda: client.http_client.insert_permission(key, address, perm_type="user", role="writer",
                                                              notify=True, email_message=message),
                 client=client, spreadsheet=_label(unit), policy=policy)
    except CannotRun as err:
        if err.code != "gsheet-rejected":
            raise
        # A 400 here is nearly always the address itself (not a Google account, a typo).
        raise CannotRun("gsheet-share-failed", spreadsheet=_label(unit), email=address,
                        status=err.params.get("status", ""), detail=err.params.get("detail", "")) from None
