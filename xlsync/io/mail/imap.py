"""Reading the office mailbox over IMAP: settings, one read-only session, messages fetched by UID.

The folder is opened with EXAMINE (read-only) and bodies are fetched with
``BODY.PEEK[]``, so reading never marks a message as seen; flags are set
only when asked (:meth:`Mailbox.mark_seen`, which needs ``writable``).
:meth:`Mailbox.outline` says how large a message is and what parts it has
before anything heavier is fetched; :meth:`Mailbox.fetch_sections` reads
chosen parts of one too large to download whole.
The password never reaches a log record, an exception message or a repr.
"""

from __future__ import annotations

import base64
import contextlib
import imaplib
import logging
import re
import ssl
from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Iterator, Literal, Mapping

from xlsync.core.issues import CannotRun
from xlsync.io.mail.imap_structure import PartOutline, fetch_items, leaf_parts, parse_response, response_bytes
from xlsync.io.mail.settings import connection_mode, keyring_password, typed_port, values_from_env

logger = logging.getLogger(__name__)

ImapSecurity = Literal["ssl", "starttls", "none"]
IMAP_DEFAULT_PORTS: dict[str, int] = {"ssl": 993, "starttls": 143, "none": 143}
IMAP_SECURITY_MODES: tuple[str, ...] = tuple(IMAP_DEFAULT_PORTS)
IMAP_KEYRING_SERVICE = "xlsync-imap"

# ImapSettings field → environment variable.
IMAP_ENV_VARIABLES: dict[str, str] = {
    "host": "XLSYNC_IMAP_HOST",
    "port": "XLSYNC_IMAP_PORT",
    "user": "XLSYNC_IMAP_USER",
    "password": "XLSYNC_IMAP_PASSWORD",
    "security": "XLSYNC_IMAP_SECURITY",
    "folder": "XLSYNC_IMAP_FOLDER",
    "cafile": "XLSYNC_IMAP_CAFILE",
}


@dataclass(frozen=True, slots=True)
class ImapSettings:
    """Which mailbox to read.  ``port`` 0 means the usual port of ``security``."""

    host: str
    user: str
    password: str = field(default="", repr=False)
    port: int = 0
    security: ImapSecurity = "ssl"
    folder: str = "INBOX"
    timeout: float = 60.0
    cafile: str = ""

    def __post_init__(self) -> None:
        security, port = connection_mode(self.security, self.port, IMAP_DEFAULT_PORTS, IMAP_ENV_VARIABLES,
                                         security_code="imap-setting-invalid", port_code="imap-setting-invalid")
        object.__setattr__(self, "security", security)
        object.__setattr__(self, "port", port)
        object.__setattr__(self, "folder", self.folder or "INBOX")

    def __repr__(self) -> str:
        password = "'***'" if self.password else "''"
        return (f"ImapSettings(host={self.host!r}, port={self.port}, user={self.user!r}, password={password}, "
                f"security={self.security!r}, folder={self.folder!r})")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> ImapSettings:
        """Settings from ``XLSYNC_IMAP_*``, ``overrides`` (field names; None = not given) winning.

        Without a password the system keyring is asked (service ``xlsync-imap``, account = user).
        """
        values = values_from_env(cls, IMAP_ENV_VARIABLES, environ, overrides)
        for name in ("host", "user"):
            if not values.get(name):
                raise CannotRun("imap-setting-missing", variable=IMAP_ENV_VARIABLES[name])
        values["port"] = typed_port(values.get("port", 0), code="imap-setting-invalid",
                                    variable=IMAP_ENV_VARIABLES["port"])
        if not values.get("password"):
            values["password"] = keyring_password(str(values["user"]), IMAP_KEYRING_SERVICE) or ""
            if not values["password"]:
                raise CannotRun("imap-password-missing", user=values["user"], service=IMAP_KEYRING_SERVICE)
        return cls(**values)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class FetchedMessage:
    """One message as the server holds it: its UID, when the server received it, its bytes."""

    uid: int
    received: datetime | None
    raw: bytes


@dataclass(frozen=True, slots=True)
class MessageOutline:
    """What a message is without its bytes: its size, its header, its parts (``BODYSTRUCTURE``)."""

    uid: int
    size: int  # RFC822.SIZE: the octets a whole download would cost
    received: datetime | None
    header: bytes
    parts: list[PartOutline]


class Mailbox:
    """One logged-in session on one folder (see :func:`open_mailbox`)."""

    def __init__(self, client: imaplib.IMAP4, settings: ImapSettings, uidvalidity: int, writable: bool) -> None:
        self._client = client
        self.settings = settings
        self.uidvalidity = uidvalidity
        self.writable = writable

    def uids(self, since: date | None = None) -> list[int]:
        """Every message's UID in ascending order; only those received since ``since`` when given."""
        # IMAP dates name the month in English whatever the machine's language (no strftime).
        criteria = ["SINCE", f"{since.day:02d}-{_MONTHS[since.month - 1]}-{since.year}"] if since else ["ALL"]
        status, data = self._command("uid", "SEARCH", *criteria)
        return sorted(int(uid) for uid in b" ".join(part for part in data if part).split())

    def fetch(self, uid: int) -> FetchedMessage | None:
        """The whole message (``BODY.PEEK[]``, which leaves it unread); None when it is gone."""
        status, data = self._command("uid", "FETCH", str(uid), "(INTERNALDATE BODY.PEEK[])")
        for item in data:
            if isinstance(item, tuple) and len(item) == 2:
                return FetchedMessage(uid, _internal_date(item[0]), bytes(item[1]))
        return None

    def outline(self, uid: int) -> MessageOutline | None:
        """The message's size, header and parts, a few hundred bytes whatever it weighs; None when it is gone."""
        status, data = self._command("uid", "FETCH", str(uid),
                                     "(RFC822.SIZE INTERNALDATE BODYSTRUCTURE BODY.PEEK[HEADER])")
        raw = response_bytes(data)
        items = fetch_items(parse_response(raw), uid)
        if "RFC822.SIZE" not in items:
            return None
        structure = items.get("BODYSTRUCTURE")
        header = items.get("BODY[HEADER]")
        return MessageOutline(uid, int(items["RFC822.SIZE"]), _internal_date(raw),  # type: ignore[arg-type]
                              header if isinstance(header, bytes) else b"",
                              leaf_parts(structure) if isinstance(structure, list) else [])

    def fetch_sections(self, uid: int, sections: list[str]) -> dict[str, bytes]:
        """Parts of a message by section (``"2"``, ``"2.MIME"``, ``"3.1"``...), left unread; one round trip."""
        if not sections:
            return {}
        wanted = " ".join(f"BODY.PEEK[{section}]" for section in sections)
        status, data = self._command("uid", "FETCH", str(uid), f"({wanted})")
        items = fetch_items(parse_response(response_bytes(data)), uid)
        return {section: value for section in sections
                if isinstance(value := items.get(f"BODY[{section}]".upper()), bytes)}

    def mark_seen(self, uid: int) -> None:
        if not self.writable:
            raise ValueError("the mailbox was opened read-only")
        self._command("uid", "STORE", str(uid), "+FLAGS", "(\\Seen)")

    def _command(self, name: str, *args: str) -> tuple[str, list]:
        try:
            status, data = getattr(self._client, name)(*args)
        except (imaplib.IMAP4.error, OSError) as error:
            raise _session_problem(error, self.settings) from error
        if status != "OK":
            raise CannotRun("imap-command-failed", host=self.settings.host, command=" ".join([name, *args[:1]]),
                            detail=_text(data))
        return status, data


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@contextlib.contextmanager
def open_mailbox(settings: ImapSettings, *, writable: bool = False) -> Iterator[Mailbox]:
    """Connect, log in and open the folder: EXAMINE (read-only) unless ``writable``."""
    client = _connect(settings)
    try:
        _login(client, settings)
        folder = encode_folder_name(settings.folder)
        try:
            status, data = client.select(_quoted(folder), readonly=not writable)
        except (imaplib.IMAP4.error, OSError) as error:
            raise _session_problem(error, settings) from error
        if status != "OK":
            raise CannotRun("imap-folder-missing", folder=settings.folder, host=settings.host, detail=_text(data))
        validity = client.untagged_responses.get("UIDVALIDITY", [b"0"])[-1]
        yield Mailbox(client, settings, int(validity), writable)
    finally:
        _logout_quietly(client)


def _connect(settings: ImapSettings) -> imaplib.IMAP4:
    where = {"host": settings.host, "port": settings.port}
    logger.info("Connecting to %s:%s (IMAP, security %s, user %s).", settings.host, settings.port,
                settings.security, settings.user)
    try:
        context = ssl.create_default_context(cafile=settings.cafile or None) if settings.security != "none" else None
    except (ssl.SSLError, OSError) as error:
        raise CannotRun("imap-tls-failed", detail=str(error), **where) from error
    try:
        if settings.security == "ssl":
            client: imaplib.IMAP4 = imaplib.IMAP4_SSL(settings.host, settings.port, ssl_context=context,
                                                      timeout=settings.timeout)
        else:
            client = imaplib.IMAP4(settings.host, settings.port, timeout=settings.timeout)
    except ssl.SSLError as error:
        raise CannotRun("imap-tls-failed", detail=str(error.reason or error), **where) from error
    except (OSError, imaplib.IMAP4.error) as error:
        raise CannotRun("imap-connect-failed", detail=_describe(error), **where) from error
    if settings.security == "starttls":
        try:
            client.starttls(ssl_context=context)
        except (imaplib.IMAP4.error, ssl.SSLError, OSError) as error:
            _logout_quietly(client)
            raise CannotRun("imap-tls-failed", detail=_describe(error), **where) from error
    elif settings.security == "none":
        logger.warning("Logging in to %s without encryption: the password crosses the network readable.",
                       settings.host)
    return client


def _login(client: imaplib.IMAP4, settings: ImapSettings) -> None:
    try:
        if settings.user.isascii() and settings.password.isascii():
            client.login(settings.user, settings.password)
        else:  # LOGIN is ASCII only; AUTHENTICATE PLAIN carries UTF-8
            plain = f"\0{settings.user}\0{settings.password}".encode()
            client.authenticate("PLAIN", lambda _challenge: plain)
    except imaplib.IMAP4.abort as error:
        raise _session_problem(error, settings) from error
    except imaplib.IMAP4.error as error:
        raise CannotRun("imap-auth-failed", host=settings.host, user=settings.user, detail=_describe(error)) from error
    except OSError as error:
        raise _session_problem(error, settings) from error


def _session_problem(error: BaseException, settings: ImapSettings) -> CannotRun:
    if isinstance(error, TimeoutError) or isinstance(error.__cause__, TimeoutError):
        return CannotRun("imap-timeout", host=settings.host, port=settings.port, seconds=int(settings.timeout))
    return CannotRun("imap-disconnected", host=settings.host, port=settings.port, detail=_describe(error))


def _logout_quietly(client: imaplib.IMAP4) -> None:
    try:
        client.logout()
    except (imaplib.IMAP4.error, OSError):
        with contextlib.suppress(OSError):
            client.shutdown()


def encode_folder_name(name: str) -> str:
    """A folder name in IMAP's modified UTF-7 (RFC 3501 5.1.3): ``Báo cáo`` → ``B&AOE-o c&AOE-o``."""
    out, pending = [], []

    def flush() -> None:
        if pending:
            encoded = base64.b64encode("".join(pending).encode("utf-16-be")).decode().rstrip("=")
            out.append("&" + encoded.replace("/", ",") + "-")
            pending.clear()

    for char in name:
        if " " <= char <= "~":
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return "".join(out)


def _quoted(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


_INTERNALDATE = re.compile(rb'INTERNALDATE "([^"]+)"')


def _internal_date(response: bytes) -> datetime | None:
    found = _INTERNALDATE.search(response)
    if not found:
        return None
    try:
        return datetime.strptime(found.group(1).decode(), "%d-%b-%Y %H:%M:%S %z")
    except ValueError:
        return None


def message_date(header: str | None, fallback: datetime | None) -> datetime | None:
    """The message's Date header as an aware time; the server's receiving time when it is missing or bad."""
    if header:
        try:
            parsed = parsedate_to_datetime(str(header))
        except (TypeError, ValueError, IndexError):
            parsed = None
        if parsed is not None:
            return parsed if parsed.tzinfo else parsed.astimezone()
    return fallback


def _text(data: list) -> str:
    return " ".join(part.decode("utf-8", "replace") if isinstance(part, bytes) else str(part)
                    for part in data or [] if part)


def _describe(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__
