"""`xlsync collect --reply`: each report filed is checked, and its sender gets the result.

The answer is in the user's language (Vietnamese unless ``--lang en``):
"received, no errors", or the list of problems
with the annotated copy attached (:mod:`xlsync.io.feedback`).  It goes out
through the same SMTP sending as the master (:mod:`xlsync.io.mail.transport`),
one message per report, or is written as an .eml file in a dry run.  It goes to
whoever wrote the report, with a copy to every other address of the unit's
«Email» in the plan's «Đơn vị».
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path

from xlsync.core.issues import CannotRun, Issue, make_issue
from xlsync.core.messages import text
from xlsync.io.mail.message import Block, compose_message, mailbox, write_eml
from xlsync.io.mail.settings import SmtpSettings
from xlsync.io.mail.transport import SendResult, send_message
from xlsync.io.plan_source import LoadedPlan
from xlsync.jobs.collect import Arrival, CollectOutcome, check_arrivals, safe_file_name


@dataclass(slots=True)
class Answer:
    arrival: Arrival
    issues: list[Issue]
    message: EmailMessage | None = None
    copy: Path | None = None  # the annotated copy attached
    eml: Path | None = None
    result: SendResult | None = None


@dataclass(slots=True)
class AnswerRun:
    answers: list[Answer] = field(default_factory=list)
    problems: list[Issue] = field(default_factory=list)  # answers that could not be sent


def answer_arrivals(
    outcome: CollectOutcome,
    loaded: LoadedPlan,
    *,
    sender: str,
    work: Path,
    settings: SmtpSettings | None = None,
    eml_folder: Path | None = None,
    lang: str = "vi",
) -> AnswerRun:
    """One answer per report filed: sent with ``settings``, or written into ``eml_folder`` (a dry run)."""
    run = AnswerRun()
    office = loaded.plan.info.sender or loaded.plan.info.issuer
    arrivals = outcome.filed  # in a dry run: those it would file
    check_arrivals(arrivals, loaded)
    for arrival in arrivals:
        issues = arrival.issues or []
        answer = Answer(arrival, issues)
        if any(issue.is_error or issue.is_warning for issue in issues):
            from xlsync.io.feedback import write_feedback_copy  # openpyxl: only when there is something to mark

            folder = work / f"copy-{arrival.uid}-{len(run.answers)}"
            answer.copy = write_feedback_copy(arrival.staged, issues, folder, workbook=arrival.checked.workbook)
        if not answer_recipients(arrival)[0]:
            run.problems.append(make_issue("collect-reply-failed", file=arrival.attachment.name,
                                           unit=arrival.unit.name, detail_vi="-", detail_en="-"))
            continue
        try:
            answer.message = build_answer(arrival, issues, answer.copy, sender=sender, office=office,
                                          period=loaded.plan.info.period, lang=lang)
            if eml_folder is not None:
                name = safe_file_name(f"{arrival.unit.code} {arrival.uid}-{len(run.answers) + 1}.eml")
                answer.eml = write_eml(answer.message, eml_folder / name)
            else:
                answer.result = send_message(answer.message, settings)
        except CannotRun as problem:
            run.problems.append(make_issue("collect-reply-failed", file=arrival.attachment.name, unit=arrival.unit.name,
                                           detail_vi=problem.message("vi"), detail_en=problem.message("en")))
            continue
        run.answers.append(answer)
    return run


def build_answer(arrival: Arrival, issues: list[Issue], copy: Path | None, *, sender: str, office: str,
                 period: str, lang: str = "vi") -> EmailMessage:
    unit = arrival.unit.name
    errors = sum(1 for i in issues if i.is_error)
    warnings = sum(1 for i in issues if i.is_warning)
    received = text("answer-received", lang, office=office, file=arrival.attachment.name,
                    date=arrival.date.strftime("%d/%m/%Y %H:%M"))
    lines = [received]
    if arrival.action == "older":
        lines.append(text("answer-older", lang))
    blocks: list[Block] = [("p", [text("answer-greeting", lang, unit=unit)]), ("p", lines)]
    copy_name = copy.name if copy else ""
    if errors:
        blocks.append(("p", [text("answer-errors", lang, errors=errors, warnings=warnings, copy=copy_name)]))
    elif warnings:
        blocks.append(("p", [text("answer-warnings", lang, warnings=warnings, copy=copy_name)]))
    else:
        blocks.append(("p", [text("answer-no-errors", lang)]))
    listed = [i for i in issues if i.is_error or i.is_warning]
    if listed:
        blocks.append(("ul", [issue_line(i, lang) for i in listed]))
    blocks.append(("p", [text("mail-closing", lang), office]))
    subject = " – ".join(part for part in (text("answer-subject", lang), unit, period) if part)
    to, cc = answer_recipients(arrival)
    return compose_message(sender=named_sender(sender, office), to=to, cc=cc, subject=subject,
                           blocks=blocks, attachments=[copy] if copy else [], lang=lang,
                           in_reply_to=arrival.message_id)


def answer_recipients(arrival: Arrival) -> tuple[list[str], list[str]]:
    """To whoever wrote the report (else the unit's addresses), a copy to the unit's other addresses."""
    unit_addresses = arrival.unit.emails
    to = [arrival.author] if arrival.author else unit_addresses[:1]
    written = {address.lower() for address in to}
    return to, [address for address in unit_addresses if address.lower() not in written]


def issue_line(issue: Issue, lang: str) -> str:
    """``Lỗi – «Báo cáo» D12: ...`` as a line of a message."""
    from xlsync.core.issues import severity_word

    where = " ".join(part for part in (f"«{issue.sheet}»" if issue.sheet else "", issue.cell) if part)
    head = severity_word(issue, lang) + (f" – {where}" if where else "")
    return f"{head}: {issue.message(lang)}"


def named_sender(address: str, office: str) -> Address:
    """The sender's mailbox, named after the office when the address carries no name."""
    box = mailbox(address)
    return box if box.display_name or not office else Address(office, addr_spec=box.addr_spec)
