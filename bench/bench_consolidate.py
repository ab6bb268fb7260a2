"""Benchmark: `xlsync consolidate` end to end, side by side with the scripts an analyst would write instead.

For each N it generates N filled report workbooks (N example villages in a plan
derived from the bundled one) and runs, each as a whole new process
(interpreter start included), in turns within one invocation:

- xlsync:           `xlsync consolidate DIR --plan PLAN --out MASTER`
- pandas+calamine:  bench/peer_pandas.py: read_excel(engine="calamine") per file, concat, groupby sums,
                    a two-sheet .xlsx
- polars+calamine:  bench/peer_polars.py: pl.read_excel (calamine) per file, group_by, write_excel
- floor:            bench/floor_calamine.py: calamine reads every report sheet in 2 processes, nothing else
- openpyxl (historical): bench/peer_pandas.py --engine openpyxl, the peer of the first benchmark; small N only

After a warm-up round, whose outputs are checked (every peer's totals must
equal the «Toàn xã» totals of xlsync's master), it takes the median wall time
of --repeat rounds and the peak memory of each whole process tree (see
measure.py), and prints a table. Then the interactive figures: `xlsync --help`,
`xlsync validate` of one report, consolidate of 20 reports. --write writes
docs/benchmarks.md.

    python bench/bench_consolidate.py                       # N = 20, 200, 1000
    python bench/bench_consolidate.py --large --write       # and 5000, 10000 (about 30 minutes)
    python bench/bench_consolidate.py -n 5000 --repeat 3 --inputs /tmp/xlsync-bench

Run it with the Python of an installation as a user has it, plus the peers:
`pip install ".[bench]"` in a fresh venv (with the test extras, importing
pandera also loads hypothesis, which a user never pays for).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from docs_page import repository_commit, write_docs
from measure import Run, median_cpu_seconds, median_seconds, peak_tree_mb, run_once
from tables import cpu_table, table
from totals import differences, master_totals, peer_totals
from xlsync.core.example_data import example_values
from xlsync.core.template import report_layout
from xlsync.io.plan_source import load_bundled_plan
from xlsync.io.plan_xlsx import write_plan_workbook
from xlsync.io.report_xlsx import write_report_template

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
XLSYNC = shutil.which("xlsync", path=str(Path(sys.executable).parent)) or shutil.which("xlsync") or "xlsync"
DEFAULT_SIZES = [20, 200, 1000]
LARGE_SIZES = [5000, 10000]


@dataclass(frozen=True)
class Contender:
    key: str
    label: str
    command: Callable[[Path, Path, Path], list[str]]  # (reports folder, plan, output folder) → argv
    output: str | None = None  # the workbook it writes, whose totals are checked


CONTENDERS = [
    Contender("xlsync", "xlsync", lambda reports, plan, out: [
        XLSYNC, "consolidate", str(reports), "--plan", str(plan), "--out", str(out / "tong-hop.xlsx")], "tong-hop.xlsx"),
    Contender("pandas", "pandas+calamine", lambda reports, plan, out: [
        PYTHON, str(HERE / "peer_pandas.py"), str(reports), str(out / "pandas.xlsx")], "pandas.xlsx"),
    Contender("polars", "polars+calamine", lambda reports, plan, out: [
        PYTHON, str(HERE / "peer_polars.py"), str(reports), str(out / "polars.xlsx")], "polars.xlsx"),
    Contender("floor", "floor", lambda reports, plan, out: [PYTHON, str(HERE / "floor_calamine.py"), str(reports)]),
    Contender("openpyxl", "openpyxl (historical)", lambda reports, plan, out: [
        PYTHON, str(HERE / "peer_pandas.py"), str(reports), str(out / "openpyxl.xlsx"), "--engine", "openpyxl"],
        "openpyxl.xlsx"),
]


def make_inputs(n: int, folder: Path) -> Path:
    """A plan with N villages, and N filled reports in folder/bao-cao; returns the plan's path."""
    bundled = load_bundled_plan().plan
    template_unit = bundled.units["T01"]
    units = {
        f"X{i:05d}": replace(template_unit, code=f"X{i:05d}", name=f"Thôn {i}", block=f"Cụm {i // 20 + 1}", row=-1)
        for i in range(1, n + 1)
    }
    # Targets, criteria and awards of the example name the example units and blocks: not these.
    cleared = {name: [] for name in ("unit_targets", "criteria", "award_rules") if hasattr(bundled, name)}
    plan = replace(bundled, units=units, **cleared)
    plan_path = write_plan_workbook(plan, folder / "ke-hoach.xlsx")
    reports = folder / "bao-cao"
    reports.mkdir()
    for unit in units.values():
        layout = report_layout(plan, unit)
        write_report_template(layout, reports / f"{unit.code}.xlsx", example_values(plan, unit))
    return plan_path


def inputs_for(n: int, keep: Path | None, scratch: Path) -> Path:
    """The folder holding N reports and their plan: made once, reused from --inputs when complete."""
    folder = (keep or scratch) / f"n{n}"
    done = folder / "complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        started = time.perf_counter()
        make_inputs(n, folder)
        done.touch()
        print(f"N={n}: {n} reports made in {time.perf_counter() - started:.0f} s", flush=True)
    return folder


def check_outputs(n: int, out: Path, warmup: dict[str, Run]) -> None:
    """Every contender ran cleanly, and every peer's totals equal the master's."""
    for key, run in warmup.items():
        if run.code != 0:
            log = (out / f"{key}.log").read_text(errors="replace")[-2000:]
            raise SystemExit(f"N={n}: {key} exited with {run.code}:\n{log}")
    files = int((out / "floor.log").read_text().split()[0])
    if files != n:
        raise SystemExit(f"N={n}: the floor read {files} files")
    peers = [c for c in CONTENDERS if c.output and c.key != "xlsync" and c.key in warmup]
    first = peer_totals(out / peers[0].output)
    expected = master_totals(out / "tong-hop.xlsx", set(first))
    for peer in peers:
        wrong = differences(expected, peer_totals(out / peer.output))
        if wrong:
            raise SystemExit(f"N={n}: {peer.label} does not compute xlsync's totals:\n" + "\n".join(wrong[:10]))
    print(f"N={n}: the totals of {', '.join(p.label for p in peers)} equal the master's ({len(expected)} elements)",
          flush=True)


def measure_size(n: int, folder: Path, repeat: int, historical_max: int) -> dict:
    contenders = [c for c in CONTENDERS if c.key != "openpyxl" or n <= historical_max]
    reports, plan = folder / "bao-cao", folder / "ke-hoach.xlsx"
    runs: dict[str, list[Run]] = {c.key: [] for c in contenders}
    with tempfile.TemporaryDirectory(prefix="xlsync-bench-out-") as tmp:
        out = Path(tmp)
        warmup = {c.key: run_once(c.command(reports, plan, out), out / f"{c.key}.log") for c in contenders}
        check_outputs(n, out, warmup)
        for turn in range(repeat):
            order = contenders[turn % len(contenders):] + contenders[:turn % len(contenders)]
            for contender in order:  # in turns, so a busier minute falls on all of them
                runs[contender.key].append(run_once(contender.command(reports, plan, out), out / "run.log"))
    return summarise(n, runs)


def summarise(n: int, runs: dict[str, list[Run]]) -> dict:
    row = {"n": n, "xlsync_processes": max(r.processes for r in runs["xlsync"])}
    for key, measured in runs.items():
        row[key] = median_seconds(measured)
        row[f"{key}_cpu"] = median_cpu_seconds(measured)
        row[f"{key}_mb"] = peak_tree_mb(measured)
    for key in runs:  # the median of the ratios turn by turn, which a drifting machine disturbs least
        if key != "xlsync":
            row[f"{key}_ratio"] = statistics.median(p.seconds / x.seconds for p, x in zip(runs[key], runs["xlsync"]))
    return row


def measure_interactive(folder: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """Command → (median wall seconds, median CPU seconds)."""
    reports, plan = folder / "bao-cao", folder / "ke-hoach.xlsx"
    one = sorted(reports.glob("*.xlsx"))[0]
    commands = {
        "xlsync --help": [XLSYNC, "--help"],
        f"xlsync validate {one.name} --plan ke-hoach.xlsx": [XLSYNC, "validate", str(one), "--plan", str(plan)],
    }
    figures = {}
    with tempfile.TemporaryDirectory(prefix="xlsync-bench-out-") as tmp:
        commands["xlsync consolidate (20 reports)"] = CONTENDERS[0].command(reports, plan, Path(tmp))
        for label, command in commands.items():
            runs = [run_once(command, Path(tmp) / "run.log") for _ in range(repeat + 1)][1:]  # first: warm-up
            figures[label] = median_seconds(runs), median_cpu_seconds(runs)
            print(f"{label:<50} {figures[label][0]:6.2f} s wall {figures[label][1]:6.2f} s CPU", flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--size", type=int, action="append", help="number of reports (repeatable)")
    parser.add_argument("--large", action="store_true", help="also N = 5000 and 10000")
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds per N (the median is kept); default 5")
    parser.add_argument("--historical-max", type=int, default=200,
                        help="run the historical openpyxl peer up to this N (slow: ~20 s at 1000); default 200")
    parser.add_argument("--interactive-repeat", type=int, default=10, help="runs per interactive figure")
    parser.add_argument("--inputs", type=Path, help="keep the generated reports in this folder and reuse them")
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    args = parser.parse_args()
    sizes = (args.size or DEFAULT_SIZES) + (LARGE_SIZES if args.large else [])

    load_at_start, commit = os.getloadavg()[0], repository_commit()
    rows = []
    with tempfile.TemporaryDirectory(prefix="xlsync-bench-") as scratch:
        for n in sizes:
            rows.append(measure_size(n, inputs_for(n, args.inputs, Path(scratch)), args.repeat, args.historical_max))
            print("\n".join(table(rows[-1:])[2:]), flush=True)
        interactive = measure_interactive(inputs_for(20, args.inputs, Path(scratch)), args.interactive_repeat)
    print()
    print("\n".join(table(rows)))
    print()
    print("\n".join(cpu_table(rows)))
    if args.write:
        write_docs(rows, interactive, table(rows), sys.argv[1:], args.repeat, args.interactive_repeat,
                   (load_at_start, os.getloadavg()[0]), commit)


if __name__ == "__main__":
    main()
