"""What a record's severity does: what stops `xlsync send`, and how a flagged cell is coloured."""

from __future__ import annotations

from openpyxl import load_workbook

from helpers import fill_report
from xlsync.core.example_data import example_values
from xlsync.core.issues import make_issue, marking_severity
from xlsync.core.master.check import blocking_issues
from xlsync.core.template import REPORT_SHEET
from xlsync.io.feedback import write_feedback_copy
from xlsync.io.xlsx_style import WARNING_FILL

ERROR = make_issue("type-error", cell="D12", value="abc")
WARNING = make_issue("ambiguous-number", cell="D13", value="6.990", reading="6.990", other="6,99")
INFO = make_issue("percent-format-read", cell="D14", shown="64,8%", percent="64,8")


def test_information_never_blocks_sending():
    assert blocking_issues([INFO], allow_warnings=False) == []
    assert blocking_issues([INFO], allow_warnings=True) == []


def test_warnings_block_unless_accepted_and_errors_always():
    assert blocking_issues([ERROR, WARNING, INFO], allow_warnings=False) == [ERROR, WARNING]
    assert blocking_issues([ERROR, WARNING, INFO], allow_warnings=True) == [ERROR]


def test_a_cell_is_coloured_by_its_worst_error_or_warning_and_never_by_information():
    assert marking_severity([INFO, WARNING, ERROR]) == "error"
    assert marking_severity([INFO, WARNING]) == "warning"
    assert marking_severity([INFO]) is None


def test_an_annotated_copy_notes_information_without_colouring_the_cell(plan, tmp_path):
    source = fill_report(plan, "T01", tmp_path / "in", example_values(plan, plan.units["T01"]))
    info = make_issue("percent-format-read", file=str(source), sheet=REPORT_SHEET, cell="D14",
                      shown="64,8%", percent="64,8")
    warning = make_issue("ambiguous-number", file=str(source), sheet=REPORT_SHEET, cell="D15",
                         value="6.990", reading="6.990", other="6,99")
    copy = load_workbook(write_feedback_copy(source, [info, warning], tmp_path / "out"))[REPORT_SHEET]
    before = load_workbook(source)[REPORT_SHEET]
    assert "đã được đọc là 64,8" in copy["D14"].comment.text
    assert copy["D14"].fill.fgColor.rgb == before["D14"].fill.fgColor.rgb  # the input cell keeps its colour
    assert copy["D15"].fill.fgColor.rgb.endswith(WARNING_FILL[1:])
