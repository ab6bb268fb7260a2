"""`xlsync history`: the history workbook from masters of several periods and years."""

from __future__ import annotations

import click

from xlsync.cli.options import edge, lang_option, plan_option, say
from xlsync.core.messages import current_lang, text


@click.command()
@click.argument("masters", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False),
              help="Sổ diễn biến sẽ ghi (.xlsx). / The history workbook to write.")
@plan_option
@lang_option
@edge
def history(masters: tuple[str, ...], out: str, plan_path: str | None, lang: str | None) -> int:
    """Lập sổ diễn biến chỉ tiêu qua các kỳ, so với cùng kỳ và kế hoạch năm, từ các sổ tổng hợp.

    MASTERS are master workbooks (tong-hop.xlsx) of any periods and years,
    e.g. «Năm 2023», «6 tháng đầu năm 2024», «Năm 2024», given in any order.
    The workbook written to --out has «Diễn biến» (one row per indicator, one
    column per period in time order), «So với cùng kỳ» (each period against
    the same period of the previous year: change and change in %), «So với
    kế hoạch năm» (sums and counts as progress towards the year's target,
    rates and values compared directly), the same for the targets assigned
    to units, a chart per indicator group, and «Nguồn».

    Indicators are matched by code; a name, unit of measure or target that
    changed between periods is flagged on its row, not joined silently. The
    plan's sheet «Đổi mã đơn vị» (Mã cũ, Mã mới, Từ kỳ) adds up units that
    merged into the new unit for earlier periods, and the workbook says so.
    Exit status: 0 written (warnings allowed), 1 written but a master could
    not be read in full, 2 cannot run.
    """
    from xlsync.cli.render import console, plan_line, records_table
    from xlsync.io.plan_source import resolve_plan
    from xlsync.jobs.history import write_history_file

    lang = current_lang(lang)
    loaded = resolve_plan(plan_path)
    say(plan_line(loaded, lang))
    result = write_history_file(list(masters), loaded.require_usable(), out)
    if result.issues:
        console().print(records_table(result.issues, lang))
    print_history_table(result, lang)
    say(text("history-written", lang, path=out, indicators=len(result.rows), count=len(result.periods),
             periods=", ".join(p.name for p in result.periods)), err=False)
    return 1 if any(i.is_error for i in result.issues) else 0


def print_history_table(result, lang: str) -> None:
    """The first table of a review report: the latest period against the same period a year earlier."""
    from xlsync.cli.render import _shown as shown, console, new_table
    from xlsync.core.history.build import comparable, difference, percent_change
    from xlsync.core.numbers import format_number

    if not result.pairs:
        say(text("history-no-pairs", lang), err=False)
        return
    now, then = result.pairs[-1]
    current, previous = result.periods[now], result.periods[then]
    table = new_table(title=text("history-table-caption", lang, current=current.name, previous=previous.name))
    for header in (text("col-indicator-code", lang), text("col-indicator", lang), current.name, previous.name,
                   text("col-change", lang), text("col-change-percent", lang)):
        table.add_column(header, overflow="fold", max_width=50 if header == text("col-indicator", lang) else None)
    for row in result.rows:
        a, b = row.points[now], row.points[then]
        change = difference(a, b) if comparable(row, now, then) else None
        percent = percent_change(a, b) if change is not None else None
        table.add_row(row.code, row.name, shown(a.actual if a else None), shown(b.actual if b else None),
                      "" if change is None else format_number(change, 2),
                      "" if percent is None else format_number(percent, 1))
    console().print(table)
