"""`xlsync collect`: the reports units e-mail back, filed one current report per unit.

The office mailbox is read over IMAP, read-only (:mod:`xlsync.io.mail.imap`).
Every spreadsheet attached to a message, or to a message forwarded inside
it, is read as a report and its unit is taken from the workbook itself,
never from the file name.  The reports folder then holds one current report
per unit, the newest by the message's date; a version replaced by a newer
one, or arriving after it, goes to the sibling folder «<folder> (bản cũ)»:
nothing is overwritten or deleted.  A message already read (its UID, or its
Message-ID) is not read again, so a second run files nothing new.  Every
message that could not be used is a record with its reason, and a row of
the collect log.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from xlsync.core.issues import Issue, make_issue
from xlsync.core.messages import text
from xlsync.core.plan import Unit
from xlsync.io.mail.attachments import (
    DEFAULT_SIZE_LIMIT,
    Attachment,
    attachments,
    outlined_attachments,
    parse_message,
    sender_address,
    whole_message_limit,
)
from xlsync.io.mail.imap import ImapSettings, Mailbox, MessageOutline, message_date, open_mailbox
from xlsync.io.mail.inbox_state import (
    CollectState,
    FiledReport,
    append_collect_log,
    load_state,
    older_folder,
    save_state,
)
from xlsync.io.plan_source import LoadedPlan
from xlsync.jobs.validate import CheckedFile, check_workbooks, load_source, parse_file, sources_from

Action = Literal["filed", "replaced", "older", "same"]
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


@dataclass(slots=True)
class Arrival:
    """One report that came by mail: where from, what it is, and (once filed) where it went."""

    uid: int
    message_id: str
    sender: str
    subject: str
    date: datetime
    attachment: Attachment
    sha256: str
    unit: Unit
    checked: CheckedFile
    staged: Path  # the attachment as written to the run's working folder
    action: Action | None = None
    path: Path | None = None  # where it was filed (None in a dry run or when it was already there)
    replaced: Path | None = None  # the former current report, moved to the older versions
    issues: list[Issue] | None = None  # its records once checked (check_arrivals)

    @property
    def author(self) -> str:
        """Who wrote the report: the forwarded message's sender, else the message's."""
        return self.attachment.author or self.sender


@dataclass(slots=True)
class CollectOutcome:
    folder: Path
    arrivals: list[Arrival] = field(default_factory=list)
    unused: list[Issue] = field(default_factory=list)  # every message or file not used, with its reason
    messages_read: int = 0
    log_rows: list[list[str]] = field(default_factory=list)
    log: Path | None = None
    dry_run: bool = False

    @property
    def filed(self) -> list[Arrival]:
        return [a for a in self.arrivals if a.action in ("filed", "replaced", "older")]


def collect_reports(
    settings: ImapSettings,
    loaded: LoadedPlan,
    folder: str | Path,
    work: Path,
    *,
    since: date | None = None,
    dry_run: bool = False,
    size_limit: int = DEFAULT_SIZE_LIMIT,
    mark_seen: bool = False,
) -> CollectOutcome:
    """Read the new messages, file their reports into ``folder``; ``work`` holds the attachments read.

    A dry run reads everything and says what it would do; it writes nothing
    beside ``work`` (no file filed, no state, no log).
    """
    folder = Path(folder)
    state = load_state(folder)
    outcome = CollectOutcome(folder, dry_run=dry_run)
    seen_ids = set(state.message_ids)
    with open_mailbox(settings, writable=mark_seen and not dry_run) as box:
        key = f"{settings.user}@{settings.host}/{settings.folder}"
        seen = state.seen_uids(key, box.uidvalidity)
        for uid in [uid for uid in box.uids(since) if uid not in seen]:
            message_id = _read_message(box, uid, loaded, work / str(uid), size_limit, seen_ids, outcome)
            seen.add(uid)
            if message_id:
                seen_ids.add(message_id)
            if mark_seen and not dry_run:
                box.mark_seen(uid)
        state.remember_uids(key, box.uidvalidity, seen)
    state.message_ids = sorted(seen_ids)
    _file_arrivals(outcome, state, dry_run)
    if not dry_run:
        save_state(folder, state)
        if outcome.log_rows:
            outcome.log = append_collect_log(folder, outcome.log_rows)
    return outcome


def collect_and_check(settings: ImapSettings, loaded: LoadedPlan, folder: str | Path,
                      **options: object) -> tuple[CollectOutcome, list[Issue]]:
    """Collect, then check each report filed as current; returns the reports' records (the mail not used
    is ``outcome.unused``)."""
    with new_work_folder() as work:
        outcome = collect_reports(settings, loaded, folder, Path(work), **options)  # type: ignore[arg-type]
        current = [arrival for arrival in outcome.filed if arrival.action != "older"]
        check_arrivals(current, loaded)
    return outcome, [issue for arrival in current for issue in arrival.issues or []]


def check_arrivals(arrivals: list[Arrival], loaded: LoadedPlan) -> None:
    """Each report's records as `xlsync validate` gives them for that file alone (``Arrival.issues``).

    The values of all are checked in one pass of the schema (one pass per report would cost ten
    times as much); each is then judged on its own (its period), never against the others: two
    versions from one unit are not two reports for it.
    """
    from xlsync.core.consolidate import judge_sources

    pending = [arrival for arrival in arrivals if arrival.issues is None]
    check_workbooks([arrival.checked for arrival in pending], loaded)
    for arrival in pending:
        judge_sources(sources_from([arrival.checked]), loaded.plan.info.period, loaded.plan.periods)
        arrival.issues = list(arrival.checked.issues)


def _read_message(box: Mailbox, uid: int, loaded: LoadedPlan, work: Path, size_limit: int,
                  seen_ids: set[str], outcome: CollectOutcome) -> str:
    """Read one message; its reports become arrivals, anything unusable a record. Returns its Message-ID.

    Its header and outline come first: a message already read is not downloaded again, and one too
    large to download whole is read part by part (:func:`message_files`).
    """
    outline = box.outline(uid)
    if outline is None:  # deleted by someone else meanwhile
        return ""
    message = parse_message(outline.header)
    message_id = str(message.get("Message-ID", "")).strip()
    if message_id and message_id in seen_ids:
        return message_id  # the same message in this folder twice, or renumbered by the server
    outcome.messages_read += 1
    when = message_date(message.get("Date"), outline.received) or datetime.now().astimezone()
    sender = sender_address(message)
    subject = str(message.get("Subject", ""))
    mail = {"sender": sender or "?", "date": when.strftime("%d/%m/%Y %H:%M"), "subject": subject}

    def unused(code: str, name: str = "", **fields: object) -> None:
        record = make_issue(code, file=name, **mail, **fields)
        outcome.unused.append(record)
        outcome.log_rows.append(_log_row(sender, message_id, name, "", "", record.message_vi))

    files = message_files(box, outline, size_limit)
    spreadsheets = [item for item in files if item.is_spreadsheet]
    if not spreadsheets:
        if files:
            unused("mail-no-spreadsheet", names=", ".join(item.name for item in files))
        else:
            unused("mail-no-attachment")
        return message_id
    for index, item in enumerate(spreadsheets):
        if item.data is None:
            unused("mail-attachment-too-large", item.name, size=_megabytes(item.size), limit=_megabytes(size_limit))
            continue
        staged = _stage(item, work / str(index))
        checked = parse_file(load_source(staged), loaded)
        problem = _not_a_report(checked)
        if problem is not None:
            code, cause = problem
            unused(code, item.name, detail_vi=cause.message_vi, detail_en=cause.message_en)
            continue
        digest = hashlib.sha256(item.data).hexdigest()
        outcome.arrivals.append(Arrival(uid, message_id, sender, subject, when, item, digest,
                                        checked.report.unit, checked, staged))
    return message_id


def message_files(box: Mailbox, outline: MessageOutline, size_limit: int) -> list[Attachment]:
    """The message's files: downloaded whole when it is light enough, else part by part, so a file over
    the limit is named and sized from the outline without a byte of it being downloaded."""
    if outline.size <= whole_message_limit(size_limit):
        fetched = box.fetch(outline.uid)
        return attachments(parse_message(fetched.raw), size_limit) if fetched is not None else []
    return outlined_attachments(outline, lambda sections: box.fetch_sections(outline.uid, sections), size_limit)


def _not_a_report(checked: CheckedFile) -> tuple[str, Issue] | None:
    """Why a file cannot be filed as a unit's report (the record's code, and the reading's own record)."""
    if checked.kind == "unreadable":
        return "mail-attachment-unreadable", checked.issues[0]
    if checked.kind != "report":
        kind = {lang: text(f"collect-kind-{checked.kind}", lang) for lang in ("vi", "en")}
        return "mail-not-a-report", make_issue("not-a-unit-report", kind_vi=kind["vi"], kind_en=kind["en"])
    if checked.report is None or checked.report.unit is None:
        about_unit = [i for i in checked.issues if i.code in ("unknown-unit", "missing-unit-code")]
        return "mail-unknown-unit", (about_unit or [make_issue("missing-unit-code", sheet="")])[0]
    return None


def _stage(item: Attachment, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / safe_file_name(item.name)
    path.write_bytes(item.data or b"")
    return path


def _file_arrivals(outcome: CollectOutcome, state: CollectState, dry_run: bool) -> None:
    """Newest first: a unit's newest report becomes current, the others of the run go straight to the older ones."""
    old = older_folder(outcome.folder)
    for arrival in sorted(outcome.arrivals, key=lambda a: a.date, reverse=True):
        code = arrival.unit.code
        current = state.units.get(code)
        if arrival.sha256 in state.filed:
            arrival.action = "same"
        elif current is None or arrival.date >= datetime.fromisoformat(current.date):
            arrival.action = "replaced" if current is not None else "filed"
            name = safe_file_name(f"{code} {arrival.unit.name}{arrival.attachment.suffix}")
            if not dry_run:
                arrival.replaced = _retire(outcome.folder, old, current, name)
                arrival.path = _copy(arrival.staged, outcome.folder / name, arrival.date)
            state.units[code] = FiledReport(name, arrival.date.isoformat(), arrival.sha256, arrival.sender)
            state.filed.append(arrival.sha256)
        else:
            arrival.action = "older"
            if not dry_run:
                arrival.path = _copy(arrival.staged, _unique(old / _dated(arrival.date, arrival.attachment.name)),
                                     arrival.date)
            state.filed.append(arrival.sha256)
        shown = str(arrival.path or "")
        outcome.log_rows.append(_log_row(arrival.sender, arrival.message_id, arrival.attachment.name,
                                         arrival.sha256, code, _action_text(arrival, shown)))


def _retire(folder: Path, old: Path, current: FiledReport | None, new_name: str) -> Path | None:
    """Move the unit's current report (and a file placed by hand under the new name) to the older versions."""
    moved = None
    for name in dict.fromkeys([current.file if current else "", new_name]):
        path = folder / name
        if name and path.is_file():
            stamp = datetime.fromisoformat(current.date) if current and name == current.file else None
            target = _unique(old / (_dated(stamp, name) if stamp else name))
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(path), target)
            moved = moved or target
    return moved


def _copy(source: Path, target: Path, sent: datetime) -> Path:
    """A copy dated when its message was sent: «Tiến độ nộp» judges a report on time by that date."""
    from xlsync.io.atomic import atomic_path

    with atomic_path(target) as tmp:
        shutil.copyfile(source, tmp)
        os.utime(tmp, (sent.timestamp(), sent.timestamp()))
    return target


def _unique(path: Path) -> Path:
    """``path``, or ``name (2).xlsx``, ``name (3).xlsx``... when it exists: never overwrite."""
    candidate, number = path, 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem} ({number}){path.suffix}")
        number += 1
    return candidate


def _dated(when: datetime, name: str) -> str:
    return safe_file_name(f"{when.strftime('%Y-%m-%d %H%M%S')} {name}")


def safe_file_name(name: str) -> str:
    """A name Windows accepts: no ``\\ / : * ? " < > |`` nor control characters, no trailing dot or space."""
    cleaned = _UNSAFE.sub("_", name).strip().rstrip(". ")
    return cleaned or "bao-cao.xlsx"


def _action_text(arrival: Arrival, shown: str) -> str:
    return text(f"collect-action-{arrival.action}", "vi", path=shown, unit=arrival.unit.name)


def _log_row(sender: str, message_id: str, name: str, digest: str, unit: str, action: str) -> list[str]:
    return [datetime.now().astimezone().isoformat(timespec="seconds"), sender, message_id, name, digest, unit,
            action]


def _megabytes(size: int) -> str:
    from xlsync.core.numbers import format_number

    return format_number(round(size / (1024 * 1024), 1))


def new_work_folder() -> tempfile.TemporaryDirectory:
    """Where the attachments of one run are written to be read (removed with the run)."""
    return tempfile.TemporaryDirectory(prefix="xlsync-collect-")

