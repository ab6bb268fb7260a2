"""`xlsync score`, and the ranking as a terminal table."""

from __future__ import annotations

import click

from xlsync.cli.options import edge, json_option, lang_option, plan_option, print_json, say
from xlsync.core.messages import current_lang, text


@click.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path())
@plan_option
@click.option("--master", "master", required=True, type=click.Path(dir_okay=False),
              help="Sổ tổng hợp (đã tổng hợp báo cáo). / The master workbook (after consolidation).")
@click.option("--out", "out", default=None, type=click.Path(dir_okay=False),
              help="Ghi sổ tổng hợp có kết quả chấm điểm vào đây (mặc định: ghi đè --master). "
              "/ Where to write the master with the scores (default: --master itself).")
@json_option
@lang_option
@edge
def score(sources: tuple[str, ...], plan_path: str | None, master: str, out: str | None, as_json: bool,
          lang: str | None) -> int:
    """Chấm điểm, xếp hạng các đơn vị trong từng khối thi đua và đề nghị khen thưởng.

    SOURCES are the blocks' filled score workbooks (files or folders), made
    by `xlsync template --scoring`. Every typed score is checked (a score
    above «Điểm tối đa», a bonus without evidence, a missing score are
    records with their cell). The master is written again with the sheets
    «Chấm điểm» (every criterion × unit and how it was computed) and
    «Xếp hạng» (rank, total, proposed title, reason; ties shown as ties).
    Exit status: 0 no errors (warnings allowed), 1 errors found (the master
    is still written), 2 cannot run.
    """
    from xlsync.cli.render import plan_line, print_records
    from xlsync.core.issues import CannotRun
    from xlsync.io.plan_source import resolve_plan
    from xlsync.io.xlsx_read import iter_workbook_paths
    from xlsync.jobs.score import score_paths

    lang = current_lang(lang)
    loaded = resolve_plan(plan_path)
    say(plan_line(loaded, lang))
    files = iter_workbook_paths(sources)
    if not files:
        raise CannotRun("no-score-sheets", paths=", ".join(sources))
    result = score_paths(files, loaded, master, out)
    if as_json:
        print_json(result.report.to_dicts())
    else:
        print_records(result.issues, len(result.files), lang)
        print_ranking(result, lang)
        say(text("scoring-written", lang, path=out or master), err=False)
    return result.report.exit_code


def print_ranking(result, lang: str) -> None:
    """Rank, total and proposed title of every unit, block by block; ties marked."""
    from rich.table import Table

    from xlsync.cli.render import console
    from xlsync.core.numbers import format_number

    table = Table(title=text("ranking-title", lang, period=result.period))
    for key in ("col-block", "col-rank", "col-unit", "col-total", "col-award"):
        table.add_column(text(key, lang), overflow="fold")
    for total in result.totals:
        rank = f"{total.rank} {text('tied-mark', lang)}" if total.tied else str(total.rank)
        unit = result.plan.units[total.unit]
        table.add_row(total.block, rank, f"{unit.code} – {unit.name}", format_number(total.total, 2), total.title)
    console().print(table)
