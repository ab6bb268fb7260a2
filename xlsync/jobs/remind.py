"""`xlsync remind`: e-mail each unit that has not reported, or whose report has errors.

Who is late is judged exactly as consolidation judges the reports (files
and Google Sheets alike, :func:`xlsync.jobs.gsheets.validate_sources` then
:func:`xlsync.core.consolidate.consolidate`): a unit «Chưa nộp» is reminded
to send its report, a unit «Có lỗi» or «Trùng báo cáo» to correct it, with
the annotated copy attached.  The reminder goes to every address of the unit's
«Email» in the plan's «Đơn vị» (one or several); the deadline is the plan's (:func:`plan_deadline`).  Each reminder sent
is a row of the remind log, so a unit is reminded at most once a day unless
``force``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from pathlib import Path

from xlsync.core.consolidate import Status, UnitStatus, consolidate
from xlsync.core.issues import CannotRun
from xlsync.core.messages import text
from xlsync.core.periods import parse_day
from xlsync.core.plan import Plan
from xlsync.io.mail.inbox_state import append_remind_log, read_remind_log
from xlsync.io.mail.message import Block, compose_message, write_eml
from xlsync.io.mail.settings import SmtpSettings
from xlsync.io.mail.transport import SendResult, send_message
from xlsync.io.plan_source import LoadedPlan
from xlsync.jobs.answer import issue_line, named_sender
from xlsync.jobs.collect import safe_file_name

NEEDS_REMINDER = (Status.NOT_SUBMITTED, Status.HAS_ERRORS, Status.DUPLICATE)


@dataclass(slots=True)
class Reminder:
    status: UnitStatus
    addresses: list[str]
    sheet_url: str = ""  # the unit's Google Sheet, when it reports in one
    message: EmailMessage | None = None
    copy: Path | None = None
    eml: Path | None = None
    result: SendResult | None = None
    problem: CannotRun | None = None  # not reminded; or, when ``reminded``, some address was refused

    @property
    def address(self) -> str:
        return ", ".join(self.addresses)

    @property
    def reminded(self) -> bool:
        """Sent to at least one address (or written, in a dry run)."""
        return self.eml is not None or (self.result is not None and self.result.delivered)

    @property
    def missing(self) -> bool:
        return self.status.status is Status.NOT_SUBMITTED


@dataclass(slots=True)
class RemindRun:
    deadline: date | None
    reminders: list[Reminder] = field(default_factory=list)  # sent (or written, in a dry run)
    already_today: list[UnitStatus] = field(default_factory=list)
    without_address: list[UnitStatus] = field(default_factory=list)
    log: Path | None = None


def plan_deadline(plan: Plan) -> date | None:
    """The deadline of the period reports are made for: its «Hạn nộp» (sheet «Kỳ báo cáo»), else the
    «Hạn nộp báo cáo» of «Thông tin»; None when the plan gives none."""
    period = plan.current_period
    if period is not None and period.deadline is not None:
        return period.deadline
    try:
        return parse_day(plan.info.deadline)
    except ValueError:
        raise CannotRun("plan-deadline-invalid", value=plan.info.deadline) from None


def units_to_remind(plan: Plan, files: list, period: str | None = None) -> list[UnitStatus]:
    """The units that have not reported, or whose report cannot be counted, judged as consolidation does."""
    from xlsync.jobs.validate import sources_from

    statuses = consolidate(plan, sources_from(files), period).statuses
    return [status for status in statuses if status.status in NEEDS_REMINDER]


def remind_units(
    loaded: LoadedPlan,
    files: list,
    folder: Path,
    work: Path,
    *,
    sender: str,
    settings: SmtpSettings | None = None,
    eml_folder: Path | None = None,
    sheet_urls: dict[str, str] | None = None,
    today: date | None = None,
    allow_before_deadline: bool = False,
    force: bool = False,
    period: str | None = None,
    lang: str = "vi",
) -> RemindRun:
    """Remind each late unit once: sent with ``settings`` or written into ``eml_folder`` (a dry run).

    ``files``: the checked sources (reports read and checked); ``folder``: the
    reports folder, beside which the remind log is kept; ``lang``: the language the reminders are written in.
    """
    plan = loaded.plan
    today = today or date.today()
    deadline = plan_deadline(plan)
    if deadline is not None and today <= deadline and not allow_before_deadline:
        raise CannotRun("remind-before-deadline", deadline=deadline.strftime("%d/%m/%Y"))
    run = RemindRun(deadline)
    reminded_today = {row.get("Mã đơn vị", "") for row in read_remind_log(folder)
                      if row.get("Thời gian", "")[:10] == today.isoformat()}
    log_rows: list[list[str]] = []
    for status in units_to_remind(plan, files, period):
        unit = status.unit
        if not unit.emails:
            run.without_address.append(status)
            continue
        if unit.code in reminded_today and not force:
            run.already_today.append(status)
            continue
        reminder = Reminder(status, unit.emails, (sheet_urls or {}).get(unit.code, ""))
        run.reminders.append(reminder)
        _attach_copy(reminder, work)
        try:
            reminder.message = build_reminder(reminder, plan, sender=sender, deadline=deadline, lang=lang)
            if eml_folder is not None:
                reminder.eml = write_eml(reminder.message, eml_folder / safe_file_name(f"{unit.code} {unit.name}.eml"))
                continue
            reminder.result = send_message(reminder.message, settings)
            reminder.problem = _refusal(reminder.result)
        except CannotRun as problem:  # a malformed address, a refusal: the other units are still reminded
            reminder.problem = problem
        if not reminder.reminded:  # refused by the server: not reminded, so not logged
            continue
        log_rows.append([reminder.result.sent_at.isoformat(timespec="seconds"), unit.code, unit.name,
                         ", ".join(reminder.result.accepted), status.status.value, reminder.result.message_id])
    if log_rows:
        run.log = append_remind_log(folder, log_rows)
    return run


def _refusal(result: SendResult) -> CannotRun | None:
    """The addresses the server refused, as one problem (the others, if any, got the reminder)."""
    if not result.refused:
        return None
    return CannotRun("remind-refused", address=", ".join(result.refused), detail="; ".join(result.refused.values()))


def _attach_copy(reminder: Reminder, work: Path) -> None:
    """The annotated copy of a report with errors (a file: a Google Sheet is marked in place instead)."""
    if reminder.missing or reminder.sheet_url:
        return
    from xlsync.io.feedback import write_feedback_copy

    for index, source in enumerate(reminder.status.sources):
        if source.issues and Path(source.path).is_file():
            folder = work / f"{reminder.status.unit.code}-{index}"
            reminder.copy = write_feedback_copy(source.path, source.issues, folder)
            return


def build_reminder(reminder: Reminder, plan: Plan, *, sender: str, deadline: date | None,
                   lang: str = "vi") -> EmailMessage:
    status, unit = reminder.status, reminder.status.unit
    office = plan.info.sender or plan.info.issuer
    period = plan.info.period
    lines = []
    if reminder.missing:
        lines.append(text("remind-missing", lang, period=period, plan=plan.label))
    else:
        lines.append(text("remind-errors", lang, period=period, errors=status.errors, warnings=status.warnings,
                          status=status.status.value))
    if deadline is not None:
        lines.append(text("remind-deadline", lang, deadline=deadline.strftime("%d/%m/%Y")))
    blocks: list[Block] = [("p", [text("answer-greeting", lang, unit=unit.name)]), ("p", lines)]
    if reminder.sheet_url:
        blocks.append(("p", [text("remind-sheet", lang, url=reminder.sheet_url)]))
    problems = [i for s in status.sources for i in s.issues if i.is_error or i.is_warning]
    if problems and not reminder.missing:
        if reminder.copy is not None:
            blocks.append(("p", [text("remind-copy", lang, copy=reminder.copy.name)]))
        blocks.append(("ul", [issue_line(i, lang) for i in problems]))
    blocks.append(("p", [text("mail-closing", lang), office]))
    subject = " – ".join(part for part in (text("remind-subject", lang), unit.name, period) if part)
    return compose_message(sender=named_sender(sender, office), to=reminder.addresses, subject=subject,
                           blocks=blocks, attachments=[reminder.copy] if reminder.copy else [], lang=lang)
