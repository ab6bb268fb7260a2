"""Ranking the units within their block.

Within each block: total (higher first), then quantitative subtotal (higher
first), then penalty points (fewer first).  Units equal on all three share a
rank (1, 2, 2, 4) and are flagged as tied; they are listed in plan order,
which carries no meaning.  Nothing is ever decided by name.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Iterable, Sequence

from xlsync.core.plan import Unit
from xlsync.core.scoring.model import CriterionKind, CriterionScore, UnitTotal
from xlsync.core.scoring.points import Phrase, join_phrases, say, sum_points
from xlsync.core.scoring.score import units_by_block


def rank_units(scores: Iterable[CriterionScore], units: Iterable[Unit]) -> list[UnitTotal]:
    """Totals and ranks within each block (see the module docstring for the tie-break).

    Every unit with a block appears, in block order, then rank, then plan order.
    """
    by_unit: dict[str, list[CriterionScore]] = defaultdict(list)
    for score in scores:
        by_unit[score.unit].append(score)
    ranked: list[UnitTotal] = []
    for block, members in units_by_block(units).items():
        totals = [_unit_total(u, by_unit.get(u.code, [])) for u in members]
        ranked += sorted((_ranked(t, totals) for t in totals), key=lambda t: t.rank)
    return ranked


def _unit_total(unit: Unit, scores: list[CriterionScore]) -> UnitTotal:
    quantitative = [s.points for s in scores if s.kind is CriterionKind.QUANTITATIVE]
    penalty = [-s.points for s in scores if s.kind is CriterionKind.PENALTY]
    return UnitTotal(unit.code, unit.block, sum_points(s.points for s in scores),
                     sum_points(quantitative), sum_points(penalty))


def _ranked(total: UnitTotal, block: Sequence[UnitTotal]) -> UnitTotal:
    key = total.sort_key
    rank = 1 + sum(other.sort_key < key for other in block)
    tied_with = tuple(o.unit for o in block if o.unit != total.unit and o.sort_key == key)
    vi, en = _rank_note(total, block, tied_with)
    return replace(total, rank=rank, tied=bool(tied_with), tied_with=tied_with, rank_note_vi=vi, rank_note_en=en)


def _rank_note(total: UnitTotal, block: Sequence[UnitTotal], tied_with: tuple[str, ...]) -> Phrase:
    """Why a unit sits above or below the units with the same total."""
    phrases: list[Phrase] = []
    if tied_with:
        phrases.append(say("rank-tied", others=", ".join(tied_with)))
    for other in block:
        if other.unit == total.unit or other.total != total.total or other.unit in tied_with:
            continue
        if other.quantitative != total.quantitative:
            side = "above" if total.quantitative > other.quantitative else "below"
            phrases.append(say(f"rank-{side}-quantitative", other=other.unit,
                                mine=total.quantitative, theirs=other.quantitative))
        else:
            side = "above" if total.penalty < other.penalty else "below"
            phrases.append(say(f"rank-{side}-penalty", other=other.unit, mine=total.penalty, theirs=other.penalty))
    return join_phrases(*phrases, sep=" ")
