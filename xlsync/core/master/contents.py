"""Reading a master workbook back into a consolidation.

The master is the office's working copy: staff correct a unit's figure on
«Theo đơn vị», then ask xlsync to recompute attainment, score, or send it.
Everything needed is in the master's own sheets (figures of included units,
submission progress, check records, sources), so the consolidation can be
rebuilt without the original reports.  Labels, not positions, are read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from xlsync.core.attainment import evaluate_plan, evaluate_units
from xlsync.core.consolidate import Consolidation, Source, Status, UnitStatus, expected_units
from xlsync.core.issues import Issue, make_issue
from xlsync.core.numbers import Kind, read_cell
from xlsync.core.periods import Period, code_from_name
from xlsync.core.plan import Plan
from xlsync.core.report import read_metadata
from xlsync.core.sheets import Sheet, WorkbookData, column_letter
from xlsync.core.tables import find_header, locate_table
from xlsync.core.text import label_key, normalize_text


class MasterSheets:
    SUMMARY = "Tổng hợp"
    BY_UNIT = "Theo đơn vị"
    PROGRESS = "Tiến độ nộp"
    PERIOD_PROGRESS = "Tiến độ thực hiện"  # a part of the year against the plan (xlsync.core.progress)
    CHECKS = "Kiểm tra"
    SOURCES = "Nguồn"
    META = "_xlsync"
    SCORES = "Chấm điểm"  # the scoring sheets (xlsync.io.master.scoring)
    RANKING = "Xếp hạng"


MASTER_KIND = "master"
PROGRESS_LABELS = ("Mã đơn vị", "Tên đơn vị", "Loại", "Khối thi đua", "Tình trạng", "Tệp nguồn",
                   "Sửa lần cuối", "Số lỗi", "Số cảnh báo", "Được tổng hợp")
CHECK_LABELS = ("Mức", "Mã lỗi", "Tệp", "Trang", "Ô", "Giá trị", "Nội dung", "Message")
SOURCE_LABELS = ("Tệp", "Đường dẫn", "Kích thước (byte)", "SHA-256", "Sửa lần cuối", "Đơn vị",
                 "Kế hoạch", "Phiên bản kế hoạch", "Phiên bản mẫu")
PERIOD_PROGRESS_LABELS = ("Mã", "Chỉ tiêu", "Đơn vị tính", "Cách tính", "So sánh", "Kế hoạch năm", "Kế hoạch kỳ",
                          "Thực hiện", "Tiến độ (%)", "Đánh giá", "Cách so sánh", "Giải thích")
# «Theo đơn vị»: one row per unit under a header of three rows (element names, units of measure, codes),
# the «Toàn xã» row first; see xlsync.io.master.by_unit.
BY_UNIT_LABELS = ("Mã đơn vị", "Tên đơn vị")
BY_UNIT_MEASURE = "Đơn vị tính"
BY_UNIT_CODES = "Mã số liệu"
BY_UNIT_TOTAL = "Toàn xã"
INCLUDED_YES = "Có"
# The scoring sheets: «Chấm điểm» one row per criterion × unit, «Xếp hạng» one row per unit of a block.
SCORE_LABELS = ("Khối thi đua", "Mã đơn vị", "Tên đơn vị", "Mã tiêu chí", "Nhóm", "Tiêu chí", "Loại",
                "Điểm tối đa", "Tự chấm", "Khối chấm", "Chênh lệch", "Điểm", "Nguồn điểm", "Minh chứng",
                "Cách tính", "Ô nguồn", "How it was computed")
RANK_LABELS = ("Khối thi đua", "Hạng", "Mã đơn vị", "Tên đơn vị", "Tổng điểm", "Điểm định lượng", "Điểm trừ",
               "Đồng hạng", "Ghi chú xếp hạng", "Danh hiệu đề nghị", "Lý do", "Ranking and proposal (English)")
SEVERITY_WORDS = {"lỗi": "error", "cảnh báo": "warning", "thông tin": "info"}


@dataclass(slots=True)
class MasterData:
    consolidation: Consolidation
    metadata: dict[str, str]
    value_cells: dict[tuple[str, str], str] = field(default_factory=dict)  # (unit, element) → address
    issues: list[Issue] = field(default_factory=list)  # problems reading the master itself

    @property
    def period_code(self) -> str:
        """The code of the master's period; a master written before codes: from «Năm YYYY», else ""."""
        return self.metadata.get("period_code") or code_from_name(self.metadata.get("period", ""))


def is_master(workbook: WorkbookData) -> bool:
    return read_metadata(workbook).get("kind") == MASTER_KIND


def read_master(workbook: WorkbookData, plan: Plan) -> MasterData:
    file = workbook.source
    metadata = read_metadata(workbook)
    issues: list[Issue] = []
    for name in (MasterSheets.BY_UNIT, MasterSheets.PROGRESS, MasterSheets.CHECKS):
        if workbook.sheet(name) is None:
            issues.append(make_issue("missing-sheet", file=file, sheet=name, available=", ".join(workbook.sheets)))

    records = _read_checks(workbook, file, issues)
    sources = _read_sources(workbook, file, records, issues)
    statuses = _read_progress(workbook, plan, sources, file, issues)
    included = [s.unit.code for s in statuses if s.included]
    values, cells = _read_values(workbook, plan, included, file, issues)

    period = metadata.get("period") or plan.info.period
    consolidation = Consolidation(
        plan=plan, period=period, sources=sources, statuses=statuses, values=values,
        results=evaluate_plan(plan, values), unit_results=evaluate_units(plan, values), issues=records,
    )
    master = MasterData(consolidation, metadata, cells, issues)
    consolidation.reporting_period = _period_of(master, plan)
    return master


def _period_of(master: MasterData, plan: Plan) -> Period | None:
    """The master's period: the plan's of its code, else as the master names it."""
    code, name = master.period_code, master.consolidation.period
    if not code:
        return plan.current_period if name == plan.info.period else None
    return plan.period(code) or Period(code, name)


def check_sheet_names(count: int) -> list[str]:
    """«Kiểm tra», then «Kiểm tra (2)», «Kiểm tra (3)»… for records beyond one sheet's rows."""
    return [MasterSheets.CHECKS, *(f"{MasterSheets.CHECKS} ({n})" for n in range(2, count + 1))]


def _read_checks(workbook: WorkbookData, file: str, issues: list[Issue]) -> list[Issue]:
    records: list[Issue] = []
    for name in check_sheet_names(len(workbook.sheets)):
        sheet = workbook.sheet(name)
        if sheet is None:
            break
        records += _read_check_sheet(sheet, file, issues)
    return records


def _text_rows(sheet: Sheet, labels: tuple[str, ...], file: str, issues: list[Issue]) -> list[dict[str, str]]:
    """The rows of the table headed by ``labels``, as text by label; a blank row between is no problem here."""
    table, found = locate_table(sheet, labels, file=file)
    issues += [i for i in found if i.code != "blank-row"]
    return [{label: normalize_text(row.get(label)) for label in labels} for row in table or ()]


def _read_check_sheet(sheet: Sheet, file: str, issues: list[Issue]) -> list[Issue]:
    records = []
    for text in _text_rows(sheet, CHECK_LABELS, file, issues):
        severity = SEVERITY_WORDS.get(text["Mức"].casefold(), "error")
        records.append(Issue(code=text["Mã lỗi"], severity=severity, message_vi=text["Nội dung"],
                             message_en=text["Message"], file=text["Tệp"], sheet=text["Trang"],
                             cell=text["Ô"], value=text["Giá trị"]))
    return records


def _read_sources(workbook: WorkbookData, file: str, records: list[Issue], issues: list[Issue]) -> list[Source]:
    sheet = workbook.sheet(MasterSheets.SOURCES)
    if sheet is None:
        return []
    rows = _text_rows(sheet, SOURCE_LABELS, file, issues)
    by_file: dict[str, list[int]] = {}  # file → positions of its records, not a scan of them all per source
    for position, record in enumerate(records):
        by_file.setdefault(record.file, []).append(position)
    sources = []
    for text in rows:
        path = text["Đường dẫn"] or text["Tệp"]
        own = [records[i] for i in sorted({*by_file.get(path, ()), *by_file.get(text["Tệp"], ())})]
        metadata = {"path": text["Đường dẫn"], "size": text["Kích thước (byte)"], "sha256": text["SHA-256"],
                    "modified": text["Sửa lần cuối"], "unit": text["Đơn vị"]}
        sources.append(Source(path, None, own, metadata))
    return sources


def _read_progress(workbook: WorkbookData, plan: Plan, sources: list[Source], file: str,
                   issues: list[Issue]) -> list[UnitStatus]:
    sheet = workbook.sheet(MasterSheets.PROGRESS)
    rows: dict[str, dict[str, str]] = {}
    if sheet is not None:
        for text in _text_rows(sheet, PROGRESS_LABELS, file, issues):
            if text["Mã đơn vị"]:
                rows[label_key(text["Mã đơn vị"])] = text
    by_unit = {label_key(s.metadata.get("unit", "")): s for s in sources}
    statuses = []
    for unit in expected_units(plan):
        text = rows.get(label_key(unit.code))
        if text is None:
            statuses.append(UnitStatus(unit, Status.NOT_SUBMITTED))
            continue
        status = next((s for s in Status if s.value == text["Tình trạng"]), Status.NOT_SUBMITTED)
        if status is Status.INCLUDED and text["Được tổng hợp"] != INCLUDED_YES:
            status = Status.HAS_ERRORS
        source = by_unit.get(label_key(unit.code))
        statuses.append(UnitStatus(unit, status, [source] if source else []))
    return statuses


@dataclass(frozen=True, slots=True)
class FigureTable:
    """Where «Theo đơn vị» holds the figures (0-based rows and columns)."""

    code_row: int  # the header row of element codes
    unit_rows: dict[str, int]  # label key of a plan unit's code → its row (the first, if written twice)
    element_cols: dict[str, int]  # element code → its column
    total_row: int | None  # «Toàn xã»

    @property
    def unit_span(self) -> tuple[int, int] | None:
        """First and last unit row: the rows the «Toàn xã» formulas add up."""
        rows = self.unit_rows.values()
        return (min(rows), max(rows)) if rows else None


def figure_header(sheet: Sheet) -> tuple[dict[str, int], int | None]:
    """The header of «Theo đơn vị»'s figure table: the columns of its labels («Mã đơn vị», «Tên đơn vị»)
    and the row of element codes («Mã số liệu», within the three rows below); None without one."""
    header_row, cols = find_header(sheet, BY_UNIT_LABELS)
    if BY_UNIT_LABELS[0] not in cols:
        return cols, None
    codes_label = label_key(BY_UNIT_CODES)
    code_row = next((r for r in range(header_row + 1, min(header_row + 4, len(sheet.rows)))
                     if any(isinstance(v, str) and label_key(v) == codes_label for v in sheet.rows[r])), None)
    return cols, code_row


def figure_table(sheet: Sheet, plan: Plan, file: str = "") -> tuple[FigureTable | None, list[Issue]]:
    """The figure table of «Theo đơn vị», found by its labels; a missing label is a record.

    Its rows are those of the plan's units, from under the row of codes to
    the next table's header (the targets assigned to units, also headed
    «Mã đơn vị»); blank rows and other text in between are passed over.
    """
    cols, code_row = figure_header(sheet)
    issues = [make_issue("missing-label", file=file, sheet=sheet.name, label=label)
              for label in BY_UNIT_LABELS if label not in cols]
    if BY_UNIT_LABELS[0] not in cols:
        return None, issues
    key_col = cols[BY_UNIT_LABELS[0]]
    if code_row is None:
        return None, [*issues, make_issue("missing-label", file=file, sheet=sheet.name, label=BY_UNIT_CODES)]
    element_cols: dict[str, int] = {}
    for col, value in enumerate(sheet.rows[code_row]):
        code = normalize_text(value)
        if code in plan.elements:
            element_cols.setdefault(code, col)
    unit_rows: dict[str, int] = {}
    total_row = None
    next_header, total = label_key(BY_UNIT_LABELS[0]), label_key(BY_UNIT_TOTAL)
    units = {label_key(code) for code in plan.units}
    for row in range(code_row + 1, len(sheet.rows)):
        key = label_key(normalize_text(sheet.cell(row, key_col)))
        if key == next_header:
            break
        if key == total:
            total_row = row
        elif key in units:
            unit_rows.setdefault(key, row)
    return FigureTable(code_row, unit_rows, element_cols, total_row), issues


def _read_values(workbook: WorkbookData, plan: Plan, included: list[str], file: str,
                 issues: list[Issue]) -> tuple[pd.DataFrame, dict[tuple[str, str], str]]:
    columns = list(plan.elements)
    index = pd.Index(included, name="unit")
    cells: dict[tuple[str, str], str] = {}
    sheet = workbook.sheet(MasterSheets.BY_UNIT)
    table, found = figure_table(sheet, plan, file) if sheet is not None else (None, [])
    issues += found
    if table is None:
        return pd.DataFrame(index=index, columns=columns, dtype=float), cells
    # Per column, once: where it goes in the frame, its letters, its element's kind.
    targets = [(columns.index(code), column_letter(col), col, plan.elements[code].kind)
               for code, col in table.element_cols.items()]
    rows = []
    for unit in included:
        figures = [math.nan] * len(columns)
        rows.append(figures)
        row = table.unit_rows.get(label_key(unit))
        if row is None:
            continue
        line, number = sheet.rows[row], row + 1
        for position, letters, col, kind in targets:
            address = f"{letters}{number}"
            cells[(unit, columns[position])] = address
            raw = line[col] if col < len(line) else None
            if raw is None or raw == "":
                continue  # blank: no figure (a missing one is the check's to say)
            if type(raw) is float and kind is not Kind.PASS_FAIL and math.isfinite(raw):
                figures[position] = raw  # a number cell, as read_cell reads it, without the parsing
                continue
            reading = read_cell(raw, kind)
            if reading.status == "invalid":
                code_name = "invalid-pass-fail" if kind is Kind.PASS_FAIL else "type-error"
                issues.append(make_issue(code_name, file=file, sheet=sheet.name, cell=address, value=raw))
            elif reading.value is not None:
                figures[position] = float(reading.value)
    # One frame built at once: setting cells one by one costs ~10 µs each at province scale.
    return pd.DataFrame(rows, index=index, columns=columns, dtype=float), cells
