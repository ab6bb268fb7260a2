"""Scoring the units: score workbooks out to the blocks, filled workbooks in, the master rewritten.

`xlsync template --scoring` writes one score workbook per emulation block,
its Định lượng rows filled from the master when one is given.  `xlsync
score` reads the filled workbooks, scores, ranks and proposes
commendations, and writes the master again whole with the sheets
«Chấm điểm» and «Xếp hạng».
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Iterable

from xlsync.core.consolidate import Consolidation
from xlsync.core.issues import CannotRun, make_issue
from xlsync.core.master.contents import MasterData
from xlsync.core.plan import Plan
from xlsync.core.scoring.read import is_score_workbook, read_score_sheet
from xlsync.core.scoring.run import ScoreFile, ScoringResult, quantitative_scores, run_scoring, unit_outcomes
from xlsync.core.scoring.template import score_layout
from xlsync.core.text import ascii_slug, label_key
from xlsync.io.master.read import read_master_file
from xlsync.io.master.write import write_master
from xlsync.io.plan_source import LoadedPlan
from xlsync.io.score_xlsx import write_score_template
from xlsync.io.xlsx_read import read_workbook

SCORE_FOLDER = "cham-diem"  # where the blocks' score workbooks go and come back


def score_template_name(block: str) -> str:
    return f"cham-diem-{ascii_slug(block)}.xlsx"


def require_criteria(plan: Plan) -> Plan:
    if not plan.criteria:
        raise CannotRun("plan-without-criteria", file=plan.source)
    return plan


def select_blocks(plan: Plan, names: Iterable[str] = ()) -> list[str]:
    names = list(names)
    if not names:
        return plan.blocks
    by_key = {label_key(b): b for b in plan.blocks}
    chosen = []
    for name in names:
        if label_key(name) not in by_key:
            raise CannotRun("unknown-block-option", value=name, blocks="; ".join(plan.blocks))
        chosen.append(by_key[label_key(name)])
    return chosen


def write_score_templates(
    plan: Plan,
    out: str | Path,
    blocks: list[str],
    consolidation: Consolidation | None = None,
    master_name: str = "",
) -> list[Path]:
    """One workbook per block; Định lượng points computed from ``consolidation`` when given."""
    require_criteria(plan)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    computed = None
    period = plan.info.period
    if consolidation is not None:
        computed = quantitative_scores(plan, unit_outcomes(consolidation.unit_results))
        period = consolidation.period
    return [
        write_score_template(score_layout(plan, block, period, computed, master_name), out / score_template_name(block))
        for block in blocks
    ]


def write_score_templates_from_master(
    loaded: LoadedPlan, out: str | Path, block_names: Iterable[str] = (), master: str | Path | None = None
) -> list[Path]:
    plan = require_criteria(loaded.require_usable())
    blocks = select_blocks(plan, block_names)
    if master is None:
        return write_score_templates(plan, out, blocks)
    stored = _read_master(master, plan)
    return write_score_templates(plan, out, blocks, stored.consolidation, Path(master).name)


def load_score_file(path: str | Path, plan: Plan) -> ScoreFile:
    """Read one score workbook; an unreadable file is an error record, another kind of file a warning."""
    try:
        workbook = read_workbook(path)
    except CannotRun as problem:
        return ScoreFile(str(path), None, [problem.as_issue(file=str(path))])
    if not is_score_workbook(workbook):
        return ScoreFile(workbook.source, None, [make_issue("not-a-score-sheet", file=workbook.source)],
                         dict(workbook.metadata))
    sheet, issues = read_score_sheet(workbook, plan)
    return ScoreFile(workbook.source, sheet, issues, dict(workbook.metadata))


def score_workbooks(paths: Iterable[str | Path], plan: Plan, consolidation: Consolidation) -> ScoringResult:
    files = [load_score_file(path, plan) for path in paths]
    return run_scoring(plan, consolidation.period, files, unit_outcomes(consolidation.unit_results))


def score_paths(
    paths: Iterable[str | Path], loaded: LoadedPlan, master: str | Path, out: str | Path | None = None
) -> ScoringResult:
    """Score, rank and propose; write the master (``out``, default the master itself) with the results."""
    plan = require_criteria(loaded.require_usable())
    stored = _read_master(master, plan)
    target = Path(out or master).resolve()
    # The master (a workbook with a «Chấm điểm» sheet) may lie among the sources: never read it as one.
    given = list(paths)
    paths = [p for p in given if Path(p).resolve() not in (Path(master).resolve(), target)]
    if not paths:
        raise CannotRun("no-score-sheets", paths=", ".join(map(str, given)))
    result = score_workbooks(paths, plan, stored.consolidation)
    result.issues[:0] = stored.issues  # problems reading the master come first
    write_master(stored.consolidation, target, scoring=result, created=_consolidated_at(stored.metadata))
    return result


def _read_master(path: str | Path, plan: Plan) -> MasterData:
    if not Path(path).exists():
        raise CannotRun("file-not-found", file=str(path))
    return read_master_file(path, plan)


def _consolidated_at(metadata: dict[str, str]) -> datetime | None:
    """When the figures were consolidated: rewriting the master must not change it."""
    try:
        return datetime.fromisoformat(metadata.get("created", ""))
    except ValueError:
        return None
