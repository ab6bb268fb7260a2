"""`xlsync validate` and `consolidate` end their process at once when done (exit_now): same exit status,
every line of output, the master whole; the usual exit when a worker or another thread still runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from xlsync.core.example_data import example_values
from xlsync.core.template import report_layout
from xlsync.io.report_xlsx import write_report_template

XLSYNC = shutil.which("xlsync", path=os.path.dirname(sys.executable)) or shutil.which("xlsync")


def write_reports(plan, folder: Path, count: int) -> list[Path]:
    """``count`` reports for the plan's first unit, each with a negative figure (an error record)."""
    folder.mkdir()
    unit = next(iter(plan.units.values()))
    layout = report_layout(plan, unit)
    values = example_values(plan, unit)
    counted = ("INTEGER", "DECIMAL")
    code = next(code for code, element in plan.elements.items() if element.kind.name in counted and code in values)
    paths = []
    for index in range(count):
        path = folder / f"bao-cao-{index:02d}.xlsx"
        write_report_template(layout, path, {**values, code: -1 - index})
        paths.append(path)
    return paths


def run_xlsync(*args: str, cwd: Path, stdout: Path) -> int:
    """The installed `xlsync` program, its standard output sent to a file (fully buffered: flushing matters)."""
    env = {**os.environ, "XLSYNC_LANG": "en"}
    with stdout.open("wb") as out:
        return subprocess.run([XLSYNC, *args], stdout=out, stderr=subprocess.DEVNULL, cwd=cwd, env=env,
                              timeout=120).returncode


def test_validate_ends_with_its_status_and_every_record_written(plan, tmp_path):
    write_reports(plan, tmp_path / "bao-cao", 12)
    out = tmp_path / "records.json"

    status = run_xlsync("validate", "bao-cao", "--json", cwd=tmp_path, stdout=out)

    records = json.loads(out.read_text(encoding="utf-8"))  # the whole document: the buffer was flushed
    assert status == 1
    assert len(out.read_bytes()) > 8192  # more than one buffer's worth
    assert sum(record["code"] == "negative-value" for record in records) == 12


def test_consolidate_ends_with_its_status_and_the_master_whole(plan, tmp_path):
    write_reports(plan, tmp_path / "bao-cao", 3)

    status = run_xlsync("consolidate", "bao-cao", "--out", "tong-hop.xlsx", "--json", cwd=tmp_path,
                        stdout=tmp_path / "records.json")

    assert status == 1  # the reports' errors; the master is still written
    with zipfile.ZipFile(tmp_path / "tong-hop.xlsx") as master:
        assert master.testzip() is None
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


_EXIT_NOW = """
import sys, threading, time
sys.argv[0] = "xlsync"
from xlsync.cli.checking import exit_now
if sys.argv[1] == "thread":
    threading.Thread(target=time.sleep, args=(0.5,)).start()
elif sys.argv[1] == "worker":
    import multiprocessing
    multiprocessing.get_context("fork").Process(target=time.sleep, args=(0.5,)).start()
print("written before", flush=False)
print("returned", exit_now(3))
"""


def exit_now_in_child(case: str) -> tuple[int, str]:
    done = subprocess.run([sys.executable, "-c", _EXIT_NOW, case], capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout


def test_exit_now_ends_the_program_with_its_status_after_flushing():
    assert exit_now_in_child("alone") == (3, "written before\n")


def test_exit_now_leaves_the_usual_exit_to_a_run_with_a_thread_or_a_worker_still_going():
    assert exit_now_in_child("thread") == (0, "written before\nreturned 3\n")
    assert exit_now_in_child("worker") == (0, "written before\nreturned 3\n")


def test_exit_now_inside_another_program_returns():
    from xlsync.cli.checking import exit_now

    assert exit_now(1) == 1  # pytest's process goes on
