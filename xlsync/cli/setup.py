"""`xlsync init` and `xlsync template`."""

from __future__ import annotations

import click

from xlsync.cli.options import edge, lang_option, plan_option, say
from xlsync.core.messages import text


@click.command()
@click.argument("folder", type=click.Path(file_okay=False))
@lang_option
@edge
def init(folder: str, lang: str | None) -> int:
    """Tạo thư mục làm việc FOLDER với sổ kế hoạch mẫu (ke-hoach.xlsx) và thư mục bao-cao/.

    Create a working folder with the bundled plan as an editable workbook.
    Commands run inside FOLDER use its ke-hoach.xlsx when --plan is not given.
    """
    from xlsync.jobs.setup import init_folder

    path = init_folder(folder)
    say(text("init-done", lang, path=folder, plan=path), err=False)
    return 0


@click.command()
@plan_option
@click.option("--out", "out", required=True, type=click.Path(file_okay=False),
              help="Thư mục ghi mẫu báo cáo (hoặc bảng chấm điểm). / Folder for the templates.")
@click.option("--unit", "units", multiple=True, metavar="MÃ",
              help="Chỉ tạo cho đơn vị này (có thể lặp lại). Mặc định: mọi đơn vị. / Only this unit (repeatable).")
@click.option("--period", default=None, help="Kỳ báo cáo (mặc định theo kế hoạch). / Reporting period.")
@click.option("--scoring", is_flag=True,
              help="Tạo bảng chấm điểm cho từng khối thi đua thay cho mẫu báo cáo. "
              "/ Write one score workbook per emulation block instead of report templates.")
@click.option("--block", "blocks", multiple=True, metavar="KHỐI",
              help="Với --scoring: chỉ tạo cho khối này (có thể lặp lại). Mặc định: mọi khối. "
              "/ With --scoring: only this block (repeatable).")
@click.option("--master", "master", default=None, type=click.Path(dir_okay=False),
              help="Với --scoring: sổ tổng hợp để điền sẵn điểm các tiêu chí định lượng. "
              "/ With --scoring: the master that fills in the quantitative criteria.")
@lang_option
@edge
def template(plan_path: str | None, out: str, units: tuple[str, ...], period: str | None, scoring: bool,
             blocks: tuple[str, ...], master: str | None, lang: str | None) -> int:
    """Tạo mẫu báo cáo (.xlsx) cho từng đơn vị của kế hoạch, hoặc bảng chấm điểm cho từng khối.

    Write one report workbook per unit: sheet «Báo cáo» with the unit, the
    period and one row per data element the unit reports; only input cells
    are unlocked.

    With --scoring, write one score workbook per emulation block instead: a
    row per criterion and, per unit, «Tự chấm», «Khối chấm» and «Minh
    chứng»; quantitative criteria are computed from --master (when given)
    and locked, with the computation shown.
    """
    from xlsync.cli.render import plan_line
    from xlsync.io.plan_source import resolve_plan

    loaded = resolve_plan(plan_path)
    say(plan_line(loaded, lang))
    if scoring:
        from xlsync.jobs.score import write_score_templates_from_master

        paths = write_score_templates_from_master(loaded, out, blocks, master)
        say(text("score-templates-done", lang, count=len(paths), path=out), err=False)
        return 0
    from xlsync.jobs.setup import select_units, write_templates

    plan = loaded.require_usable()
    paths = write_templates(plan, out, select_units(plan, units), period)
    say(text("templates-done", lang, count=len(paths), path=out), err=False)
    return 0
