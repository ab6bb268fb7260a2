"""`xlsync send`: check the master once more, then email it to the plan's recipients.

What refuses a sending and what does not is the rule of
:mod:`xlsync.core.master.check`.  The message is built from the master's own
consolidation (recomputed from «Theo đơn vị»), so the figures it quotes are
those of the attached workbook.  One message goes to all recipients in one
SMTP transaction, never retried (:mod:`xlsync.io.mail.transport`); every attempt that
reached the server is appended to the send log beside the master.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path
from typing import Mapping, Sequence

from xlsync.core.consolidate import Consolidation, Status
from xlsync.core.issues import CannotRun, Issue
from xlsync.core.master.contents import MasterData, is_master, read_master
from xlsync.core.master.check import blocking_issues, sending_issues
from xlsync.core.master.tables import require_plan
from xlsync.core.plan import Plan
from xlsync.io.mail.log import append_send_log, file_sha256
from xlsync.io.mail.message import SendSummary, build_message, envelope_recipients, mailbox, write_eml
from xlsync.io.mail.settings import ENV_VARIABLES, SmtpSettings
from xlsync.io.mail.transport import SendResult, send_message, unconfirmed_result
from xlsync.io.xlsx_read import read_workbook

logger = logging.getLogger(__name__)

LEFT_OUT = (Status.HAS_ERRORS, Status.DUPLICATE)


@dataclass(slots=True)
class SendOutcome:
    """What ``send_master`` did: refused, wrote a dry run, or sent."""

    master: MasterData
    summary: SendSummary
    issues: list[Issue]  # every problem found in what would be sent
    blocking: list[Issue]  # those that stopped the sending; empty when it went ahead
    message: EmailMessage | None = None
    eml: Path | None = None
    result: SendResult | None = None
    log: Path | None = None
    log_problem: CannotRun | None = None  # the mail went out but the send log could not be written

    @property
    def recipients(self) -> list[str]:
        return envelope_recipients(self.message) if self.message is not None else []

    @property
    def exit_code(self) -> int:
        """0 sent to everyone (or written, for a dry run); 1 refused by the checks or by the server."""
        if self.blocking:
            return 1
        if self.result is not None and not self.result.complete:
            return 1
        return 0


def check_master_for_sending(master_path: str | Path, plan: Plan) -> tuple[MasterData, list[Issue]]:
    """The master as stored, and every problem about what it would send."""
    workbook = read_workbook(master_path)
    if not is_master(workbook):
        raise CannotRun("not-a-master", file=str(master_path))
    master = read_master(workbook, plan)
    require_plan(master, plan, workbook.source)
    return master, sending_issues(workbook, master)


def send_summary(consolidation: Consolidation) -> SendSummary:
    """What the message says about the round, from the master's consolidation."""
    plan = consolidation.plan
    verdicts = [result.achieved for result in consolidation.results]
    return SendSummary(
        period=consolidation.period,
        plan_label=plan.label,
        sender_office=plan.info.sender or plan.info.issuer,
        submitted=consolidation.submitted,
        expected=consolidation.expected,
        indicators_met=verdicts.count(True),
        indicators_not_met=verdicts.count(False),
        indicators_unassessed=verdicts.count(None),
        not_submitted=[s.unit.name for s in consolidation.statuses if s.status is Status.NOT_SUBMITTED],
        left_out=[s.unit.name for s in consolidation.statuses if s.status in LEFT_OUT],
    )


def plan_recipients(plan: Plan) -> list[Address]:
    """The plan's «Nơi nhận» that have an email address."""
    return [Address(r.name, addr_spec=r.email) for r in plan.recipients if r.email]


def recipients_without_email(plan: Plan) -> list[str]:
    return [r.name for r in plan.recipients if not r.email]


def dry_run_sender(mail_from: str | None = None, user: str | None = None,
                   environ: Mapping[str, str] | None = None) -> str:
    """The From address of a dry run: no server needed, only who the message is from.

    As for a real sending: ``--mail-from`` / ``XLSYNC_MAIL_FROM``, else a user
    name that is an address.
    """
    source = os.environ if environ is None else environ
    chosen = mail_from or source.get(ENV_VARIABLES["mail_from"], "").strip()
    if chosen:
        return chosen
    user = user or source.get(ENV_VARIABLES["user"], "").strip()
    if user and _is_address(user):
        return user
    raise CannotRun("smtp-setting-missing", variable=ENV_VARIABLES["mail_from"])


def _is_address(value: str) -> bool:
    try:
        mailbox(value)
    except CannotRun:
        return False
    return True


def send_master(
    master_path: str | Path,
    plan: Plan,
    *,
    settings: SmtpSettings | None = None,
    sender: str | None = None,
    to: Sequence[str] = (),
    cc: Sequence[str] = (),
    subject: str | None = None,
    dry_run: str | Path | None = None,
    allow_warnings: bool = False,
) -> SendOutcome:
    """Check the master, then send it (``settings``) or write it as an .eml (``dry_run``).

    ``to`` replaces the plan's recipients; ``cc`` adds copies.  ``sender``
    (the From address) defaults to ``settings.mail_from``.  Nothing is sent
    when a blocking problem is found: the outcome lists it.
    """
    if dry_run is None and settings is None:
        raise ValueError("send_master needs SMTP settings unless it is a dry run")
    master_path = Path(master_path)
    master, issues = check_master_for_sending(master_path, plan)
    summary = send_summary(master.consolidation)
    outcome = SendOutcome(master, summary, issues, blocking_issues(issues, allow_warnings))
    if outcome.blocking:
        return outcome

    from_address = _from_address(sender or (settings.mail_from if settings else ""), summary.sender_office)
    digest = file_sha256(master_path)  # before reading it into the message: the log names what was sent
    outcome.message = build_message(master_path, summary, sender=from_address,
                                    to=list(to) or plan_recipients(plan), cc=list(cc), subject=subject)
    if dry_run is not None:
        outcome.eml = write_eml(outcome.message, dry_run)
        return outcome

    try:
        outcome.result = send_message(outcome.message, settings)
    except CannotRun as problem:
        if problem.code == "smtp-unconfirmed":
            _log_unconfirmed(master_path, problem, str(outcome.message["Message-ID"]), digest)
        raise
    try:
        outcome.log = append_send_log(master_path, outcome.result, digest)
    except CannotRun as problem:
        outcome.log_problem = problem
    return outcome


def _log_unconfirmed(master_path: Path, problem: CannotRun, message_id: str, digest: str) -> None:
    """Whether the message arrived is unknown: the log must show that it may have."""
    try:
        append_send_log(master_path, unconfirmed_result(problem, message_id), digest)
    except CannotRun as log_problem:  # the warning against sending twice matters more than the log
        logger.warning("Send log not written: %s", log_problem.message("en"))


def _from_address(mail_from: str, office: str) -> Address:
    """The sender's mailbox, named after the office when the address carries no name."""
    address = mailbox(mail_from)
    if address.display_name or not office:
        return address
    return Address(office, addr_spec=address.addr_spec)
