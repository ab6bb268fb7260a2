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


# --- many records: a readable terminal, everything in --json ------------------------------------------


def _flood(plan, folder):
    """Three reports typed into nothing: every figure missing (a wrong template sent to every unit)."""
    from helpers import fill_report

    return [fill_report(plan, code, folder, {}) for code in ("T01", "T02", "T03")]


def test_a_flood_of_records_shows_a_summary_per_file_the_first_records_and_where_the_rest_are(cli, plan, tmp_path):
    import json

    from xlsync.cli.render import RECORDS_SHOWN

    _flood(plan, tmp_path / "bc")
    status, out, _ = cli("validate", "bc", "--json")
    records = json.loads(out)
    per_file = {f"bc/bao-cao-t0{n}-thon-{n}.xlsx": sum(1 for r in records if r["file"].endswith(f"t0{n}-thon-{n}.xlsx"))
                for n in (1, 2, 3)}
    assert status == 1 and len(records) > RECORDS_SHOWN and all(per_file.values())

    status, out, _ = cli("validate", "bc")

    assert status == 1
    lines = out.splitlines()
    for n, (file, count) in enumerate(per_file.items(), start=1):
        assert any(file in line and f"Thôn {n} (T0{n})" in line and f"│ {count:>3} │" in line for line in lines)
    assert sum(1 for line in lines if "missing-cell" in line) == RECORDS_SHOWN
    words = " ".join(out.split())
    assert (f"… và {len(records) - RECORDS_SHOWN} mục nữa không in ở đây. Xem đủ danh sách: chạy lại với --json; "
            "bản đánh dấu lỗi của từng tệp nếu thêm --feedback THƯ_MỤC.") in words
    assert f"3 tệp: {len(records)} lỗi, 0 cảnh báo." in words


def test_a_consolidation_flood_names_the_master_and_the_copies(cli, plan, tmp_path):
    from xlsync.cli.render import RECORDS_SHOWN

    _flood(plan, tmp_path / "bc")
    status, out, _ = cli("consolidate", "bc", "--out", "m.xlsx", "--feedback-dir", "kt", "--lang", "en")

    assert status == 1
    words = " ".join(out.split())
    assert "more records not printed here. The full list: run again with --json; the 'Kiểm tra' sheet of the " \
           f"master m.xlsx; the annotated copies in kt." in words
    assert sum(1 for line in out.splitlines() if "missing-cell" in line) == RECORDS_SHOWN


def test_the_first_records_shown_are_the_errors(capsys):
    from xlsync.cli.render import RECORDS_SHOWN, print_records
    from xlsync.core.issues import make_issue

    warnings = [make_issue("ambiguous-number", file="a.xlsx", sheet="Báo cáo", cell=f"D{row}", value="1.234",
                           reading="1.234", other="1,234") for row in range(RECORDS_SHOWN + 10)]
    error = make_issue("type-error", file="b.xlsx", sheet="Báo cáo", cell="D7", value="abc")

    print_records([*warnings, error], 2, "en")

    out = capsys.readouterr().out
    assert "type-error" in out
    assert sum(1 for line in out.splitlines() if "ambiguous-number" in line) == RECORDS_SHOWN - 1
    assert "2 files: 1 errors, 60 warnings." in " ".join(out.split())


def test_information_records_are_shown_but_never_counted(capsys, plan):
    from xlsync.cli.render import print_records
    from xlsync.core.consolidate import Source, Status, consolidate
    from xlsync.core.issues import make_issue
    from xlsync.core.report import UnitReport

    info = make_issue("percent-format-read", file="ubnd.xlsx", sheet="Báo cáo", cell="D12", value=0.648,
                      shown="64,8%", percent="64,8")
    print_records([info], 1, "vi")
    out = " ".join(capsys.readouterr().out.split())
    assert "Thông tin" in out and "percent-format-read" in out
    assert "1 tệp: 0 lỗi, 0 cảnh báo. Không có lỗi." in out

    report = UnitReport("ubnd.xlsx", "Báo cáo", unit=plan.units["UBND"], period=plan.info.period)
    result = consolidate(plan, [Source("ubnd.xlsx", report, [info])])
    (status,) = [s for s in result.statuses if s.unit.code == "UBND"]
    assert (status.status, status.errors, status.warnings) == (Status.INCLUDED, 0, 0)
