"""Reading a block's score workbook (sheet ``Chấm điểm``) into score entries with cell addresses.

This stage reads and parses: text in a score cell, a missing label, a
criterion or unit the plan does not know.  What the scores mean (above the
maximum, a bonus without evidence, a missing score) is the scoring
engine's to judge, with the cell addresses kept here.  ``Định lượng`` rows
are not read: their points come from the data, whatever the cells show.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xlsync.core.issues import Issue, make_issue
from xlsync.core.numbers import format_number, parse_number, parse_pass_fail
from xlsync.core.plan import Plan, Unit
from xlsync.core.report import read_metadata
from xlsync.core.scoring.model import Criterion, CriterionKind, ScoreCells, ScoreEntry
from xlsync.core.scoring.template import SCORE_KIND, SCORE_SHEET, ScoreLabels, ScoreMetaKeys, criteria_fingerprint
from xlsync.core.sheets import Sheet, WorkbookData, cell_address
from xlsync.core.tables import HEADER_SEARCH_ROWS
from xlsync.core.template import MetaKeys
from xlsync.core.text import is_blank, label_key, normalize_text


@dataclass(frozen=True, slots=True)
class UnitColumns:
    """Where one unit's group sits: its code cell and its three columns."""

    unit: Unit
    code_cell: str
    self_col: int
    review_col: int
    evidence_col: int


@dataclass(slots=True)
class ScoreSheet:
    source: str
    sheet: str
    block: str = ""
    period: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    units: list[str] = field(default_factory=list)  # unit codes, in column order
    entries: list[ScoreEntry] = field(default_factory=list)


def workbook_kind(workbook: WorkbookData) -> str:
    """What xlsync wrote this workbook as ("score", "report", "master"), or "" when unknown."""
    return read_metadata(workbook).get(MetaKeys.KIND, "")


def is_score_workbook(workbook: WorkbookData) -> bool:
    """Marked as a score workbook, or unmarked (the hidden sheet lost) with a «Chấm điểm» sheet."""
    kind = workbook_kind(workbook)
    return kind == SCORE_KIND or (not kind and workbook.sheet(SCORE_SHEET) is not None)


def read_score_sheet(workbook: WorkbookData, plan: Plan) -> tuple[ScoreSheet | None, list[Issue]]:
    file = workbook.source
    sheet = workbook.sheet(SCORE_SHEET)
    if sheet is None:
        return None, [make_issue("missing-sheet", file=file, sheet=SCORE_SHEET, available=", ".join(workbook.sheets))]
    result = ScoreSheet(source=file, sheet=sheet.name, metadata=read_metadata(workbook))
    result.block = _labelled(sheet, ScoreLabels.BLOCK) or result.metadata.get(ScoreMetaKeys.BLOCK, "")
    result.period = _labelled(sheet, ScoreLabels.PERIOD) or result.metadata.get(MetaKeys.PERIOD, "")
    issues = _plan_issues(result, plan, file)

    header = _header_row(sheet)
    if header is None:
        issues += [make_issue("missing-label", file=file, sheet=sheet.name, label=label)
                   for label in (ScoreLabels.CODE, ScoreLabels.SELF)]
        return result, issues
    code_col = _label_columns(sheet, header, ScoreLabels.CODE)[0]
    groups, found = _unit_groups(sheet, header, plan, file)
    issues += found
    result.units = [g.unit.code for g in groups]
    criteria = {label_key(c.code): c for c in plan.criteria}
    for row in range(header + 1, len(sheet.rows)):
        issues += _read_row(sheet, row, code_col, groups, criteria, result)
    return result, issues


def _labelled(sheet: Sheet, label: str) -> str:
    found = sheet.find_label([label])
    if found is None:
        return ""
    value, _ = sheet.value_right_of(*found)
    return normalize_text(value)


def _plan_issues(result: ScoreSheet, plan: Plan, file: str) -> list[Issue]:
    meta = result.metadata
    plan_id = meta.get(MetaKeys.PLAN_ID, "")
    if plan_id and plan.info.plan_id and label_key(plan_id) != label_key(plan.info.plan_id):
        return [make_issue("other-plan", file=file, found=plan_id, expected=plan.info.plan_id)]
    found = meta.get(ScoreMetaKeys.CRITERIA_FINGERPRINT, "")
    expected = criteria_fingerprint(plan, result.block)
    if found and found != expected:
        return [make_issue("score-criteria-changed", file=file, found=found, expected=expected)]
    return []


def _header_row(sheet: Sheet) -> int | None:
    """The row holding ``Mã`` and at least one ``Tự chấm``."""
    wanted = {label_key(ScoreLabels.CODE), label_key(ScoreLabels.SELF)}
    for r, line in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        if wanted <= {label_key(v) for v in line if isinstance(v, str)}:
            return r
    return None


def _label_columns(sheet: Sheet, row: int, label: str) -> list[int]:
    key = label_key(label)
    line = sheet.rows[row]
    return [c for c, v in enumerate(line) if isinstance(v, str) and label_key(v) == key]


def _unit_groups(sheet: Sheet, header: int, plan: Plan, file: str) -> tuple[list[UnitColumns], list[Issue]]:
    """One group per ``Tự chấm`` label; its ``Khối chấm`` and ``Minh chứng`` follow before the next group."""
    starts = _label_columns(sheet, header, ScoreLabels.SELF)
    ends = [*starts[1:], max(len(sheet.rows[header]), starts[-1] + 3)]
    groups, issues = [], []
    where = {"file": file, "sheet": sheet.name}
    for start, end in zip(starts, ends):
        review = _label_in(sheet, header, ScoreLabels.REVIEW, start, end)
        evidence = _label_in(sheet, header, ScoreLabels.EVIDENCE, start, end)
        missing = [label for label, col in ((ScoreLabels.REVIEW, review), (ScoreLabels.EVIDENCE, evidence))
                   if col is None]
        issues += [make_issue("missing-label", label=label, **where) for label in missing]
        code_cell = cell_address(header - 1, start)
        code = normalize_text(sheet.cell(header - 1, start)) if header > 0 else ""
        if not code:
            issues.append(make_issue("missing-cell", cell=code_cell, name="Mã đơn vị", **where))
            continue
        unit = plan.unit_by_code(code)
        if unit is None:
            issues.append(make_issue("unknown-unit", cell=code_cell, value=code, **where))
        elif not unit.block:
            issues.append(make_issue("unit-without-block", cell=code_cell, unit=unit.code, **where))
        elif not missing:
            groups.append(UnitColumns(unit, code_cell, start, review, evidence))
    return groups, issues


def _label_in(sheet: Sheet, row: int, label: str, start: int, end: int) -> int | None:
    return next((c for c in _label_columns(sheet, row, label) if start < c < end), None)


def _read_row(sheet: Sheet, row: int, code_col: int, groups: list[UnitColumns],
              criteria: dict[str, Criterion], result: ScoreSheet) -> list[Issue]:
    where = {"file": result.source, "sheet": sheet.name}
    code = normalize_text(sheet.cell(row, code_col))
    score_cols = [col for g in groups for col in (g.self_col, g.review_col)]
    if not code:
        return [make_issue("unexpected-value", cell=cell_address(row, col), value=sheet.cell(row, col), **where)
                for col in score_cols if not is_blank(sheet.cell(row, col))]
    criterion = criteria.get(label_key(code))
    code_cell = cell_address(row, code_col)
    if criterion is None:
        return [make_issue("unknown-criterion", cell=code_cell, value=code, **where)]
    if criterion.kind is CriterionKind.QUANTITATIVE:
        return []
    issues: list[Issue] = []
    for group in groups:
        cells = [sheet.cell(row, c) for c in (group.self_col, group.review_col, group.evidence_col)]
        if not criterion.applies_to(group.unit.block) and all(is_blank(v) for v in cells):
            continue  # a row of another block's criterion, left empty: nothing to say
        self_score, found_self = _score(cells[0], criterion, cell_address(row, group.self_col), where)
        review, found_review = _score(cells[1], criterion, cell_address(row, group.review_col), where)
        issues += found_self + found_review
        result.entries.append(ScoreEntry(
            unit=group.unit.code, criterion=criterion.code, self_score=self_score, block_score=review,
            evidence=normalize_text(cells[2]), file=result.source, sheet=sheet.name,
            cells=ScoreCells(unit=group.code_cell, criterion=code_cell,
                             self_score=cell_address(row, group.self_col),
                             block_score=cell_address(row, group.review_col),
                             evidence=cell_address(row, group.evidence_col)),
        ))
    return issues


def _score(raw: object, criterion: Criterion, cell: str, where: dict) -> tuple[float | None, list[Issue]]:
    """A typed score as a number; Đạt / Không đạt on a pass/fail criterion mean full points / 0."""
    if criterion.kind is CriterionKind.PASS_FAIL and isinstance(raw, str):
        verdict = parse_pass_fail(raw)
        if verdict.status == "ok":
            return (abs(criterion.max_points) if verdict.value else 0.0), []
    reading = parse_number(raw)
    if reading.status == "invalid":
        return None, [make_issue("type-error", cell=cell, value=raw, **where)]
    if reading.status == "ambiguous":
        return reading.value, [make_issue("ambiguous-number", cell=cell, value=raw, reading=format_number(
            reading.value), other=format_number(reading.other), **where)]
    if reading.status == "foreign":
        return reading.value, [make_issue("foreign-number-format", cell=cell, value=raw,
                                          reading=format_number(reading.value), **where)]
    return reading.value, []
