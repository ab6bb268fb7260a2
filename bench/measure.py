"""One command as a whole new process: wall time and the peak memory of its whole process tree.

Wall time runs from just before the fork to the moment the process is reaped
(interpreter start, imports and exit included). Memory: a thread samples, every
20 ms, the proportional set size (PSS, /proc/PID/smaps_rollup) of the process
and of every descendant alive (/proc/PID/task/*/children) and keeps the largest
sum. PSS splits the pages that forked workers share with their parent, so the
sum is what the tree really holds; plain RSS would count shared pages once per
worker. A peak shorter than one interval can be missed.

CPU seconds (user + system) of the process and of every descendant it waited
for (os.wait4): unlike wall time, hardly inflated when other work shares the
machine, so the figure to compare on a busy one.

Not ru_maxrss: Linux keeps a process's high-water RSS across execve, so a
child's ru_maxrss (from wait4 or RUSAGE_CHILDREN) is at least the RSS its
parent had when it started the child: this benchmark's own ~100 MB.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.02


@dataclass(frozen=True)
class Run:
    seconds: float
    tree_mb: float  # peak of the summed PSS of the process tree (sampled)
    cpu_seconds: float  # user + system of the process and its waited-for descendants
    processes: int  # the most processes of the tree seen alive at once
    code: int


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.scandir(f"/proc/{pid}/task"):
            with open(f"{task.path}/children") as listing:
                found += [int(child) for child in listing.read().split()]
    except OSError:  # the process ended between two reads
        pass
    return found


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class _TreeSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.most_processes = pid, 0, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            tree, pending = [], [self.pid]
            while pending:
                pid = pending.pop()
                tree.append(pid)
                pending += _children(pid)
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(pid) for pid in tree))
            self.most_processes = max(self.most_processes, len(tree))
            self.done.wait(SAMPLE_SECONDS)


def run_once(command: list[str], output: Path) -> Run:
    """Run ``command`` with its stdout and stderr going to ``output``."""
    with open(output, "wb") as sink:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        sampler = _TreeSampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, sampler.peak_kb / 1024, cpu, sampler.most_processes, process.returncode)


def median_seconds(runs: list[Run]) -> float:
    return statistics.median(run.seconds for run in runs)


def median_cpu_seconds(runs: list[Run]) -> float:
    return statistics.median(run.cpu_seconds for run in runs)


def peak_tree_mb(runs: list[Run]) -> float:
    return max(run.tree_mb for run in runs)
