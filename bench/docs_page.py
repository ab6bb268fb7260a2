"""docs/benchmarks.md from one run of bench_consolidate.py; the «Notes» section written by hand is kept."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import date
from importlib import metadata
from pathlib import Path

from tables import cpu_table

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "benchmarks.md"
NOTES = "## Notes"
DISTRIBUTIONS = ("xlsync", "pandas", "pandera", "polars", "fastexcel", "python-calamine", "XlsxWriter", "openpyxl")

# (what the issue asks, how to read it from the results)
# (what the issue asks, the figure this run measured for it, the bound it must stay within)
GOALS = [
    ("N = 1,000 within 1.5 s (wall)", lambda rows, fig: _at(rows, 1000, "xlsync"), 1.5),
    ("N = 1,000 faster than both peers (the smaller of peer ÷ xlsync above 1)",
     lambda rows, fig: -min(_at(rows, 1000, "pandas_ratio"), _at(rows, 1000, "polars_ratio")), -1),
    ("N = 10,000 within 10 s (wall)", lambda rows, fig: _at(rows, 10000, "xlsync"), 10),
    ("N = 10,000 within 400 MB (whole process tree)", lambda rows, fig: _at(rows, 10000, "xlsync_mb"), 400),
    ("`xlsync validate` of one report within 0.5 s", lambda rows, fig: _figure(fig, "validate"), 0.5),
    ("consolidate of 20 reports within 0.8 s", lambda rows, fig: _figure(fig, "consolidate"), 0.8),
    ("`xlsync --help` within 0.15 s", lambda rows, fig: _figure(fig, "--help"), 0.15),
]


def _at(rows: list[dict], n: int, key: str) -> float:
    row = next((r for r in rows if r["n"] == n), None)
    if row is None:
        raise LookupError(n)
    return row[key]


def _figure(figures: dict[str, tuple[float, float]], word: str) -> float:
    return next(wall for label, (wall, _) in figures.items() if word in label)


def repository_commit() -> str:
    done = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return done.stdout.strip() or "?"


def _machine(commit: str) -> list[str]:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "?")
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024 ** 3
    versions = []
    for name in DISTRIBUTIONS:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    return [
        f"- {os.cpu_count()} cores ({model}), {memory_gb:.0f} GB, {platform.system()} {platform.release()}, "
        f"{platform.python_implementation()} {platform.python_version()}",
        f"- {', '.join(versions)}; the repository was at commit {commit} when the run started",
    ]


def _goals(rows: list[dict], figures: dict[str, float]) -> list[str]:
    lines = ["| goal (issue 11) | measured | this run |", "|---|---:|---|"]
    for goal, measured, bound in GOALS:
        try:
            figure = measured(rows, figures)
        except (LookupError, StopIteration):
            lines.append(f"| {goal} | – | not measured |")
            continue
        lines.append(f"| {goal} | {abs(figure):.2f} | {'met' if figure <= bound else 'not met'} |")
    return lines


def _cpu_section(rows: list[dict]) -> list[str]:
    lines = cpu_table(rows)
    if not lines:
        return []
    return ["CPU seconds, user + system of the whole process tree (median of the same runs): other work on the "
            "machine inflates them far less than wall time, so they are the figures to compare on a busy machine. "
            "xlsync's are the sum over its processes, which run at the same time from 30 reports on (the «xlsync processes» column).", "",
            *lines, ""]


def _kept_notes() -> list[str]:
    if not PAGE.exists():
        return []
    text = PAGE.read_text(encoding="utf-8")
    return text[text.index(NOTES):].rstrip("\n").split("\n") if NOTES in text else []


def write_docs(rows: list[dict], figures: dict[str, tuple[float, float]], table: list[str], argv: list[str],
               repeat: int, interactive_repeat: int, load: tuple[float, float], commit: str) -> None:
    """``figures``: command → (median wall seconds, median CPU seconds)."""
    figures = {label: value if isinstance(value, tuple) else (value, float("nan")) for label, value in figures.items()}
    command = " ".join(["python bench/bench_consolidate.py", *argv])
    lines = [
        "# Benchmarks",
        "",
        f"Produced on {date.today().isoformat()} by `{command}`, with xlsync and the peers installed in a fresh "
        "venv by `pip install \".[bench]\"` (no test extras). The one-minute load average was "
        f"{load[0]:.1f} when the run started and {load[1]:.1f} when it ended (on 2 cores, anything above "
        "about 0.5 means other work shared the machine and the figures are slower than on a quiet one).",
        "",
        "## The machine",
        "",
        *_machine(commit),
        "",
        "## What runs",
        "",
        "The same generated reports for everyone: N filled report workbooks as xlsync's template makes them "
        "(sheets «Báo cáo», «Hướng dẫn» and a hidden one; 21 figures each), N villages in a plan derived from "
        "the bundled example.",
        "",
        "- **xlsync**: `xlsync consolidate DIR --plan PLAN --out MASTER`. Checks each file (zip and XML safety, "
        "dimensions), reads every report, validates every figure with pandera (records with a cell address), "
        "checks the unit and the period, hashes each source (SHA-256), consolidates, computes attainment against "
        "the plan, and writes the master: indicators with attainment and «Toàn xã» totals as live formulas "
        "(results stored), figures per unit, progress, checks, sources.",
        "- **pandas+calamine** (`bench/peer_pandas.py`): `pandas.read_excel(engine=\"calamine\")` of the "
        "«Báo cáo» sheet per file, `concat`, `groupby` sums per data element (numbers added, «Đạt» counted), "
        "a two-sheet .xlsx (totals; figures per unit) written by XlsxWriter.",
        "- **polars+calamine** (`bench/peer_polars.py`): `polars.read_excel` (calamine engine) per file, "
        "`concat`, `group_by` sums, `write_excel` of the same two sheets.",
        "- **floor** (`bench/floor_calamine.py`): python-calamine reads every file's «Báo cáo» sheet into Python "
        "values in 2 processes, and nothing else. No consolidation built on calamine can be faster.",
        "- **openpyxl (historical)**: `bench/peer_pandas.py --engine openpyxl`, the peer of the first version "
        "of this page, in one process; run for small N only.",
        "",
        "The peers do not validate (a typo, a wrong unit or another year's report is added up silently), "
        "give no cell addresses, write values instead of formulas, and hash nothing. Before timing, each "
        "peer's totals are checked equal to the «Toàn xã» totals in xlsync's master for every N: a script "
        "that computed something else would not be a peer.",
        "",
        "## How it is measured",
        "",
        f"Each figure is the median wall time of {repeat} runs after one warm-up run, each run a whole new "
        "process (interpreter start, imports and exit included), the contenders taking turns so that a busy "
        "minute falls on all of them. A ratio is the median of the turn-by-turn ratios. Peak memory is the "
        "largest sum, sampled every 20 ms, of the proportional set size (PSS) of the process and all its "
        "descendants: xlsync's forked reader workers are counted, and pages they share with their parent "
        "are counted once.",
        "",
        "## Consolidation: xlsync and the scripts an analyst would write",
        "",
        *table,
        "",
        "A ratio above 1 means the peer took longer than xlsync.",
        "",
        *_cpu_section(rows),
        "## Interactive figures",
        "",
        f"Median of {interactive_repeat} runs after a warm-up, each a new process.",
        "",
        "| command | wall (s) | CPU (s) |",
        "|---|---:|---:|",
        *[f"| `{label}` | {wall:.2f} | {cpu:.2f} |" for label, (wall, cpu) in figures.items()],
        "",
        "## Goals",
        "",
        *_goals(rows, figures),
        "",
    ]
    notes = _kept_notes()
    PAGE.write_text("\n".join(lines + notes) + "\n", encoding="utf-8")
