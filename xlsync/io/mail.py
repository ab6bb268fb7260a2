"""Sending the master workbook by email: the message, one SMTP transaction, the send log.

The message is built once (:func:`build_message`) and is then either written
to an ``.eml`` file (:func:`write_eml`, for ``--dry-run``) or sent
(:func:`send_message`); both use the same bytes (:func:`message_bytes`), so
what a dry run shows is what a real run sends.

Sending is a single SMTP transaction that is never retried: after the server
has seen the message, a retry could deliver it twice.  Every failure becomes a
:class:`~xlsync.core.issues.CannotRun` whose message says what was and was not
sent.  Recipients the server refuses one by one are not a failure: they are
listed in the :class:`SendResult` next to those it accepted.

The send log (:func:`append_send_log`) is a CSV file beside the master, named
``<master stem>.send-log.csv`` (``Tổng hợp 2024.xlsx`` → ``Tổng hợp
2024.send-log.csv``), UTF-8 with a byte-order mark so that Excel shows the
Vietnamese text.  One row per sending, columns:

- ``Thời gian``: when the server answered, ISO 8601 with the UTC offset;
- ``Message-ID``: the message's Message-ID header;
- ``SHA-256 tệp đính kèm``: hex SHA-256 of the attached workbook;
- ``Đã nhận``: addresses the server accepted, separated by ``; ``; when the
  connection broke before the server confirmed the message, each address is
  followed by ``(chưa xác nhận)``: it may or may not have arrived;
- ``Bị từ chối``: refused addresses with the server's reply, ``addr (550 ...)``,
  separated by ``; ``.

The SMTP password never reaches a log record, an exception message or a repr.
"""

from __future__ import annotations

import csv
import hashlib
import html
import logging
import os
import re
import smtplib
import ssl
import unicodedata
from dataclasses import dataclass, field, fields
from datetime import datetime
from email.generator import BytesGenerator
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage, MIMEPart
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from io import BytesIO
from pathlib import Path
from typing import Iterable, Literal, Mapping, Sequence
from urllib.parse import quote

from xlsync.core.issues import CannotRun
from xlsync.core.messages import text
from xlsync.core.numbers import format_number
from xlsync.io.atomic import atomic_path

logger = logging.getLogger(__name__)

Security = Literal["starttls", "ssl", "none"]
SECURITY_MODES: tuple[str, ...] = ("starttls", "ssl", "none")
DEFAULT_PORTS: dict[str, int] = {"starttls": 587, "ssl": 465, "none": 25}
KEYRING_SERVICE = "xlsync-smtp"

# SmtpSettings field → environment variable.
ENV_VARIABLES: dict[str, str] = {
    "host": "XLSYNC_SMTP_HOST",
    "port": "XLSYNC_SMTP_PORT",
    "user": "XLSYNC_SMTP_USER",
    "password": "XLSYNC_SMTP_PASSWORD",
    "security": "XLSYNC_SMTP_SECURITY",
    "mail_from": "XLSYNC_MAIL_FROM",
    "cafile": "XLSYNC_SMTP_CAFILE",
}

XLSX_MAINTYPE = "application"
XLSX_SUBTYPE = "vnd.openxmlformats-officedocument.spreadsheetml.sheet"

SEND_LOG_COLUMNS = ("Thời gian", "Message-ID", "SHA-256 tệp đính kèm", "Đã nhận", "Bị từ chối")
UNCONFIRMED_MARK = "(chưa xác nhận)"

_ADDR_SPEC = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")
_HEADER_LINE = 78  # RFC 5322 recommended line length, which the email policy also folds at
_ASCII_NAME_MAX = 60  # keeps ' filename="…";' on one header line


# --- settings ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """Where and how to send.  ``port`` 0 means the usual port of ``security``.

    ``cafile`` (PEM) replaces the system's trusted certificates, for a server
    whose certificate comes from a private authority.
    """

    host: str
    port: int = 0
    user: str = ""
    password: str = field(default="", repr=False)
    security: Security = "starttls"
    mail_from: str = ""
    timeout: float = 30.0
    cafile: str = ""

    def __post_init__(self) -> None:
        security = str(self.security).strip().lower()
        if security not in SECURITY_MODES:
            raise CannotRun("smtp-security-invalid", value=self.security, variable=ENV_VARIABLES["security"])
        object.__setattr__(self, "security", security)
        port = self.port or DEFAULT_PORTS[security]
        if not 0 < port < 65536:
            raise CannotRun("smtp-port-invalid", value=self.port, variable=ENV_VARIABLES["port"])
        object.__setattr__(self, "port", port)
        object.__setattr__(self, "timeout", float(self.timeout))

    def __repr__(self) -> str:
        password = "'***'" if self.password else "''"
        return (
            f"SmtpSettings(host={self.host!r}, port={self.port}, user={self.user!r}, password={password}, "
            f"security={self.security!r}, mail_from={self.mail_from!r}, timeout={self.timeout}, "
            f"cafile={self.cafile!r})"
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> SmtpSettings:
        """Settings from ``XLSYNC_SMTP_*`` / ``XLSYNC_MAIL_FROM``, with ``overrides`` winning.

        ``overrides`` are field names (command-line options); ``None`` means
        "not given".  Without a password, the system keyring is asked
        (service ``xlsync-smtp``, account = user).  Without ``mail_from``, a
        user name that is an address is used.
        """
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise TypeError(f"unknown SMTP setting(s): {', '.join(unknown)}")
        source = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for name, variable in ENV_VARIABLES.items():
            raw = source.get(variable, "")
            value = raw if name == "password" else raw.strip()  # a password may end in a space
            if value:
                values[name] = value
        values.update({name: value for name, value in overrides.items() if value is not None})

        if not values.get("host"):
            raise CannotRun("smtp-setting-missing", variable=ENV_VARIABLES["host"])
        values["port"] = _parse_port(values.get("port", 0))
        user = str(values.get("user", ""))
        if not values.get("mail_from"):
            if not _ADDR_SPEC.fullmatch(user):
                raise CannotRun("smtp-setting-missing", variable=ENV_VARIABLES["mail_from"])
            values["mail_from"] = user
        mailbox(str(values["mail_from"]))  # refuse a malformed sender before connecting
        if user and not values.get("password"):
            values["password"] = keyring_password(user) or ""
            if not values["password"]:
                raise CannotRun("smtp-password-missing", user=user, service=KEYRING_SERVICE)
        return cls(**values)  # type: ignore[arg-type]

    def tls_context(self) -> ssl.SSLContext:
        """A verifying client context: the system's authorities, or only ``cafile``."""
        try:
            return ssl.create_default_context(cafile=self.cafile or None)
        except FileNotFoundError as error:
            raise CannotRun("file-not-found", file=self.cafile) from error
        except (ssl.SSLError, OSError) as error:
            raise CannotRun("smtp-tls-failed", host=self.host, port=self.port, detail=_describe(error)) from error


def keyring_password(user: str) -> str | None:
    """The password stored in the system keyring for ``user``, or None."""
    try:
        import keyring  # imported here: it adds ~70 ms to every start, and most runs never need it

        return keyring.get_password(KEYRING_SERVICE, user)
    except Exception as error:  # any backend trouble (none on a headless Linux, D-Bus, locked store)
        logger.warning("System keyring not usable (%s); no SMTP password taken from it.", type(error).__name__)
        return None


def _parse_port(value: object) -> int:
    try:
        return int(str(value).strip() or 0)
    except ValueError:
        raise CannotRun("smtp-port-invalid", value=value, variable=ENV_VARIABLES["port"]) from None


# --- the message ------------------------------------------------------------


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
    try:
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise CannotRun("file-not-found", file=str(path)) from error
    from_box = mailbox(sender)
    to_boxes = [mailbox(address) for address in to]
    cc_boxes = [mailbox(address) for address in cc]
    if not to_boxes:
        raise CannotRun("mail-no-recipients")

    msg = EmailMessage()
    msg["Subject"] = subject or default_subject(summary, lang)
    msg.set_raw("From", address_field("From", [from_box]))
    msg.set_raw("To", address_field("To", to_boxes))
    if cc_boxes:
        msg.set_raw("Cc", address_field("Cc", cc_boxes))
    msg["Date"] = format_datetime(datetime.now().astimezone())
    msg["Message-ID"] = make_msgid(domain=from_box.domain)  # the sender's domain, not this machine's name
    msg["Content-Language"] = "en" if lang == "en" else "vi"
    blocks = _body_blocks(summary, path.name, lang)
    msg.set_content(_plain_text(blocks), cte="quoted-printable")
    msg.add_alternative(_html(blocks, lang), subtype="html", cte="quoted-printable")
    msg.make_mixed()
    msg.attach(_xlsx_part(data, path.name))
    return msg


def mailbox(value: str | Address) -> Address:
    """``"Name <addr>"`` or an Address → a checked Address (plain ASCII addr-spec)."""
    if isinstance(value, Address):
        display_name, addr_spec = value.display_name, value.addr_spec
    else:
        display_name, addr_spec = parseaddr(value)
    # Non-ASCII addresses need SMTPUTF8, which local servers rarely offer.
    if not (addr_spec.isascii() and _ADDR_SPEC.fullmatch(addr_spec)):
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
    return _unique(address.addr_spec for header in headers for address in header.addresses)


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
    part.set_content(data, maintype=XLSX_MAINTYPE, subtype=XLSX_SUBTYPE, params={"name": fallback})
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


# --- sending ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SendResult:
    """The server's answer to one transaction.

    ``accepted`` are the addresses the server took responsibility for (it
    may still bounce later); ``refused`` maps each refused address to the
    server's reply, e.g. ``"550 5.1.1 No such user"``.  ``unconfirmed``: the
    connection broke after the message went out and before the server
    confirmed it (see :func:`unconfirmed_result`).
    """

    message_id: str
    sent_at: datetime
    accepted: tuple[str, ...]
    refused: dict[str, str] = field(default_factory=dict)
    unconfirmed: bool = False

    @property
    def delivered(self) -> bool:
        return bool(self.accepted)

    @property
    def complete(self) -> bool:
        return bool(self.accepted) and not self.refused and not self.unconfirmed


def unconfirmed_result(problem: CannotRun, message_id: str) -> SendResult:
    """What an ``smtp-unconfirmed`` failure leaves to record: who may have the message."""
    return SendResult(
        message_id,
        datetime.now().astimezone(),
        tuple(problem.params.get("accepted", ())),
        dict(problem.params.get("refused", {})),
        unconfirmed=True,
    )


def send_message(
    msg: EmailMessage, settings: SmtpSettings, recipients: Sequence[str] | None = None
) -> SendResult:
    """Send ``msg`` once to ``recipients`` (default: its To and Cc addresses).

    Raises CannotRun when the message was not sent to anyone, or when the
    connection broke before the server confirmed it.
    """
    envelope = envelope_recipients(msg) if recipients is None else _unique(recipients)
    if not envelope:
        raise CannotRun("mail-no-recipients")
    sender = parseaddr(settings.mail_from or str(msg["From"]))[1]
    payload = message_bytes(msg)
    message_id = str(msg["Message-ID"] or "")

    client = _open_session(settings)
    try:
        result = _transfer(client, settings, sender, envelope, payload, message_id)
    except BaseException:
        client.close()  # no QUIT on a broken session: it would only wait for another timeout
        raise
    _quit_quietly(client)
    logger.info(
        "Message %s accepted for %d recipient(s), refused for %d.",
        message_id,
        len(result.accepted),
        len(result.refused),
    )
    return result


def _open_session(settings: SmtpSettings) -> smtplib.SMTP:
    """A connected, encrypted as configured and logged-in client; nothing sent yet."""
    if settings.user and not (settings.user.isascii() and settings.password.isascii()):
        # smtplib encodes AUTH data as ASCII; refuse before connecting rather than fail mid-login.
        raise CannotRun("smtp-credentials-not-ascii", user=settings.user)
    if settings.user and settings.security == "none":
        logger.warning("Logging in to %s without encryption: the password crosses the network readable.", settings.host)
    context = settings.tls_context() if settings.security != "none" else None
    logger.info(
        "Connecting to %s:%s (security %s, user %s).",
        settings.host,
        settings.port,
        settings.security,
        settings.user or "-",
    )
    try:
        if settings.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=context
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    except OSError as error:  # smtplib's errors are OSErrors too
        raise _problem_before_data(error, settings, connecting=True) from error
    try:
        if settings.security == "starttls":
            _start_tls(client, settings, context)
        if settings.user:
            _login(client, settings)
    except BaseException:
        client.close()
        raise
    return client


def _start_tls(client: smtplib.SMTP, settings: SmtpSettings, context: ssl.SSLContext | None) -> None:
    where = {"host": settings.host, "port": settings.port}
    try:
        code, reply = client.starttls(context=context)
    except smtplib.SMTPNotSupportedError as error:
        raise CannotRun("smtp-starttls-unsupported", **where) from error
    except OSError as error:
        raise _problem_before_data(error, settings) from error
    if code != 220:  # smtplib returns a refusal instead of raising; going on would be unencrypted
        raise CannotRun("smtp-tls-failed", detail=_reply_text(code, reply), **where)


def _login(client: smtplib.SMTP, settings: SmtpSettings) -> None:
    try:
        client.login(settings.user, settings.password)
    except smtplib.SMTPNotSupportedError as error:
        raise CannotRun("smtp-auth-unsupported", host=settings.host, port=settings.port) from error
    except smtplib.SMTPServerDisconnected as error:
        raise _problem_before_data(error, settings) from error
    except smtplib.SMTPException as error:  # wrong credentials, or no authentication method in common
        raise CannotRun("smtp-auth-failed", host=settings.host, user=settings.user, detail=_describe(error)) from error
    except OSError as error:
        raise _problem_before_data(error, settings) from error


def _transfer(
    client: smtplib.SMTP,
    settings: SmtpSettings,
    sender: str,
    envelope: list[str],
    payload: bytes,
    message_id: str,
) -> SendResult:
    """MAIL, one RCPT per address, DATA: done by hand to know how far the server got."""
    refused: dict[str, str] = {}
    try:
        client.ehlo_or_helo_if_needed()
        code, reply = client.mail(sender)
        if code != 250:
            raise CannotRun("smtp-sender-refused", sender=sender, detail=_reply_text(code, reply))
        for address in envelope:
            code, reply = client.rcpt(address)
            if code not in (250, 251):
                refused[address] = _reply_text(code, reply)
    except OSError as error:
        raise _problem_before_data(error, settings) from error
    accepted = tuple(address for address in envelope if address not in refused)
    if refused:
        logger.warning("Recipients refused: %s", "; ".join(f"{a} ({r})" for a, r in refused.items()))
    if not accepted:
        return SendResult(message_id, datetime.now().astimezone(), (), refused)

    recipients = ", ".join(accepted)
    try:
        code, reply = client.data(payload)
    except smtplib.SMTPDataError as error:  # DATA itself refused: no byte of the message went out
        raise CannotRun("smtp-message-refused", detail=_describe(error), recipients=recipients) from error
    except OSError as error:
        # The message may have reached the server before the link broke: say so, do not resend.
        logger.warning("Connection lost during DATA for %s: %s", message_id, _describe(error))
        raise CannotRun(
            "smtp-unconfirmed", host=settings.host, port=settings.port, recipients=recipients,
            accepted=accepted, refused=refused,
        ) from error
    if code != 250:
        raise CannotRun("smtp-message-refused", detail=_reply_text(code, reply), recipients=recipients)
    return SendResult(message_id, datetime.now().astimezone(), accepted, refused)


def _problem_before_data(error: OSError, settings: SmtpSettings, *, connecting: bool = False) -> CannotRun:
    """What went wrong before the message was transmitted: in every case nothing was sent."""
    where = {"host": settings.host, "port": settings.port}
    if isinstance(error, ssl.SSLError):
        return CannotRun("smtp-tls-failed", detail=_describe(error), **where)
    if _timed_out(error):
        return CannotRun("smtp-timeout", seconds=format_number(settings.timeout), **where)
    if connecting:
        return CannotRun("smtp-connect-failed", detail=_describe(error), **where)
    return CannotRun("smtp-disconnected", detail=_describe(error), **where)


def _timed_out(error: BaseException) -> bool:
    """A timeout, also when smtplib reports it as a lost connection (it wraps read errors)."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, TimeoutError):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _quit_quietly(client: smtplib.SMTP) -> None:
    """Say goodbye; the message is already accepted, so a failing QUIT changes nothing."""
    try:
        client.quit()
    except OSError:
        client.close()


def _describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        return _reply_text(error.smtp_code, error.smtp_error)
    if isinstance(error, ssl.SSLCertVerificationError) and error.verify_message:
        return f"certificate verify failed: {error.verify_message}"
    if isinstance(error, ssl.SSLError) and error.reason:
        return str(error.reason)
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


def _reply_text(code: int, reply: bytes | str) -> str:
    message = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {' '.join(message.split())}".strip()


def _unique(addresses: Iterable[str]) -> list[str]:
    """Each address once (compared without case), so nobody receives the message twice."""
    seen: set[str] = set()
    unique = []
    for address in addresses:
        key = address.strip().lower()
        if key and key not in seen:
            seen.add(key)
            unique.append(address.strip())
    return unique


# --- the record of sendings -------------------------------------------------


def send_log_path(master_path: str | Path) -> Path:
    master = Path(master_path)
    return master.with_name(f"{master.stem}.send-log.csv")


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def append_send_log(master_path: str | Path, result: SendResult, attachment_sha256: str) -> Path:
    """Add one row for ``result`` to the send log beside the master; return the log's path."""
    path = send_log_path(master_path)
    mark = f" {UNCONFIRMED_MARK}" if result.unconfirmed else ""
    row = [
        result.sent_at.isoformat(timespec="seconds"),
        result.message_id,
        attachment_sha256,
        "; ".join(f"{address}{mark}" for address in result.accepted),
        "; ".join(f"{address} ({reply})" for address, reply in result.refused.items()),
    ]
    try:
        starting = not path.exists() or path.stat().st_size == 0
        # utf-8-sig writes its byte-order mark only at the start of the file, not on each append.
        with path.open("a", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            if starting:
                writer.writerow(SEND_LOG_COLUMNS)
            writer.writerow([_inert_cell(value) for value in row])
    except OSError as error:
        raise CannotRun(
            "send-log-failed",
            file=str(path),
            detail=error.strerror or str(error),
            recipients=", ".join(result.accepted) or "-",
        ) from error
    return path


def _inert_cell(value: str) -> str:
    """Keep Excel from reading a cell as a formula when the log is opened."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
