"""The message that carries the master workbook: addresses, text and HTML bodies, the attachment.

The message is built once (:func:`build_message`) and is then either written
to an ``.eml`` file (:func:`write_eml`, for ``--dry-run``) or sent
(:func:`xlsync.io.mail.transport.send_message`); both use the same bytes
(:func:`message_bytes`), so what a dry run shows is what a real run sends.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from email.generator import BytesGenerator
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage, MIMEPart
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from io import BytesIO
from pathlib import Path
from typing import Iterable, Literal, Sequence
from urllib.parse import quote

from xlsync.core.issues import CannotRun
from xlsync.core.messages import text
from xlsync.core.numbers import format_number
from xlsync.io.atomic import atomic_path

XLSX_MAINTYPE = "application"
XLSX_SUBTYPE = "vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSM_SUBTYPE = "vnd.ms-excel.sheet.macroEnabled.12"

ADDR_SPEC = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")
_HEADER_LINE = 78  # RFC 5322 recommended line length, which the email policy also folds at
_ASCII_NAME_MAX = 60  # keeps ' filename="…";' on one header line


@dataclass(frozen=True, slots=True)
class SendSummary:
    """What the message says about the round.

    ``submitted`` counts the reports received (those ``left_out`` for errors
    included); ``not_submitted`` and ``left_out`` are unit names as shown to
    readers.  ``indicators_unassessed`` counts indicators without figures.
    """

    period: str
    plan_label: str
    sender_office: str
    submitted: int
    expected: int
    indicators_met: int
    indicators_not_met: int
    indicators_unassessed: int = 0
    not_submitted: tuple[str, ...] = ()
    left_out: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("not_submitted", "left_out", "notes"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    @property
    def complete(self) -> bool:
        """Every expected unit reported and none was left out."""
        return self.submitted >= self.expected and not self.not_submitted and not self.left_out

    @property
    def reporting_percent(self) -> str:
        """``18/20`` → ``"90"``, ``17/19`` → ``"89,5"``; empty without expected units."""
        if self.expected <= 0:
            return ""
        return format_number(round(100 * self.submitted / self.expected, 1))


def default_subject(summary: SendSummary, lang: str = "vi") -> str:
    """``Báo cáo kết quả thực hiện chỉ tiêu thi đua – <period> – <sender>``."""
    parts = (text("mail-subject", lang), summary.period, summary.sender_office)
    return " – ".join(part for part in parts if part)


def build_message(
    attachment: Path,
    summary: SendSummary,
    *,
    sender: str | Address,
    to: Sequence[str | Address],
    cc: Sequence[str | Address] = (),
    subject: str | None = None,
    lang: str = "vi",
) -> EmailMessage:
    """The complete message: text and HTML bodies, the workbook attached.

    Addresses are ``"Name <addr>"`` strings or :class:`email.headerregistry.Address`.
    ``lang`` is the language of the subject and body, Vietnamese unless asked
    (the readers are Vietnamese offices whatever the operator's language).
    """
    path = Path(attachment)
    return compose_message(
        sender=sender, to=to, cc=cc, subject=subject or default_subject(summary, lang),
        blocks=_body_blocks(summary, path.name, lang), attachments=[path], lang=lang,
    )


def compose_message(
    *,
    sender: str | Address,
    to: Sequence[str | Address],
    subject: str,
    blocks: list[Block],
    attachments: Sequence[Path] = (),
    cc: Sequence[str | Address] = (),
    lang: str = "vi",
    in_reply_to: str = "",
) -> EmailMessage:
    """A message with text and HTML bodies from ``blocks`` and the workbooks ``attachments`` attached.

    ``in_reply_to``: the Message-ID this message answers, so that mail programs thread it.
    """
    contents = []
    for path in map(Path, attachments):
        try:
            contents.append((path.name, path.read_bytes()))
        except FileNotFoundError as error:
            raise CannotRun("file-not-found", file=str(path)) from error
    from_box = mailbox(sender)
    to_boxes = [mailbox(address) for address in to]
    cc_boxes = [mailbox(address) for address in cc]
    if not to_boxes:
        raise CannotRun("mail-no-recipients")

    msg = EmailMessage()
    msg["Subject"] = subject
    msg.set_raw("From", address_field("From", [from_box]))
    msg.set_raw("To", address_field("To", to_boxes))
    if cc_boxes:
        msg.set_raw("Cc", address_field("Cc", cc_boxes))
    msg["Date"] = format_datetime(datetime.now().astimezone())
    msg["Message-ID"] = make_msgid(domain=from_box.domain)  # the sender's domain, not this machine's name
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    msg["Content-Language"] = "en" if lang == "en" else "vi"
    msg.set_content(_plain_text(blocks), cte="quoted-printable")
    msg.add_alternative(_html(blocks, lang), subtype="html", cte="quoted-printable")
    if contents:
        msg.make_mixed()
    for name, data in contents:
        msg.attach(_xlsx_part(data, name))
    return msg


def mailbox(value: str | Address) -> Address:
    """``"Name <addr>"`` or an Address → a checked Address (plain ASCII addr-spec)."""
    if isinstance(value, Address):
        display_name, addr_spec = value.display_name, value.addr_spec
    else:
        display_name, addr_spec = parseaddr(value)
    # Non-ASCII addresses need SMTPUTF8, which local servers rarely offer.
    if not (addr_spec.isascii() and ADDR_SPEC.fullmatch(addr_spec)):
        raise CannotRun("invalid-recipient", value=str(value))
    return Address(display_name=display_name, addr_spec=addr_spec)


def address_field(name: str, boxes: Sequence[Address]) -> str:
    """The value of an address field, folded by hand: one mailbox per line.

    The email package's own folding of a long address list can swallow a
    mailbox into an encoded-word or encode the separating comma (CPython
    gh-100884, fixed only in recent releases): the header then names other
    addresses than the envelope, and some servers refuse it.  A name that is
    not plain ASCII becomes RFC 2047 encoded-words cut at character
    boundaries; every line stays within 78 columns, so the value is sent as
    written.
    """
    width = _HEADER_LINE - len(name) - len(": ")
    return ",\n ".join(_folded_mailbox(box, width) for box in boxes)


def _folded_mailbox(box: Address, width: int) -> str:
    if not box.display_name:
        return box.addr_spec
    plain = formataddr((box.display_name, box.addr_spec))  # quotes an ASCII name when needed
    if plain.isascii() and len(plain) < width:
        return plain
    angle = f"<{box.addr_spec}>"
    lines = Header(box.display_name, "utf-8", maxlinelen=width).encode(linesep="\n").split("\n")
    if len(lines[-1]) + len(angle) + len(" ,") <= width:
        lines[-1] += " " + angle
    else:
        lines.append(" " + angle)
    return "\n".join(lines)


def envelope_recipients(msg: EmailMessage) -> list[str]:
    """The addresses of the To and Cc headers, each once."""
    headers = [header for name in ("To", "Cc") for header in (msg.get_all(name) or [])]
    return unique_addresses(address.addr_spec for header in headers for address in header.addresses)


def unique_addresses(addresses: Iterable[str]) -> list[str]:
    """Each address once (compared without case), so nobody receives the message twice."""
    seen: set[str] = set()
    unique = []
    for address in addresses:
        key = address.strip().lower()
        if key and key not in seen:
            seen.add(key)
            unique.append(address.strip())
    return unique


# Body: a list of blocks, each ("p", lines) or ("ul", items), rendered as text and as HTML.
Block = tuple[Literal["p", "ul"], list[str]]


def _body_blocks(summary: SendSummary, file_name: str, lang: str) -> list[Block]:
    facts = []
    if summary.period:
        facts.append(text("mail-period", lang, period=summary.period))
    if summary.plan_label:
        facts.append(text("mail-plan", lang, plan=summary.plan_label))
    if summary.expected > 0:
        facts.append(
            text(
                "mail-rate",
                lang,
                submitted=summary.submitted,
                expected=summary.expected,
                percent=summary.reporting_percent,
            )
        )
    facts.append(text("mail-met", lang, count=summary.indicators_met))
    facts.append(text("mail-not-met", lang, count=summary.indicators_not_met))
    if summary.indicators_unassessed:
        facts.append(text("mail-unassessed", lang, count=summary.indicators_unassessed))

    blocks: list[Block] = [
        ("p", [text("mail-greeting", lang)]),
        ("p", [text("mail-intro", lang, sender=summary.sender_office)]),
        ("ul", facts),
        ("p", _completeness_lines(summary, lang)),
    ]
    if summary.notes:
        blocks += [("p", [text("mail-notes", lang)]), ("ul", list(summary.notes))]
    blocks.append(("p", [text("mail-attachment", lang, file=file_name)]))
    blocks.append(("p", [text("mail-closing", lang), summary.sender_office]))
    return blocks


def _completeness_lines(summary: SendSummary, lang: str) -> list[str]:
    if summary.complete:
        return [text("mail-all-submitted", lang, expected=summary.expected)]
    lines = [text("mail-incomplete", lang)]
    if summary.not_submitted:
        units = ", ".join(summary.not_submitted)
        lines.append(text("mail-not-submitted", lang, count=len(summary.not_submitted), units=units))
    if summary.left_out:
        units = ", ".join(summary.left_out)
        lines.append(text("mail-left-out", lang, count=len(summary.left_out), units=units))
    return lines


def _plain_text(blocks: list[Block]) -> str:
    rendered = []
    for kind, lines in blocks:
        rendered.append("\n".join(f"- {line}" for line in lines) if kind == "ul" else "\n".join(lines))
    return "\n\n".join(rendered) + "\n"


def _html(blocks: list[Block], lang: str) -> str:
    parts = []
    for kind, lines in blocks:
        escaped = [html.escape(line) for line in lines]
        if kind == "ul":
            parts.append("<ul>\n" + "\n".join(f"<li>{line}</li>" for line in escaped) + "\n</ul>")
        else:
            parts.append("<p>" + "<br>\n".join(escaped) + "</p>")
    code = "en" if lang == "en" else "vi"
    body = "\n".join(parts)
    head = f'<!DOCTYPE html>\n<html lang="{code}">\n<head><meta charset="utf-8"></head>\n'
    return f"{head}<body>\n{body}\n</body>\n</html>\n"


def _xlsx_part(data: bytes, file_name: str) -> MIMEPart:
    part = MIMEPart()
    fallback = ascii_filename(file_name)
    subtype = XLSM_SUBTYPE if file_name.lower().endswith(".xlsm") else XLSX_SUBTYPE
    part.set_content(data, maintype=XLSX_MAINTYPE, subtype=subtype, params={"name": fallback})
    # The email policy keeps one value per parameter, so it cannot write both
    # filename= and filename*=; the header is stored pre-folded instead.
    part.set_raw("Content-Disposition", _content_disposition(file_name, fallback))
    return part


def ascii_filename(name: str) -> str:
    """``Tổng hợp 2024.xlsx`` → ``Tong hop 2024.xlsx``, for readers that ignore RFC 2231."""
    latin = name.replace("Đ", "D").replace("đ", "d")
    stripped = "".join(ch for ch in unicodedata.normalize("NFKD", latin) if not unicodedata.combining(ch))
    safe = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\' else "_" for ch in stripped)
    if len(safe) <= _ASCII_NAME_MAX:
        return safe
    stem, dot, suffix = safe.rpartition(".")
    if not dot:
        return safe[:_ASCII_NAME_MAX]
    return stem[: _ASCII_NAME_MAX - len(suffix) - 1] + "." + suffix


def _content_disposition(name: str, fallback: str) -> str:
    """``attachment; filename="<ascii>"; filename*=utf-8''<pct-encoded>``, folded at 78 columns.

    A long UTF-8 name is split into RFC 2231 continuations (``filename*0*=``...).
    """
    encoded = "utf-8''" + quote(name, safe="")
    lines = ["attachment;", f' filename="{fallback}";']
    if len(f" filename*={encoded}") <= _HEADER_LINE:
        lines.append(f" filename*={encoded}")
    else:
        chunks = _split_encoded(encoded, _HEADER_LINE - len(" filename*99*=;"))
        lines += [f" filename*{i}*={chunk};" for i, chunk in enumerate(chunks)]
        lines[-1] = lines[-1].rstrip(";")
    return "\n".join(lines)


def _split_encoded(encoded: str, width: int) -> list[str]:
    """Cut a percent-encoded value into pieces of at most ``width``, never inside ``%XX``."""
    chunks, start = [], 0
    while start < len(encoded):
        end = min(start + width, len(encoded))
        percent = encoded.rfind("%", start, end)
        if percent != -1 and percent + 3 > end and end < len(encoded):
            end = percent
        chunks.append(encoded[start:end])
        start = end
    return chunks


def message_bytes(msg: EmailMessage) -> bytes:
    """The message as it goes on the wire and into an .eml: CRLF line ends."""
    buffer = BytesIO()
    BytesGenerator(buffer, mangle_from_=False, policy=msg.policy.clone(linesep="\r\n")).flatten(msg)
    return buffer.getvalue()


def write_eml(msg: EmailMessage, path: str | Path) -> Path:
    """Write the complete message to ``path`` (replaced in one step); nothing is sent."""
    target = Path(path)
    with atomic_path(target) as tmp:
        tmp.write_bytes(message_bytes(msg))
    return target
