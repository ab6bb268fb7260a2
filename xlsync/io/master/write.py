"""The master workbook (sổ tổng hợp), written with XlsxWriter.

Sheets: «Tổng hợp» (one row per indicator, attainment as live formulas with
the values xlsync computed stored beside them), «Theo đơn vị» (one row per
unit: :mod:`xlsync.io.master.by_unit`), «Tiến độ nộp», «Kiểm tra»,
«Nguồn», and a hidden «_xlsync» sheet that says which plan and period the
master belongs to.

Every sheet grows down, never across, so a province's master stays within
Excel's 16,384 columns; the tables that grow with the units, sources and
records are written a whole row at a time (:class:`~xlsync.io.xlsx_rows.RowSheet`),
so writing costs time in proportion to the cells.

Text that came from a source is always written as text (``write_string``,
quote-prefixed when it looks like a formula), so a note typed as
``=HYPERLINK(...)`` never becomes a live formula here.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import xlsxwriter

from xlsync import __version__
from xlsync.core.attainment import IndicatorResult
from xlsync.core.consolidate import Consolidation, Status
from xlsync.core.collector import collector_paused
from xlsync.core.issues import CannotRun, Issue, severity_word
from xlsync.core.master.contents import CHECK_LABELS, INCLUDED_YES, MASTER_KIND, PROGRESS_LABELS, SOURCE_LABELS, \
    MasterSheets, check_sheet_names
from xlsync.core.master.tables import RATIO, SUMMARY_LABELS, TARGET, VERDICT
from xlsync.core.numbers import FAIL, PASS
from xlsync.core.plan import Comparison
from xlsync.core.progress import shows_progress
from xlsync.core.row_height import LINE_HEIGHT, row_height
from xlsync.core.submission import SUBMISSION_LABELS
from xlsync.io.atomic import atomic_path
from xlsync.io.master.by_unit import FIRST_FIGURE_COL, FIRST_UNIT_ROW, write_by_unit
from xlsync.io.master.cells import Columns, header, print_setup, ratio_formula, verdict_formula, verdict_text, \
    write_figure
from xlsync.io.master.pages import break_above, chart_room, row_heights
from xlsync.io.master.periods import SUBMISSION_WIDTHS, SubmissionCells, deadline_line, submission_summary, \
    submission_wrapped, submissions, write_period_progress
from xlsync.io.xlsx_rows import EXCEL_COLUMNS, EXCEL_ROWS, RowSheet, user_text, user_texts
from xlsync.io.xlsx_sheets import write_meta_sheet
from xlsync.io.xlsx_style import FAIL_FILL, FAIL_FONT, FONT, PASS_FILL, PASS_FONT, Formats, write_text

if TYPE_CHECKING:  # scores and their sheets are loaded only by a run that has scores
    from xlsync.core.scoring.run import ScoringResult

__all__ = ["Columns", "ratio_formula", "verdict_formula", "write_master"]

SUMMARY_WIDTHS = (7, 16, 52, 14, 8, 11, 12, 11, 11, 26, 30)
YES, NO = INCLUDED_YES, "Không"
HEADER_ROW = 7  # 0-based row of the «Tổng hợp» header, below the title block
RECIPIENT_COLUMNS = 3  # «Nơi nhận» spans Mã, Nhóm and Chỉ tiêu
CHART_WIDTH = 1100  # pixels, within the table's width
PROGRESS_WIDTHS = (10, 22, 10, 16, 14, 34, 18, 8, 8, 9)  # with the deadline columns, one A4 page wide at 62 %
CHECK_WIDTHS = (10, 26, 36, 12, 7, 16, 70, 70)
SOURCE_WIDTHS = (28, 50, 14, 66, 20, 10, 14, 16, 10)
CHECK_ROWS = EXCEL_ROWS - 1  # records per «Kiểm tra» sheet, under its header; more go on «Kiểm tra (2)»...


def write_master(
    consolidation: Consolidation,
    path: str | Path,
    *,
    created: datetime | None = None,
    scoring: ScoringResult | None = None,
) -> Path:
    """Write the whole master; with ``scoring``, also «Chấm điểm» and «Xếp hạng» (after «Tiến độ nộp»)."""
    created = created or datetime.now().astimezone()
    _check_size(consolidation, scoring)
    target = Path(path)
    with collector_paused(), atomic_path(target) as tmp:
        workbook = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False})
        formats = Formats(workbook)
        plan = consolidation.plan
        workbook.set_properties({"title": f"Tổng hợp kết quả thi đua – {consolidation.period}",
                                 "subject": plan.label, "author": plan.info.issuer,
                                 "comments": f"Tạo bởi xlsync {__version__}"})
        _summary(workbook, formats, consolidation, created)
        write_period_progress(workbook, formats, consolidation)  # only for a part of the year
        write_by_unit(workbook, formats, consolidation)
        _progress(workbook, formats, consolidation)
        if scoring is not None:
            from xlsync.io.master.scoring import write_scoring_sheets

            write_scoring_sheets(workbook, formats, scoring)
        _checks(workbook, formats, consolidation.issues)
        _sources(workbook, formats, consolidation, created)
        _meta(workbook, consolidation, created)
        workbook.close()
    return target


def _check_size(consolidation: Consolidation, scoring: ScoringResult | None) -> None:
    """Refuse, before writing anything, a master with a sheet larger than Excel opens.

    Every sheet grows down (one row per unit, source, score or record);
    «Kiểm tra» goes on over further sheets instead.  The limits are reached
    only with a round far beyond a province's (e.g. 20,000 units scored on
    more than 52 criteria each).
    """
    units, plan = len(consolidation.statuses), consolidation.plan
    targets = len(consolidation.unit_results) + 5 if consolidation.unit_results else 0
    extents = {
        MasterSheets.SUMMARY: (HEADER_ROW + len(consolidation.results) + len(plan.recipients) + 10, 11),
        MasterSheets.BY_UNIT: (FIRST_UNIT_ROW + units + targets, FIRST_FIGURE_COL + len(plan.elements)),
        MasterSheets.PROGRESS: (units + 8, len(PROGRESS_LABELS) + len(SUBMISSION_LABELS)),
        MasterSheets.SOURCES: (len(consolidation.sources) + 8, len(SOURCE_LABELS)),
    }
    if scoring is not None:
        from xlsync.io.master.scoring import scoring_extents

        extents.update(scoring_extents(scoring))
    for sheet, (rows, columns) in extents.items():
        if rows > EXCEL_ROWS or columns > EXCEL_COLUMNS:
            raise CannotRun("master-too-large", sheet=sheet, rows=rows, columns=columns)


def _title_block(sheet, formats: Formats, consolidation: Consolidation, last_col: int, created: datetime) -> None:
    """Heading in the style of an annex to an administrative document (Nghị định 30/2020)."""
    info = consolidation.plan.info
    split = max(2, last_col // 2)
    sheet.merge_range(0, 0, 0, split - 1, info.issuer.upper(), formats["center_bold"])
    sheet.merge_range(0, split, 0, last_col, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", formats["center_bold"])
    sheet.merge_range(1, split, 1, last_col, "Độc lập - Tự do - Hạnh phúc", formats["center_bold"])
    sheet.merge_range(3, 0, 3, last_col, f"KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU THI ĐUA – {consolidation.period.upper()}",
                      formats["title"])
    sheet.merge_range(4, 0, 4, last_col, f"(Kèm theo {consolidation.plan.label})", formats["center_italic"])
    sheet.merge_range(5, 0, 5, last_col, f"Số liệu tổng hợp lúc {created:%H:%M ngày %d/%m/%Y}; "
                      f"{consolidation.included_count}/{consolidation.expected} đơn vị được tổng hợp.",
                      formats["center_italic"])


def _summary(workbook, formats: Formats, consolidation: Consolidation, created: datetime) -> None:
    sheet = workbook.add_worksheet(MasterSheets.SUMMARY)
    last = len(SUMMARY_LABELS) - 1
    _title_block(sheet, formats, consolidation, last, created)
    _progress_pointer(sheet, formats, consolidation, last)
    header(sheet, formats, HEADER_ROW, SUMMARY_LABELS, SUMMARY_WIDTHS)
    cols = Columns(comparison=4, target=5, actual=6)
    row = HEADER_ROW
    for row, result in enumerate(consolidation.results, start=HEADER_ROW + 1):
        _indicator_row(sheet, formats, row, result, cols)
    first, last_row = HEADER_ROW + 1, row
    if consolidation.results:
        verdicts = f"I{first + 1}:I{last_row + 1}"
        sheet.conditional_format(verdicts, {"type": "cell", "criteria": "==", "value": f'"{PASS}"',
                                            "format": workbook.add_format({"bg_color": PASS_FILL, "font_color": PASS_FONT})})
        sheet.conditional_format(verdicts, {"type": "cell", "criteria": "==", "value": f'"{FAIL}"',
                                            "format": workbook.add_format({"bg_color": FAIL_FILL, "font_color": FAIL_FONT})})
        sheet.autofilter(HEADER_ROW, 0, last_row, last)
    below = _signature(sheet, formats, consolidation, last_row + 2, last)
    # The signature block is not split across pages, and goes with the table's last two rows (a page with the
    # signature alone signs nothing); the chart starts a page of its own.
    kept = range(max(first, last_row - 1), below)
    breaks = [break_above(row_heights(sheet, below), [HEADER_ROW], SUMMARY_WIDTHS, kept)]
    if consolidation.results:
        breaks.append(_chart(workbook, sheet, first, last_row, below + 1))
    sheet.set_h_pagebreaks([row for row in breaks if row is not None])
    sheet.freeze_panes(HEADER_ROW + 1, 3)
    print_setup(sheet, (HEADER_ROW, HEADER_ROW))
    sheet.activate()


def _progress_pointer(sheet, formats: Formats, consolidation: Consolidation, last_col: int) -> None:
    """A master of a part of the year still judges against the annual targets here: say where its progress is."""
    period = consolidation.reporting_period
    if period is None or not shows_progress(consolidation.plan, period):
        return
    sheet.merge_range(HEADER_ROW - 1, 0, HEADER_ROW - 1, last_col,
                      f"«{TARGET}», «{RATIO}» và «{VERDICT}» so với kế hoạch cả năm; tiến độ {period.name} "
                      f"so với kế hoạch xem trang «{MasterSheets.PERIOD_PROGRESS}».", formats["center_italic"])


def _indicator_row(sheet, formats: Formats, row: int, result: IndicatorResult, cols: Columns) -> None:
    ind = result.indicator
    for col, value in enumerate((ind.code, ind.group, ind.name, ind.unit, ind.comparison.value)):
        sheet.write_string(row, col, value, formats["text"])
    if ind.comparison is Comparison.PASS:
        sheet.write_string(row, cols.target, PASS, formats["cell"])
    else:
        write_figure(sheet, formats, row, cols.target, result.target)
    write_figure(sheet, formats, row, cols.actual, result.actual)
    ratio = result.ratio
    sheet.write_formula(row, 7, ratio_formula(row, cols), formats["percent"], "" if ratio is None else ratio)
    sheet.write_formula(row, 8, verdict_formula(row, cols), formats["cell"], verdict_text(result.achieved))
    sheet.write_string(row, 9, result.explanation, formats["text"])
    sheet.write_string(row, 10, ind.note, formats["text"])
    wrapped = {1: ind.group, 2: ind.name, 9: result.explanation, 10: ind.note}
    height = row_height((text, SUMMARY_WIDTHS[col]) for col, text in wrapped.items())
    if height is not None:
        sheet.set_row(row, height)


def _chart(workbook, sheet, first: int, last_row: int, at_row: int) -> int:
    """The attainment chart from ``at_row``, sized to fit one page; returns the row to break the page above."""
    chart = workbook.add_chart({"type": "bar"})
    name = MasterSheets.SUMMARY
    chart.add_series({
        "name": "Tỷ lệ đạt (%)",
        "categories": [name, first, 0, last_row, 0],
        "values": [name, first, 7, last_row, 7],
        "fill": {"color": "#4472C4"},
    })
    chart.set_title({"name": "Tỷ lệ đạt kế hoạch theo chỉ tiêu (%)", "name_font": {"name": FONT, "size": 14}})
    chart.set_legend({"none": True})
    chart.set_x_axis({"num_font": {"name": FONT}})
    chart.set_y_axis({"reverse": True, "num_font": {"name": FONT}})
    # Thinner bars rather than a second page: the height stops at what a landscape page holds.
    room = chart_room(SUMMARY_WIDTHS, row_height(zip(SUMMARY_LABELS, SUMMARY_WIDTHS)) or LINE_HEIGHT) - 10
    height = min(room, max(360, 22 * (last_row - first + 1) + 90))
    chart.set_size({"width": CHART_WIDTH, "height": height})
    # Clear of the break: a chart starting on it has a sliver printed (clipped) on the page above.
    sheet.insert_chart(at_row, 1, chart, {"y_offset": 10})
    return at_row


def _signature(sheet, formats: Formats, consolidation: Consolidation, row: int, last: int) -> int:
    """«Nơi nhận» on the left, one recipient a line, and the signature on the right, each over merged cells
    (a single column would wrap them a word a line); returns the first row below the block."""
    info = consolidation.plan.info
    left = RECIPIENT_COLUMNS - 1
    width = sum(SUMMARY_WIDTHS[:RECIPIENT_COLUMNS])
    sheet.merge_range(row, 0, row, left, "Nơi nhận:", formats["recipients"])
    recipients = consolidation.plan.recipients
    for offset, recipient in enumerate(recipients, start=1):
        text = recipient_line(recipient.name, last=offset == len(recipients))
        sheet.merge_range(row + offset, 0, row + offset, left, "", formats["recipient"])
        write_text(sheet, row + offset, 0, text, formats["recipient"], formats["recipient_safe"])
        height = row_height([(text, width)])
        if height is not None:
            sheet.set_row(row + offset, height)
    sheet.merge_range(row, last - 3, row, last, f"TM. {info.issuer.upper()}" if info.issuer else "",
                      formats["center_bold"])
    sheet.merge_range(row + 1, last - 3, row + 1, last, (info.signer_title or "").upper(), formats["center_bold"])
    sheet.merge_range(row + 5, last - 3, row + 5, last, info.signer, formats["center_bold"])
    return row + max(len(recipients), 5) + 1


def recipient_line(name: str, *, last: bool) -> str:
    """«- name;» as a document lists its recipients, the last one closed with a full stop."""
    return f"- {name.rstrip(' ;.')}{'.' if last else ';'}"


def _progress(workbook, formats: Formats, consolidation: Consolidation) -> None:
    sheet = workbook.add_worksheet(MasterSheets.PROGRESS, worksheet_class=RowSheet)
    period = consolidation.reporting_period
    widths = PROGRESS_WIDTHS + SUBMISSION_WIDTHS
    # Over the table's width, wrapped: a line running past the last column is not printed.
    line = f"Tiến độ nộp báo cáo – {consolidation.period}. {deadline_line(period)}"
    sheet.merge_range(0, 0, 0, len(widths) - 1, line, workbook.add_format(
        {"font_name": FONT, "font_size": 12, "bold": True, "text_wrap": True, "valign": "vcenter"}))
    sheet.set_row(0, row_height([(line, sum(widths))]))
    header(sheet, formats, 1, PROGRESS_LABELS + SUBMISSION_LABELS, widths)
    text, safe, integer = formats["text"], formats["safe_text"], formats["integer"]
    statuses = consolidation.statuses
    found = submissions(statuses, period)
    deadline_cells = SubmissionCells(formats)
    row = 1
    for row, (status, submission) in enumerate(zip(statuses, found), start=2):
        unit, sources = status.unit, status.sources
        files = "; ".join([source.path for source in sources])
        modified = sources[0].metadata.get("modified", "") if sources else ""
        state = status.status.value
        sheet.write_cells(row, [
            (unit.code, text), (unit.name, text), (unit.type, text), (unit.block, text), (state, text),
            user_text(files, text, safe), (modified, text),
            (status.errors, integer), (status.warnings, integer), (YES if status.included else NO, text),
            *deadline_cells(submission),
        ], height=row_height([*zip((unit.code, unit.name, unit.type, unit.block, state, files, modified),
                                   PROGRESS_WIDTHS), *submission_wrapped(submission)]))
    first, last = 3, row + 1
    summary = row + 2
    rate = consolidation.reporting_rate
    sheet.write_string(summary, 0, "Tỷ lệ đơn vị đã nộp (%)", formats["bold"])
    sheet.write_formula(summary, 4, f'=IF(ROWS(E{first}:E{last})=0,"",100*COUNTIF(E{first}:E{last},"<>{Status.NOT_SUBMITTED.value}")/ROWS(E{first}:E{last}))',
                        formats["percent"], "" if rate is None else rate)
    sheet.write_string(summary + 1, 0, "Số đơn vị được tổng hợp", formats["bold"])
    sheet.write_formula(summary + 1, 4, f'=COUNTIF(J{first}:J{last},"{YES}")', formats["integer"],
                        consolidation.included_count)
    submission_summary(sheet, formats, summary + 2, len(PROGRESS_LABELS) + 3, first, last, found)
    sheet.freeze_panes(2, 2)
    sheet.autofilter(1, 0, max(row, 2), len(PROGRESS_LABELS) + len(SUBMISSION_LABELS) - 1)
    print_setup(sheet, (1, 1))


def _checks(workbook, formats: Formats, issues: list[Issue]) -> None:
    """«Kiểm tra», one record a row; beyond a sheet's rows, «Kiểm tra (2)», «Kiểm tra (3)»…"""
    parts = [issues[start:start + CHECK_ROWS] for start in range(0, len(issues), CHECK_ROWS)] or [[]]
    text, safe = formats["text"], formats["safe_text"]
    for name, part in zip(check_sheet_names(len(parts)), parts):
        sheet = workbook.add_worksheet(name, worksheet_class=RowSheet)
        header(sheet, formats, 0, CHECK_LABELS, CHECK_WIDTHS)
        for row, issue in enumerate(part, start=1):
            values = (severity_word(issue), issue.code, issue.file, issue.sheet, issue.cell,
                      issue.value, issue.message_vi, issue.message_en)
            sheet.write_cells(row, user_texts(values, text, safe),
                              height=row_height(zip(values, CHECK_WIDTHS)))
        sheet.freeze_panes(1, 0)
        if part:
            sheet.autofilter(0, 0, len(part), len(CHECK_LABELS) - 1)
        print_setup(sheet, (0, 0))


def _sources(workbook, formats: Formats, consolidation: Consolidation, created: datetime) -> None:
    sheet = workbook.add_worksheet(MasterSheets.SOURCES, worksheet_class=RowSheet)
    plan = consolidation.plan
    facts = (
        ("Phiên bản xlsync", __version__),
        ("Thời điểm tổng hợp", created.isoformat(timespec="seconds")),
        ("Kế hoạch", plan.label),
        ("Nguồn kế hoạch", plan.source),
        ("Phiên bản kế hoạch", f"{plan.info.version} ({plan.fingerprint})"),
        ("Kỳ báo cáo", consolidation.period),
    )
    for row, (key, value) in enumerate(facts):
        sheet.write_string(row, 0, key, formats["bold"])
        write_text(sheet, row, 1, value, formats["plain"], formats["safe_text"])
    first = len(facts) + 1
    header(sheet, formats, first, SOURCE_LABELS, SOURCE_WIDTHS)
    text, safe = formats["text"], formats["safe_text"]
    for row, source in enumerate(consolidation.sources, start=first + 1):
        report, meta = source.report, source.metadata
        values = (source.path, meta.get("path", source.path), meta.get("size", ""), meta.get("sha256", ""),
                  meta.get("modified", ""), report.unit.code if report and report.unit else "",
                  report.plan_id if report else "", report.plan_fingerprint if report else "",
                  report.metadata.get("template_version", "") if report else "")
        sheet.write_cells(row, user_texts(values, text, safe),
                          height=row_height(zip(values, SOURCE_WIDTHS)))
    print_setup(sheet, (first, first))


def _meta(workbook, consolidation: Consolidation, created: datetime) -> None:
    plan = consolidation.plan
    items = {
        "kind": MASTER_KIND,
        "plan_id": plan.info.plan_id,
        "plan_fingerprint": plan.fingerprint,
        "period": consolidation.period,
        "period_code": consolidation.period_code,
        "created": created.isoformat(timespec="seconds"),
        "xlsync_version": __version__,
        "units_expected": str(consolidation.expected),
        "units_submitted": str(consolidation.submitted),
        "units_included": str(consolidation.included_count),
    }
    write_meta_sheet(workbook, items)
