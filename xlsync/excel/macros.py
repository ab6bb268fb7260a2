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
"""

from __future__ import annotations

import functools
import logging
from typing import Callable

import xlwings as xw
from xlwings import script

from xlsync.core.issues import CannotRun
from xlsync.core.messages import current_lang, text
from xlsync.excel.control import Outcome, write_status
from xlsync.workbook import layout

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


def not_ready(key: str) -> Outcome:
    return Outcome(text("macro-not-ready", button=CAPTIONS[key]), "info")


# --- the bodies ------------------------------------------------------------


@button_macro("validate")
def validate_book(book: xw.Book) -> Outcome:
    """Kiểm tra: check the workbook, mark flagged cells, write a «Kiểm tra» sheet."""
    return not_ready("validate")


@button_macro("consolidate")
def consolidate_book(book: xw.Book) -> Outcome:
    """Tổng hợp: consolidate the reports folder named in the settings into the master."""
    return not_ready("consolidate")


@button_macro("recompute")
def recompute_book(book: xw.Book) -> Outcome:
    """Tính tỷ lệ đạt: recompute attainment in an open master and check it again."""
    return not_ready("recompute")


@button_macro("score")
def score_book(book: xw.Book) -> Outcome:
    """Chấm điểm: score the units."""
    return not_ready("score")


@button_macro("send")
def send_book(book: xw.Book) -> Outcome:
    """Gửi email: email the master to the recipients in the settings."""
    return not_ready("send")


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
