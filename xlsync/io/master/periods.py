"""The master's period sheets: «Tiến độ thực hiện» (a part of the year against the plan) and the
deadline columns of «Tiến độ nộp» (each unit's submission against the period's Hạn nộp).

«Tiến độ thực hiện» is written for a master of a part of the year (6 tháng, a
quarter) or of a period with targets of its own; its percentages and verdicts
are live formulas with the values xlsync computed stored beside them, and each
row says the rule it was judged by (:mod:`xlsync.core.progress`).
"""

from __future__ import annotations

from datetime import date, datetime

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from xlsync.core.consolidate import Consolidation, UnitStatus
from xlsync.core.master.contents import PERIOD_PROGRESS_LABELS, MasterSheets
from xlsync.core.numbers import FAIL, PASS
from xlsync.core.periods import Period
from xlsync.core.plan import Comparison
from xlsync.core.progress import IN_PROGRESS, RULE_EXPLAINED, Progress, ProgressRule, progress_of, shows_progress
from xlsync.core.row_height import row_height
from xlsync.core.submission import Submission, Timeliness, submission_of
from xlsync.io.master.cells import Columns, header, print_setup, ratio_formula, verdict_formula, write_figure
from xlsync.io.xlsx_rows import Cell
from xlsync.io.xlsx_style import Formats

PROGRESS_WIDTHS = (7, 46, 12, 11, 8, 12, 12, 12, 11, 15, 24, 30)
PROGRESS_HEADER_ROW = 5
ANNUAL, PERIOD_TARGET, ACTUAL = 5, 6, 7
# «Số ngày muộn» reads on one line; «Không có (Google Sheets)», «Kế hoạch không ghi hạn nộp» wrap (rows as tall).
SUBMISSION_WIDTHS = (17, 14, 12, 16, 15)
EXCEL_EPOCH = datetime(1899, 12, 30)  # day 0 of Excel's 1900 date system (its 29/02/1900 included)


def write_period_progress(workbook, formats: Formats, consolidation: Consolidation) -> bool:
    """«Tiến độ thực hiện», when the consolidated period is a part of the year; False when not written."""
    period = consolidation.reporting_period
    plan = consolidation.plan
    if not shows_progress(plan, period):
        return False
    sheet = workbook.add_worksheet(MasterSheets.PERIOD_PROGRESS)
    last = len(PERIOD_PROGRESS_LABELS) - 1
    sheet.merge_range(0, 0, 0, last, f"TIẾN ĐỘ THỰC HIỆN CÁC CHỈ TIÊU – {period.name.upper()}", formats["title"])
    for offset, rule in enumerate(ProgressRule, start=1):
        sheet.merge_range(offset, 0, offset, last, f"«{rule.value}»: {RULE_EXPLAINED[rule]}", formats["italic"])
    header(sheet, formats, PROGRESS_HEADER_ROW, PERIOD_PROGRESS_LABELS, PROGRESS_WIDTHS)
    for row, progress in enumerate(progress_of(plan, consolidation.results, period), start=PROGRESS_HEADER_ROW + 1):
        _progress_row(sheet, formats, row, progress)
    sheet.freeze_panes(PROGRESS_HEADER_ROW + 1, 2)
    print_setup(sheet, (PROGRESS_HEADER_ROW, PROGRESS_HEADER_ROW))
    return True


def _progress_row(sheet, formats: Formats, row: int, progress: Progress) -> None:
    result, ind = progress.result, progress.result.indicator
    for col, value in enumerate((ind.code, ind.name, ind.unit, ind.method.value, ind.comparison.value)):
        sheet.write_string(row, col, value, formats["text"])
    annual = PASS if ind.comparison is Comparison.PASS else result.target
    for col, value in ((ANNUAL, annual), (PERIOD_TARGET, progress.period_target), (ACTUAL, result.actual)):
        write_figure(sheet, formats, row, col, value)
    percent, verdict = _formulas(row, progress.rule)
    sheet.write_formula(row, 8, percent, formats["percent"], "" if progress.percent is None else progress.percent)
    sheet.write_formula(row, 9, verdict, formats["cell"], progress.verdict)
    sheet.write_string(row, 10, progress.rule.value, formats["text"])
    sheet.write_string(row, 11, progress.explanation, formats["text"])
    wrapped = {1: ind.name, 10: progress.rule.value, 11: progress.explanation}
    height = row_height((text, PROGRESS_WIDTHS[col]) for col, text in wrapped.items())
    if height is not None:
        sheet.set_row(row, height)


def _formulas(row: int, rule: ProgressRule) -> tuple[str, str]:
    """(progress %, verdict) as formulas over the row's cells, by the row's rule."""
    if rule is not ProgressRule.SHARE_OF_YEAR:
        target = PERIOD_TARGET if rule is ProgressRule.PERIOD_TARGET else ANNUAL
        cols = Columns(comparison=4, target=target, actual=ACTUAL)
        return ratio_formula(row, cols), verdict_formula(row, cols)
    e, f, h = (xl_rowcol_to_cell(row, c) for c in (4, ANNUAL, ACTUAL))
    percent = f'=IF(OR({f}="",{h}=""),"",IF({f}=0,"",100*{h}/{f}))'
    met_floor = f'OR(AND({e}="{Comparison.GE.value}",{h}>={f}),AND({e}="{Comparison.GT.value}",{h}>{f}))'
    passed_ceiling = f'OR(AND({e}="{Comparison.LE.value}",{h}>{f}),AND({e}="{Comparison.LT.value}",{h}>={f}))'
    verdict = (f'=IF(OR({f}="",{h}=""),"",IF(OR({e}="{Comparison.GE.value}",{e}="{Comparison.GT.value}"),'
               f'IF({met_floor},"{PASS}","{IN_PROGRESS}"),IF({passed_ceiling},"{FAIL}","{IN_PROGRESS}")))')
    return percent, verdict


# --- «Tiến độ nộp»: the deadline columns ---------------------------------------------------------


class SubmissionCells:
    """The deadline columns of a unit's row in «Tiến độ nộp»: time, which time it is, Hạn nộp, on time or not,
    days late; the formats looked up once for the whole table.

    Times are the file's own local time (its offset dropped: a spreadsheet time has none).
    """

    def __init__(self, formats: Formats) -> None:
        self.text, self.datetime = formats["text"], formats["datetime"]
        self.date, self.integer = formats["date"], formats["integer"]
        self._deadlines: dict[date, Cell] = {}  # one deadline for every row: its serial is counted once

    def __call__(self, found: Submission) -> list[Cell]:
        text = self.text
        return [
            (excel_serial(found.time.replace(tzinfo=None)), self.datetime) if found.time is not None else (None, text),
            (found.basis.value if found.basis is not None else None, text),
            self._deadline(found.deadline) if found.deadline is not None else (None, text),
            (found.timeliness.value, text),
            (found.days_late, self.integer) if found.days_late is not None else (None, text),
        ]

    def _deadline(self, deadline: date) -> Cell:
        cell = self._deadlines.get(deadline)
        if cell is None:
            cell = self._deadlines[deadline] = excel_serial(deadline), self.date
        return cell


def submissions(statuses: list[UnitStatus], period: Period | None) -> list[Submission]:
    """Each unit's submission against the period's deadline, in the order of ``statuses``."""
    deadline = period.deadline if period is not None else None
    return [submission_of(status, deadline) for status in statuses]


def submission_wrapped(found: Submission) -> list[tuple[str, float]]:
    """The texts of a row's deadline columns with their columns' widths, for the row's height."""
    basis, timeliness = SUBMISSION_WIDTHS[1], SUBMISSION_WIDTHS[3]
    if found.basis is None:
        return [(found.timeliness.value, timeliness)]
    return [(found.basis.value, basis), (found.timeliness.value, timeliness)]


def submission_summary(sheet, formats: Formats, row: int, column: int, first: int, last: int,
                       found: list[Submission]) -> int:
    """Counts of units on time, late and missing under the table, as formulas; returns the next row."""
    letter = xl_col_to_name(column)
    for offset, timeliness in enumerate((Timeliness.ON_TIME, Timeliness.LATE, Timeliness.MISSING)):
        sheet.write_string(row + offset, 0, f"Số đơn vị «{timeliness.value}»", formats["bold"])
        count = sum(1 for s in found if s.timeliness is timeliness)
        sheet.write_formula(row + offset, 4, f'=COUNTIF({letter}{first}:{letter}{last},"{timeliness.value}")',
                            formats["integer"], count)
    return row + 3


def deadline_line(period: Period | None) -> str:
    """The line above «Tiến độ nộp»: the deadline, and which time counts as the submission's."""
    if period is None or period.deadline is None:
        return "Kế hoạch không ghi hạn nộp của kỳ này."
    return (f"Hạn nộp: {period.deadline:%d/%m/%Y}. Thời điểm nộp lấy theo thời điểm sửa tệp lần cuối trên máy "
            "tổng hợp; báo cáo trên Google Sheets theo lần sửa cuối của đơn vị mà Google Drive ghi (ghi chú của "
            "xlsync không tính; Google không cho biết thì «Chưa rõ thời điểm»).")


def excel_serial(moment: date | datetime) -> float:
    """A date or time as the number a spreadsheet stores (days since its epoch)."""
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    return (moment - EXCEL_EPOCH).total_seconds() / 86400
