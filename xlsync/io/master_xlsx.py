"""The master workbook (sổ tổng hợp), written with XlsxWriter.

Sheets: «Tổng hợp» (one row per indicator, attainment as live formulas with
the values xlsync computed stored beside them), «Theo đơn vị», «Tiến độ
nộp», «Kiểm tra», «Nguồn», and a hidden «_xlsync» sheet that says which
plan and period the master belongs to.

Text that came from a source is always written as text (``write_string``,
quote-prefixed when it looks like a formula), so a note typed as
``=HYPERLINK(...)`` never becomes a live formula here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from xlsync import __version__
from xlsync.core.attainment import IndicatorResult
from xlsync.core.consolidate import Consolidation, Status, element_totals
from xlsync.core.issues import Issue, severity_word
from xlsync.core.master import (
    BY_UNIT_LABELS, CHECK_LABELS, INCLUDED_YES, MASTER_KIND, PROGRESS_LABELS, SOURCE_LABELS, MasterSheets,
)
from xlsync.core.master_tables import SUMMARY_LABELS
from xlsync.core.numbers import FAIL, PASS, Kind
from xlsync.core.plan import Comparison
from xlsync.core.scoring.run import ScoringResult
from xlsync.io.atomic import atomic_path
from xlsync.io.master_scoring_xlsx import write_scoring_sheets
from xlsync.io.xlsx_sheets import write_meta_sheet
from xlsync.io.xlsx_style import FAIL_FILL, FAIL_FONT, PASS_FILL, PASS_FONT, Formats, write_text


SUMMARY_WIDTHS = (7, 16, 52, 14, 8, 11, 12, 11, 11, 26, 30)
UNIT_TARGET_LABELS = ("Mã đơn vị", "Tên đơn vị", "Mã", "Chỉ tiêu", "So sánh", "Kế hoạch", "Thực hiện",
                      "Tỷ lệ đạt (%)", "Đánh giá")
YES, NO = INCLUDED_YES, "Không"
HEADER_ROW = 7  # 0-based row of the «Tổng hợp» header, below the title block


@dataclass(frozen=True, slots=True)
class Columns:
    """Where comparison, target and actual sit, so the formulas can be written for any table."""

    comparison: int
    target: int
    actual: int


def ratio_formula(row: int, cols: Columns) -> str:
    e, f, g = (xl_rowcol_to_cell(row, c) for c in (cols.comparison, cols.target, cols.actual))
    return (f'=IF(OR({f}="",{g}="",{e}="{Comparison.PASS.value}"),"",'
            f'IF(OR({e}="{Comparison.LE.value}",{e}="{Comparison.LT.value}"),'
            f'IF({g}=0,"",100*{f}/{g}),IF({f}=0,"",100*{g}/{f})))')


def verdict_formula(row: int, cols: Columns) -> str:
    e, f, g = (xl_rowcol_to_cell(row, c) for c in (cols.comparison, cols.target, cols.actual))
    holds = (f'OR(AND({e}="≥",{g}>={f}),AND({e}=">",{g}>{f}),AND({e}="≤",{g}<={f}),'
             f'AND({e}="<",{g}<{f}),AND({e}="=",ABS({g}-{f})<=1E-9*MAX(1,ABS({f}))))')
    return (f'=IF({g}="","",IF({e}="{PASS}",IF({g}="{PASS}","{PASS}","{FAIL}"),'
            f'IF({f}="","",IF({holds},"{PASS}","{FAIL}"))))')


def _verdict_text(achieved: bool | None) -> str:
    return "" if achieved is None else (PASS if achieved else FAIL)


def write_master(
    consolidation: Consolidation,
    path: str | Path,
    *,
    created: datetime | None = None,
    scoring: ScoringResult | None = None,
) -> Path:
    """Write the whole master; with ``scoring``, also «Chấm điểm» and «Xếp hạng» (after «Tiến độ nộp»)."""
    created = created or datetime.now().astimezone()
    target = Path(path)
    with atomic_path(target) as tmp:
        workbook = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False})
        formats = Formats(workbook)
        plan = consolidation.plan
        workbook.set_properties({"title": f"Tổng hợp kết quả thi đua – {consolidation.period}",
                                 "subject": plan.label, "author": plan.info.issuer,
                                 "comments": f"Tạo bởi xlsync {__version__}"})
        _summary(workbook, formats, consolidation, created)
        _by_unit(workbook, formats, consolidation)
        _progress(workbook, formats, consolidation)
        if scoring is not None:
            write_scoring_sheets(workbook, formats, scoring)
        _checks(workbook, formats, consolidation.issues)
        _sources(workbook, formats, consolidation, created)
        _meta(workbook, consolidation, created)
        workbook.close()
    return target


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


def _print_setup(sheet, header_row: int, landscape: bool = True) -> None:
    sheet.set_paper(9)
    sheet.set_landscape() if landscape else sheet.set_portrait()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_row)
    sheet.set_margins(left=0.6, right=0.4, top=0.6, bottom=0.6)
    sheet.set_footer("&CTrang &P/&N")


def _header(sheet, formats: Formats, row: int, labels: tuple[str, ...], widths: tuple[int, ...] = ()) -> None:
    for col, label in enumerate(labels):
        sheet.write_string(row, col, label, formats["header"])
        if col < len(widths):
            sheet.set_column(col, col, widths[col])


def _number_cell(sheet, formats: Formats, row: int, col: int, value: float | bool | None, kind: str = "number") -> None:
    if value is None:
        sheet.write_blank(row, col, None, formats["cell"])
    elif isinstance(value, bool):
        sheet.write_string(row, col, PASS if value else FAIL, formats["cell"])
    else:
        sheet.write_number(row, col, value, formats[kind])


def _summary(workbook, formats: Formats, consolidation: Consolidation, created: datetime) -> None:
    sheet = workbook.add_worksheet(MasterSheets.SUMMARY)
    last = len(SUMMARY_LABELS) - 1
    _title_block(sheet, formats, consolidation, last, created)
    _header(sheet, formats, HEADER_ROW, SUMMARY_LABELS, SUMMARY_WIDTHS)
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
        _chart(workbook, sheet, first, last_row)
    _signature(sheet, formats, consolidation, last_row + 2, last)
    sheet.freeze_panes(HEADER_ROW + 1, 3)
    _print_setup(sheet, HEADER_ROW)
    sheet.activate()


def _indicator_row(sheet, formats: Formats, row: int, result: IndicatorResult, cols: Columns) -> None:
    ind = result.indicator
    for col, value in enumerate((ind.code, ind.group, ind.name, ind.unit, ind.comparison.value)):
        sheet.write_string(row, col, value, formats["text"])
    if ind.comparison is Comparison.PASS:
        sheet.write_string(row, cols.target, PASS, formats["cell"])
    else:
        _number_cell(sheet, formats, row, cols.target, result.target)
    _number_cell(sheet, formats, row, cols.actual, result.actual)
    ratio = result.ratio
    sheet.write_formula(row, 7, ratio_formula(row, cols), formats["percent"], "" if ratio is None else ratio)
    sheet.write_formula(row, 8, verdict_formula(row, cols), formats["cell"], _verdict_text(result.achieved))
    sheet.write_string(row, 9, result.explanation, formats["text"])
    sheet.write_string(row, 10, ind.note, formats["text"])


def _chart(workbook, sheet, first: int, last_row: int) -> None:
    chart = workbook.add_chart({"type": "bar"})
    name = MasterSheets.SUMMARY
    chart.add_series({
        "name": "Tỷ lệ đạt (%)",
        "categories": [name, first, 0, last_row, 0],
        "values": [name, first, 7, last_row, 7],
        "fill": {"color": "#4472C4"},
    })
    chart.set_title({"name": "Tỷ lệ đạt kế hoạch theo chỉ tiêu (%)", "name_font": {"name": "Times New Roman"}})
    chart.set_legend({"none": True})
    chart.set_y_axis({"reverse": True})
    chart.set_size({"width": 720, "height": max(360, 22 * (last_row - first + 1))})
    sheet.insert_chart(last_row + 12, 2, chart)


def _signature(sheet, formats: Formats, consolidation: Consolidation, row: int, last: int) -> None:
    info = consolidation.plan.info
    sheet.write_string(row, 0, "Nơi nhận:", formats["bold"])
    for offset, recipient in enumerate(consolidation.plan.recipients, start=1):
        write_text(sheet, row + offset, 0, f"- {recipient.name};", formats["plain"], formats["safe_text"])
    sheet.merge_range(row, last - 3, row, last, f"TM. {info.issuer.upper()}" if info.issuer else "",
                      formats["center_bold"])
    sheet.merge_range(row + 1, last - 3, row + 1, last, (info.signer_title or "").upper(), formats["center_bold"])
    sheet.merge_range(row + 5, last - 3, row + 5, last, info.signer, formats["center_bold"])


def _by_unit(workbook, formats: Formats, consolidation: Consolidation) -> None:
    sheet = workbook.add_worksheet(MasterSheets.BY_UNIT)
    plan = consolidation.plan
    units = [status.unit for status in consolidation.statuses]
    included = {s.unit.code for s in consolidation.statuses if s.included}
    labels = (*BY_UNIT_LABELS, *[u.code for u in units], "Toàn xã")
    _header(sheet, formats, 1, labels, (16, 44, 12))
    sheet.write_string(0, 0, "Số liệu của từng đơn vị (chỉ các đơn vị được tổng hợp) và tổng toàn xã", formats["bold"])
    for col, unit in enumerate(units, start=3):
        sheet.write_string(2, col, unit.name if unit.code in included else f"{unit.name} (không tính)", formats["text"])
        sheet.set_column(col, col, 12)
    sheet.write_string(2, len(labels) - 1, "", formats["text"])
    totals = element_totals(consolidation)
    figures = consolidation.values.to_dict("index")  # one conversion, not one lookup per cell
    total_col = len(labels) - 1
    row = 2
    for row, element in enumerate(plan.elements.values(), start=3):
        sheet.write_string(row, 0, element.code, formats["text"])
        sheet.write_string(row, 1, element.name, formats["text"])
        sheet.write_string(row, 2, element.unit, formats["text"])
        for col, unit in enumerate(units, start=3):
            raw = figures.get(unit.code, {}).get(element.code)
            value = None if raw is None or raw != raw else float(raw)  # NaN → blank
            if element.kind is Kind.PASS_FAIL and value is not None:
                sheet.write_string(row, col, PASS if value == 1 else FAIL, formats["cell"])
            else:
                _number_cell(sheet, formats, row, col, value)
        span = f"{xl_col_to_name(3)}{row + 1}:{xl_col_to_name(total_col - 1)}{row + 1}"
        total = totals.get(element.code)
        if element.kind is Kind.PASS_FAIL:
            sheet.write_formula(row, total_col, f'=COUNTIF({span},"{PASS}")', formats["integer"], total or 0)
        elif element.kind is Kind.PERCENT:
            # Rates are not added up; the commune figure is the indicator's, on «Tổng hợp».
            sheet.write_blank(row, total_col, None, formats["cell"])
        else:
            sheet.write_formula(row, total_col, f"=SUM({span})", formats["number"], total or 0)
    sheet.freeze_panes(3, 3)
    _print_setup(sheet, 1)
    if consolidation.unit_results:
        _unit_targets(sheet, formats, consolidation, row + 3)


def _unit_targets(sheet, formats: Formats, consolidation: Consolidation, start: int) -> None:
    sheet.write_string(start, 0, "Kết quả thực hiện chỉ tiêu giao cho từng đơn vị", formats["bold"])
    _header(sheet, formats, start + 1, UNIT_TARGET_LABELS)
    cols = Columns(comparison=4, target=5, actual=6)
    for row, item in enumerate(consolidation.unit_results, start=start + 2):
        result = item.result
        unit = consolidation.plan.units[item.unit_code]
        for col, value in enumerate((unit.code, unit.name, result.indicator.code, result.indicator.name,
                                     result.indicator.comparison.value)):
            sheet.write_string(row, col, value, formats["text"])
        _number_cell(sheet, formats, row, cols.target, result.target)
        _number_cell(sheet, formats, row, cols.actual, result.actual)
        ratio = result.ratio
        sheet.write_formula(row, 7, ratio_formula(row, cols), formats["percent"], "" if ratio is None else ratio)
        sheet.write_formula(row, 8, verdict_formula(row, cols), formats["cell"], _verdict_text(result.achieved))


def _progress(workbook, formats: Formats, consolidation: Consolidation) -> None:
    sheet = workbook.add_worksheet(MasterSheets.PROGRESS)
    sheet.write_string(0, 0, f"Tiến độ nộp báo cáo – {consolidation.period}", formats["bold"])
    _header(sheet, formats, 1, PROGRESS_LABELS, (10, 30, 12, 22, 14, 40, 18, 8, 10, 12))
    row = 1
    for row, status in enumerate(consolidation.statuses, start=2):
        unit = status.unit
        source = status.sources[0] if status.sources else None
        files = "; ".join(s.path for s in status.sources)
        for col, value in enumerate((unit.code, unit.name, unit.type, unit.block, status.status.value)):
            sheet.write_string(row, col, value, formats["text"])
        write_text(sheet, row, 5, files, formats["text"], formats["safe_text"])
        sheet.write_string(row, 6, source.metadata.get("modified", "") if source else "", formats["text"])
        sheet.write_number(row, 7, status.errors, formats["integer"])
        sheet.write_number(row, 8, status.warnings, formats["integer"])
        sheet.write_string(row, 9, YES if status.included else NO, formats["text"])
    first, last = 3, row + 1
    summary = row + 2
    rate = consolidation.reporting_rate
    sheet.write_string(summary, 0, "Tỷ lệ đơn vị đã nộp (%)", formats["bold"])
    sheet.write_formula(summary, 4, f'=IF(ROWS(E{first}:E{last})=0,"",100*COUNTIF(E{first}:E{last},"<>{Status.NOT_SUBMITTED.value}")/ROWS(E{first}:E{last}))',
                        formats["percent"], "" if rate is None else rate)
    sheet.write_string(summary + 1, 0, "Số đơn vị được tổng hợp", formats["bold"])
    sheet.write_formula(summary + 1, 4, f'=COUNTIF(J{first}:J{last},"{YES}")', formats["integer"],
                        consolidation.included_count)
    sheet.freeze_panes(2, 2)
    sheet.autofilter(1, 0, max(row, 2), len(PROGRESS_LABELS) - 1)
    _print_setup(sheet, 1)


def _checks(workbook, formats: Formats, issues: list[Issue]) -> None:
    sheet = workbook.add_worksheet(MasterSheets.CHECKS)
    _header(sheet, formats, 0, CHECK_LABELS, (10, 26, 36, 12, 7, 16, 70, 70))
    for row, issue in enumerate(issues, start=1):
        values = (severity_word(issue), issue.code, issue.file, issue.sheet, issue.cell,
                  issue.value, issue.message_vi, issue.message_en)
        for col, value in enumerate(values):
            write_text(sheet, row, col, value, formats["text"], formats["safe_text"])
    sheet.freeze_panes(1, 0)
    if issues:
        sheet.autofilter(0, 0, len(issues), len(CHECK_LABELS) - 1)
    _print_setup(sheet, 0)


def _sources(workbook, formats: Formats, consolidation: Consolidation, created: datetime) -> None:
    sheet = workbook.add_worksheet(MasterSheets.SOURCES)
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
    header = len(facts) + 1
    _header(sheet, formats, header, SOURCE_LABELS, (28, 50, 14, 66, 20, 10, 14, 16, 10))
    for row, source in enumerate(consolidation.sources, start=header + 1):
        report, meta = source.report, source.metadata
        values = (source.path, meta.get("path", source.path), meta.get("size", ""), meta.get("sha256", ""),
                  meta.get("modified", ""), report.unit.code if report and report.unit else "",
                  report.plan_id if report else "", report.plan_fingerprint if report else "",
                  report.metadata.get("template_version", "") if report else "")
        for col, value in enumerate(values):
            write_text(sheet, row, col, value, formats["text"], formats["safe_text"])
    _print_setup(sheet, header)


def _meta(workbook, consolidation: Consolidation, created: datetime) -> None:
    plan = consolidation.plan
    items = {
        "kind": MASTER_KIND,
        "plan_id": plan.info.plan_id,
        "plan_fingerprint": plan.fingerprint,
        "period": consolidation.period,
        "created": created.isoformat(timespec="seconds"),
        "xlsync_version": __version__,
        "units_expected": str(consolidation.expected),
        "units_submitted": str(consolidation.submitted),
        "units_included": str(consolidation.included_count),
    }
    write_meta_sheet(workbook, items)
