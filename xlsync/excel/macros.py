"""The buttons of the control workbook, as Python functions.

Each button has three faces over one body:

* ``validate_book(book)`` … ``send_book(book)`` take an xlwings ``Book``;
  this is where the work happens, and what tests drive;
* ``validate_button()`` … ``send_button()`` take nothing: the workbook's
  VBA calls them through ``RunPython`` and they fetch ``Book.caller()``;
* ``validate_book_script`` … are the same bodies registered with
  xlwings' ``@script`` for xlwings Server and xlwings Lite.  Outside those
  runtimes (``XLWINGS_ON_SERVER`` unset) ``script`` registers nothing and
  they are plain functions.

Whatever a body raises becomes a Vietnamese (or English) message in the
status area: a user must never face a Python traceback dialog.

Each body reads what it needs first and writes afterwards (never reading
back what it wrote: Office.js would not see it).  Which workbook a button
works on — the caller under xlwings Server/Lite, the other open workbook
under classic ``RunPython`` — is :func:`xlsync.excel.target.target_book`.
The work itself is the same job or core function the CLI calls.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import xlwings as xw
from xlwings import script

from xlsync.core.consolidate import Consolidation
from xlsync.core.issues import CannotRun
from xlsync.core.messages import current_lang, text
from xlsync.core.numbers import format_number
from xlsync.core.master.recompute import Recomputation, recompute_master
from xlsync.excel.book_data import workbook_data
from xlsync.excel.control import Outcome, read_settings, write_status
from xlsync.excel.marks import MASTER_CHECK_SHEET, check_sheet_name, show_check
from xlsync.excel.write_back import write_recomputation
from xlsync.excel.target import (
    CHECK, RECOMPUTE, book_folder, is_master_book, plan_for, required_setting, target_book,
)
from xlsync.io.gsheets.registry import SheetRegistry
from xlsync.io.mail.settings import SmtpSettings
from xlsync.io.plan_source import LoadedPlan
from xlsync.io.xlsx_read import iter_workbook_paths
from xlsync.jobs.consolidate import consolidate_paths
from xlsync.jobs.documents import DocumentsOutcome, outcome_lines, write_documents_beside
from xlsync.jobs.score import SCORE_FOLDER, score_paths
from xlsync.jobs.send import SendOutcome, send_master
from xlsync.jobs.workbook_check import check_workbook_data
from xlsync.workbook import layout

if TYPE_CHECKING:
    from xlsync.jobs.gsheets import SheetSource

log = logging.getLogger(__name__)

BookMacro = Callable[[xw.Book], None]
MacroBody = Callable[[xw.Book], Outcome]

CAPTIONS = {button.key: button.caption for button in layout.BUTTONS}


def button_macro(key: str) -> Callable[[MacroBody], BookMacro]:
    """Run a body for button ``key`` and show its outcome, or its failure, in the book."""
    caption = CAPTIONS[key]

    def decorate(body: MacroBody) -> BookMacro:
        @functools.wraps(body)
        def run(book: xw.Book) -> None:
            show_outcome(book, outcome_of(body, book, caption))

        return run

    return decorate


def outcome_of(body: MacroBody, book: xw.Book, caption: str) -> Outcome:
    try:
        return body(book)
    except CannotRun as problem:
        message = text("macro-cannot-run", button=caption, message=problem.message(current_lang()))
        return Outcome(message, "error")
    except Exception as error:  # every failure must reach the user as a message, not a dialog
        log.exception("button %r failed", caption)
        message = text("macro-failed", button=caption, error=type(error).__name__, detail=error)
        return Outcome(message, "error")


def show_outcome(book: xw.Book, outcome: Outcome) -> None:
    try:
        write_status(book, outcome)
    except Exception:  # the status cell cannot be written (protected sheet...): a message box then
        log.exception("could not write the status: %s", outcome.message)
        try:
            book.app.alert(outcome.message, title="xlsync")
        except Exception:
            log.exception("could not show the status either")


# --- the bodies ------------------------------------------------------------


@button_macro("validate")
def validate_book(book: xw.Book) -> Outcome:
    """Kiểm tra: check the workbook, mark flagged cells, write a «Kiểm tra» sheet."""
    settings = read_settings(book)
    target = target_book(book, CHECK, fallback=settings.get("master_path"))
    workbook = workbook_data(target)
    checked = check_workbook_data(workbook, lambda: plan_for(settings, book_folder(target)))
    sheet_name = check_sheet_name(checked.kind)
    show_check(target, workbook, sheet_name, checked.issues, current_lang())
    return check_outcome(target.name, sheet_name, checked.errors, checked.warnings)


def check_outcome(file: str, sheet: str, errors: int, warnings: int) -> Outcome:
    if not errors and not warnings:
        return Outcome(text("macro-valid", file=file, sheet=sheet), "ok")
    message = text("macro-found", file=file, sheet=sheet, errors=errors, warnings=warnings)
    return Outcome(message, "error" if errors else "warning")


@button_macro("consolidate")
def consolidate_book(book: xw.Book) -> Outcome:
    """Tổng hợp: consolidate the reports folder named in the settings into the master."""
    settings = read_settings(book)
    folder = required_setting(settings, "reports_folder")
    master = required_setting(settings, "master_path")
    if not Path(folder).is_dir():
        raise CannotRun("file-not-found", file=folder)
    loaded = plan_for(settings, Path(folder))
    control = Path(book.fullname).resolve() if book_folder(book) else None
    # The control workbook (.xlsm) may sit among the reports: it is not one.
    files = [path for path in iter_workbook_paths([folder]) if path.resolve() != control]
    sheets = registered_sheets(loaded)
    if not files and not sheets:
        raise CannotRun("no-sources", paths=folder)
    period = settings.get("period")
    if sheets:
        result = consolidate_with_sheets(files, sheets, loaded, master, period)
    else:
        result = consolidate_paths(files, loaded, master, period)
    return consolidation_outcome(result, master)


def consolidate_with_sheets(files: list[Path], sheets: list[SheetSource], loaded: LoadedPlan, master: str,
                            period: str | None) -> Consolidation:
    """The folder's reports and the registered Google Sheets together, as ``xlsync consolidate`` does."""
    from xlsync.jobs import gsheets

    sources = gsheets.Sources(files, sheets)
    return gsheets.consolidate_sources(sources, loaded, master, period, client=gsheets.open_client()).consolidation


def registered_sheets(loaded: LoadedPlan) -> list[SheetSource]:
    """The spreadsheets of the register beside a plan file (none for the bundled plan)."""
    if loaded.origin == "bundled":
        return []
    from xlsync.jobs import gsheets  # here, not at the top: it loads gspread, which most clicks never need

    registry = SheetRegistry(gsheets.registry_for(loaded))
    return [gsheets.SheetSource(entry.spreadsheet_id, gsheets.unit_label(entry)) for entry in registry]


def consolidation_outcome(result: Consolidation, master: str) -> Outcome:
    errors = sum(1 for issue in result.issues if issue.is_error)
    rate = result.reporting_rate
    message = text(
        "macro-consolidated", path=master, included=result.included_count, expected=result.expected,
        submitted=result.submitted, rate="" if rate is None else format_number(rate, 1),
        errors=errors, warnings=len(result.issues) - errors,
    )
    complete = not result.issues and result.included_count == result.expected
    return Outcome(message, "ok" if complete else "warning")


@button_macro("recompute")
def recompute_book(book: xw.Book) -> Outcome:
    """Tính tỷ lệ đạt: recompute attainment in an open master and check it again."""
    settings = read_settings(book)
    target = target_book(book, RECOMPUTE, fallback=settings.get("master_path"), accepts=is_master_book)
    workbook = workbook_data(target)
    plan = plan_for(settings, book_folder(target)).require_usable()
    recomputation = recompute_master(workbook, plan)
    write_recomputation(target, recomputation)
    # Recomputing settles every stale «Thực hiện»: what is left to show is the re-check.
    show_check(target, workbook, MASTER_CHECK_SHEET, recomputation.issues, current_lang(), list_sheet=False)
    return recompute_outcome(target.name, recomputation)


def recompute_outcome(file: str, recomputation: Recomputation) -> Outcome:
    verdicts = [result.achieved for result in recomputation.consolidation.results]
    errors = sum(1 for issue in recomputation.issues if issue.is_error)
    warnings = len(recomputation.issues) - errors
    message = text(
        "macro-recomputed", file=file, count=len(verdicts), changed=len(recomputation.changed),
        passed=verdicts.count(True), failed=verdicts.count(False), errors=errors, warnings=warnings,
    )
    return Outcome(message, "error" if errors else "warning" if warnings else "ok")


@button_macro("score")
def score_book(book: xw.Book) -> Outcome:
    """Chấm điểm: score the units from the blocks' score workbooks, into the master."""
    settings = read_settings(book)
    master = required_setting(settings, "master_path")
    folder = settings.get("scores_folder") or str(Path(master).parent / SCORE_FOLDER)
    if not Path(folder).is_dir():
        raise CannotRun("file-not-found", file=folder)
    loaded = plan_for(settings, Path(master).parent)
    result = score_paths(iter_workbook_paths([folder]), loaded, master)
    errors = sum(1 for issue in result.issues if issue.is_error)
    summary = text("summary", files=len(result.files), errors=errors, warnings=len(result.issues) - errors)
    message = f"{text('scoring-written', path=master)} {summary}"
    return Outcome(message, "error" if errors else "warning" if result.issues else "ok")


@button_macro("send")
def send_book(book: xw.Book) -> Outcome:
    """Gửi email: email the master to the recipients in the settings (else the plan's)."""
    settings = read_settings(book)
    master = required_setting(settings, "master_path")
    plan = plan_for(settings, Path(master).parent).require_usable()
    recipients = [address.strip() for address in settings.get("recipients", "").split(";") if address.strip()]
    return send_outcome(send_master(master, plan, settings=SmtpSettings.from_env(), to=recipients))


def send_outcome(outcome: SendOutcome) -> Outcome:
    if outcome.blocking:
        errors = sum(1 for issue in outcome.blocking if issue.is_error)
        return Outcome(text("macro-send-refused", errors=errors, warnings=len(outcome.blocking) - errors), "error")
    result = outcome.result
    parts = []
    if result.accepted:
        parts.append(text("send-accepted", count=len(result.accepted), recipients=", ".join(result.accepted)))
    else:
        parts.append(text("send-none-accepted"))
    if result.refused:
        refused = "; ".join(f"{address} ({reply})" for address, reply in result.refused.items())
        parts.append(text("send-refused-recipients", count=len(result.refused), recipients=refused))
    if outcome.log_problem is not None:  # sent, but not logged: the user must note it by hand
        parts.append(outcome.log_problem.message(current_lang()))
    complete = result.complete and outcome.log_problem is None
    return Outcome(" ".join(parts), "ok" if complete else "error")


@button_macro("collect")
def collect_book(book: xw.Book) -> Outcome:
    """Nhận báo cáo: file the reports e-mailed to the office into the reports folder, then check them."""
    from xlsync.io.mail.imap import ImapSettings
    from xlsync.jobs.collect import collect_and_check

    settings = read_settings(book)
    folder = required_setting(settings, "reports_folder")
    loaded = plan_for(settings, Path(folder))
    loaded.require_usable()
    outcome, issues = collect_and_check(ImapSettings.from_env(), loaded, folder)
    errors = sum(1 for issue in issues if issue.is_error)
    warnings = sum(1 for issue in issues if issue.is_warning)
    message = text("macro-collected", folder=folder, messages=outcome.messages_read, filed=len(outcome.filed),
                   unused=len(outcome.unused), errors=errors, warnings=warnings)
    return Outcome(message, "error" if errors else "warning" if warnings or outcome.unused else "ok")


@button_macro("documents")
def documents_book(book: xw.Book) -> Outcome:
    """Văn bản: the report, proposal and decision from the master (.docx; PDF too when LibreOffice is there)."""
    settings = read_settings(book)
    master = required_setting(settings, "master_path")
    plan = plan_for(settings, Path(master).parent).require_usable()
    outcome = write_documents_beside(master, plan, settings.get("documents_folder") or None,
                                     settings.get("templates_folder") or None)
    return documents_outcome(outcome)


def documents_outcome(outcome: DocumentsOutcome) -> Outcome:
    if outcome.blocking:
        errors = sum(1 for issue in outcome.blocking if issue.is_error)
        return Outcome(text("macro-documents-refused", errors=errors, warnings=len(outcome.blocking) - errors),
                       "error")
    parts = outcome_lines(outcome)
    if outcome.pdf_problem is not None:
        parts.append(outcome.pdf_problem.message(current_lang()))
    complete = not (outcome.pdf_skipped or outcome.pdf_problem or outcome.without_ranking)
    return Outcome(" ".join(parts), "ok" if complete else "warning")


# --- RunPython entry points (classic desktop xlwings) -----------------------


def validate_button() -> None:
    validate_book(xw.Book.caller())


def consolidate_button() -> None:
    consolidate_book(xw.Book.caller())


def recompute_button() -> None:
    recompute_book(xw.Book.caller())


def score_button() -> None:
    score_book(xw.Book.caller())


def send_button() -> None:
    send_book(xw.Book.caller())


def collect_button() -> None:
    collect_book(xw.Book.caller())


def documents_button() -> None:
    documents_book(xw.Book.caller())


# --- @script entry points (xlwings Server / xlwings Lite) -------------------


def _as_script(macro: BookMacro, key: str) -> Callable[..., object]:
    """``macro`` registered as an xlwings script named after its button.

    A separate function, because on a server ``script`` wraps it in a
    coroutine that takes the current user first: the plain ``*_book``
    functions must stay callable as they are.
    """

    def run(book: xw.Book) -> None:
        macro(book)

    run.__name__ = run.__qualname__ = f"{macro.__name__}_script"
    run.__doc__ = macro.__doc__
    return script(name=CAPTIONS[key])(run)


validate_book_script = _as_script(validate_book, "validate")
consolidate_book_script = _as_script(consolidate_book, "consolidate")
recompute_book_script = _as_script(recompute_book, "recompute")
score_book_script = _as_script(score_book, "score")
send_book_script = _as_script(send_book, "send")
collect_book_script = _as_script(collect_book, "collect")
documents_book_script = _as_script(documents_book, "documents")
