"""`xlsync consolidate` and `xlsync demo`."""

from __future__ import annotations

import click

from xlsync.cli.options import edge, json_option, lang_option, plan_option, print_json, say
from xlsync.core.messages import current_lang, text


@click.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path())
@plan_option
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False),
              help="Sổ tổng hợp sẽ ghi (.xlsx). / The master workbook to write.")
@click.option("--period", default=None, help="Kỳ báo cáo (mặc định theo kế hoạch). / Reporting period.")
@json_option
@lang_option
@edge
def consolidate(sources: tuple[str, ...], plan_path: str | None, out: str, period: str | None,
                as_json: bool, lang: str | None) -> int:
    """Tổng hợp báo cáo của các đơn vị thành sổ tổng hợp.

    SOURCES are report workbooks or folders (searched recursively; Office lock
    files and hidden files are skipped). Every report is checked as
    `xlsync validate` does; a report with errors is left out of the totals and
    listed. Exit status: 0 clean, 1 errors found (the master is still
    written), 2 cannot run.
    """
    from xlsync.cli.render import plan_line, print_consolidation, print_records, progress
    from xlsync.io.plan_source import resolve_plan
    from xlsync.io.xlsx_read import iter_workbook_paths
    from xlsync.jobs.consolidate import consolidate_paths

    lang = current_lang(lang)
    loaded = resolve_plan(plan_path)
    say(plan_line(loaded, lang))
    files = iter_workbook_paths(sources)
    if not files:
        from xlsync.core.issues import CannotRun

        raise CannotRun("no-sources", paths=", ".join(sources))
    with progress(len(files), text("reading", lang)) as advance:
        result = consolidate_paths(files, loaded, out, period, progress=advance)
    if as_json:
        print_json(result.report.to_dicts())
    else:
        print_records(result.issues, len(result.sources), lang)
        print_consolidation(result, out, lang)
    return result.report.exit_code


@click.command()
@click.argument("folder", required=False, default="xlsync-demo", type=click.Path(file_okay=False))
@click.option("--seed", default=2024, show_default=True, help="Hạt giống số liệu ví dụ. / Example data seed.")
@click.option("--quiet", "-q", is_flag=True, help="Chỉ in đường dẫn sổ tổng hợp. / Print only the master's path.")
@lang_option
@edge
def demo(folder: str, seed: int, quiet: bool, lang: str | None) -> int:
    """Chạy thử toàn bộ quy trình trên kế hoạch mẫu (Kế hoạch 51/KH-UBND xã Sơn Tây 2024).

    Creates FOLDER (default ./xlsync-demo) with the plan, a template per
    example unit, example reports (one with deliberate mistakes, one unit
    that did not submit), the master workbook tong-hop.xlsx and annotated
    copies of the reports with problems in kiem-tra/.
    """
    from xlsync.cli.render import print_consolidation, progress
    from xlsync.jobs.demo import run_demo

    lang = current_lang(lang)
    with progress(20, text("reading", lang)) as advance:
        run = run_demo(folder, seed, progress=advance)
    if quiet:
        click.echo(str(run.master))
        return 0
    print_consolidation(run.consolidation, str(run.master), lang)
    for path in run.feedback:
        say(text("feedback-written", lang, path=path), err=False)
    return 0
