"""The files a received message carries, forwarded messages included.

A message is walked part by part; a ``message/rfc822`` part (a message
forwarded "as attachment") is walked too, so a report sent on by someone
else is found.  File names are decoded as mail programs write them:
RFC 2231 (``filename*=utf-8''...``, continuations included) and the RFC 2047
encoded words many clients put in ``filename="=?utf-8?...?="``.
"""

from __future__ import annotations

import email
from dataclasses import dataclass
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from pathlib import PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from xlsync.io.mail.imap import MessageOutline

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
DEFAULT_SIZE_LIMIT = 25 * 1024 * 1024  # what common mail services accept for one message
# A message carrying one file of the size limit weighs about 1.37 times as much (base64 in lines of 76
# characters), plus its text: a message heavier than this is read part by part, never downloaded whole.
BASE64_GROWTH = 4 / 3 * 78 / 76
MESSAGE_MARGIN = 256 * 1024


def whole_message_limit(size_limit: int) -> int:
    """The largest message downloaded whole for attachments of at most ``size_limit`` bytes."""
    return int(size_limit * BASE64_GROWTH) + MESSAGE_MARGIN


def estimated_size(encoded_size: int, transfer: str) -> int:
    """A file's size from the octets its part takes in the message (base64 makes 3 bytes 4 characters)."""
    return encoded_size * 3 // 4 if transfer.strip().lower() == "base64" else encoded_size


@dataclass(frozen=True, slots=True)
class Attachment:
    """One attached file.  ``data`` is None for a file over the size limit (not decoded, not kept)."""

    name: str
    size: int
    data: bytes | None
    author: str = ""  # the From address of the forwarded message it was found in ("" when not forwarded)

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name).suffix.lower()

    @property
    def is_spreadsheet(self) -> bool:
        return self.suffix in SPREADSHEET_SUFFIXES


def parse_message(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=policy.default)  # type: ignore[return-value]


def attachments(message: Message, size_limit: int = DEFAULT_SIZE_LIMIT) -> list[Attachment]:
    """Every named file in ``message``, in order, those of forwarded messages included."""
    found: list[Attachment] = []
    _collect(message, size_limit, "", found)
    return found


def _collect(part: Message, size_limit: int, author: str, found: list[Attachment]) -> None:
    if part.get_content_type() == "message/rfc822":
        for inner in part.get_payload():
            _collect(inner, size_limit, sender_address(inner) or author, found)
    elif part.is_multipart():
        for inner in part.get_payload():
            _collect(inner, size_limit, author, found)
    else:
        name = file_name(part)
        if name:
            found.append(_attachment(part, name, size_limit, author))


def _attachment(part: Message, name: str, size_limit: int, author: str) -> Attachment:
    encoded = part.get_payload(decode=False)
    encoded_size = len(encoded) if isinstance(encoded, (str, bytes)) else 0
    estimate = estimated_size(encoded_size, str(part.get("Content-Transfer-Encoding", "")))
    if estimate > size_limit * 1.01:  # not decoded at all: it could be hundreds of megabytes
        return Attachment(name, estimate, None, author)
    data = part.get_payload(decode=True) or b""
    if len(data) > size_limit:
        return Attachment(name, len(data), None, author)
    return Attachment(name, len(data), data, author)


def outlined_attachments(outline: MessageOutline, fetch: Callable[[list[str]], dict[str, bytes]],
                         size_limit: int = DEFAULT_SIZE_LIMIT) -> list[Attachment]:
    """The files of a message too large to download, read part by part (``fetch``: sections → bytes).

    Each part's MIME header gives its name; only the spreadsheets within the
    limit are downloaded; any other file is named with its size, without data.
    """
    # A message of one part: that part's header is the message's (a header alone never "is_multipart").
    single = parse_message(outline.header).get_content_maintype() != "multipart"
    headers = fetch([f"{part.section}.MIME" for part in outline.parts if not (single and part.section == "1")])
    named = []
    for part in outline.parts:
        head = outline.header if single and part.section == "1" else headers.get(f"{part.section}.MIME", b"")
        name = file_name(parse_message(head))
        if name:
            named.append((part, head, name))
    wanted = [part.section for part, head, name in named if PurePosixPath(name).suffix.lower() in SPREADSHEET_SUFFIXES
              and estimated_size(part.size, part.encoding) <= size_limit * 1.01]
    bodies = fetch(wanted)
    found = []
    for part, head, name in named:
        body = bodies.get(part.section)
        if body is None:
            found.append(Attachment(name, estimated_size(part.size, part.encoding), None, part.author))
        else:
            found.append(_attachment(parse_message(head + body), name, size_limit, part.author))
    return found


def file_name(part: Message) -> str:
    """The part's file name, decoded, without any folder; "" when it has none."""
    # A message may carry both filename="<ascii>" and filename*=utf-8''<name> (as xlsync's own do):
    # the RFC 2231 one is the real name.
    params = _raw_params(part, "Content-Disposition")
    encoded = [value for key, value in params if key.lower() == "filename" and isinstance(value, tuple)]
    raw = encoded[0] if encoded else part.get_filename() or part.get_param("name", header="content-type")
    if not raw:
        return ""
    if isinstance(raw, tuple):  # an RFC 2231 value the legacy API left undecoded
        raw = email.utils.collapse_rfc2231_value(raw)
    name = str(raw)
    if "=?" in name:  # RFC 2047 inside a parameter: not allowed, but Outlook and others do it
        try:
            name = str(make_header(decode_header(name)))
        except (LookupError, ValueError):
            pass
    return PureWindowsPath(" ".join(name.split())).name  # "C:\\Users\\..\\a.xlsx" and "../a.xlsx" → "a.xlsx"


def _raw_params(part: Message, header: str) -> list:
    """The header's parameters as written: the email policy's parsed header keeps one value per name."""
    raw = next((value for key, value in part.raw_items() if key.lower() == header.lower()), None)
    if raw is None:
        return []
    legacy = Message()  # the compat32 API keeps the value as it came and decodes RFC 2231 parameters
    legacy[header] = raw
    return legacy.get_params(header=header) or []


def sender_address(message: Message) -> str:
    """Where an answer goes: Reply-To when given, else From (the address only)."""
    for header in ("Reply-To", "From"):
        value = message.get(header)
        addresses = getattr(value, "addresses", ()) if value is not None else ()
        for address in addresses:
            if address.addr_spec:
                return address.addr_spec
    return ""
