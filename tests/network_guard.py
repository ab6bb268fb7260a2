"""Fail any test that reaches beyond this machine.

Registered for the whole suite from ``tests/conftest.py``::

    pytest_plugins = ["network_guard"]

The autouse fixture refuses socket connections (TCP, and UDP datagrams) to
addresses other than 127.0.0.0/8 and ::1, and name lookups of hosts other
than localhost, so a request meant for Google can never leave.  Code under
test may swallow the refusal (retry loops catch connection errors), so the
fixture also records each attempt and fails the test at teardown.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any, Iterator

import pytest

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


class NetworkBlocked(ConnectionRefusedError):
    """Raised instead of opening a connection to the outside world."""


def is_loopback(host: Any) -> bool:
    if host is None:
        return True  # getaddrinfo(None, port): the local wildcard, used for binding
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    host = str(host).strip("[]").split("%", 1)[0]
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Block and record non-loopback connections; the list of attempts is the fixture's value."""
    attempts: list[str] = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_sendto, real_getaddrinfo = socket.socket.sendto, socket.getaddrinfo

    def refuse(what: str) -> NetworkBlocked:
        attempts.append(what)
        return NetworkBlocked(f"test tried to reach {what}: only 127.0.0.1/::1 are allowed in tests")

    def outside(sock: socket.socket, address: Any) -> bool:
        return sock.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(address[0])

    def connect(self: socket.socket, address: Any) -> None:
        if outside(self, address):
            raise refuse(f"{address[0]}:{address[1]}")
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if outside(self, address):
            raise refuse(f"{address[0]}:{address[1]}")
        return real_connect_ex(self, address)

    def sendto(self: socket.socket, data: bytes, *args: Any) -> int:
        address = args[-1]
        if outside(self, address):
            raise refuse(f"{address[0]}:{address[1]} (UDP)")
        return real_sendto(self, data, *args)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not is_loopback(host):
            raise refuse(f"name lookup of {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket.socket, "sendto", sendto)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield attempts
    if attempts:
        pytest.fail("test tried to use the network: " + "; ".join(attempts), pytrace=False)
