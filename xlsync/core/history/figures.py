"""What history takes from one master workbook, read by its labels without a plan.

A master of an earlier year was made with that year's plan (other targets,
perhaps other names, other units), so it is read on its own terms: the
indicator rows of «Tổng hợp», each unit's data element figures on «Theo đơn
vị», and the table of targets assigned to units under them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xlsync.core.issues import Issue, make_issue
from xlsync.core.master.contents import BY_UNIT_LABELS, BY_UNIT_TOTAL, MasterSheets, figure_header
from xlsync.core.master.tables import ACTUAL, CODE, COMPARISON, GROUP, NAME, TARGET, UNIT, UNIT_CODE
from xlsync.core.numbers import parse_number, parse_pass_fail
from xlsync.core.report import read_metadata
from xlsync.core.sheets import Cell, Sheet, WorkbookData
from xlsync.core.tables import locate_table
from xlsync.core.text import is_blank, label_key, normalize_text

Figure = float | bool | None
SUMMARY_REQUIRED = (CODE, NAME, UNIT, COMPARISON, TARGET, ACTUAL)
UNIT_TARGET_REQUIRED = (UNIT_CODE, CODE, COMPARISON, TARGET, ACTUAL)


@dataclass(frozen=True, slots=True)
class IndicatorFigure:
    """One indicator row of a master: what it was called, its target and its actual value."""

    code: str
    group: str
    name: str
    measure: str  # đơn vị tính
    comparison: str
    target: Figure
    actual: Figure
    row: int = -1  # 0-based row in the master, for records


@dataclass(slots=True)
class MasterFigures:
    file: str
    plan_id: str
    period_code: str  # "" when the master does not record one
    period_name: str
    indicators: dict[str, IndicatorFigure] = field(default_factory=dict)  # by code, in the master's order
    unit_names: dict[str, str] = field(default_factory=dict)  # unit code → name, as «Theo đơn vị» lists them
    figures: dict[str, dict[str, float]] = field(default_factory=dict)  # unit → element → figure (Đạt = 1)
    unit_targets: dict[tuple[str, str], IndicatorFigure] = field(default_factory=dict)  # (unit, indicator)
    issues: list[Issue] = field(default_factory=list)


def read_master_figures(workbook: WorkbookData) -> MasterFigures:
    """The figures of one master; a missing sheet or label is a record, the rest is still read."""
    metadata = read_metadata(workbook)
    master = MasterFigures(file=workbook.source, plan_id=metadata.get("plan_id", ""),
                           period_code=metadata.get("period_code", ""), period_name=metadata.get("period", ""))
    summary = workbook.sheet(MasterSheets.SUMMARY)
    if summary is None:
        master.issues.append(make_issue("missing-sheet", file=workbook.source, sheet=MasterSheets.SUMMARY,
                                        available=", ".join(workbook.sheets)))
    else:
        master.indicators = _summary(summary, master)
    by_unit = workbook.sheet(MasterSheets.BY_UNIT)
    if by_unit is not None:
        _unit_figures(by_unit, master)
        master.unit_targets = _unit_targets(by_unit)
    return master


def figure(raw: Cell) -> Figure:
    """A stored target or actual: a number, Đạt/Chưa đạt, or None (blank or unreadable)."""
    if is_blank(raw):
        return None
    verdict = parse_pass_fail(raw)
    if verdict.status == "ok":
        return verdict.value
    reading = parse_number(raw)
    return float(reading.value) if reading.status == "ok" and reading.value is not None else None


def _summary(sheet: Sheet, master: MasterFigures) -> dict[str, IndicatorFigure]:
    table, found = locate_table(sheet, SUMMARY_REQUIRED, (GROUP,), file=master.file)
    master.issues += [i for i in found if i.code != "blank-row"]
    if table is None:
        return {}
    indicators: dict[str, IndicatorFigure] = {}
    for line in table:
        code, comparison = normalize_text(line.get(CODE)), normalize_text(line.get(COMPARISON))
        if not code or not comparison or code in indicators:
            continue  # the signature block under the table («Nơi nhận:»…) has no comparison
        indicators[code] = IndicatorFigure(
            code=code, group=normalize_text(line.get(GROUP)), name=normalize_text(line.get(NAME)),
            measure=normalize_text(line.get(UNIT)), comparison=comparison,
            target=figure(line.get(TARGET)), actual=figure(line.get(ACTUAL)), row=line.row)
    return indicators


def _unit_figures(sheet: Sheet, master: MasterFigures) -> None:
    """Each unit's row of figures under the header of codes («Mã số liệu»), up to the next table."""
    cols, code_row = figure_header(sheet)
    if code_row is None:
        return
    key_col, name_col = cols[BY_UNIT_LABELS[0]], cols.get(BY_UNIT_LABELS[1])
    elements = {col: normalize_text(v) for col, v in enumerate(sheet.rows[code_row])
                if col > max(key_col, name_col or 0) and normalize_text(v)}
    stop, total = label_key(BY_UNIT_LABELS[0]), label_key(BY_UNIT_TOTAL)
    for row in range(code_row + 1, len(sheet.rows)):
        unit = normalize_text(sheet.cell(row, key_col))
        if label_key(unit) == stop:
            break
        if not unit or label_key(unit) == total or unit in master.figures:
            continue
        master.unit_names[unit] = normalize_text(sheet.cell(row, name_col)) if name_col is not None else unit
        values = {}
        for col, element in elements.items():
            value = figure(sheet.cell(row, col))
            if value is not None:
                values[element] = float(value)  # Đạt = 1, Chưa đạt = 0, as consolidation counts them
        master.figures[unit] = values


def _unit_targets(sheet: Sheet) -> dict[tuple[str, str], IndicatorFigure]:
    """The table of targets assigned to units, found by its labels anywhere down the sheet."""
    wanted = {label_key(label): label for label in (*UNIT_TARGET_REQUIRED, NAME)}
    for header_row, line in enumerate(sheet.rows):
        cols = {wanted[label_key(v)]: c for c, v in enumerate(line)
                if isinstance(v, str) and label_key(v) in wanted}
        if all(label in cols for label in UNIT_TARGET_REQUIRED):
            break
    else:
        return {}
    targets: dict[tuple[str, str], IndicatorFigure] = {}
    for row in range(header_row + 1, len(sheet.rows)):
        unit, code = (normalize_text(sheet.cell(row, cols[label])) for label in (UNIT_CODE, CODE))
        if not unit or not code:
            continue
        targets[(unit, code)] = IndicatorFigure(
            code=code, group="", name=normalize_text(sheet.cell(row, cols[NAME])) if NAME in cols else "",
            measure="", comparison=normalize_text(sheet.cell(row, cols[COMPARISON])),
            target=figure(sheet.cell(row, cols[TARGET])), actual=figure(sheet.cell(row, cols[ACTUAL])), row=row)
    return targets
