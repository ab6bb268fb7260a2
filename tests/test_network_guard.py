"""The network guard (registered for every test in conftest.py) blocks and reports what leaves loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import requests

from network_guard import NetworkBlocked, is_loopback

PROJECT = Path(__file__).resolve().parents[1]


def test_outside_addresses_are_refused_and_recorded(no_network):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock, pytest.raises(NetworkBlocked):
        sock.connect(("192.0.2.10", 443))  # TEST-NET-1: never routed
    with pytest.raises(NetworkBlocked):
        socket.getaddrinfo("sheets.googleapis.com", 443)
    with pytest.raises(requests.ConnectionError):
        requests.get("https://sheets.googleapis.com/v4/spreadsheets/x", timeout=2)
    assert no_network[:2] == ["192.0.2.10:443", "name lookup of sheets.googleapis.com"]
    assert len(no_network) == 3
    no_network.clear()  # this test meant to try


def test_loopback_is_allowed():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2):
            pass
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.8.8.8", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("10.0.0.1", "8.8.8.8", "example.org", ""))


def test_a_test_that_swallows_the_refusal_still_fails(tmp_path):
    test_file = tmp_path / "test_sneaky.py"
    test_file.write_text(textwrap.dedent("""
        import requests

        def test_sneaky():
            try:
                requests.get("https://example.org", timeout=2)
            except Exception:
                pass
    """), encoding="utf-8")

    env = {**os.environ, "PYTHONPATH": str(PROJECT / "tests")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "network_guard", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path), str(test_file)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert "test tried to use the network: name lookup of example.org" in result.stdout
