"""The command line as a user meets it."""

from __future__ import annotations

import os
import subprocess
import sys


def test_help_lists_the_commands_without_loading_pandas():
    code = (
        "import sys\n"
        "from xlsync.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('PANDAS' if 'pandas' in sys.modules else 'LIGHT')\n"
    )
    # -P: the child must import the installed xlsync, not the source folder it was started in.
    done = subprocess.run([sys.executable, "-P", "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().endswith("LIGHT")
    for command in ("init", "template", "validate", "consolidate", "demo"):
        assert command in done.stdout


def test_every_command_has_help_in_vietnamese_and_english(cli):
    from xlsync.cli import COMMANDS

    for name in COMMANDS:
        status, out, _ = cli(name, "--help")
        assert status == 0, name
        assert "Usage:" in out


def test_unexpected_errors_are_one_line_without_traceback(cli, monkeypatch):
    import xlsync.jobs.setup as setup

    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(setup, "init_folder", broken)
    status, out, err = cli("init", "D")
    assert status == 2
    assert "Traceback" not in out + err
    assert "Lỗi không mong đợi (ZeroDivisionError: boom)" in err


def test_demo_quiet_prints_only_the_master_path(tmp_path):
    xlsync = os.path.join(os.path.dirname(sys.executable), "xlsync")
    done = subprocess.run([xlsync, "demo", str(tmp_path / "demo"), "--quiet"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(tmp_path / "demo" / "tong-hop.xlsx")


def test_the_core_imports_no_adapter_library():
    """The core (plan, numbers, validation, attainment, consolidation, scoring) stays pure."""
    code = (
        "import importlib, pkgutil, sys\n"
        "import xlsync.core, xlsync.schemas\n"
        "for package in (xlsync.core, xlsync.schemas):\n"
        "    for info in pkgutil.iter_modules(package.__path__, package.__name__ + '.'):\n"
        "        importlib.import_module(info.name)\n"
        "banned = ('openpyxl', 'gspread', 'xlwings', 'click', 'smtplib', 'xlsxwriter', 'python_calamine')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in banned))\n"
    )
    done = subprocess.run([sys.executable, "-P", "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
