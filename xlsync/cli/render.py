"""How records and summaries look on a terminal (rich)."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator

from rich.console import Console
from rich.table import Table

from xlsync.core.issues import Issue, severity_word
from xlsync.core.messages import text

# Piped output is read by people too (and by logs): do not squeeze it into 80 columns.
stdout = Console(highlight=False, width=None if sys.stdout.isatty() else 200)
stderr = Console(stderr=True, highlight=False)


def records_table(issues: Iterable[Issue], lang: str) -> Table:
    table = Table(show_lines=False, expand=False)
    for key in ("col-severity", "col-file", "col-sheet", "col-cell", "col-code", "col-message"):
        table.add_column(text(key, lang), overflow="fold")
    for issue in issues:
        severity = severity_word(issue, lang)
        style = {"error": "red", "warning": "yellow"}.get(issue.severity, "cyan")
        table.add_row(f"[{style}]{severity}[/]", issue.file, issue.sheet, issue.cell, issue.code,
                      issue.message(lang), )
    return table


def print_records(issues: list[Issue], files: int, lang: str) -> None:
    if issues:
        stdout.print(records_table(issues, lang))
    errors = sum(1 for i in issues if i.is_error)
    warnings = sum(1 for i in issues if i.is_warning)
    summary = text("summary", lang, files=files, errors=errors, warnings=warnings)
    stdout.print(summary if issues else f"{summary} {text('no-problems', lang)}")


def plan_line(loaded, lang: str) -> str:
    """Say which plan was used (the user may not have named one)."""
    if loaded.origin == "bundled":
        where = f"{text('bundled-plan', lang)} ({loaded.plan.label})"
    elif loaded.origin == "folder":
        where = f"{text('plan-folder', lang)}: {loaded.plan.source}"
    else:
        where = loaded.plan.source
    return text("plan-used", lang, plan=where)


@contextmanager
def progress(total: int, label: str, *, threshold: int = 5) -> Iterator[Callable[[str], None]]:
    """A progress bar on stderr for long runs on a terminal; silent otherwise."""
    if total < threshold or not stderr.is_terminal:
        yield lambda _item: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=stderr, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda _item: bar.advance(task)


def print_consolidation(result, master: str, lang: str) -> None:
    """The summary an office reads after consolidating: indicators, then who is missing."""
    from xlsync.core.consolidate import Status
    from xlsync.core.numbers import PASS, format_number, format_value

    table = Table(title=text("summary-title", lang, period=result.period))
    for key in ("col-indicator-code", "col-indicator", "col-target", "col-actual", "col-ratio", "col-verdict"):
        # Long indicator names wrap, so the figures stay in view on a narrow terminal.
        table.add_column(text(key, lang), overflow="fold", max_width=60 if key == "col-indicator" else None)
    for item in result.results:
        ind = item.indicator
        ratio = item.ratio
        verdict = item.achieved
        verdict_text = "" if verdict is None else text("pass" if verdict else "fail", lang)
        style = "" if verdict is None else ("green" if verdict else "red")
        target = PASS if ind.comparison.value == PASS else f"{ind.comparison.value} {format_value(item.target)}"
        table.add_row(ind.code, ind.name, target, _shown(item.actual),
                      "" if ratio is None else format_number(ratio, 1),
                      f"[{style}]{verdict_text}[/]" if style else verdict_text)
    stdout.print(table)
    passed = sum(1 for r in result.results if r.achieved is True)
    failed = sum(1 for r in result.results if r.achieved is False)
    stdout.print(text("indicator-counts", lang, passed=passed, failed=failed))
    rate = result.reporting_rate
    stdout.print(text("reporting-rate", lang, submitted=result.submitted, expected=result.expected,
                      rate="" if rate is None else format_number(rate, 1), included=result.included_count))
    missing = [s.unit.name for s in result.statuses if s.status is Status.NOT_SUBMITTED]
    left_out = [s.unit.name for s in result.statuses if s.status in (Status.HAS_ERRORS, Status.DUPLICATE)]
    if missing:
        stdout.print(text("not-submitted-list", lang, units=", ".join(missing)))
    if left_out:
        stdout.print(text("left-out-list", lang, units=", ".join(left_out)))
    stdout.print(text("master-written", lang, path=master))


def _shown(value: float | bool | None) -> str:
    """A figure as the summary shows it: whole numbers whole, others to two decimals."""
    from xlsync.core.numbers import format_number, format_value

    if isinstance(value, float) and not value.is_integer():
        return format_number(value, 2)
    return format_value(value)
