"""A message's outline as an IMAP server describes it, read before (or instead of) its bytes.

``FETCH (RFC822.SIZE BODYSTRUCTURE BODY.PEEK[HEADER])`` costs a few hundred
bytes whatever the message weighs: it says how large the message is, which
parts it has (section numbers, types, transfer encodings, encoded sizes) and
who wrote each forwarded message inside it.  A message too large to
download whole can then be read part by part (:mod:`xlsync.io.mail.imap`).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

_LITERAL = re.compile(rb"\{(\d+)\}\r\n")
_ATOM_END = b' ()"\r\n'


@dataclass(frozen=True, slots=True)
class PartOutline:
    """One leaf part of a message: where it is (``BODY[section]``), what it is, how large it is encoded."""

    section: str
    content_type: str  # "application/vnd.ms-excel", lower case
    encoding: str  # "base64", "quoted-printable", "7bit"...
    size: int  # octets as the message carries them (encoded)
    author: str = ""  # the From address of the forwarded message it is in ("" when not forwarded)


def response_bytes(data: list) -> bytes:
    """imaplib's pieces of a response put back together as the server sent them (literals included)."""
    out = bytearray()
    for item in data:
        if isinstance(item, tuple):  # (text ending with "{n}", the n bytes of the literal)
            out += bytes(item[0]) + b"\r\n" + bytes(item[1])
        elif isinstance(item, bytes):
            out += b" " + item
    return bytes(out)


def parse_response(raw: bytes) -> list:
    """IMAP's data as nested lists: atoms and strings as bytes, NIL as None, literals as bytes."""
    stack: list[list] = [[]]
    position = 0
    while position < len(raw):
        char = raw[position:position + 1]
        if char in (b" ", b"\r", b"\n"):
            position += 1
        elif char == b"(":
            stack.append([])
            position += 1
        elif char == b")":
            if len(stack) > 1:
                done = stack.pop()
                stack[-1].append(done)
            position += 1
        elif char == b'"':
            value, position = _quoted(raw, position + 1)
            stack[-1].append(value)
        elif char == b"{" and (literal := _LITERAL.match(raw, position)):
            start = literal.end()
            end = start + int(literal.group(1))
            stack[-1].append(raw[start:end])
            position = end
        else:
            value, position = _atom(raw, position)
            stack[-1].append(None if value.upper() == b"NIL" else value)
    while len(stack) > 1:  # a response cut short: keep what was read
        done = stack.pop()
        stack[-1].append(done)
    return stack[0]


def _quoted(raw: bytes, position: int) -> tuple[bytes, int]:
    out = bytearray()
    while position < len(raw):
        char = raw[position]
        if char == 0x5C and position + 1 < len(raw):  # backslash: the next character as is
            out.append(raw[position + 1])
            position += 2
        elif char == 0x22:
            return bytes(out), position + 1
        else:
            out.append(char)
            position += 1
    return bytes(out), position


def _atom(raw: bytes, position: int) -> tuple[bytes, int]:
    """An atom; a ``[...]`` inside it (``BODY[HEADER]``) is read whole, spaces and parentheses included."""
    start = position
    while position < len(raw) and raw[position:position + 1] not in (b" ", b"(", b")", b'"', b"\r", b"\n"):
        if raw[position:position + 1] == b"[":
            closing = raw.find(b"]", position)
            position = len(raw) if closing < 0 else closing + 1
        else:
            position += 1
    return raw[start:position], position


def fetch_items(response: list, uid: int) -> dict[str, object]:
    """The items of the FETCH response about ``uid`` (``{"RFC822.SIZE": b"123", "BODY[HEADER]": ...}``)."""
    for item in response:
        if not isinstance(item, list):
            continue
        pairs = {_name(item[i]): item[i + 1] for i in range(0, len(item) - 1, 2) if isinstance(item[i], bytes)}
        if pairs.get("UID") in (None, str(uid).encode()):
            return pairs
    return {}


def _name(atom: bytes) -> str:
    return atom.decode("ascii", "replace").upper().replace(".PEEK", "")


def leaf_parts(structure: list) -> list[PartOutline]:
    """Every leaf part of a BODYSTRUCTURE, forwarded messages walked into, in order."""
    found: list[PartOutline] = []
    _message_body(structure, "", "", found)
    return found


def _is_multipart(node: object) -> bool:
    return isinstance(node, list) and bool(node) and isinstance(node[0], list)


def _message_body(node: list, prefix: str, author: str, found: list[PartOutline]) -> None:
    """The body of a message whose parts are numbered ``prefix.N`` (``N`` for the message itself)."""
    if _is_multipart(node):
        _children(node, prefix, author, found)
    else:
        _part(node, _join(prefix, 1), author, found)


def _children(node: list, section: str, author: str, found: list[PartOutline]) -> None:
    # The children come first; the subtype atom ends them (the lists after it are parameters).
    for number, child in enumerate(itertools.takewhile(lambda c: isinstance(c, list), node), 1):
        _part(child, _join(section, number), author, found)


def _part(node: list, section: str, author: str, found: list[PartOutline]) -> None:
    if _is_multipart(node):
        _children(node, section, author, found)
        return
    if len(node) < 7:
        return
    content_type = f"{_text(node[0])}/{_text(node[1])}".lower()
    if content_type == "message/rfc822" and len(node) > 8 and isinstance(node[8], list):
        _message_body(node[8], section, envelope_sender(node[7]) or author, found)
        return
    found.append(PartOutline(section, content_type, _text(node[5]).lower(), _number(node[6]), author))


def envelope_sender(envelope: object) -> str:
    """Where an answer goes, from an ENVELOPE: Reply-To when given, else From (``mailbox@host``)."""
    if not isinstance(envelope, list) or len(envelope) < 5:
        return ""
    for addresses in (envelope[4], envelope[2]):
        for address in addresses if isinstance(addresses, list) else []:
            if isinstance(address, list) and len(address) >= 4 and address[2] and address[3]:
                return f"{_text(address[2])}@{_text(address[3])}"
    return ""


def _join(section: str, number: int) -> str:
    return f"{section}.{number}" if section else str(number)


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else ""


def _number(value: object) -> int:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0
