"""What each command loads: a command pays only for the libraries it uses.

Timings are not asserted here (a busy machine would fail them); the
benchmark prints them.  What is asserted is which libraries a command
imports, in a child process started as a user starts xlsync.
"""

from __future__ import annotations

import inspect
import json
import os
import pickle
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import click
import pytest

from xlsync.cli import COMMANDS, main
from xlsync.core.example_data import example_values
from xlsync.core.template import report_layout
from xlsync.io import plan_cache
from xlsync.io.plan_source import load_plan_file, resolve_plan
from xlsync.io.plan_xlsx import write_plan_workbook
from xlsync.io.report_xlsx import write_report_template

# Runs `xlsync ARGS` in this child and prints its exit status and the libraries it imported.
_CHILD = """
import json, sys
from xlsync.cli import main
try:
    main(sys.argv[1:])
    status = 0
except SystemExit as done:
    status = done.code
print(json.dumps([status, sorted(sys.modules)]))
"""


def run_child(*args: str, cwd: Path, cache: Path | str) -> tuple[int, set[str]]:
    """The exit status of `xlsync ARGS` and the modules it imported (their top-level names, and xlsync's own)."""
    # -P: the child imports the installed xlsync, not the folder it was started in.
    env = {**os.environ, "XLSYNC_CACHE_DIR": str(cache), "XLSYNC_LANG": "en"}
    done = subprocess.run([sys.executable, "-P", "-c", _CHILD, *args], capture_output=True, text=True, cwd=cwd,
                          env=env, check=True, timeout=120)
    status, modules = json.loads(done.stdout.strip().splitlines()[-1])
    return status, {name if name.startswith("xlsync") else name.split(".")[0] for name in modules}


def filled_report(plan, folder: Path, code: str = "T01") -> Path:
    unit = plan.units[code]
    path = folder / f"{code}.xlsx"
    write_report_template(report_layout(plan, unit), path, example_values(plan, unit))
    return path


# --- the libraries each command loads ----------------------------------------------------------------


def test_help_loads_click_and_nothing_heavy(tmp_path):
    status, modules = run_child("--help", cwd=tmp_path, cache=tmp_path / "cache")
    assert status == 0
    assert "click" in modules
    assert modules.isdisjoint({"pandas", "pandera", "numpy", "openpyxl", "rich", "python_calamine", "xlsxwriter",
                               "smtplib", "gspread"})
    assert {name for name in modules if name.startswith("xlsync")} == {"xlsync", "xlsync.cli"}  # no command module


def test_validating_a_report_loads_no_writer_spreadsheet_service_or_mail(plan, tmp_path):
    report = filled_report(plan, tmp_path)

    status, modules = run_child("validate", str(report), cwd=tmp_path, cache=tmp_path / "cache")

    assert status == 0  # the report was read and checked (with pandera), and is clean
    assert {"pandera", "python_calamine"} <= modules
    assert modules.isdisjoint({"openpyxl", "gspread", "xlwings", "smtplib", "rich"})


def test_consolidating_loads_the_writer_but_not_the_scoring_modules(plan, tmp_path):
    filled_report(plan, tmp_path)

    status, modules = run_child("consolidate", "T01.xlsx", "--out", "tong-hop.xlsx", cwd=tmp_path,
                                cache=tmp_path / "cache")

    assert status == 0 and (tmp_path / "tong-hop.xlsx").is_file()
    assert "xlsxwriter" in modules
    assert modules.isdisjoint({"xlsync.core.scoring.run", "xlsync.core.scoring.read", "xlsync.io.master.scoring"})


def test_a_command_that_checks_no_report_loads_no_pandas_once_the_plan_is_kept(tmp_path):
    cache = tmp_path / "cache"
    first, first_modules = run_child("template", "--out", "mau", cwd=tmp_path, cache=cache)
    again, modules = run_child("template", "--out", "mau", cwd=tmp_path, cache=cache)

    assert (first, again) == (0, 0)
    assert "pandas" in first_modules  # the plan was read, once
    assert modules.isdisjoint({"pandas", "pandera", "numpy"})
    assert sorted(p.name for p in (tmp_path / "mau").iterdir())  # the templates were written


def test_the_command_list_of_help_is_each_commands_own_summary():
    """``xlsync --help`` lists the commands from COMMANDS without importing them: the same words."""
    import importlib

    for name, (module, attribute, summary) in COMMANDS.items():
        command = getattr(importlib.import_module(module), attribute)
        first_paragraph = inspect.cleandoc(command.help).split("\n\n")[0]
        assert " ".join(first_paragraph.split()) == summary, name  # click rewraps a paragraph

    ctx = click.Context(main, info_name="xlsync")
    lazy = click.HelpFormatter(width=100)
    main.format_commands(ctx, lazy)
    loaded = click.HelpFormatter(width=100)
    click.Group.format_commands(main, ctx, loaded)
    assert lazy.getvalue() == loaded.getvalue()
    assert "validate     Kiểm tra sổ kế hoạch và báo cáo của đơn vị; chỉ ra từng ô sai." in lazy.getvalue()


# --- the plan kept between runs ----------------------------------------------------------------------


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XLSYNC_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "plans"


@pytest.fixture
def plan_file(bundled, tmp_path) -> Path:
    return write_plan_workbook(bundled.plan, tmp_path / "ke-hoach.xlsx")


def refuse_to_read(monkeypatch) -> None:
    import xlsync.core.plan_reader as plan_reader

    def read_plan(_workbook):
        raise AssertionError("the plan was read again")

    monkeypatch.setattr(plan_reader, "read_plan", read_plan)


def test_a_plan_read_once_comes_back_equal_without_reading_it(cache, plan_file, monkeypatch):
    read = resolve_plan(plan_file)
    fresh = load_plan_file(plan_file)
    assert len(list(cache.iterdir())) == 1

    refuse_to_read(monkeypatch)
    kept = resolve_plan(plan_file)

    assert (kept.plan, kept.issues, kept.origin) == (fresh.plan, fresh.issues, "option")
    assert kept.plan == read.plan and kept.plan is not read.plan
    assert kept.plan.source == str(plan_file)


def test_the_excel_buttons_keep_the_plan_between_clicks(cache, plan_file, monkeypatch):
    from xlsync.excel.target import plan_for

    named, near = {"plan_path": str(plan_file)}, {}
    first = (plan_for(named, None), plan_for(near, plan_file.parent), plan_for(near, None))
    refuse_to_read(monkeypatch)
    again = (plan_for(named, None), plan_for(near, plan_file.parent), plan_for(near, None))

    assert [loaded.origin for loaded in again] == ["option", "folder", "bundled"]
    assert [loaded.plan for loaded in again] == [loaded.plan for loaded in first]


def test_the_bundled_plan_is_kept_too(cache, bundled, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no working folder plan here
    resolve_plan(None)
    refuse_to_read(monkeypatch)

    kept = resolve_plan(None)

    assert (kept.plan, kept.issues, kept.origin) == (bundled.plan, bundled.issues, "bundled")


def test_a_changed_plan_or_another_name_reads_the_plan_again(cache, plan_file, bundled, tmp_path):
    resolve_plan(plan_file)
    units = {**bundled.plan.units, "T01": replace(bundled.plan.units["T01"], name="Thôn Mới")}
    write_plan_workbook(replace(bundled.plan, units=units), plan_file)
    copy = tmp_path / "ban-sao.xlsx"
    copy.write_bytes(plan_file.read_bytes())

    assert resolve_plan(plan_file).plan.units["T01"].name == "Thôn Mới"
    assert resolve_plan(copy).plan.source == str(copy)  # records name the file as the user named it
    assert len(list(cache.iterdir())) == 3


def test_an_entry_that_cannot_be_read_is_ignored_and_written_again(cache, plan_file):
    resolve_plan(plan_file)
    (entry,) = cache.iterdir()
    entry.write_bytes(b"not a pickle")

    assert resolve_plan(plan_file).plan == load_plan_file(plan_file).plan
    assert pickle.loads(entry.read_bytes())[0] == load_plan_file(plan_file).plan

    entry.write_bytes(pickle.dumps({"not": "a plan"}))
    assert resolve_plan(plan_file).plan == load_plan_file(plan_file).plan


def test_a_cache_folder_that_cannot_be_written_does_not_stop_the_run(plan_file, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("the cache folder's place is taken by a file")
    monkeypatch.setenv("XLSYNC_CACHE_DIR", str(blocker))

    assert resolve_plan(plan_file).plan == load_plan_file(plan_file).plan


def test_the_cache_can_be_turned_off(plan_file, monkeypatch):
    monkeypatch.setenv("XLSYNC_CACHE_DIR", "off")
    assert plan_cache.cache_folder() is None
    refuse_to_read(monkeypatch)
    with pytest.raises(AssertionError, match="read again"):
        resolve_plan(plan_file)


def test_the_cache_keeps_the_plans_used_last(cache, plan_file, monkeypatch):
    monkeypatch.setattr(plan_cache, "ENTRIES_KEPT", 2)
    loaded = load_plan_file(plan_file)
    for name in ("a", "b", "c"):
        plan_cache.remembered(name, b"plan " + name.encode(), lambda: (loaded.plan, loaded.issues))
    assert len(list(cache.iterdir())) == 2


def test_an_edit_of_xlsync_is_another_key(monkeypatch):
    key = plan_cache.entry_key("ke-hoach.xlsx", b"bytes")
    assert plan_cache.entry_key("ke-hoach.xlsx", b"bytes") == key
    monkeypatch.setattr(plan_cache, "code_stamp", lambda: "another build")
    assert plan_cache.entry_key("ke-hoach.xlsx", b"bytes") != key
