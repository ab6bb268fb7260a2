"""A real IMAP server (Dovecot) on 127.0.0.1 for tests, with its own configuration in a temporary folder.

``running_dovecot`` writes a configuration (loopback on a free port,
passwd-file login, maildir storage, STARTTLS and implicit TLS with a
throw-away certificate), starts ``dovecot -F`` and
waits for the greeting.  Run as root (as in CI), the mail and login
processes use Dovecot's own unprivileged users, which Dovecot requires;
otherwise every process runs as the current user.  In CI a server that
cannot start fails the test instead of skipping it.
"""

from __future__ import annotations

import contextlib
import grp
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from smtp_server import make_certificate

HOST = "127.0.0.1"
DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"

CONFIG = """\
protocols = imap
listen = {host}
base_dir = {root}/run
state_dir = {root}/state
instance_name = xlsync-test-{port}
ssl = yes
ssl_cert = <{root}/smtp-cert.pem
ssl_key = <{root}/smtp-key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
log_path = {root}/dovecot.log
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
first_valid_uid = {uid}
last_valid_uid = {uid}
first_valid_gid = {gid}
last_valid_gid = {gid}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = {host}
    port = {port}
  }}
  inet_listener imaps {{
    address = {host}
    port = {ssl_port}
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
"""


@dataclass(frozen=True)
class ImapServer:
    host: str
    port: int
    user: str
    password: str
    root: Path
    ssl_port: int  # implicit TLS; the plain port offers STARTTLS
    cafile: Path  # the self-signed certificate of both

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4(self.host, self.port, timeout=10)
        client.login(self.user, self.password)
        return client

    def append(self, raw: bytes, folder: str = "INBOX", when: float | None = None) -> int:
        """Put one message in ``folder`` over IMAP APPEND, as a mail program saves one; returns its UID."""
        client = self.client()
        try:
            if folder != "INBOX":
                client.create(_quoted(folder))  # NO when it exists already: fine
            internal = imaplib.Time2Internaldate(when) if when is not None else None
            status, data = client.append(_quoted(folder), None, internal, raw)
            assert status == "OK", data
            return int(data[0].split(b"APPENDUID ")[1].split(b" ")[1].rstrip(b"]"))
        finally:
            client.logout()

    def flags(self, folder: str = "INBOX") -> dict[int, bytes]:
        """Each message's flags, by UID (to see that reading left them alone)."""
        client = self.client()
        try:
            client.select(_quoted(folder), readonly=True)
            status, data = client.uid("FETCH", "1:*", "(UID FLAGS)")
            found = {}
            for line in data:
                if isinstance(line, bytes) and b"UID" in line:
                    uid = int(line.split(b"UID ")[1].split(b" ")[0].rstrip(b")"))
                    found[uid] = line.split(b"FLAGS (")[1].split(b")")[0]
            return found
        finally:
            client.logout()

    def clear(self, folder: str = "INBOX") -> None:
        """Delete every message of ``folder`` (between tests sharing the server)."""
        client = self.client()
        try:
            client.select(_quoted(folder))
            status, data = client.search(None, "ALL")
            if data and data[0]:
                client.store(b",".join(data[0].split()).decode(), "+FLAGS", "(\\Deleted)")
                client.expunge()
        finally:
            client.logout()


def _quoted(folder: str) -> str:
    """imaplib sends a name as given: one with a space must be quoted by the caller."""
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _accounts() -> dict[str, object]:
    """Which system users the server's processes run as: Dovecot refuses root for them."""
    uid, gid = os.getuid(), os.getgid()
    if uid != 0:
        name = pwd.getpwuid(uid).pw_name
        return {"uid": uid, "gid": gid, "login_user": name, "internal_user": name,
                "internal_group": grp.getgrgid(gid).gr_name}
    try:
        internal = pwd.getpwnam("dovecot")
        login = pwd.getpwnam("dovenull")
    except KeyError:
        _unavailable("the system users dovecot and dovenull are missing (install dovecot-imapd)")
    return {"uid": internal.pw_uid, "gid": internal.pw_gid, "login_user": login.pw_name,
            "internal_user": internal.pw_name, "internal_group": grp.getgrgid(internal.pw_gid).gr_name}


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"Dovecot is required in CI ({reason}): .ci/run installs dovecot-imapd")
    pytest.skip(f"Dovecot cannot run here: {reason}")


@contextlib.contextmanager
def running_dovecot(user: str = "vanphong@sontay.example.com",
                    password: str = "Kh0ng-ai-biet!42") -> Iterator[ImapServer]:
    if not Path(DOVECOT).exists():
        _unavailable("the dovecot program is not installed")
    accounts = _accounts()
    # Not under pytest's folder: its parents are private to this user, and Dovecot's own users must enter.
    root = Path(tempfile.mkdtemp(prefix="xlsync-dovecot-"))
    root.chmod(0o755)
    port, ssl_port = _free_port(), _free_port()
    try:
        certificate = make_certificate(root)
        (root / "mail").mkdir()
        if os.getuid() == 0:
            os.chown(root / "mail", accounts["uid"], accounts["gid"])
        (root / "passwd").write_text(f"{user}:{{PLAIN}}{password}\n", encoding="utf-8")
        config = root / "dovecot.conf"
        config.write_text(CONFIG.format(host=HOST, port=port, ssl_port=ssl_port, root=root, **accounts),
                          encoding="utf-8")
        process = subprocess.Popen([DOVECOT, "-F", "-c", str(config)], stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT)
        try:
            _wait_for_greeting(port, process, root)
            yield ImapServer(HOST, port, user, password, root, ssl_port, certificate.cert_path)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _wait_for_greeting(port: int, process: subprocess.Popen, root: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode(errors="replace") if process.stdout else ""
            log = (root / "dovecot.log").read_text(errors="replace") if (root / "dovecot.log").exists() else ""
            _unavailable(f"it stopped at once: {output.strip()} {log.strip()}")
        with contextlib.suppress(OSError):
            with socket.create_connection((HOST, port), timeout=1) as connection:
                if connection.recv(100).startswith(b"* OK"):
                    return
        time.sleep(0.05)
    _unavailable("no greeting within 10 seconds")
