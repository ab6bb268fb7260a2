"""Talking to Google: credentials, spreadsheet keys, bounded retries, errors as messages.

Every call xlsync makes to the Sheets or Drive API goes through
:func:`call_api`, which retries quota (429) and server (5xx) failures with
exponential back-off and jitter inside a budget of attempts and seconds,
then turns what is left into a :class:`CannotRun` naming the spreadsheet.
gspread's own ``BackOffHTTPClient`` is not used: it retries a persistent
429 without end.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TypeVar

import gspread
import requests
from google.auth import exceptions as auth_exceptions
from gspread.exceptions import APIError

from xlsync.core.issues import CannotRun
from xlsync.io.retry import DEFAULT_RETRY, RetryPolicy

CREDENTIALS_ENV = "XLSYNC_GOOGLE_CREDENTIALS"
# (connect, read) seconds: a silent server must not hold a run forever.
REQUEST_TIMEOUT = (10.0, 60.0)

# Drive reports its rate limits as 403 with one of these reasons.
_RATE_LIMIT_REASONS = {"rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED"}

T = TypeVar("T")


# --- credentials --------------------------------------------------------------


def make_client(credentials_path: str | os.PathLike[str] | None = None) -> gspread.Client:
    """A gspread client from a service account key or a desktop OAuth client file.

    The path comes from the argument, else ``XLSYNC_GOOGLE_CREDENTIALS``, else
    gspread's default OAuth client file (``~/.config/gspread/credentials.json``).
    A desktop OAuth client opens the browser once and keeps the token where
    gspread keeps it.  Nothing read from the file is ever printed.
    """
    chosen = credentials_path or os.environ.get(CREDENTIALS_ENV) or None
    path = Path(chosen) if chosen else gspread.auth.DEFAULT_CREDENTIALS_FILENAME
    if not path.is_file():
        raise CannotRun("gsheet-no-credentials")
    kind = _credentials_kind(path)
    try:
        if kind == "service_account":
            client = gspread.service_account(filename=str(path))
        else:
            client = gspread.oauth(credentials_filename=str(path))
    except (ValueError, KeyError, auth_exceptions.GoogleAuthError) as err:
        # The exception text may quote the key file: name only its type.
        raise CannotRun("gsheet-bad-credentials", file=str(path), detail=type(err).__name__) from None
    client.set_timeout(REQUEST_TIMEOUT)
    return client


def _credentials_kind(path: Path) -> str:
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CannotRun("gsheet-bad-credentials", file=str(path), detail=type(err).__name__) from None
    if not isinstance(content, dict):
        raise CannotRun("gsheet-bad-credentials", file=str(path), detail="JSON")
    if content.get("type") == "service_account":
        return "service_account"
    if "installed" in content or "web" in content:
        return "oauth_client"
    raise CannotRun("gsheet-bad-credentials", file=str(path), detail="type")


def account_email(client: gspread.Client) -> str:
    """The service account's email (what a sheet must be shared with), or "" for a person's login."""
    auth = getattr(client.http_client, "auth", None)
    return str(getattr(auth, "service_account_email", "") or "")


@dataclass(frozen=True, slots=True)
class _Failure:
    kind: str  # quota | server | unreachable | storage | forbidden | not-found | auth | rejected
    status: str
    detail: str
    retry_after: float | None = None

    @property
    def retryable(self) -> bool:
        return self.kind in ("quota", "server", "unreachable")


def call_api(
    action: Callable[[], T],
    *,
    client: gspread.Client,
    spreadsheet: str,
    policy: RetryPolicy = DEFAULT_RETRY,
    missing_ok: bool = False,
) -> T | None:
    """Run one API call with bounded retries; failures become :class:`CannotRun`.

    ``spreadsheet`` names the sheet in messages.  With ``missing_ok`` a 404
    returns None instead of raising.
    """
    started = policy.clock()
    failures = 0
    while True:
        try:
            return action()
        except APIError as err:
            failure = _api_failure(err)
        except (requests.ConnectionError, requests.Timeout, auth_exceptions.TransportError) as err:
            failure = _Failure("unreachable", "", type(err).__name__)
        except auth_exceptions.RefreshError as err:
            failure = _Failure("auth", "", _first_line(err))
        if failure.kind == "not-found" and missing_ok:
            return None
        failures += 1
        if failure.retryable and failures < policy.max_attempts:
            wait = policy.delay(failures, failure.retry_after)
            if policy.clock() - started + wait <= policy.max_seconds:
                policy.sleep(wait)
                continue
        raise _cannot_run(failure, client, spreadsheet, failures, policy.clock() - started)


def _api_failure(err: APIError) -> _Failure:
    status = err.response.status_code
    error = err.error if isinstance(err.error, dict) else {}
    reasons = {str(e.get("reason", "")) for e in error.get("errors", []) if isinstance(e, dict)}
    reasons |= {str(d.get("reason", "")) for d in error.get("details", []) if isinstance(d, dict)}
    detail = _first_line(error.get("message", "")) or str(status)
    if status == 429 or (status == 403 and reasons & _RATE_LIMIT_REASONS):
        kind = "quota"
    elif status >= 500:
        kind = "server"
    elif status == 403 and "storageQuotaExceeded" in reasons:
        kind = "storage"
    elif status == 403:
        kind = "forbidden"
    elif status == 404:
        kind = "not-found"
    elif status == 401:
        kind = "auth"
    else:
        kind = "rejected"
    return _Failure(kind, str(status), detail, _retry_after(err.response))


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return float(value) if value else None
    except ValueError:
        return None  # an HTTP date: rare from Google, and the back-off covers it


def _first_line(value: Any) -> str:
    text = str(value).strip()
    return text.splitlines()[0][:200] if text else ""


def _cannot_run(
    failure: _Failure, client: gspread.Client, spreadsheet: str, attempts: int, elapsed: float
) -> CannotRun:
    where = {"spreadsheet": spreadsheet, "status": failure.status, "detail": failure.detail}
    budget = {"attempts": attempts, "seconds": f"{elapsed:.0f}"}
    if failure.kind == "quota":
        return CannotRun("gsheet-quota", **where, **budget)
    if failure.kind == "server":
        return CannotRun("gsheet-server-error", **where, **budget)
    if failure.kind == "unreachable":
        return CannotRun("gsheet-unreachable", **where, **budget)
    if failure.kind == "not-found":
        return CannotRun("gsheet-not-found", spreadsheet=spreadsheet)
    if failure.kind == "auth":
        return CannotRun("gsheet-auth-failed", detail=failure.detail)
    account = account_email(client)
    if failure.kind == "storage":
        return CannotRun("gsheet-storage-quota", account=account or "Google")
    if failure.kind == "forbidden":
        if account:
            return CannotRun("gsheet-not-shared", spreadsheet=spreadsheet, account=account)
        return CannotRun("gsheet-no-access", spreadsheet=spreadsheet)
    return CannotRun("gsheet-rejected", **where)
