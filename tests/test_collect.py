"""`xlsync collect`: reports e-mailed back, read from a real IMAP server (Dovecot) on loopback.

The messages are put into the mailbox over IMAP APPEND, built with the
email package as mail programs send them: Vietnamese subjects, RFC 2231
and RFC 2047 file names, a forwarded message, two reports in one message,
one unit sending twice (the newer message appended first), an .xls, a
message without attachment, a Word file, an oversized file, a
password-protected workbook, a report of a unit the plan does not know.
"""

from __future__ import annotations

import csv
import email
import imaplib
import json
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import msoffcrypto.format.ooxml
import pytest
from openpyxl import load_workbook

from libreoffice import soffice
from smtp_server import running_server
from xlsync.core.template import REPORT_SHEET
from xlsync.io.mail.attachments import file_name
from xlsync.io.mail.imap import IMAP_ENV_VARIABLES, encode_folder_name
from xlsync.io.mail.inbox_state import collect_log_path, older_folder, state_path
from xlsync.io.mail.settings import ENV_VARIABLES
from xlsync.io.plan_source import load_bundled_plan
from xlsync.jobs.consolidate import consolidate_paths
from xlsync.jobs.demo import run_demo
from xlsync.io.source_files import scan_paths

OFFICE = "vanphong@sontay.example.com"
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
NOW = datetime.now(timezone(timedelta(hours=7)))  # the commune's clock


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """The demo's reports folder: 16 units reported (Thôn 3 with errors), Thôn 7 did not."""
    return run_demo(tmp_path_factory.mktemp("demo")).folder / "bao-cao"


def report(demo: Path, code: str) -> Path:
    return next(demo.glob(f"bao-cao-{code.lower()}-*.xlsx"))


def mail(sender: str, subject: str, files: list[tuple[str, bytes]], sent: datetime, *, body: str = "") -> EmailMessage:
    """A message as a mail program writes it: RFC 2231 names for non-ASCII file names."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = OFFICE
    message["Subject"] = subject
    message["Date"] = format_datetime(sent)
    message["Message-ID"] = make_msgid(domain="sontay.example.com")
    message.set_content(body or "Kính gửi Văn phòng, đơn vị gửi báo cáo đính kèm.\n")
    for name, data in files:
        maintype, subtype = XLSX if name.endswith((".xlsx", ".xls")) else ("application", "octet-stream")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message


def wire(message: EmailMessage) -> bytes:
    return message.as_bytes(policy=policy.SMTP)


def edited(source: Path, target: Path, changes: dict[str, object]) -> bytes:
    """A copy of a report with cells of «Báo cáo» retyped."""
    book = load_workbook(source)
    for cell, value in changes.items():
        book[REPORT_SHEET][cell] = value
    book.save(target)
    return target.read_bytes()


def unit_code_cell(path: Path, code: str) -> str:
    sheet = load_workbook(path, read_only=True)[REPORT_SHEET]
    return next(cell.coordinate for row in sheet.iter_rows() for cell in row if cell.value == code)


def first_number_cell(path: Path) -> str:
    sheet = load_workbook(path)[REPORT_SHEET]
    return next(c.coordinate for row in sheet.iter_rows(min_row=5) for c in row
                if isinstance(c.value, (int, float)) and not isinstance(c.value, bool) and c.column > 3)


def as_xls(source: Path, folder: Path) -> Path:
    """The report saved by LibreOffice as Excel 97–2003, as an old office computer would send it."""
    profile = folder / "profile"
    subprocess.run([soffice(), "--headless", "--norestore", f"-env:UserInstallation={profile.resolve().as_uri()}",
                    "--convert-to", "xls:MS Excel 97", "--outdir", str(folder), str(source)],
                   check=True, capture_output=True, timeout=120)
    return folder / (source.stem + ".xls")


def locked(source: Path, target: Path) -> bytes:
    with open(source, "rb") as plain, open(target, "wb") as out:
        msoffcrypto.format.ooxml.OOXMLFile(plain).encrypt("bi-mat", out)
    return target.read_bytes()


@pytest.fixture(scope="module")
def mailbox_cases(demo: Path, tmp_path_factory) -> dict:
    """Every case, appended to a fresh INBOX of the shared server; what the office should end up with."""
    work = tmp_path_factory.mktemp("cases")
    day = timedelta(days=1)
    messages: list[tuple[str, EmailMessage]] = []
    t01 = report(demo, "T01")
    t01_older = edited(t01, work / "t01-old.xlsx", {first_number_cell(t01): 1})
    # Thôn 1 sends twice; the newer message reaches the mailbox first.
    thon1 = "Thôn 1 <thon01@sontay.example.com>"
    messages.append(("t01-new", mail(thon1, "Báo cáo thi đua năm 2024 – Thôn 1 (bản sửa)",
                                     [("Báo cáo Thôn 1 – bản sửa.xlsx", t01.read_bytes())], NOW - day)))
    messages.append(("t01-old", mail(thon1, "Báo cáo thi đua năm 2024 – Thôn 1",
                                     [("Báo cáo Thôn 1.xlsx", t01_older)], NOW - 3 * day)))
    # Thôn 2's report forwarded by someone else, as an attached message.
    inner = mail("Thôn 2 <thon02@sontay.example.com>", "Báo cáo Thôn 2",
                 [("Báo cáo thôn 2 năm 2024.xlsx", report(demo, "T02").read_bytes())], NOW - 2 * day)
    forward = mail("Bí thư Chi bộ <bithu@sontay.example.com>", "Fwd: Báo cáo Thôn 2", [], NOW - 2 * day,
                   body="Chuyển tiếp báo cáo của Thôn 2.\n")
    forward.add_attachment(inner)
    messages.append(("forward", forward))
    # Two reports in one message; the second file name written the Outlook way (RFC 2047 inside the quotes).
    both = mail("Cụm 2 <cum2@sontay.example.com>", "Báo cáo Thôn 4 và Thôn 5",
                [("Thôn 4.xlsx", report(demo, "T04").read_bytes()), ("x.xlsx", report(demo, "T05").read_bytes())],
                NOW - 2 * day)
    outlook = list(both.iter_attachments())[1]
    del outlook["Content-Disposition"]
    outlook["Content-Disposition"] = 'attachment; filename="=?utf-8?B?VGjDtG4gNS54bHN4?="'
    messages.append(("two", both))
    t06_xls = as_xls(report(demo, "T06"), work)
    messages.append(("xls", mail("thon06@sontay.example.com", "BC thon 6", [("Thôn 6.xls", t06_xls.read_bytes())],
                                 NOW - 2 * day)))
    messages.append(("t03", mail("Thôn 3 <thon03@sontay.example.com>", "Báo cáo Thôn 3",
                                 [("Thôn 3.xlsx", report(demo, "T03").read_bytes())], NOW - 2 * day)))
    others = [path for path in sorted(demo.glob("*.xlsx"))
              if not any(f"-{code}-" in path.name for code in ("t01", "t02", "t03", "t04", "t05", "t06", "tyt"))]
    for path in others:
        messages.append((path.stem, mail("donvi@sontay.example.com", f"Báo cáo {path.stem}",
                                         [(path.name, path.read_bytes())], NOW - 2 * day)))
    # What cannot be used.
    messages.append(("no-attachment", mail("thon08@sontay.example.com", "Thôn 8 sẽ gửi báo cáo sau", [], NOW - day)))
    messages.append(("docx", mail("thon09@sontay.example.com", "Công văn của Thôn 9",
                                  [("Công văn.docx", b"PK\x03\x04 not really a document")], NOW - day)))
    messages.append(("huge", mail("thon10@sontay.example.com", "Báo cáo ảnh chụp",
                                  [("Thôn 10 ảnh.xlsx", b"\x00" * (1536 * 1024))], NOW - day)))
    locked_tyt = locked(report(demo, "TYT"), work / "locked.xlsx")
    messages.append(("locked", mail("tramyte@sontay.example.com", "Báo cáo có mật khẩu",
                                    [("Trạm y tế.xlsx", locked_tyt)], NOW - day)))
    t02 = report(demo, "T02")
    stranger = edited(t02, work / "stranger.xlsx", {unit_code_cell(t02, "T02"): "T99"})
    messages.append(("unknown", mail("la@example.org", "Báo cáo", [("Báo cáo.xlsx", stranger)], NOW - day)))
    return {"messages": messages, "xls": t06_xls, "t01_older": t01_older}


@pytest.fixture
def imap_env(monkeypatch, dovecot):
    for variable in [*IMAP_ENV_VARIABLES.values(), *ENV_VARIABLES.values()]:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("XLSYNC_IMAP_HOST", dovecot.host)
    monkeypatch.setenv("XLSYNC_IMAP_PORT", str(dovecot.port))
    monkeypatch.setenv("XLSYNC_IMAP_USER", dovecot.user)
    monkeypatch.setenv("XLSYNC_IMAP_PASSWORD", dovecot.password)
    monkeypatch.setenv("XLSYNC_IMAP_SECURITY", "none")
    monkeypatch.setenv("XLSYNC_MAIL_FROM", OFFICE)
    return dovecot


class FetchLog:
    """Every UID FETCH collect sends, by UID: what it asked for and how many bytes came back."""

    def __init__(self) -> None:
        self.asked: dict[int, list[str]] = {}
        self.received: dict[int, int] = {}

    def install(self, monkeypatch) -> FetchLog:
        original = imaplib.IMAP4.uid

        def uid(client, command, *args):
            status, data = original(client, command, *args)
            if command.upper() == "FETCH":
                number = int(args[0])
                self.asked.setdefault(number, []).append(args[1])
                self.received[number] = self.received.get(number, 0) + sum(
                    len(item[1]) for item in data if isinstance(item, tuple))
            return status, data

        monkeypatch.setattr(imaplib.IMAP4, "uid", uid)
        return self

    def downloaded_whole(self, uid: int) -> bool:
        return any("BODY.PEEK[]" in items for items in self.asked.get(uid, []))


@pytest.fixture(scope="module")
def first_run(mailbox_cases, dovecot, demo, tmp_path_factory):
    """Every case in the INBOX, then `xlsync collect --reply --max-size 1`, answers to a loopback SMTP server."""
    from click.testing import CliRunner

    from xlsync.cli import main

    dovecot.clear()
    uids = {name: dovecot.append(wire(message)) for name, message in mailbox_cases["messages"]}
    office = tmp_path_factory.mktemp("office")
    environment = {
        "XLSYNC_IMAP_HOST": dovecot.host, "XLSYNC_IMAP_PORT": str(dovecot.port), "XLSYNC_IMAP_USER": dovecot.user,
        "XLSYNC_IMAP_PASSWORD": dovecot.password, "XLSYNC_IMAP_SECURITY": "none", "XLSYNC_MAIL_FROM": OFFICE,
        "XLSYNC_LANG": "vi", "COLUMNS": "400",  # record codes on one line each
    }
    with running_server() as smtp, pytest.MonkeyPatch.context() as patch:
        fetches = FetchLog().install(patch)
        environment.update({"XLSYNC_SMTP_HOST": smtp.host, "XLSYNC_SMTP_PORT": str(smtp.port),
                            "XLSYNC_SMTP_SECURITY": "none"})
        result = CliRunner().invoke(main, ["collect", "--out", str(office / "bao-cao"), "--reply", "--max-size", "1"],
                                    env=environment, catch_exceptions=False)
    return {"result": result, "folder": office / "bao-cao", "answers": smtp.handler.messages, "uids": uids,
            "env": environment, "cases": mailbox_cases, "fetches": fetches}


def test_one_current_report_per_unit_is_filed_and_the_older_version_kept(first_run, demo):
    folder = first_run["folder"]
    filed = sorted(path.name for path in folder.iterdir())
    assert filed == sorted([
        "HTX1 HTX Nông nghiệp Sơn Tây.xlsx", "HTX2 HTX Chè Sơn Tây.xlsx", "MN Trường Mầm non Sơn Tây.xlsx",
        "T01 Thôn 1.xlsx", "T02 Thôn 2.xlsx", "T03 Thôn 3.xlsx", "T04 Thôn 4.xlsx", "T05 Thôn 5.xlsx",
        "T06 Thôn 6.xls", "T08 Thôn 8.xlsx", "T09 Thôn 9.xlsx", "T10 Thôn 10.xlsx",
        "TH Trường Tiểu học Sơn Tây.xlsx", "THCS Trường THCS Sơn Tây.xlsx", "UBND UBND xã Sơn Tây.xlsx",
    ])  # TYT's only report was password-protected: not filed
    # Thôn 1: the newer message's report is current, though it reached the mailbox first.
    assert (folder / "T01 Thôn 1.xlsx").read_bytes() == report(demo, "T01").read_bytes()
    # Dated when it was sent, not when it was collected: «Tiến độ nộp» judges the deadline by it.
    sent = (NOW - timedelta(days=1)).replace(microsecond=0).timestamp()
    assert (folder / "T01 Thôn 1.xlsx").stat().st_mtime == sent
    [older] = older_folder(folder).iterdir()
    assert older.name == (NOW - timedelta(days=3)).strftime("%Y-%m-%d %H%M%S") + " Báo cáo Thôn 1.xlsx"
    assert older.read_bytes() == first_run["cases"]["t01_older"]
    assert older.stat().st_mtime == (NOW - timedelta(days=3)).replace(microsecond=0).timestamp()
    assert (folder / "T06 Thôn 6.xls").read_bytes() == first_run["cases"]["xls"].read_bytes()
    assert (folder / "T02 Thôn 2.xlsx").read_bytes() == report(demo, "T02").read_bytes()  # from the forwarded one
    assert (folder / "T05 Thôn 5.xlsx").read_bytes() == report(demo, "T05").read_bytes()  # RFC 2047 name


def test_every_message_not_used_is_listed_with_its_reason(first_run):
    result = first_run["result"]
    assert result.exit_code == 1, result.stdout + result.stderr
    out = " ".join(result.stdout.split())
    for code in ("mail-no-attachment", "mail-no-spreadsheet", "mail-attachment-too-large",
                 "mail-attachment-unreadable", "mail-unknown-unit"):
        assert code in out
    rows = list(csv.DictReader(collect_log_path(first_run["folder"]).read_text(encoding="utf-8-sig").splitlines()))
    not_used = [row for row in rows if not row["Đơn vị"]]
    assert {row["Người gửi"] for row in not_used} == {
        "thon08@sontay.example.com", "thon09@sontay.example.com", "thon10@sontay.example.com",
        "tramyte@sontay.example.com", "la@example.org"}
    reasons = {row["Người gửi"]: row["Việc đã làm"] for row in not_used}
    assert reasons["thon08@sontay.example.com"].endswith("không có tệp đính kèm; không có báo cáo nào để nhận.")
    assert reasons["thon09@sontay.example.com"].endswith("chỉ có: Công văn.docx.")
    assert reasons["thon10@sontay.example.com"].startswith("Tệp «Thôn 10 ảnh.xlsx» trong thư của thon10")
    assert "nặng 1,5 MB, quá giới hạn 1 MB" in reasons["thon10@sontay.example.com"]
    assert "mật khẩu" in reasons["tramyte@sontay.example.com"]
    assert reasons["la@example.org"].endswith("đơn vị «T99» không có trong kế hoạch.")
    filed = [row for row in rows if row["Đơn vị"]]
    assert len(filed) == 16 and all(len(row["SHA-256"]) == 64 and row["Message-ID"] for row in filed)
    older = next(row for row in filed if row["Tệp"] == "Báo cáo Thôn 1.xlsx")
    assert older["Việc đã làm"].startswith("Cũ hơn báo cáo hiện hành của Thôn 1")


def test_the_huge_attachment_is_listed_without_being_downloaded(first_run):
    fetches, uids = first_run["fetches"], first_run["uids"]
    huge = uids["huge"]
    assert not fetches.downloaded_whole(huge)
    assert fetches.received[huge] < 4096  # its header and the MIME header of each part, not its 1,5 MB
    assert fetches.downloaded_whole(uids["t03"])  # a message of ordinary size is read in one go
    rows = list(csv.DictReader(collect_log_path(first_run["folder"]).read_text(encoding="utf-8-sig").splitlines()))
    [listed] = [row for row in rows if row["Người gửi"] == "thon10@sontay.example.com"]
    assert listed["Tệp"] == "Thôn 10 ảnh.xlsx"
    assert "nặng 1,5 MB, quá giới hạn 1 MB" in listed["Việc đã làm"]


def test_the_mailbox_is_only_read(first_run, dovecot):
    assert set(dovecot.flags()) == set(first_run["uids"].values())
    assert not any(b"Seen" in flags or b"Deleted" in flags for flags in dovecot.flags().values())


def test_each_filed_report_gets_one_answer_with_the_annotated_copy_when_it_has_errors(first_run):
    answers = [email.message_from_bytes(m.content, policy=policy.default) for m in first_run["answers"]]
    assert len(answers) == 16  # one per report filed, the older Thôn 1 version included
    by_unit = {}
    for answer in answers:
        by_unit.setdefault(answer["Subject"].split(" – ")[1], []).append(answer)
    t03 = by_unit["Thôn 3"][0]
    assert str(t03["To"]) == "thon03@sontay.example.com"
    assert t03["In-Reply-To"].startswith("<")
    body = t03.get_body(("plain",)).get_content()
    assert "Báo cáo còn" in body and "lỗi" in body
    [copy] = list(t03.iter_attachments())
    assert file_name(copy) == "Thôn 3.kiem-tra.xlsx"
    t02 = by_unit["Thôn 2"][0]
    assert str(t02["To"]) == "thon02@sontay.example.com"  # who wrote the forwarded report, not who forwarded it
    t04 = by_unit["Thôn 4"][0]
    assert "Báo cáo không có lỗi" in t04.get_body(("plain",)).get_content()
    assert list(t04.iter_attachments()) == []
    assert len(by_unit["Thôn 1"]) == 2


def test_a_second_run_files_nothing(first_run, dovecot):
    from click.testing import CliRunner

    from xlsync.cli import main

    folder = first_run["folder"]
    before = sorted((p.name, p.stat().st_mtime_ns) for p in folder.iterdir())
    result = CliRunner().invoke(main, ["collect", "--out", str(folder), "--max-size", "1"], env=first_run["env"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "Đã đọc 0 thư mới: lưu 0 báo cáo, 0 thư hoặc tệp không dùng được." in result.stdout
    assert sorted((p.name, p.stat().st_mtime_ns) for p in folder.iterdir()) == before
    state = json.loads(state_path(folder).read_text(encoding="utf-8"))
    [(key, mailbox)] = state["mailboxes"].items()
    assert key == f"{dovecot.user}@127.0.0.1/INBOX" and mailbox["uidvalidity"] > 0
    assert mailbox["uids"] == sorted(first_run["uids"].values())


def test_consolidating_the_collected_folder_gives_the_master_of_hand_placed_files(first_run, demo, tmp_path):
    hand = tmp_path / "bao-cao"
    shutil.copytree(demo, hand)
    report(hand, "T06").unlink()
    shutil.copyfile(first_run["cases"]["xls"], hand / "bao-cao-t06-thon-6.xls")
    report(hand, "TYT").unlink()  # its only mail was password-protected
    loaded = load_bundled_plan()
    by_hand = consolidate_paths(scan_paths([hand]).files, loaded, tmp_path / "hand.xlsx")
    collected = consolidate_paths(scan_paths([first_run["folder"]]).files, loaded, tmp_path / "collected.xlsx")
    assert [(s.unit.code, s.status) for s in collected.statuses] == [(s.unit.code, s.status) for s in by_hand.statuses]
    assert collected.values.equals(by_hand.values)
    assert [(r.actual, r.achieved) for r in collected.results] == [(r.actual, r.achieved) for r in by_hand.results]


def test_an_outline_with_literals_is_read_as_the_server_sent_it():
    """A server may send a name with 8-bit characters as a literal, inside BODYSTRUCTURE; imaplib splits there."""
    from xlsync.io.mail.imap_structure import PartOutline, fetch_items, leaf_parts, parse_response, response_bytes

    data = [
        (b'3 (UID 7 RFC822.SIZE 9000 BODYSTRUCTURE (("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 10 1 NIL '
         b'NIL NIL NIL)("application" "vnd.ms-excel" ("name" {8}', "Báo.xls".encode()),
        (b') NIL NIL "base64" 4000 NIL ("attachment" NIL) NIL NIL)("message" "rfc822" NIL NIL NIL "7bit" 900 '
         b'(NIL "Fwd" (("Th\\"o\\\\n 2" NIL "thon02" "x.vn")) NIL NIL NIL NIL NIL NIL NIL) ("application" "octet-stream" '
         b'NIL NIL NIL "base64" 300 NIL NIL NIL NIL) 12 NIL NIL NIL NIL) "mixed" ("boundary" "b") NIL NIL NIL) '
         b'BODY[HEADER] {12}', b"Subject: x\r\n"),
        b")",
    ]
    items = fetch_items(parse_response(response_bytes(data)), 7)
    assert items["RFC822.SIZE"] == b"9000" and items["BODY[HEADER]"] == b"Subject: x\r\n"
    assert leaf_parts(items["BODYSTRUCTURE"]) == [
        PartOutline("1", "text/plain", "7bit", 10), PartOutline("2", "application/vnd.ms-excel", "base64", 4000),
        PartOutline("3.1", "application/octet-stream", "base64", 300, "thon02@x.vn")]


def test_folder_names_are_sent_in_modified_utf7():
    assert encode_folder_name("INBOX") == "INBOX"
    assert encode_folder_name("Báo cáo") == "B&AOE-o c&AOE-o"
    assert encode_folder_name("A&B") == "A&-B"


# --- one folder of its own per test below, so the first run's INBOX stays as it was --------------


def collect_cli(cli, folder: str, *options: str):
    return cli("collect", "--out", "bao-cao", "--folder", folder, *options)


def test_a_newer_report_in_a_later_run_replaces_the_current_one_which_is_kept(cli, imap_env, demo, tmp_path):
    folder = "Báo cáo đến"  # a folder named in Vietnamese, as the office's mail program shows it
    t01 = report(demo, "T01")
    first = mail("thon01@sontay.example.com", "Báo cáo Thôn 1", [("Thôn 1.xlsx", t01.read_bytes())],
                 NOW - timedelta(days=2))
    imap_env.append(wire(first), encode_folder_name(folder))
    imap_env.append(wire(first), encode_folder_name(folder))  # the same message twice (a copy kept by a rule)
    code, out, err = collect_cli(cli, folder)
    assert code == 0, out + err
    assert "Đã đọc 1 thư mới: lưu 1 báo cáo, 0 thư hoặc tệp không dùng được." in out

    corrected = edited(t01, tmp_path / "t01-sua.xlsx", {first_number_cell(t01): 7})
    second = mail("thon01@sontay.example.com", "Báo cáo Thôn 1 (sửa)", [("Thôn 1 sửa.xlsx", corrected)], NOW)
    imap_env.append(wire(second), encode_folder_name(folder))
    code, out, err = collect_cli(cli, folder)
    assert code == 0, out + err
    reports = tmp_path / "bao-cao"
    assert [p.name for p in reports.iterdir()] == ["T01 Thôn 1.xlsx"]
    assert (reports / "T01 Thôn 1.xlsx").read_bytes() == corrected
    [kept] = older_folder(reports).iterdir()
    assert kept.name == (NOW - timedelta(days=2)).strftime("%Y-%m-%d %H%M%S") + " T01 Thôn 1.xlsx"
    assert kept.read_bytes() == t01.read_bytes()


def test_a_dry_run_files_nothing_and_writes_the_answers_as_eml(cli, imap_env, demo, tmp_path):
    folder = "Thử"
    imap_env.append(wire(mail("Thôn 3 <thon03@sontay.example.com>", "Báo cáo Thôn 3",
                              [("Thôn 3.xlsx", report(demo, "T03").read_bytes())], NOW)), encode_folder_name(folder))
    code, out, err = collect_cli(cli, folder, "--dry-run", "--reply")
    assert code == 0, out + err
    assert "(chạy thử) Thôn 3: sẽ lưu «Thôn 3.xlsx» từ thon03@sontay.example.com" in out
    assert not (tmp_path / "bao-cao").exists()
    assert not collect_log_path(tmp_path / "bao-cao").exists()
    [eml] = (tmp_path / "bao-cao (thư trả lời)").iterdir()
    answer = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert str(answer["To"]) == "thon03@sontay.example.com"
    assert [file_name(part) for part in answer.iter_attachments()] == ["Thôn 3.kiem-tra.xlsx"]
    code, out, err = collect_cli(cli, folder, "--dry-run")  # a dry run remembers nothing either
    assert "Đã đọc 1 thư mới" in out


def test_the_answer_is_written_in_english_when_asked(cli, imap_env, demo, tmp_path):
    folder = "English"
    imap_env.append(wire(mail("Thôn 4 <thon04@sontay.example.com>", "Báo cáo Thôn 4",
                              [("Thôn 4.xlsx", report(demo, "T04").read_bytes())], NOW)), folder)
    code, out, err = collect_cli(cli, folder, "--dry-run", "--reply", "--lang", "en")
    assert code == 0, out + err
    [eml] = (tmp_path / "bao-cao (thư trả lời)").iterdir()
    answer = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert answer["Subject"] == "Report received – Thôn 4 – Năm 2024"
    lines = answer.get_body(("plain",)).get_content().splitlines()
    assert lines[:2] == ["To: Thôn 4,", ""]
    assert lines[2].endswith(f"has received the report 'Thôn 4.xlsx' sent on {NOW.strftime('%d/%m/%Y %H:%M')}.")
    assert "The report has no errors. Thank you." in lines


def test_the_answer_goes_to_the_sender_with_a_copy_to_the_units_other_addresses(cli, imap_env, demo, tmp_path):
    from xlsync.core.plan import Sheets
    from xlsync.io.plan_xlsx import write_plan_workbook

    plan_path = write_plan_workbook(load_bundled_plan().plan, tmp_path / "ke-hoach.xlsx")
    book = load_workbook(plan_path)
    email_cell = next(cell for row in book[Sheets.UNITS].iter_rows() for cell in row
                      if cell.value == "thon04@sontay.example.com")
    email_cell.value = "thon04@sontay.example.com, truongthon4@sontay.example.com; bithu4@sontay.example.com"
    book.save(plan_path)
    folder = "Hai địa chỉ"
    imap_env.append(wire(mail("Thôn 4 <thon04@sontay.example.com>", "Báo cáo Thôn 4",
                              [("Thôn 4.xlsx", report(demo, "T04").read_bytes())], NOW)), encode_folder_name(folder))
    code, out, err = collect_cli(cli, folder, "--plan", str(plan_path), "--dry-run", "--reply")
    assert code == 0, out + err
    [eml] = (tmp_path / "bao-cao (thư trả lời)").iterdir()
    answer = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert str(answer["To"]) == "thon04@sontay.example.com"
    assert str(answer["Cc"]) == "truongthon4@sontay.example.com, bithu4@sontay.example.com"


def test_a_message_too_large_to_download_is_read_part_by_part(cli, imap_env, demo, tmp_path, monkeypatch):
    """A photo over the limit beside a report and a forwarded report: both reports filed, the photo never read."""
    folder = "Thư nặng"
    inner = mail("Thôn 8 <thon08@sontay.example.com>", "Báo cáo Thôn 8",
                 [("Báo cáo Thôn 8.xlsx", report(demo, "T08").read_bytes())], NOW - timedelta(hours=2))
    heavy = mail("Bí thư Chi bộ <bithu@sontay.example.com>", "Báo cáo Thôn 4 kèm ảnh và báo cáo Thôn 8",
                 [("Thôn 4.xlsx", report(demo, "T04").read_bytes()), ("Ảnh hội nghị.jpg", bytes(range(256)) * 6144)],
                 NOW - timedelta(hours=1))
    heavy.add_attachment(inner)
    heavy.set_payload(heavy.get_payload()[1:])  # no text: the report is the first part, as some programs send it
    uid = imap_env.append(wire(heavy), encode_folder_name(folder))
    fetches = FetchLog().install(monkeypatch)
    with running_server() as smtp:
        monkeypatch.setenv("XLSYNC_SMTP_HOST", smtp.host)
        monkeypatch.setenv("XLSYNC_SMTP_PORT", str(smtp.port))
        monkeypatch.setenv("XLSYNC_SMTP_SECURITY", "none")
        code, out, err = collect_cli(cli, folder, "--max-size", "1", "--reply")
    assert code == 0, out + err
    assert not fetches.downloaded_whole(uid)
    assert fetches.received[uid] < 200 * 1024  # the two reports and the headers, not the 1,5 MB photo
    reports = tmp_path / "bao-cao"
    assert sorted(p.name for p in reports.iterdir()) == ["T04 Thôn 4.xlsx", "T08 Thôn 8.xlsx"]
    assert (reports / "T04 Thôn 4.xlsx").read_bytes() == report(demo, "T04").read_bytes()
    assert (reports / "T08 Thôn 8.xlsx").read_bytes() == report(demo, "T08").read_bytes()
    answers = [email.message_from_bytes(m.content, policy=policy.default) for m in smtp.handler.messages]
    assert sorted(str(answer["To"]) for answer in answers) == ["bithu@sontay.example.com", "thon08@sontay.example.com"]


def test_a_message_that_is_one_oversized_file_is_named_from_its_own_header(cli, imap_env, monkeypatch):
    folder = "Một tệp"
    whole = EmailMessage()
    whole["From"], whole["To"], whole["Subject"] = "thon09@sontay.example.com", OFFICE, "Báo cáo"
    whole["Message-ID"] = make_msgid(domain="sontay.example.com")
    whole.set_content(b"\x01" * (1536 * 1024), maintype=XLSX[0], subtype=XLSX[1], filename="Thôn 9 – ảnh.xlsx")
    uid = imap_env.append(wire(whole), encode_folder_name(folder))
    fetches = FetchLog().install(monkeypatch)
    code, out, err = collect_cli(cli, folder, "--max-size", "1")
    assert code == 1, out + err
    assert not fetches.downloaded_whole(uid) and fetches.received[uid] < 4096
    assert "mail-attachment-too-large" in " ".join(out.split())
    rows = list(csv.DictReader(collect_log_path(Path("bao-cao")).read_text(encoding="utf-8-sig").splitlines()))
    assert [(row["Tệp"], row["Người gửi"]) for row in rows] == [("Thôn 9 – ảnh.xlsx", "thon09@sontay.example.com")]
    assert "nặng 1,5 MB, quá giới hạn 1 MB" in rows[0]["Việc đã làm"]


def test_a_wrong_password_cannot_run(cli, imap_env, monkeypatch):
    monkeypatch.setenv("XLSYNC_IMAP_PASSWORD", "sai-mat-khau")
    code, out, err = collect_cli(cli, "INBOX")
    assert code == 2
    assert f"Máy chủ thư 127.0.0.1 không cho tài khoản «{imap_env.user}» đăng nhập" in err
    assert "sai-mat-khau" not in out + err


def test_since_leaves_older_mail_for_later_and_mark_seen_flags_what_was_read(cli, imap_env, demo, tmp_path):
    folder = "Từ ngày"
    month_ago = NOW - timedelta(days=30)
    old = mail("thon04@sontay.example.com", "Báo cáo Thôn 4", [("Thôn 4.xlsx", report(demo, "T04").read_bytes())],
               month_ago)
    new = mail("thon05@sontay.example.com", "Báo cáo Thôn 5", [("Thôn 5.xlsx", report(demo, "T05").read_bytes())], NOW)
    old_uid = imap_env.append(wire(old), encode_folder_name(folder), when=month_ago.timestamp())
    new_uid = imap_env.append(wire(new), encode_folder_name(folder))
    since = (NOW - timedelta(days=7)).strftime("%d/%m/%Y")
    code, out, err = collect_cli(cli, folder, "--since", since, "--mark-seen")
    assert code == 0, out + err
    assert [p.name for p in (tmp_path / "bao-cao").iterdir()] == ["T05 Thôn 5.xlsx"]
    flags = imap_env.flags(encode_folder_name(folder))
    assert b"\\Seen" in flags[new_uid] and b"\\Seen" not in flags[old_uid]
    code, out, err = collect_cli(cli, folder)  # without --since: the older message is read now
    assert sorted(p.name for p in (tmp_path / "bao-cao").iterdir()) == ["T04 Thôn 4.xlsx", "T05 Thôn 5.xlsx"]


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_the_mailbox_is_read_over_tls_trusting_the_certificate_named(cli, imap_env, demo, tmp_path, monkeypatch,
                                                                      security):
    folder = f"TLS-{security}"
    imap_env.append(wire(mail("thon06@sontay.example.com", "Báo cáo Thôn 6",
                              [("Thôn 6.xlsx", report(demo, "T06").read_bytes())], NOW)), folder)
    monkeypatch.setenv("XLSYNC_IMAP_SECURITY", security)
    monkeypatch.setenv("XLSYNC_IMAP_PORT", str(imap_env.ssl_port if security == "ssl" else imap_env.port))
    code, out, err = collect_cli(cli, folder)
    assert code == 2  # the self-signed certificate is not trusted by default
    assert "Không lập được kết nối bảo mật tới máy chủ thư 127.0.0.1" in err
    monkeypatch.setenv("XLSYNC_IMAP_CAFILE", str(imap_env.cafile))
    code, out, err = collect_cli(cli, folder)
    assert code == 0, out + err
    assert [p.name for p in (tmp_path / "bao-cao").iterdir()] == ["T06 Thôn 6.xlsx"]


def test_a_folder_that_does_not_exist_cannot_run(cli, imap_env):
    code, out, err = collect_cli(cli, "Không có thư mục này")
    assert code == 2
    assert "Không mở được thư mục «Không có thư mục này» của hộp thư trên 127.0.0.1" in err
