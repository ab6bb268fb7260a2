"""`xlsync consolidate` and `xlsync demo`."""

from __future__ import annotations

import click

from xlsync.cli.checking import exit_now, plan_and_reading
from xlsync.cli.options import (
    credentials_option,
    edge,
    gsheets_option,
    json_option,
    lang_option,
    period_option,
    plan_option,
    print_json,
    say,
)
from xlsync.core.messages import current_lang, text


@click.command()
@click.argument("sources", nargs=-1, required=False)
@plan_option
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False),
              help="Sổ tổng hợp sẽ ghi (.xlsx). / The master workbook to write.")
@period_option
@gsheets_option
@click.option("--feedback", is_flag=True,
              help="Ghi kết quả kiểm tra vào từng Google Sheet (ghi chú, tô màu ô sai, ô trạng thái). "
              "/ Mark each Google Sheet's problems in it (notes, highlights, status cell).")
@click.option("--feedback-dir", "feedback_dir", type=click.Path(file_okay=False), default=None,
              help="Ghi bản sao có đánh dấu ô lỗi của các tệp vào thư mục này (tệp gốc không bị sửa). "
              "/ Write annotated copies of files with problems here; files are never modified.")
@credentials_option
@json_option
@lang_option
@edge
def consolidate(sources: tuple[str, ...], plan_path: str | None, out: str, period: str | None,
                all_registered: bool, feedback: bool, feedback_dir: str | None, credentials: str | None,
                as_json: bool, lang: str | None) -> int:
    """Tổng hợp báo cáo của các đơn vị thành sổ tổng hợp.

    SOURCES are report workbooks, folders (searched recursively; Office lock
    files and hidden files are skipped) and Google Sheets, mixed freely:
    gsheet:<id>, a sheet's URL, or --gsheets for every sheet in the plan's
    register. Each Google Sheet is read with one request. Every report is
    checked as `xlsync validate` does; a report with errors is left out of
    the totals and listed. Other files in the folders are listed as not read.
    Exit status: 0 clean, 1 errors found (the master is still written), 2
    cannot run (a path that does not exist, no report found, none readable).
    """
    from xlsync.cli.render import copies_line, print_consolidation, print_records, progress, records_before_refusal, \
        unit_names
    from xlsync.jobs.gsheets import consolidate_sources, gather_sources, open_client

    lang = current_lang(lang)
    with plan_and_reading(sources, plan_path, lang, out) as (loaded, reading), records_before_refusal(as_json, lang):
        chosen = gather_sources(sources, loaded, all_registered=all_registered, reading=reading)
        client = open_client(credentials) if chosen.sheets else None
        if feedback and not chosen.sheets:
            say(text("gsheet-feedback-no-sheets", lang))
        with progress(len(chosen), text("reading", lang)) as advance:
            run = consolidate_sources(chosen, loaded, out, period, client=client, feedback=feedback,
                                      feedback_dir=feedback_dir, progress=advance, reading=reading)
    if as_json:
        print_json(run.report.to_dicts())
    else:
        sources = run.consolidation.sources
        full_list = [text("full-list-master", lang, path=out), copies_line(feedback_dir, "--feedback-dir", lang)]
        print_records(run.report.issues, len(sources), lang, units=unit_names(s.report for s in sources),
                      full_list=full_list)
        print_consolidation(run.consolidation, out, lang)
        _print_feedback(run, lang)
    return exit_now(run.report.exit_code)


def _print_feedback(run, lang: str) -> None:
    for marked in run.marked:
        summary = marked.summary
        say(text("gsheet-feedback-written", lang, sheet=marked.sheet.label, status=summary.status,
                 flagged=len(summary.flagged), cleared=len(summary.cleared)), err=False)
    for path in run.copies:
        say(text("feedback-written", lang, path=path), err=False)


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
    copies of the reports with problems in kiem-tra/; then a score workbook
    per emulation block filled with example scores (cham-diem/), scored into
    the master's «Chấm điểm» and «Xếp hạng» sheets. Last, example masters of
    the previous year, the first six months and the year (vi-du-*.xlsx,
    marked «Ví dụ») and their history workbook dien-bien.xlsx, with the
    table of the year against the previous one; and the review report,
    the commendation proposal and the decision in van-ban/ (Word, and PDF
    when LibreOffice is installed).
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
    if run.history is not None:
        from xlsync.cli.history import print_history_table

        print_history_table(run.history, lang)
        say(text("history-written", lang, path=run.history_path, indicators=len(run.history.rows),
                 count=len(run.history.periods), periods=", ".join(p.name for p in run.history.periods)), err=False)
    if run.scoring is not None:
        from xlsync.cli.scoring import print_ranking

        print_ranking(run.scoring, lang)
        say(text("score-sheets-written", lang, path=run.score_folder), err=False)
    if run.documents is not None:
        from xlsync.jobs.documents import outcome_lines

        for line in outcome_lines(run.documents, lang):
            say(line, err=False)
    return 0

