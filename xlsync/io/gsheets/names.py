"""Naming Google spreadsheets: ``gsheet:<id>``, sheet URLs and bare IDs.

Kept apart from the API client so that recognising a sheet among the
sources costs nothing when a run has only files.
"""

from __future__ import annotations

import re

from xlsync.core.issues import CannotRun
from xlsync.core.sheets import GOOGLE_SHEET_PREFIX

SOURCE_PREFIX = GOOGLE_SHEET_PREFIX
SHEET_URL = "https://docs.google.com/spreadsheets/d/{key}/edit"

_KEY = re.compile(r"^[A-Za-z0-9_-]{10,}$")
_URL_KEY = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]+)")


def is_gsheet_source(text: str) -> bool:
    """True for ``gsheet:<id>`` and Google Sheets URLs (what ``consolidate`` accepts besides files)."""
    text = text.strip()
    return text.startswith(SOURCE_PREFIX) or bool(_URL_KEY.search(text) and "docs.google.com" in text)


def spreadsheet_key(text: str) -> str:
    """The spreadsheet ID in ``gsheet:<id>``, a sheet URL or a bare ID."""
    text = text.strip()
    if text.startswith(SOURCE_PREFIX):
        text = text[len(SOURCE_PREFIX):].strip()
    found = _URL_KEY.search(text)
    if found:
        return found.group(1)
    if _KEY.match(text):
        return text
    raise CannotRun("gsheet-not-found", spreadsheet=text)


def source_name(key: str) -> str:
    """How a spreadsheet is named in records (``Issue.file``) and in ``WorkbookData.source``."""
    return f"{SOURCE_PREFIX}{key}"


def sheet_url(key: str) -> str:
    return SHEET_URL.format(key=key)
