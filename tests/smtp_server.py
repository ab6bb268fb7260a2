"""A real SMTP server on 127.0.0.1 for tests, and throw-away TLS certificates.

``running_server`` starts an aiosmtpd ``Controller`` on a free loopback port
with a :class:`RecordingHandler`, which keeps every message it accepts and
can be told to refuse recipients or to drop the connection at a given step.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import socket
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

HOST = "127.0.0.1"


@dataclass
class Received:
    """One message the server accepted, as it arrived."""

    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    over_tls: bool
    authenticated: bool


@dataclass
class RecordingHandler:
    """Accepts mail and keeps it; refuses or hangs up where told to."""

    refuse_senders: set[str] = field(default_factory=set)  # MAIL FROM addresses answered with 553
    refuse: set[str] = field(default_factory=set)  # RCPT addresses answered with 550
    refuse_data: str = ""  # a reply that refuses the message once it has arrived, e.g. "552 ..."
    drop_at_rcpt: set[str] = field(default_factory=set)  # RCPT addresses at which the line is cut
    drop_after_data: bool = False  # cut the line once the whole message has arrived, before replying
    messages: list[Received] = field(default_factory=list)
    data_transfers: int = 0  # DATA phases completed, delivered or not

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, mail_options: list) -> str:
        if address in self.refuse_senders:
            return f"553 5.7.1 <{address}>: Sender address rejected"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list) -> str:
        if address in self.drop_at_rcpt:
            server.transport.close()
            return "421 4.3.0 closing"  # never reaches the client: the line is already cut
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.data_transfers += 1
        if self.drop_after_data:
            server.transport.close()
            return "421 4.3.0 closing"
        if self.refuse_data:
            return self.refuse_data
        self.messages.append(
            Received(
                mail_from=envelope.mail_from,
                rcpt_tos=list(envelope.rcpt_tos),
                content=envelope.content,
                over_tls=server.transport.get_extra_info("ssl_object") is not None,  # STARTTLS or implicit TLS
                authenticated=bool(session.authenticated),
            )
        )
        return "250 2.0.0 Message accepted for delivery"


@dataclass
class OneAccount:
    """An aiosmtpd authenticator that knows a single user and password."""

    user: str
    password: str
    attempts: list[tuple[str, str, bool]] = field(default_factory=list)  # (mechanism, login, accepted)

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        accepted = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == self.user.encode()
            and auth_data.password == self.password.encode()
        )
        login = auth_data.login.decode() if isinstance(auth_data, LoginPassword) else ""
        self.attempts.append((mechanism, login, accepted))
        return AuthResult(success=accepted, handled=False)


@dataclass(frozen=True)
class Certificate:
    cert_path: Path
    key_path: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_path, self.key_path)
        return context


def make_certificate(folder: Path) -> Certificate:
    """A self-signed certificate for 127.0.0.1 and localhost, valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "xlsync test SMTP")])
    now = dt.datetime.now(dt.timezone.utc)
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(HOST))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return Certificate(cert_path, key_path)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    handler: RecordingHandler


@contextlib.contextmanager
def running_server(handler: RecordingHandler | None = None, **controller_options: Any) -> Iterator[Server]:
    """An aiosmtpd server on 127.0.0.1; ``controller_options`` go to Controller/SMTP
    (``tls_context=``, ``ssl_context=``, ``authenticator=``, ``auth_require_tls=``...)."""
    handler = handler or RecordingHandler()
    port = free_port()
    controller = Controller(handler, hostname=HOST, port=port, server_hostname="localhost", **controller_options)
    controller.start()
    try:
        yield Server(HOST, port, handler)
    finally:
        controller.stop()


@contextlib.contextmanager
def silent_listener() -> Iterator[int]:
    """A port that accepts connections but never says a word (a hung server)."""
    with socket.socket() as listener:
        listener.bind((HOST, 0))
        listener.listen(4)
        yield listener.getsockname()[1]
