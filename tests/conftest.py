"""Shared fixtures: the bundled plan, a CLI runner, and the network guard."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from xlsync.core.plan import Plan
from xlsync.io.plan_source import load_bundled_plan

# No test may reach beyond 127.0.0.1 (tests/network_guard.py).
pytest_plugins = ["network_guard"]


@pytest.fixture(autouse=True)
def _private_plan_cache(tmp_path_factory, monkeypatch):
    """The plan cache of the test run, not the user's (~/.cache/xlsync), shared by its tests."""
    monkeypatch.setenv("XLSYNC_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "plan-cache"))


@pytest.fixture(scope="session")
def bundled():
    return load_bundled_plan()


@pytest.fixture(scope="session")
def plan(bundled) -> Plan:
    return bundled.plan


@pytest.fixture
def fake():
    """The local stand-in for Google Sheets and Drive (tests/fake_sheets_api.py), acting as SA_EMAIL."""
    from fake_sheets_api import SA_EMAIL, FakeGoogle  # here: it loads gspread, which most tests never need

    with FakeGoogle(account_email=SA_EMAIL) as server:
        yield server


@pytest.fixture(scope="session")
def dovecot():
    """A real IMAP server on loopback (tests/imap_server.py), shared by the run; each test clears what it uses."""
    from imap_server import running_dovecot

    with running_dovecot() as server:
        yield server


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """Run `xlsync ...` in-process from an empty folder; returns (exit code, stdout, stderr)."""
    from xlsync.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("XLSYNC_LANG", raising=False)

    def run(*args: str):
        result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return run
