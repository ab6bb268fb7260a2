"""SMTP settings: the environment variables, command-line overrides and the system keyring.

The SMTP password never reaches a log record, an exception message or a repr.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field, fields
from typing import Literal, Mapping

from xlsync.core.issues import CannotRun
from xlsync.io.mail.message import ADDR_SPEC, mailbox

logger = logging.getLogger(__name__)

Security = Literal["starttls", "ssl", "none"]
DEFAULT_PORTS: dict[str, int] = {"starttls": 587, "ssl": 465, "none": 25}
SECURITY_MODES: tuple[str, ...] = tuple(DEFAULT_PORTS)
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
        security, port = connection_mode(self.security, self.port, DEFAULT_PORTS, ENV_VARIABLES,
                                         security_code="smtp-security-invalid", port_code="smtp-port-invalid")
        object.__setattr__(self, "security", security)
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
        values = values_from_env(cls, ENV_VARIABLES, environ, overrides)

        if not values.get("host"):
            raise CannotRun("smtp-setting-missing", variable=ENV_VARIABLES["host"])
        values["port"] = typed_port(values.get("port", 0), code="smtp-port-invalid", variable=ENV_VARIABLES["port"])
        user = str(values.get("user", ""))
        if not values.get("mail_from"):
            if not ADDR_SPEC.fullmatch(user):
                raise CannotRun("smtp-setting-missing", variable=ENV_VARIABLES["mail_from"])
            values["mail_from"] = user
        mailbox(str(values["mail_from"]))  # refuse a malformed sender before connecting
        if user and not values.get("password"):
            values["password"] = keyring_password(user) or ""
            if not values["password"]:
                raise CannotRun("smtp-password-missing", user=user, service=KEYRING_SERVICE)
        return cls(**values)  # type: ignore[arg-type]


def values_from_env(settings: type, variables: Mapping[str, str], environ: Mapping[str, str] | None,
                    overrides: Mapping[str, object]) -> dict[str, object]:
    """The fields of ``settings`` given by the environment ``variables`` (field → variable), with
    ``overrides`` (field → value; None = not given) winning."""
    unknown = sorted(set(overrides) - {f.name for f in fields(settings)})
    if unknown:
        raise TypeError(f"unknown {settings.__name__} field(s): {', '.join(unknown)}")
    source = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for name, variable in variables.items():
        raw = source.get(variable, "")
        value = raw if name == "password" else raw.strip()  # a password may end in a space
        if value:
            values[name] = value
    values.update({name: value for name, value in overrides.items() if value is not None})
    return values


def keyring_password(user: str, service: str = KEYRING_SERVICE) -> str | None:
    """The password stored in the system keyring for ``user`` under ``service``, or None."""
    try:
        import keyring  # imported here: it adds ~70 ms to every start, and most runs never need it

        return keyring.get_password(service, user)
    except Exception as error:  # any backend trouble (none on a headless Linux, D-Bus, locked store)
        logger.warning("System keyring not usable (%s); no password taken from it.", type(error).__name__)
        return None


def typed_port(value: object, *, code: str, variable: str) -> int:
    """A port as typed in ``variable`` or an option (blank: 0, the usual one); not a number → ``code``."""
    try:
        return int(str(value).strip() or 0)
    except ValueError:
        raise CannotRun(code, value=value, variable=variable) from None


def connection_mode(security: object, port: int, default_ports: Mapping[str, int], variables: Mapping[str, str], *,
                    security_code: str, port_code: str) -> tuple[str, int]:
    """The security mode (one of ``default_ports``, any case) and the port (0: the mode's usual one), checked;
    a wrong one is ``security_code`` / ``port_code`` naming its variable in ``variables``."""
    mode = str(security).strip().lower()
    if mode not in default_ports:
        raise CannotRun(security_code, value=security, variable=variables["security"])
    chosen = port or default_ports[mode]
    if not 0 < chosen < 65536:
        raise CannotRun(port_code, value=port, variable=variables["port"])
    return mode, chosen
