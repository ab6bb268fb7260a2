"""`xlsync demo`: the whole reporting round on the bundled example, end to end.

A working folder with the bundled plan; templates for the example units;
reports filled with seeded example figures (one unit with deliberate
mistakes, one unit that did not submit); validation; consolidation into
``tong-hop.xlsx``; annotated copies of the reports with problems; then a
score workbook per emulation block, filled with seeded example scores, and
scoring, so the master also holds «Chấm điểm» and «Xếp hạng».  Last, the
history: example masters of the year before and of the first six months
(synthetic, marked «Ví dụ»; a village that merged into another in the year),
and the history workbook of the three masters; and the documents the office
signs (review report, proposal, decision) in ``van-ban/``, as PDF too when LibreOffice is installed.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from xlsync.core.consolidate import Consolidation, expected_units
from xlsync.core.example_data import MERGED_VILLAGE, example_consolidation, example_values, mid_year_values, \
    previous_year_plan, previous_year_values, split_values
from xlsync.core.history.build import History
from xlsync.core.numbers import format_number
from xlsync.core.plan import Plan, UnitCodeChange
from xlsync.core.scoring.example import example_scores
from xlsync.core.scoring.run import ScoringResult
from xlsync.core.scoring.template import score_layout
from xlsync.core.template import report_layout
from xlsync.io.feedback import write_feedback_copy
from xlsync.io.master.write import write_master
from xlsync.io.plan_source import PLAN_FILE_NAME, load_bundled_plan
from xlsync.io.plan_xlsx import write_plan_workbook
from xlsync.io.report_fill import fill_template
from xlsync.io.score_fill import fill_score_template
from xlsync.io.xlsx_read import iter_workbook_paths
from xlsync.jobs.consolidate import consolidate_paths
from xlsync.jobs.documents import DocumentsOutcome, write_documents_beside
from xlsync.jobs.history import write_history_file
from xlsync.jobs.score import SCORE_FOLDER, score_workbooks, write_score_templates
from xlsync.jobs.setup import REPORTS_FOLDER, TEMPLATES_FOLDER, template_name, write_templates
from xlsync.jobs.validate import Progress

MASTER_NAME = "tong-hop.xlsx"
HISTORY_NAME = "dien-bien.xlsx"
MASTER_NAMES = {"year": "vi-du-tong-hop-nam-{year}.xlsx", "half": "vi-du-tong-hop-6-thang-{year}.xlsx"}
MERGED_SHARE = 0.55  # the part of today's Thôn 10 that was Thôn 10 before Thôn 11 joined it
FEEDBACK_FOLDER = "kiem-tra"
SCORE_TEMPLATES_FOLDER = "mau-cham-diem"
UNIT_WITH_MISTAKES = "T03"
UNIT_NOT_SUBMITTED = "T07"
# What the demo's careless village typed: text in a number cell, and more poor households than households.
MISTAKES = {"DAN_HUOU": "khoảng 150", "HO_NGHEO": 400, "SO_HO": 250}


@dataclass(slots=True)
class DemoRun:
    folder: Path
    master: Path
    consolidation: Consolidation
    feedback: list[Path]
    scoring: ScoringResult | None = None
    score_folder: Path | None = None
    history: History | None = None
    history_path: Path | None = None
    documents: DocumentsOutcome | None = None


def typed_like_a_person(values: dict[str, object]) -> dict[str, object]:
    """Decimals typed Vietnamese-style as text ("442,75"), as on a PC whose Excel is set to English."""
    return {k: (format_number(v) if isinstance(v, float) and not v.is_integer() else v) for k, v in values.items()}


def run_demo(folder: str | Path, seed: int = 2024, progress: Progress | None = None) -> DemoRun:
    folder = Path(folder)
    loaded = load_bundled_plan()
    plan = loaded.plan
    folder.mkdir(parents=True, exist_ok=True)
    write_plan_workbook(plan, folder / PLAN_FILE_NAME)

    reports = folder / REPORTS_FOLDER
    shutil.rmtree(reports, ignore_errors=True)
    reports.mkdir()
    units = expected_units(plan)
    templates = folder / TEMPLATES_FOLDER
    write_templates(plan, templates, units)
    for unit in units:
        if unit.code == UNIT_NOT_SUBMITTED:
            continue
        values = typed_like_a_person(example_values(plan, unit, seed))
        if unit.code == UNIT_WITH_MISTAKES:
            values.update(MISTAKES)
        name = template_name(unit)
        fill_template(templates / name, report_layout(plan, unit), values, reports / name)

    master = folder / MASTER_NAME
    result = consolidate_paths(iter_workbook_paths([reports]), loaded, master, progress=progress)

    feedback_dir = folder / FEEDBACK_FOLDER
    shutil.rmtree(feedback_dir, ignore_errors=True)
    feedback = [
        write_feedback_copy(source.path, source.issues, feedback_dir)
        for source in result.sources
        if source.issues and source.report is not None
    ]
    scoring = None
    if plan.criteria:
        scoring = score_demo_blocks(folder, plan, result, master, seed)
    history = history_demo(folder, plan, seed)
    # PDF too when LibreOffice is installed, as the «Văn bản» button does; without it the Word files suffice.
    documents = write_documents_beside(master, plan) if scoring is not None else None
    return DemoRun(folder, master, result, feedback, scoring, folder / SCORE_FOLDER, history, folder / HISTORY_NAME,
                   documents)


def score_demo_blocks(folder: Path, plan: Plan, consolidation: Consolidation, master: Path,
                      seed: int) -> ScoringResult:
    """Score workbooks for every block, filled with example scores, scored into the master."""
    templates = write_score_templates(plan, folder / SCORE_TEMPLATES_FOLDER, plan.blocks, consolidation,
                                      master.name)
    filled = folder / SCORE_FOLDER
    shutil.rmtree(filled, ignore_errors=True)
    filled.mkdir()
    for block, template in zip(plan.blocks, templates):
        fill_score_template(template, score_layout(plan, block), example_scores(plan, block, seed),
                            filled / template.name)
    scoring = score_workbooks(iter_workbook_paths([filled]), plan, consolidation)
    write_master(consolidation, master, scoring=scoring)
    return scoring


def history_demo(folder: Path, plan: Plan, seed: int) -> History:
    """Example masters of the year before, the first six months and the year, then their history.

    All three are made from example figures of every unit (not from the round's reports, where a
    unit is missing), so the periods compare like with like.
    """
    units = expected_units(plan)
    year_end = {unit.code: example_values(plan, unit, seed) for unit in units}
    mid_year = {unit.code: mid_year_values(plan, unit, values, seed)
                for unit, values in zip(units, year_end.values())}
    earlier_plan = previous_year_plan(plan)
    earlier = {unit.code: previous_year_values(plan, unit, year_end[unit.code], seed) for unit in units}
    old, _, joined = MERGED_VILLAGE
    earlier[joined], earlier[old] = split_values(plan, earlier[joined], MERGED_SHARE)
    year = int(plan.info.year)
    example_plan = replace(plan, info=replace(plan.info, title=f"{plan.info.title} (Ví dụ)"))
    mid_plan = replace(example_plan, info=replace(example_plan.info, period=f"6 tháng đầu năm {year}"))
    masters = [
        write_master(example_consolidation(earlier_plan, earlier_plan.info.period, earlier),
                     folder / MASTER_NAMES["year"].format(year=year - 1)),
        write_master(example_consolidation(mid_plan, mid_plan.info.period, mid_year),
                     folder / MASTER_NAMES["half"].format(year=year)),
        write_master(example_consolidation(example_plan, f"Năm {year}", year_end),
                     folder / MASTER_NAMES["year"].format(year=year)),
    ]
    merged = UnitCodeChange(old=old, new=joined, since=str(year), note="Ví dụ")
    history_plan = replace(plan, unit_code_changes=[*plan.unit_code_changes, merged])
    return write_history_file(masters, history_plan, folder / HISTORY_NAME)
