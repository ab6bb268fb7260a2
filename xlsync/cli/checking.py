"""`xlsync validate`."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING, Iterator, Sequence

import click

from xlsync.cli.options import (
    credentials_option,
    edge,
    gsheets_option,
    json_option,
    lang_option,
    period_option,
    plan_option,
    print_json,
    say,
)
from xlsync.core.messages import current_lang, text

if TYPE_CHECKING:
    from xlsync.io.plan_source import LoadedPlan
    from xlsync.jobs.reading import Reading


@click.command()
@click.argument("paths", nargs=-1, required=False)
@plan_option
@json_option
@lang_option
@click.option("--feedback", "feedback_dir", type=click.Path(file_okay=False), default=None,
              help="Ghi bản sao có đánh dấu ô lỗi vào thư mục này (tệp gốc không bị sửa). "
              "/ Write annotated copies of files with problems here; sources are never modified.")
@period_option
@gsheets_option
@credentials_option
@edge
def validate(paths: tuple[str, ...], plan_path: str | None, as_json: bool, lang: str | None,
             feedback_dir: str | None, period: str | None, all_registered: bool, credentials: str | None) -> int:
    """Kiểm tra sổ kế hoạch và báo cáo của đơn vị; chỉ ra từng ô sai.

    Check plan workbooks and unit reports (files or folders). Every problem
    is a record with a code, the file, sheet and cell, and a message.
    Google Sheets are read too (gsheet:<id>, a sheet's URL, --gsheets), never
    written: `xlsync consolidate --feedback` marks problems in them.
    Reports are judged together as `xlsync consolidate` judges them: two
    reports for one unit, a report of another period or plan are errors.
    Exit status: 0 no errors (warnings allowed), 1 errors found, 2 cannot run
    (a path that does not exist, nothing to check, no file readable).
    """
    from xlsync.cli.render import copies_line, print_records, progress, records_before_refusal, unit_names
    from xlsync.jobs.gsheets import gather_sources, is_sheet, open_client, validate_sources

    lang = current_lang(lang)
    with plan_and_reading(paths, plan_path, lang) as (loaded, reading), records_before_refusal(as_json, lang):
        chosen = gather_sources(paths, loaded, all_registered=all_registered, reading=reading)
        client = open_client(credentials) if chosen.sheets else None
        with progress(len(chosen), text("checking", lang)) as advance:
            run = validate_sources(chosen, loaded, client, period=period, progress=advance, reading=reading)
    if any(f.kind == "report" for f in run.files):
        loaded.require_usable()
    report = run.report

    if feedback_dir:
        from xlsync.io.feedback import write_feedback_copy  # openpyxl: loaded only to write copies

        for checked in run.files:
            if checked.issues and checked.workbook is not None and not is_sheet(checked):
                written = write_feedback_copy(checked.path, checked.issues, feedback_dir)
                say(text("feedback-written", lang, path=written))
    if as_json:
        print_json(report.to_dicts())
    else:
        print_records(report.issues, len(run.files), lang, units=unit_names(f.report for f in run.files),
                      full_list=[copies_line(feedback_dir, "--feedback", lang)])
    return exit_now(report.exit_code)


@contextmanager
def plan_and_reading(
    names: Sequence[str], plan_path: str | None, lang: str, out: str | None = None
) -> Iterator[tuple[LoadedPlan, Reading | None]]:
    """The plan to use, said on stderr, and the workbook files ``names`` holds (``out`` left out) being read.

    The files start being read first, in worker processes when there are
    many: they read while this process resolves the plan and then imports
    pandas and pandera.  Workers the run ends without are stopped.
    """
    from xlsync.jobs.reading import start_reading_named

    reading = start_reading_named(names, out)
    from xlsync.cli.render import plan_line
    from xlsync.io.plan_source import resolve_plan

    with reading or nullcontext():
        loaded = resolve_plan(plan_path)
        say(plan_line(loaded, lang))
        yield loaded, reading


def exit_now(code: int) -> int:
    """End the `xlsync` process with ``code`` once everything it wrote is out, skipping the interpreter's
    clean-up: freeing every object of pandas and of the run one by one costs a tenth of a second for one
    report and more for many, and the system frees the memory at once.

    Only when this process is the `xlsync` program (not a test or a macro calling the command inside
    its own process), every worker process has ended, no other thread runs, and the output streams
    flush; otherwise ``code`` is returned for the usual exit.  Every file the run wrote was closed
    when written (atomically), so nothing written is lost.
    """
    if os.path.basename(sys.argv[0]) != "xlsync" or _others_running():
        return code
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: the usual exit says so
        return code
    os._exit(code)


def _others_running() -> bool:
    """A worker process or another thread still running (only what this run imported can have started one)."""
    multiprocessing = sys.modules.get("multiprocessing")
    if multiprocessing is not None and multiprocessing.active_children():
        return True
    threading = sys.modules.get("threading")
    return threading is not None and any(
        thread.is_alive() and thread is not threading.main_thread() for thread in threading.enumerate())
