"""`xlsync send`."""

from __future__ import annotations

import click

from xlsync.cli.options import edge, lang_option, plan_option, say
from xlsync.core.messages import current_lang, text
from xlsync.io.mail.settings import SECURITY_MODES


@click.command()
@click.argument("master", type=click.Path(dir_okay=False))
@plan_option
@click.option("--to", "to", multiple=True, metavar="ĐỊA_CHỈ",
              help="Người nhận, thay cho Nơi nhận của kế hoạch (lặp lại được), ví dụ 'Tên <a@xa.gov.vn>'. "
              "/ A recipient instead of the plan's list (repeatable).")
@click.option("--cc", "cc", multiple=True, metavar="ĐỊA_CHỈ",
              help="Gửi thêm bản sao (lặp lại được). / Also send a copy to (repeatable).")
@click.option("--subject", default=None, help="Tiêu đề thư (mặc định theo kỳ báo cáo). / Subject line.")
@click.option("--dry-run", "dry_run", type=click.Path(dir_okay=False), default=None, metavar="OUT.eml",
              help="Chỉ ghi thư hoàn chỉnh ra tệp .eml, không gửi. / Write the complete message, send nothing.")
@click.option("--allow-warnings", is_flag=True,
              help="Vẫn gửi khi sổ tổng hợp chỉ có cảnh báo. / Send even if the master has warnings.")
@click.option("--smtp-host", default=None, help="Máy chủ thư (XLSYNC_SMTP_HOST). / Mail server.")
@click.option("--smtp-port", type=int, default=None,
              help="Cổng (XLSYNC_SMTP_PORT; mặc định 587, 465 với ssl, 25 với none). / Port.")
@click.option("--smtp-user", default=None, help="Tài khoản đăng nhập (XLSYNC_SMTP_USER). / Login user.")
@click.option("--smtp-security", type=click.Choice(SECURITY_MODES, case_sensitive=False), default=None,
              help="Bảo mật (XLSYNC_SMTP_SECURITY, mặc định starttls). / Connection security.")
@click.option("--mail-from", default=None,
              help="Địa chỉ gửi (XLSYNC_MAIL_FROM; mặc định là tài khoản). / Sender address.")
@lang_option
@edge
def send(master: str, plan_path: str | None, to: tuple[str, ...], cc: tuple[str, ...], subject: str | None,
         dry_run: str | None, allow_warnings: bool, smtp_host: str | None, smtp_port: int | None,
         smtp_user: str | None, smtp_security: str | None, mail_from: str | None, lang: str | None) -> int:
    """Gửi sổ tổng hợp MASTER qua email tới Nơi nhận của kế hoạch.

    Email the master workbook to the plan's «Nơi nhận» recipients, one
    message with the workbook attached, after checking it once more.

    \b
    Khi nào không gửi / When nothing is sent:
      - lỗi ở số liệu được tổng hợp: số liệu của đơn vị được tổng hợp trên
        trang «Theo đơn vị» sai quy tắc (âm, vượt tổng, thiếu...), «Thực hiện»
        trên trang «Tổng hợp» khác giá trị tính lại (đã sửa mà chưa tính lại),
        lỗi ghi trên «Kiểm tra» của báo cáo được tổng hợp → không gửi (mã 1);
      - cảnh báo về các số liệu đó → không gửi, trừ khi có --allow-warnings;
      - đơn vị chưa nộp hoặc báo cáo có lỗi đã bị loại khỏi tổng hợp KHÔNG
        chặn việc gửi: thư và màn hình ghi rõ tên các đơn vị này.
      Errors in the figures of the totals refuse the sending; warnings refuse
      it unless --allow-warnings; units that did not report or were left out
      do not block and are named in the message.

    \b
    Máy chủ thư / Mail server: the options above, or the environment
    variables XLSYNC_SMTP_HOST, XLSYNC_SMTP_PORT, XLSYNC_SMTP_USER,
    XLSYNC_SMTP_SECURITY (starttls | ssl | none), XLSYNC_MAIL_FROM and
    XLSYNC_SMTP_CAFILE (a private certificate authority). The password is
    read only from XLSYNC_SMTP_PASSWORD or the system keyring (service
    "xlsync-smtp", account = the user), never from an option, so that it
    does not stay in the shell history; it is never printed or logged.
    Each sending is appended to <MASTER>.send-log.csv beside the master.

    Exit status: 0 sent and accepted for every recipient (or --dry-run
    written), 1 refused by the checks or by the server for some recipient,
    2 cannot run (settings, connection, login...).
    """
    from xlsync.cli.render import plan_line
    from xlsync.io.mail.settings import SmtpSettings
    from xlsync.io.plan_source import resolve_plan
    from xlsync.jobs.send import dry_run_sender, send_master

    lang = current_lang(lang)
    loaded = resolve_plan(plan_path)
    say(plan_line(loaded, lang))
    plan = loaded.require_usable()
    if dry_run is None:
        settings = SmtpSettings.from_env(host=smtp_host, port=smtp_port, user=smtp_user,
                                         security=smtp_security, mail_from=mail_from)
        sender = None
    else:
        settings, sender = None, dry_run_sender(mail_from, smtp_user)
    outcome = send_master(master, plan, settings=settings, sender=sender, to=to, cc=cc, subject=subject,
                          dry_run=dry_run, allow_warnings=allow_warnings)
    _print_outcome(outcome, plan, own_recipients=bool(to), lang=lang)
    if outcome.log_problem is not None:
        raise outcome.log_problem
    return outcome.exit_code


def _print_outcome(outcome, plan, *, own_recipients: bool, lang: str) -> None:
    from xlsync.cli.render import console, records_table
    from xlsync.jobs.send import recipients_without_email

    if outcome.issues:
        console().print(records_table(outcome.issues, lang))
    if outcome.blocking:
        errors = sum(1 for i in outcome.blocking if i.is_error)
        key = "send-refused-errors" if errors else "send-refused-warnings"
        say(text(key, lang, count=errors or len(outcome.blocking)), err=False)
        return
    _print_completeness(outcome, lang)
    missing = recipients_without_email(plan)
    if missing and not own_recipients:
        say(text("send-no-email", lang, names="; ".join(missing)), err=False)
    if outcome.eml is not None:
        recipients = outcome.recipients
        say(text("send-dry-run", lang, path=outcome.eml, count=len(recipients),
                 recipients=", ".join(recipients)), err=False)
        return
    result = outcome.result
    if result.accepted:
        say(text("send-accepted", lang, count=len(result.accepted), recipients=", ".join(result.accepted)),
            err=False)
    else:
        say(text("send-none-accepted", lang), err=False)
    if result.refused:
        refused = "; ".join(f"{address} ({reply})" for address, reply in result.refused.items())
        say(text("send-refused-recipients", lang, count=len(result.refused), recipients=refused), err=False)
    if outcome.log is not None:
        say(text("send-log-written", lang, path=outcome.log), err=False)


def _print_completeness(outcome, lang: str) -> None:
    summary = outcome.summary
    if summary.complete:
        return
    consolidation = outcome.master.consolidation
    say(text("send-incomplete", lang, submitted=summary.submitted, expected=summary.expected,
             included=consolidation.included_count), err=False)
    if summary.not_submitted:
        say(text("not-submitted-list", lang, units=", ".join(summary.not_submitted)), err=False)
    if summary.left_out:
        say(text("left-out-list", lang, units=", ".join(summary.left_out)), err=False)
