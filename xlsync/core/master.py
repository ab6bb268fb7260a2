"""Reading a master workbook back into a consolidation.

The master is the office's working copy: staff correct a unit's figure on
«Theo đơn vị», then ask xlsync to recompute attainment, score, or send it.
Everything needed is in the master's own sheets (figures of included units,
submission progress, check records, sources), so the consolidation can be
rebuilt without the original reports.  Labels, not positions, are read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from xlsync.core.attainment import evaluate_plan, evaluate_units
from xlsync.core.consolidate import Consolidation, Source, Status, UnitStatus, expected_units
from xlsync.core.issues import Issue, make_issue
from xlsync.core.numbers import Kind, read_cell
from xlsync.core.plan import Plan
from xlsync.core.report import read_metadata
from xlsync.core.sheets import WorkbookData, cell_address
from xlsync.core.tables import locate_table
from xlsync.core.text import label_key, normalize_text


class MasterSheets:
    SUMMARY = "Tổng hợp"
    BY_UNIT = "Theo đơn vị"
    PROGRESS = "Tiến độ nộp"
    CHECKS = "Kiểm tra"
    SOURCES = "Nguồn"
    META = "_xlsync"


MASTER_KIND = "master"
PROGRESS_LABELS = ("Mã đơn vị", "Tên đơn vị", "Loại", "Khối thi đua", "Tình trạng", "Tệp nguồn",
                   "Sửa lần cuối", "Số lỗi", "Số cảnh báo", "Được tổng hợp")
CHECK_LABELS = ("Mức", "Mã lỗi", "Tệp", "Trang", "Ô", "Giá trị", "Nội dung", "Message")
SOURCE_LABELS = ("Tệp", "Đường dẫn", "Kích thước (byte)", "SHA-256", "Sửa lần cuối", "Đơn vị",
                 "Kế hoạch", "Phiên bản kế hoạch", "Phiên bản mẫu")
BY_UNIT_LABELS = ("Mã", "Số liệu", "Đơn vị tính")
INCLUDED_YES = "Có"
SEVERITY_WORDS = {"lỗi": "error", "cảnh báo": "warning", "thông tin": "info"}


@dataclass(slots=True)
class MasterData:
    consolidation: Consolidation
    metadata: dict[str, str]
    value_cells: dict[tuple[str, str], str] = field(default_factory=dict)  # (unit, element) → address
    issues: list[Issue] = field(default_factory=list)  # problems reading the master itself


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
    return MasterData(consolidation, metadata, cells, issues)


def _read_checks(workbook: WorkbookData, file: str, issues: list[Issue]) -> list[Issue]:
    sheet = workbook.sheet(MasterSheets.CHECKS)
    if sheet is None:
        return []
    table, found = locate_table(sheet, CHECK_LABELS, file=file)
    issues += [i for i in found if i.code != "blank-row"]
    if table is None:
        return []
    records = []
    for row in table:
        text = {label: normalize_text(row.get(label)) for label in CHECK_LABELS}
        severity = SEVERITY_WORDS.get(text["Mức"].casefold(), "error")
        records.append(Issue(code=text["Mã lỗi"], severity=severity, message_vi=text["Nội dung"],
                             message_en=text["Message"], file=text["Tệp"], sheet=text["Trang"],
                             cell=text["Ô"], value=text["Giá trị"]))
    return records


def _read_sources(workbook: WorkbookData, file: str, records: list[Issue], issues: list[Issue]) -> list[Source]:
    sheet = workbook.sheet(MasterSheets.SOURCES)
    if sheet is None:
        return []
    table, found = locate_table(sheet, SOURCE_LABELS, file=file)
    issues += [i for i in found if i.code != "blank-row"]
    if table is None:
        return []
    sources = []
    for row in table:
        text = {label: normalize_text(row.get(label)) for label in SOURCE_LABELS}
        path = text["Đường dẫn"] or text["Tệp"]
        own = [r for r in records if r.file in (path, text["Tệp"])]
        metadata = {"path": text["Đường dẫn"], "size": text["Kích thước (byte)"], "sha256": text["SHA-256"],
                    "modified": text["Sửa lần cuối"], "unit": text["Đơn vị"]}
        sources.append(Source(path, None, own, metadata))
    return sources


def _read_progress(workbook: WorkbookData, plan: Plan, sources: list[Source], file: str,
                   issues: list[Issue]) -> list[UnitStatus]:
    sheet = workbook.sheet(MasterSheets.PROGRESS)
    rows: dict[str, dict[str, str]] = {}
    if sheet is not None:
        table, found = locate_table(sheet, PROGRESS_LABELS, file=file)
        issues += [i for i in found if i.code != "blank-row"]
        for row in table or []:
            text = {label: normalize_text(row.get(label)) for label in PROGRESS_LABELS}
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


def _read_values(workbook: WorkbookData, plan: Plan, included: list[str], file: str,
                 issues: list[Issue]) -> tuple[pd.DataFrame, dict[tuple[str, str], str]]:
    columns = list(plan.elements)
    frame = pd.DataFrame(index=pd.Index(included, name="unit"), columns=columns, dtype=float)
    cells: dict[tuple[str, str], str] = {}
    sheet = workbook.sheet(MasterSheets.BY_UNIT)
    if sheet is None:
        return frame, cells
    table, found = locate_table(sheet, BY_UNIT_LABELS, file=file)
    issues += [i for i in found if i.code != "blank-row"]
    if table is None:
        return frame, cells
    header = sheet.rows[table.header_row]
    unit_cols = {
        unit: col for col, value in enumerate(header)
        for unit in included if label_key(value) == label_key(unit)
    }
    for row in table:
        code = normalize_text(row.get("Mã"))
        element = plan.elements.get(code)
        if element is None:
            continue
        for unit, col in unit_cols.items():
            raw = sheet.cell(row.row, col)
            address = cell_address(row.row, col)
            cells[(unit, element.code)] = address
            reading = read_cell(raw, element.kind)
            if reading.status == "invalid":
                code_name = "invalid-pass-fail" if element.kind is Kind.PASS_FAIL else "type-error"
                issues.append(make_issue(code_name, file=file, sheet=sheet.name, cell=address, value=raw))
            elif reading.value is not None:
                frame.at[unit, element.code] = float(reading.value)
    return frame, cells
