"""Units whose code changed (plan sheet «Đổi mã đơn vị»): villages merged, communes merged in 2025.

A row says: from period «Từ kỳ» on, the unit «Mã cũ» is part of «Mã mới».
For a period before that, history adds up the figures of every old unit
into the new one (raw figures, then the indicator computed from the sums,
so a rate stays Σ numerator / Σ denominator).  Changes chain: T11 → T10 from
2024 and T10 → X1 from 2025 put T11's 2023 figures into X1.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from xlsync.core.issues import Issue, make_issue
from xlsync.core.periods import Period, period_from_code, period_from_name
from xlsync.core.plan import Plan, UnitCodeChange
from xlsync.core.plan_sheets import PlanSheet
from xlsync.core.text import label_key

MAX_CHAIN = 32  # a loop of changes (A → B, B → A) stops here instead of running forever


def read_unit_code_changes(sheet: PlanSheet | None, plan: Plan, issues: list[Issue]) -> list[UnitCodeChange]:
    """The rows of «Đổi mã đơn vị» (its schema already checked).

    «Mã mới» must be a unit of the plan; «Từ kỳ» a period of the plan or of a standard code.
    """
    if sheet is None:
        return []
    changes: list[UnitCodeChange] = []
    file, name, broken = sheet.table.file, sheet.table.sheet, sheet.error_rows
    for row, v in sheet.records():
        old, new, since = v.get("Mã cũ"), v.get("Mã mới"), _typed_code(v.get("Từ kỳ"))
        if not old or not new or not since or row in broken:
            continue
        if plan.unit_by_code(new) is None:
            issues.append(make_issue("unknown-unit", file=file, sheet=name, cell=sheet.cell(row, "Mã mới"),
                                     value=new))
            continue
        if change_start(since, plan.periods) is None:
            issues.append(make_issue("unit-change-period-unknown", file=file, sheet=name,
                                     cell=sheet.cell(row, "Từ kỳ"), value=since))
            continue
        changes.append(UnitCodeChange(old=old, new=new, since=since, note=v.get("Ghi chú") or "", row=row))
    return changes


def _typed_code(value: str | None) -> str | None:
    """A year typed as a number arrives as «2024.0»: its code is «2024»."""
    if value and value.endswith(".0") and value[:-2].isdigit():
        return value[:-2]
    return value


def change_start(since: str, periods: Iterable[Period] = ()) -> date | None:
    """The first day a change applies: that of the plan's period of this code, or of a standard code or name."""
    key = label_key(since)
    known = next((p for p in periods if key in (label_key(p.code), label_key(p.name))), None)
    period = known or period_from_code(since) or period_from_name(since)
    return None if period is None else period.bounds[0]


def codes_by_unit(period: Period, present: Iterable[str], changes: Iterable[UnitCodeChange],
                  periods: Iterable[Period] = ()) -> dict[str, list[str]]:
    """The codes of a master of ``period`` (``present``) grouped by the label key of the code their unit has
    today, after every change that came later; one pass over the codes, so a province's units cost little."""
    periods = tuple(periods)
    start = period.bounds[0]
    later: dict[str, str] = {}  # label key of an old code → its new code, for changes after ``period`` began
    if start is not None:
        for change in changes:
            since = change_start(change.since, periods)
            if since is not None and start < since and label_key(change.old) != label_key(change.new):
                later.setdefault(label_key(change.old), change.new)
    groups: dict[str, list[str]] = {}
    for code in present:
        key = label_key(code)
        for _ in range(MAX_CHAIN):
            if key not in later:
                break
            key = label_key(later[key])
        groups.setdefault(key, []).append(code)
    return groups
