"""How records and summaries look on a terminal (rich).

A run over a province can find tens of thousands of records (a wrong
template sent to every unit); printed as one table they take longer than
the run itself and scroll away unread.  So the terminal shows at most
:data:`RECORDS_SHOWN` records, errors first, with a summary per file above
them, and says where the full list is (``--json``, the master's «Kiểm tra»,
the annotated copies).
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence

import click

from xlsync.core.issues import CannotRun, Issue, severity_word
from xlsync.core.messages import text

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from xlsync.core.report import UnitReport

# About a screenful each; rich lays a table out at roughly 5 ms a row, so these also bound the time.
RECORDS_SHOWN = 50
FILES_SHOWN = 50
UNITS_NAMED = 50
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@cache
def console(*, stderr: bool = False) -> Console:
    """The rich console of stdout (or stderr), made on first use.

    Importing rich costs tens of milliseconds, and a clean run prints plain
    lines only (:func:`line`): rich is loaded when there is a table or a bar.
    """
    from rich.console import Console

    if stderr:
        return Console(stderr=True, highlight=False)
    # Piped output is read by people too (and by logs): do not squeeze it into 80 columns.
    return Console(highlight=False, width=None if sys.stdout.isatty() else 200)


def line(message: str) -> None:
    """A sentence on stdout, as it is (no rich markup: a file name may hold brackets)."""
    click.echo(message)


def new_table(**options: object) -> Table:
    from rich.table import Table

    return Table(**options)


def records_table(issues: Iterable[Issue], lang: str) -> Table:
    table = new_table(show_lines=False, expand=False)
    for key in ("col-severity", "col-file", "col-sheet", "col-cell", "col-code", "col-message"):
        table.add_column(text(key, lang), overflow="fold")
    for issue in issues:
        severity = severity_word(issue, lang)
        style = {"error": "red", "warning": "yellow"}.get(issue.severity, "cyan")
        table.add_row(f"[{style}]{severity}[/]", issue.file, issue.sheet, issue.cell, issue.code,
                      issue.message(lang), )
    return table


def print_records(issues: list[Issue], files: int, lang: str, *, units: dict[str, str] | None = None,
                  full_list: Sequence[str] = ()) -> None:
    """The records of a run, then one line of counts (information records are shown, never counted).

    Beyond :data:`RECORDS_SHOWN` records: a summary per file (``units``
    names each file's unit), the first records, errors first, and where the
    rest are (``full_list``: places besides ``--json``).
    """
    flood = len(issues) > RECORDS_SHOWN
    if flood:
        print_file_summary(issues, units or {}, lang)
        shown = sorted(issues, key=lambda i: SEVERITY_ORDER.get(i.severity, 3))[:RECORDS_SHOWN]
        console().print(records_table(shown, lang))
        where = "; ".join([text("full-list-json", lang), *full_list])
        line(text("more-records", lang, count=len(issues) - RECORDS_SHOWN, where=where))
    elif issues:
        console().print(records_table(issues, lang))
    errors = sum(1 for i in issues if i.is_error)
    warnings = sum(1 for i in issues if i.is_warning)
    summary = text("summary", lang, files=files, errors=errors, warnings=warnings)
    line(f"{summary} {text('no-problems', lang)}" if not errors and not warnings else summary)


def print_file_summary(issues: Iterable[Issue], units: dict[str, str], lang: str) -> None:
    """Errors and warnings per file, in the run's order, for the first :data:`FILES_SHOWN` files that have any."""
    counts: dict[str, list[int]] = {}
    for issue in issues:
        if issue.file and (issue.is_error or issue.is_warning):
            counts.setdefault(issue.file, [0, 0])[0 if issue.is_error else 1] += 1
    if not counts:
        return
    table = new_table(title=text("files-title", lang), expand=False)
    for key, justify in (("col-file", "left"), ("col-unit", "left"), ("col-errors", "right"),
                         ("col-warnings", "right")):
        table.add_column(text(key, lang), overflow="fold", justify=justify)
    for file, (errors, warnings) in list(counts.items())[:FILES_SHOWN]:
        table.add_row(file, units.get(file, ""), str(errors), str(warnings))
    console().print(table)
    if len(counts) > FILES_SHOWN:
        line(text("more-files", lang, count=len(counts) - FILES_SHOWN))


def unit_names(reports: Iterable[UnitReport | None]) -> dict[str, str]:
    """File → "Thôn 1 (T01)" for the reports whose unit is known."""
    return {r.source: f"{r.unit.name} ({r.unit.code})" for r in reports if r is not None and r.unit is not None}


def copies_line(folder: str | None, option: str, lang: str) -> str:
    """Where the annotated copies are, or the option that writes them."""
    if folder:
        return text("full-list-copies", lang, path=folder)
    return text("full-list-copies-option", lang, option=option)


@contextmanager
def records_before_refusal(as_json: bool, lang: str) -> Iterator[None]:
    """A run that cannot go on because of what it found (every file unreadable) first shows what it found."""
    try:
        yield
    except CannotRun as problem:
        issues: list[Issue] = getattr(problem, "issues", [])
        if issues and as_json:
            from xlsync.cli.options import print_json

            print_json([i.to_dict() for i in issues])
        elif issues:
            print_records(issues, len({i.file for i in issues}), lang)
        raise


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
    if total < threshold or not console(stderr=True).is_terminal:
        yield lambda _item: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda _item: bar.advance(task)


def print_consolidation(result, master: str, lang: str) -> None:
    """The summary an office reads after consolidating: indicators, then who is missing."""
    from xlsync.core.consolidate import Status
    from xlsync.core.numbers import PASS, format_number, format_value

    table = new_table(title=text("summary-title", lang, period=result.period))
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
    console().print(table)
    passed = sum(1 for r in result.results if r.achieved is True)
    failed = sum(1 for r in result.results if r.achieved is False)
    line(text("indicator-counts", lang, passed=passed, failed=failed))
    rate = result.reporting_rate
    line(text("reporting-rate", lang, submitted=result.submitted, expected=result.expected,
                      rate="" if rate is None else format_number(rate, 1), included=result.included_count))
    missing = [s.unit.name for s in result.statuses if s.status is Status.NOT_SUBMITTED]
    left_out = [s.unit.name for s in result.statuses if s.status in (Status.HAS_ERRORS, Status.DUPLICATE)]
    if missing:
        line(text("not-submitted-list", lang, units=_named(missing, lang)))
    if left_out:
        line(text("left-out-list", lang, units=_named(left_out, lang)))
    line(text("master-written", lang, path=master))


def _named(units: list[str], lang: str) -> str:
    """The first :data:`UNITS_NAMED` names, then how many more (the master's «Tiến độ nộp» lists them all)."""
    named = ", ".join(units[:UNITS_NAMED])
    if len(units) > UNITS_NAMED:
        named += " " + text("more-units", lang, count=len(units) - UNITS_NAMED)
    return named


def _shown(value: float | bool | None) -> str:
    """A figure as the summary shows it: whole numbers whole, others to two decimals."""
    from xlsync.core.numbers import format_number, format_value

    if isinstance(value, float) and not value.is_integer():
        return format_number(value, 2)
    return format_value(value)
