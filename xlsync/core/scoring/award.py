"""Proposing commendations from the ranking.

Commendation rules (``Khen thưởng``) are applied in order; a unit gets the
first title it qualifies for and is not considered for later ones.  A rule
may require a minimum total, a rank within the block's top k, and a quota of
at most ``quota_percent`` % of the units of the block (or of all units),
rounded down.  When a limit (top k or quota) falls inside a group of units
equal on total, quantitative and penalty points, the whole group is left
out (the limit stays a true maximum), a warning record names them and the
remaining places, and the council decides.  Such units remain candidates for
the following titles.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import ROUND_FLOOR, Decimal
from typing import Sequence

from xlsync.core.issues import Issue, make_issue
from xlsync.core.numbers import format_number
from xlsync.core.scoring.model import AwardRule, QuotaBase, UnitTotal
from xlsync.core.scoring.points import Phrase, join_phrases, say


def quota_places(percent: float, base: int) -> int:
    """At most ``percent`` % of ``base`` units, rounded down, computed exactly."""
    exact = Decimal(repr(float(percent))) * base / 100
    return int(exact.to_integral_value(rounding=ROUND_FLOOR))


@dataclass(slots=True)
class _AwardState:
    titles: dict[str, str] = field(default_factory=dict)
    notes: dict[str, list[Phrase]] = field(default_factory=lambda: defaultdict(list))
    issues: list[Issue] = field(default_factory=list)


def propose_awards(totals: Sequence[UnitTotal], rules: Sequence[AwardRule]) -> tuple[list[UnitTotal], list[Issue]]:
    """Titles and reasons for ranked units (the output of :func:`rank_units`).

    Returns the totals with ``title`` and ``reason_*`` filled, in the same
    order, and warning records for ties cut by a limit and quotas too small
    for one place.
    """
    state = _AwardState()
    for rule in rules:
        scope = [t for t in totals if rule.applies_to(t.block)]
        candidates = [t for t in scope if t.unit not in state.titles]
        candidates = _over_minimum(rule, candidates, state)
        if rule.top_k is not None:
            candidates = _within_top_k(rule, candidates, scope, state)
        if rule.quota_percent is not None:
            candidates = _within_quota(rule, candidates, scope, state)
        for t in candidates:
            state.titles[t.unit] = rule.title
            state.notes[t.unit].append(say("award-proposed", title=rule.title, rank=t.rank, block=t.block,
                                            total=t.total))
    proposed = []
    for t in totals:
        vi, en = join_phrases(*state.notes.get(t.unit, []), sep=" ")
        proposed.append(replace(t, title=state.titles.get(t.unit, ""), reason_vi=vi, reason_en=en))
    return proposed, state.issues


def _over_minimum(rule: AwardRule, candidates: list[UnitTotal], state: _AwardState) -> list[UnitTotal]:
    if rule.min_total is None:
        return candidates
    kept = []
    for t in candidates:
        if t.total >= rule.min_total:
            kept.append(t)
        else:
            state.notes[t.unit].append(say("award-below-minimum", title=rule.title, total=t.total,
                                            minimum=rule.min_total))
    return kept


def _within_top_k(rule: AwardRule, candidates: list[UnitTotal], scope: Sequence[UnitTotal],
                  state: _AwardState) -> list[UnitTotal]:
    """Rank ≤ k in the block; a tie group straddling position k is left out whole."""
    k = rule.top_k or 0
    kept, cut = [], defaultdict(list)
    for t in candidates:
        group_size = sum(1 for o in scope if o.block == t.block and o.rank == t.rank)
        if t.rank > k:
            state.notes[t.unit].append(say("award-outside-top", title=rule.title, rank=t.rank, top_k=k))
        elif t.rank + group_size - 1 > k:
            cut[(t.block, t.rank)].append(t)
        else:
            kept.append(t)
    for (block, rank), group in cut.items():
        _report_cut_tie(rule, block, group, places=k - rank + 1, state=state)
    return kept


def _within_quota(rule: AwardRule, candidates: list[UnitTotal], scope: Sequence[UnitTotal],
                  state: _AwardState) -> list[UnitTotal]:
    percent = rule.quota_percent or 0.0
    if rule.quota_base is QuotaBase.ALL:
        pools = {QuotaBase.ALL.value: (candidates, len(scope))}
    else:
        pools = {b: ([t for t in candidates if t.block == b], sum(1 for t in scope if t.block == b))
                 for b in dict.fromkeys(t.block for t in candidates)}
    kept = []
    for name, (pool, base) in pools.items():
        kept += _fill_places(rule, name, pool, quota_places(percent, base), base, state)
    return kept


def _fill_places(rule: AwardRule, pool_name: str, pool: list[UnitTotal], places: int, base: int,
                 state: _AwardState) -> list[UnitTotal]:
    """Best first, whole groups of equal units at a time, never past ``places``."""
    percent = rule.quota_percent or 0.0
    if places == 0 and pool:
        state.issues.append(make_issue("award-quota-zero", title=rule.title, block=pool_name,
                                       percent=format_number(percent), base=base))
        for t in pool:
            state.notes[t.unit].append(say("award-no-places", title=rule.title, percent=percent, base=base))
        return []
    groups: dict[tuple[float, float, float], list[UnitTotal]] = defaultdict(list)
    for t in sorted(pool, key=lambda t: t.sort_key):
        groups[t.sort_key].append(t)
    kept: list[UnitTotal] = []
    full = False
    for group in groups.values():
        if not full and len(kept) + len(group) <= places:
            kept += group
            continue
        if not full and len(kept) < places:
            _report_cut_tie(rule, pool_name, group, places=places - len(kept), state=state)
        else:
            for t in group:
                state.notes[t.unit].append(say("award-over-quota", title=rule.title, percent=percent, places=places))
        full = True
    return kept


def _report_cut_tie(rule: AwardRule, pool_name: str, group: list[UnitTotal], places: int,
                    state: _AwardState) -> None:
    codes = [t.unit for t in group]
    state.issues.append(make_issue("award-tie-at-limit", title=rule.title, block=pool_name, units=", ".join(codes),
                                   total=format_number(group[0].total), places=places, count=len(group)))
    for t in group:
        others = ", ".join(c for c in codes if c != t.unit)
        state.notes[t.unit].append(say("award-tie-at-limit", title=rule.title, others=others, places=places,
                                        count=len(group)))
