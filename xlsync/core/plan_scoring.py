"""The plan's scoring sheets: «Tiêu chí chấm điểm» (criteria) and «Khen thưởng» (award rules).

Read after the indicators, units and unit targets, which they refer to; a row
with an error of its own is left out and said once, at its cell.
"""

from __future__ import annotations

import math

from xlsync.core.issues import Issue, make_issue
from xlsync.core.numbers import format_number
from xlsync.core.plan import Plan
from xlsync.core.plan_sheets import PlanSheet
from xlsync.core.scoring.model import AwardRule, Criterion, CriterionKind, QuantRule, QuotaBase, split_blocks
from xlsync.core.text import label_key


def _optional(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def _block_problems(sheet: PlanSheet, row: int, cell_text: str | None, plan: Plan) -> list[Issue]:
    known = {label_key(b) for b in plan.blocks}
    return [
        make_issue("unknown-block", file=sheet.table.file, sheet=sheet.table.sheet,
                   cell=sheet.cell(row, "Khối thi đua"), value=name)
        for name in split_blocks(cell_text or "")
        if label_key(name) not in known
    ]


def read_criteria(
    sheet: PlanSheet | None, plan: Plan, left_out_indicators: set[str], issues: list[Issue]
) -> list[Criterion]:
    if sheet is None:
        return []
    skip = sheet.error_rows
    kinds = {k.value: k for k in CriterionKind}
    rules = {r.value: r for r in QuantRule}
    criteria: list[Criterion] = []
    for row, v in sheet.records():
        if row in skip:
            continue
        kind = kinds[v["Loại"]]
        ranged = kind in (CriterionKind.BONUS, CriterionKind.PENALTY)
        ceiling = _optional(v.get("Mức trần"))
        criterion = Criterion(
            code=v["Mã"], name=v.get("Tiêu chí") or v["Mã"], max_points=float(v["Điểm tối đa"]), kind=kind,
            block=v.get("Khối thi đua") or "", group=v.get("Nhóm") or "", indicator_code=v.get("Mã chỉ tiêu") or "",
            rule=rules.get(v.get("Quy tắc") or "", QuantRule.PROPORTIONAL),
            points_per_occurrence=_optional(v.get("Điểm mỗi lần")),
            # «Mức trần» caps a count (Theo lần) or bounds a bonus or penalty; «Mức sàn» only the latter.
            cap=ceiling if kind is CriterionKind.PER_OCCURRENCE else None,
            floor=_optional(v.get("Mức sàn")) if ranged else None, ceiling=ceiling if ranged else None, row=row,
            note=v.get("Ghi chú") or "",
        )
        if kind is CriterionKind.QUANTITATIVE and criterion.indicator_code in left_out_indicators:
            continue  # the indicator's own row says what is wrong
        problems = _criterion_problems(sheet, criterion, v, plan)
        issues.extend(problems)
        if not any(p.is_error for p in problems):
            criteria.append(criterion)
    return criteria


def _criterion_problems(sheet: PlanSheet, criterion: Criterion, v: dict, plan: Plan) -> list[Issue]:
    file, name, row = sheet.table.file, sheet.table.sheet, criterion.row
    problems = _block_problems(sheet, row, v.get("Khối thi đua"), plan)
    if criterion.kind is not CriterionKind.PENALTY:
        # A penalty's sizes may be typed with either sign; other criteria's may not be negative.
        for column in ("Điểm tối đa", "Điểm mỗi lần", "Mức trần", "Mức sàn"):
            value = _optional(v.get(column))
            if value is not None and value < 0:
                problems.append(make_issue("negative-value", file=file, sheet=name, cell=sheet.cell(row, column),
                                           value=value, name=column))
    low, high = criterion.bounds
    if low > high and criterion.kind in (CriterionKind.BONUS, CriterionKind.PENALTY):
        problems.append(make_issue("criterion-limits-inverted", file=file, sheet=name,
                                   cell=sheet.cell(row, "Mức trần"), code=criterion.code,
                                   low=format_number(low), high=format_number(high)))
    if criterion.kind is CriterionKind.QUANTITATIVE:
        problems += _quantitative_problems(sheet, criterion, plan)
    return problems


def _quantitative_problems(sheet: PlanSheet, criterion: Criterion, plan: Plan) -> list[Issue]:
    file, name, cell = sheet.table.file, sheet.table.sheet, sheet.cell(criterion.row, "Mã chỉ tiêu")
    if not criterion.indicator_code:
        return [make_issue("missing-cell", file=file, sheet=name, cell=cell, name="Mã chỉ tiêu")]
    if criterion.indicator_code not in {i.code for i in plan.indicators}:
        return [make_issue("unknown-indicator", file=file, sheet=name, cell=cell, value=criterion.indicator_code)]
    assigned = {t.unit for t in plan.unit_targets if t.indicator == criterion.indicator_code}
    lacking = [u.code for u in plan.units.values()
               if u.block and criterion.applies_to(u.block) and u.code not in assigned]
    if lacking:
        return [make_issue("criterion-without-unit-targets", file=file, sheet=name, cell=cell,
                           value=criterion.indicator_code, code=criterion.code, units=", ".join(lacking))]
    return []


def read_award_rules(sheet: PlanSheet | None, plan: Plan, issues: list[Issue]) -> list[AwardRule]:
    if sheet is None:
        return []
    skip = sheet.error_rows
    bases = {b.value: b for b in QuotaBase}
    rules: list[AwardRule] = []
    for row, v in sheet.records():
        if row in skip:
            continue
        problems = _block_problems(sheet, row, v.get("Khối thi đua"), plan)
        issues.extend(problems)
        if problems:
            continue
        top_k = _optional(v.get("Số đơn vị dẫn đầu mỗi khối"))
        rules.append(AwardRule(
            title=v["Danh hiệu"], min_total=_optional(v.get("Điểm tối thiểu")),
            top_k=None if top_k is None else int(top_k), quota_percent=_optional(v.get("Tỷ lệ tối đa (%)")),
            quota_base=bases.get(v.get("Tính trên") or "", QuotaBase.BLOCK), block=v.get("Khối thi đua") or "",
            row=row, note=v.get("Ghi chú") or "",
        ))
    return rules
