"""`xlsync gsheets push` and `xlsync gsheets list`."""

from __future__ import annotations

import click

from xlsync.cli.options import credentials_option, edge, lang_option, plan_option, say
from xlsync.core.messages import current_lang, text


@click.group()
def gsheets() -> None:
    """Google Sheets: mỗi đơn vị một bảng tính để nhập báo cáo.

    Each unit gets a Google spreadsheet made from its report template,
    shared with the unit's Email from the plan. The spreadsheet IDs are kept
    in gsheets.csv beside the plan workbook (with the bundled example plan:
    in the current folder). `xlsync consolidate --gsheets` reads them all.
    See docs/google-sheets.md.
    """


@gsheets.command()
@plan_option
@click.option("--unit", "units", multiple=True, metavar="MÃ",
              help="Chỉ đơn vị này (lặp lại được). Mặc định: mọi đơn vị. / Only this unit (repeatable).")
@click.option("--period", default=None, help="Kỳ báo cáo (mặc định theo kế hoạch). / Reporting period.")
@click.option("--share/--no-share", default=True, show_default=True,
              help="Chia sẻ quyền chỉnh sửa với Email của đơn vị. / Share as editor with the unit's Email.")
@click.option("--folder", "folder_id", default=None, metavar="DRIVE_FOLDER_ID",
              help="Tạo bảng tính trong thư mục Drive này (bắt buộc với tài khoản dịch vụ: thư mục trong Drive "
              "dùng chung). / Create the spreadsheets in this Drive folder (a shared drive's, for service accounts).")
@credentials_option
@lang_option
@edge
def push(plan_path: str | None, units: tuple[str, ...], period: str | None, share: bool, folder_id: str | None,
         credentials: str | None, lang: str | None) -> int:
    """Tạo (hoặc hoàn tất) Google Sheet báo cáo cho từng đơn vị và chia sẻ với đơn vị.

    Running it again creates no duplicate and changes nothing a unit typed:
    a unit whose registered sheet exists is left as it is (only a missing
    share is added); a registered sheet that was deleted is made again.
    Exit status: 0 done (warnings allowed), 1 some unit failed (the others
    are done), 2 cannot run.
    """
    from xlsync.cli.render import plan_line, progress
    from xlsync.io.gsheets.registry import SheetRegistry
    from xlsync.io.plan_source import resolve_plan
    from xlsync.jobs.gsheets import open_client, push_units, registry_for
    from xlsync.jobs.setup import select_units

    lang = current_lang(lang)
    loaded = resolve_plan(plan_path)
    say(plan_line(loaded, lang))
    plan = loaded.require_usable()
    chosen = select_units(plan, units)
    registry = SheetRegistry(registry_for(loaded))
    client = open_client(credentials)
    with progress(len(chosen), text("gsheet-pushing", lang)) as advance:
        run = push_units(client, plan, chosen, registry, period, share=share, folder_id=folder_id, progress=advance)
    _print_push(run, plan, lang)
    return run.report.exit_code


@gsheets.command("list")
@plan_option
@lang_option
@edge
def list_sheets(plan_path: str | None, lang: str | None) -> int:
    """Liệt kê Google Sheet của các đơn vị (sổ đăng ký gsheets.csv); không truy cập Google.

    List the register: each unit's spreadsheet, its link, when it was made
    and who it is shared with, then the plan's units that have none yet.
    """
    from xlsync.cli.render import plan_line
    from xlsync.io.gsheets.registry import SheetRegistry
    from xlsync.io.plan_source import resolve_plan
    from xlsync.jobs.gsheets import registry_for

    lang = current_lang(lang)
    loaded = resolve_plan(plan_path)
    say(plan_line(loaded, lang))
    path = registry_for(loaded)
    if not path.is_file():
        say(text("gsheet-registry-missing", lang, path=path), err=False)
        return 0
    _print_registry(SheetRegistry(path), loaded.plan, lang)
    return 0


# --- output ---------------------------------------------------------------------------------------


def _print_push(run, plan, lang: str) -> None:
    from rich.table import Table

    from xlsync.cli.render import console, records_table

    if run.pushed:
        table = Table()
        for key in ("col-unit-code", "col-unit", "col-spreadsheet", "col-push-state", "col-shared-with"):
            table.add_column(text(key, lang), overflow="fold")
        for sheet in run.pushed:
            unit = plan.unit_by_code(sheet.unit_code)
            state = text("gsheet-created" if sheet.created else "gsheet-kept", lang)
            table.add_row(sheet.unit_code, unit.name if unit else "", sheet.url, state, sheet.shared_with)
        console().print(table)
    if run.issues:
        console().print(records_table(run.issues, lang))
    say(text("gsheet-push-summary", lang, created=run.created, kept=len(run.pushed) - run.created,
             path=run.registry), err=False)


def _print_registry(registry, plan, lang: str) -> None:
    from rich.table import Table

    from xlsync.cli.render import console
    from xlsync.core.consolidate import expected_units
    from xlsync.io.gsheets.names import sheet_url

    table = Table()
    for key in ("col-unit-code", "col-unit", "col-spreadsheet", "col-created", "col-shared-with"):
        table.add_column(text(key, lang), overflow="fold")
    for entry in registry:
        table.add_row(entry.unit_code, entry.unit_name, entry.url or sheet_url(entry.spreadsheet_id), entry.created,
                      entry.shared_with)
    console().print(table)
    say(text("gsheet-registry-line", lang, path=registry.path), err=False)
    missing = [f"{u.name} ({u.code})" for u in expected_units(plan) if registry.get(u.code) is None]
    if missing:
        say(text("gsheet-not-pushed", lang, units=", ".join(missing)), err=False)
