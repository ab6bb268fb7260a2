"""`xlsync collect` and `xlsync remind`."""

from __future__ import annotations

from pathlib import Path

import click

from xlsync.cli.options import credentials_option, edge, gsheets_option, lang_option, plan_option, say
from xlsync.core.messages import current_lang, text

_IMAP_SECURITY = ("ssl", "starttls", "none")  # xlsync.io.mail.imap.IMAP_SECURITY_MODES, without importing it
_SMTP_SECURITY = ("starttls", "ssl", "none")


@click.command()
@click.option("--out", "out", default="bao-cao", show_default=True, type=click.Path(file_okay=False),
              help="Thư mục báo cáo (mỗi đơn vị một báo cáo hiện hành). / The reports folder.")
@plan_option
@click.option("--since", type=click.DateTime(formats=["%d/%m/%Y", "%Y-%m-%d"]), default=None,
              metavar="NGÀY", help="Chỉ đọc thư nhận từ ngày này (dd/mm/yyyy). / Only mail received since.")
@click.option("--dry-run", "dry_run", is_flag=True,
              help="Chỉ đọc thư và nói sẽ làm gì; không lưu tệp nào, thư trả lời ghi ra tệp .eml. "
              "/ Read and say what would be done; file nothing, write answers as .eml files.")
@click.option("--reply", is_flag=True,
              help="Kiểm tra từng báo cáo nhận được và trả lời người gửi. / Check each report and answer its sender.")
@click.option("--mark-seen", is_flag=True,
              help="Đánh dấu đã đọc các thư đã xử lý (mặc định không sửa gì trong hộp thư). "
              "/ Flag processed messages as seen (by default the mailbox is only read).")
@click.option("--max-size", "max_size", type=float, default=25.0, show_default=True, metavar="MB",
              help="Tệp đính kèm lớn hơn bị bỏ qua (và liệt kê, không tải về). "
              "/ Larger attachments are listed, not filed (nor downloaded).")
@click.option("--imap-host", default=None, help="Máy chủ IMAP (XLSYNC_IMAP_HOST). / IMAP server.")
@click.option("--imap-port", type=int, default=None, help="Cổng (XLSYNC_IMAP_PORT). / Port.")
@click.option("--imap-user", default=None, help="Tài khoản (XLSYNC_IMAP_USER). / Login user.")
@click.option("--imap-security", type=click.Choice(_IMAP_SECURITY, case_sensitive=False), default=None,
              help="Bảo mật (XLSYNC_IMAP_SECURITY, mặc định ssl). / Connection security.")
@click.option("--folder", "imap_folder", default=None,
              help="Thư mục thư (XLSYNC_IMAP_FOLDER, mặc định INBOX). / Mailbox folder.")
@lang_option
@edge
def collect(out: str, plan_path: str | None, since, dry_run: bool, reply: bool, mark_seen: bool, max_size: float,
            imap_host: str | None, imap_port: int | None, imap_user: str | None, imap_security: str | None,
            imap_folder: str | None, lang: str | None) -> int:
    """Nhận báo cáo đơn vị gửi qua email vào thư mục báo cáo.

    Read the office mailbox (IMAP, read-only) and file every report
    attached (.xlsx, .xlsm, .xls, .ods; also inside forwarded messages)
    into OUT: one current report per unit, the newest by the message's
    date, the unit read from the workbook itself. Older versions go to
    «OUT (bản cũ)»; nothing is overwritten or deleted. Messages already
    read are not read again. Mail that could not be used is listed with
    its reason. Each run is logged in OUT.collect-log.csv.

    \b
    Hộp thư / Mailbox: XLSYNC_IMAP_HOST, XLSYNC_IMAP_PORT, XLSYNC_IMAP_USER,
    XLSYNC_IMAP_SECURITY (ssl | starttls | none), XLSYNC_IMAP_FOLDER,
    XLSYNC_IMAP_CAFILE (a private certificate authority); the password
    from XLSYNC_IMAP_PASSWORD or the system keyring (service
    "xlsync-imap"). --reply sends the answers with the XLSYNC_SMTP_*
    settings of `xlsync send`, written in the --lang language
    (Vietnamese by default).

    Exit status: 0 done, 1 some mail could not be used, 2 cannot run.
    """
    from xlsync.cli.render import plan_line, records_table
    from xlsync.io.mail.imap import ImapSettings
    from xlsync.io.plan_source import resolve_plan
    from xlsync.jobs.collect import collect_reports, new_work_folder

    lang = current_lang(lang)
    loaded = resolve_plan(plan_path)
    say(plan_line(loaded, lang))
    loaded.require_usable()
    settings = ImapSettings.from_env(host=imap_host, port=imap_port, user=imap_user, security=imap_security,
                                     folder=imap_folder)
    smtp, sender = _answer_settings(dry_run) if reply else (None, "")
    with new_work_folder() as work_name:
        work = Path(work_name)
        outcome = collect_reports(settings, loaded, out, work, since=since.date() if since else None,
                                  dry_run=dry_run, size_limit=int(max_size * 1024 * 1024), mark_seen=mark_seen)
        _print_collected(outcome, lang)
        problems = list(outcome.unused)
        if reply:
            problems += _answer(outcome, loaded, smtp, sender, work, lang)
    if problems:
        from xlsync.cli.render import console

        console().print(records_table(problems, lang))
    return 1 if problems else 0


def _answer_settings(dry_run: bool):
    from xlsync.io.mail.settings import SmtpSettings
    from xlsync.jobs.send import dry_run_sender

    if dry_run:
        return None, dry_run_sender()
    smtp = SmtpSettings.from_env()
    return smtp, smtp.mail_from


def _answer(outcome, loaded, smtp, sender: str, work: Path, lang: str) -> list:
    from xlsync.io.mail.inbox_state import beside
    from xlsync.jobs.answer import answer_arrivals

    eml_folder = beside(outcome.folder, " (thư trả lời)") if outcome.dry_run else None
    run = answer_arrivals(outcome, loaded, sender=sender, work=work, settings=smtp, eml_folder=eml_folder,
                         lang=lang)
    for answer in run.answers:
        errors = sum(1 for i in answer.issues if i.is_error)
        where = answer.eml or answer.arrival.sender
        say(text("collect-answered", lang, unit=answer.arrival.unit.name, to=where, errors=errors), err=False)
    return run.problems


def _print_collected(outcome, lang: str) -> None:
    for arrival in outcome.arrivals:
        key = f"collect-{arrival.action}" + ("-dry" if outcome.dry_run else "")
        path = arrival.path or outcome.folder
        say(text(key, lang, unit=arrival.unit.name, file=arrival.attachment.name, path=path,
                 sender=arrival.sender), err=False)
    say(text("collect-summary", lang, messages=outcome.messages_read, filed=len(outcome.filed),
             unused=len(outcome.unused)), err=False)
    if outcome.log is not None:
        say(text("collect-log-written", lang, path=outcome.log), err=False)


@click.command()
@click.argument("sources", nargs=-1, required=False)
@plan_option
@click.option("--dry-run", "dry_run", is_flag=True,
              help="Ghi thư nhắc ra tệp .eml, không gửi. / Write the reminders as .eml files, send nothing.")
@click.option("--allow-before-deadline", is_flag=True,
              help="Nhắc cả khi chưa đến hạn nộp của kế hoạch. / Remind even before the plan's deadline.")
@click.option("--force", is_flag=True,
              help="Nhắc cả đơn vị đã được nhắc hôm nay. / Remind units already reminded today.")
@gsheets_option
@credentials_option
@lang_option
@edge
def remind(sources: tuple[str, ...], plan_path: str | None, dry_run: bool, allow_before_deadline: bool,
           force: bool, all_registered: bool, credentials: str | None, lang: str | None) -> int:
    """Nhắc qua email các đơn vị chưa nộp báo cáo hoặc báo cáo còn lỗi.

    SOURCES are the reports folder (default bao-cao) and Google Sheets, as
    for `xlsync consolidate`. Each unit that has not reported, or whose
    report has errors, gets a message at its «Email» of the plan's «Đơn
    vị», with the plan's deadline («Hạn nộp báo cáo» in «Thông tin»), the
    annotated copy of its report, or the link of its Google Sheet. Before
    the deadline nothing is sent unless --allow-before-deadline. A unit is
    reminded at most once a day unless --force (log: SOURCE.remind-log.csv).
    Sending uses the XLSYNC_SMTP_* settings of `xlsync send`; the
    reminders are written in the --lang language (Vietnamese by default).

    Exit status: 0 done, 1 some unit could not be reminded, 2 cannot run.
    """
    from xlsync.cli.render import plan_line
    from xlsync.io.mail.inbox_state import beside
    from xlsync.io.plan_source import resolve_plan
    from xlsync.jobs.collect import new_work_folder
    from xlsync.jobs.gsheets import gather_sources, open_client, validate_sources
    from xlsync.jobs.remind import remind_units

    lang = current_lang(lang)
    loaded = resolve_plan(plan_path)
    say(plan_line(loaded, lang))
    loaded.require_usable()
    # Without SOURCES: the reports folder, unless only the Google Sheets are asked for and there is none.
    named = list(sources) or ([] if all_registered and not Path("bao-cao").is_dir() else ["bao-cao"])
    folder = Path(next((s for s in named if Path(s).is_dir()), "bao-cao"))
    smtp, sender = _answer_settings(dry_run)
    chosen = gather_sources(named, loaded, all_registered=all_registered)
    client = open_client(credentials) if chosen.sheets else None
    checked = validate_sources(chosen, loaded, client)
    eml_folder = beside(folder, " (thư nhắc)") if dry_run else None
    with new_work_folder() as work:
        run = remind_units(loaded, checked.files, folder, Path(work), sender=sender, settings=smtp,
                           eml_folder=eml_folder, sheet_urls=_sheet_urls(loaded),
                           allow_before_deadline=allow_before_deadline, force=force, lang=lang)
    return _print_reminders(run, lang)


def _sheet_urls(loaded) -> dict[str, str]:
    from xlsync.io.gsheets.registry import SheetRegistry
    from xlsync.jobs.gsheets import registry_for

    path = registry_for(loaded)
    return {entry.unit_code: entry.url for entry in SheetRegistry(path)} if Path(path).exists() else {}


def _print_reminders(run, lang: str) -> int:
    failed = 0
    for reminder in run.reminders:
        unit = reminder.status.unit
        if reminder.problem is not None:
            failed += 1
            key = "remind-partly-refused" if reminder.reminded else "remind-failed"
            say(text(key, lang, unit=unit.name, detail=reminder.problem.message(lang)), err=False)
        if not reminder.reminded:
            continue
        key = "remind-written" if reminder.eml else "remind-sent"
        reached = ", ".join(reminder.result.accepted) if reminder.result else reminder.address
        say(text(key, lang, unit=unit.name, address=reached, status=reminder.status.status.value,
                 path=reminder.eml or ""), err=False)
    if run.already_today:
        names = ", ".join(s.unit.name for s in run.already_today)
        say(text("remind-already-today", lang, units=names), err=False)
    if run.without_address:
        names = ", ".join(s.unit.name for s in run.without_address)
        say(text("remind-no-address", lang, units=names), err=False)
        failed += len(run.without_address)
    if not run.reminders and not run.already_today and not run.without_address:
        say(text("remind-nobody", lang), err=False)
    return 1 if failed else 0
