"""One SMTP transaction that sends the message, never retried.

After the server has seen the message, a retry could deliver it twice.
Every failure becomes a :class:`~xlsync.core.issues.CannotRun` whose message
says what was and was not sent.  Recipients the server refuses one by one are
not a failure: they are listed in the :class:`SendResult` next to those it
accepted.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Sequence

from xlsync.core.issues import CannotRun
from xlsync.core.numbers import format_number
from xlsync.io.mail.message import envelope_recipients, message_bytes, unique_addresses
from xlsync.io.mail.settings import SmtpSettings

logger = logging.getLogger(__name__)


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
    envelope = envelope_recipients(msg) if recipients is None else unique_addresses(recipients)
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
    context = _tls_context(settings) if settings.security != "none" else None
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


def _tls_context(settings: SmtpSettings) -> ssl.SSLContext:
    """A verifying client context: the system's authorities, or only ``settings.cafile``."""
    try:
        return ssl.create_default_context(cafile=settings.cafile or None)
    except FileNotFoundError as error:
        raise CannotRun("file-not-found", file=settings.cafile) from error
    except (ssl.SSLError, OSError) as error:
        raise CannotRun("smtp-tls-failed", host=settings.host, port=settings.port, detail=_describe(error)) from error


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
