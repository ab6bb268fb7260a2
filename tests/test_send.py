"""`xlsync send`: the master re-checked, then emailed to the plan's recipients over a loopback SMTP server."""

from __future__ import annotations

import csv
import email
import hashlib
import shutil
from email import policy
from email.header import decode_header, make_header
from email.utils import getaddresses
from pathlib import Path

import pytest
from openpyxl import load_workbook

from smtp_server import HOST, OneAccount, RecordingHandler, make_certificate, running_server
from xlsync.core.master.contents import MasterSheets
from xlsync.io.mail.log import SEND_LOG_COLUMNS, send_log_path
from xlsync.io.mail.settings import ENV_VARIABLES
from xlsync.io.master.read import read_master_file
from xlsync.jobs.demo import run_demo
from xlsync.jobs.send import check_master_for_sending

SENDER = "vanphong@sontay.example.com"
OFFICE = "Văn phòng UBND xã Sơn Tây"  # the bundled plan's «Đơn vị gửi»
USER, PASSWORD = "vanphong@sontay.example.com", "Kh0ng-ai-biet!42"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REFUSED = "Chưa gửi: sổ tổng hợp có"


@pytest.fixture(scope="module")
def demo_master(tmp_path_factory) -> Path:
    return run_demo(tmp_path_factory.mktemp("demo")).master


@pytest.fixture
def master(demo_master: Path, tmp_path: Path) -> Path:
    """A copy of the demo master (its send log is written beside it)."""
    target = tmp_path / "tong-hop.xlsx"
    shutil.copyfile(demo_master, target)
    return target


@pytest.fixture
def smtp_env(monkeypatch):
    """Point the XLSYNC_SMTP_* variables at a loopback server; nothing from the real environment leaks in."""
    for variable in ENV_VARIABLES.values():
        monkeypatch.delenv(variable, raising=False)

    def configure(port: int, security: str = "none", **more: str) -> None:
        monkeypatch.setenv("XLSYNC_SMTP_HOST", HOST)
        monkeypatch.setenv("XLSYNC_SMTP_PORT", str(port))
        monkeypatch.setenv("XLSYNC_SMTP_SECURITY", security)
        monkeypatch.setenv("XLSYNC_MAIL_FROM", SENDER)
        for name, value in more.items():
            monkeypatch.setenv(ENV_VARIABLES[name], value)

    return configure


def edit(path: Path, changes: dict[tuple[str, str], object]) -> None:
    """Change cells as a person would in Excel (openpyxl keeps the other sheets as they are)."""
    book = load_workbook(path)
    for (sheet, cell), value in changes.items():
        book[sheet][cell] = value
    book.save(path)


def parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=policy.default)


def mailboxes(raw: bytes, header: str) -> list[tuple[str, str]]:
    """(display name, address) as an RFC 2047 reader gets them: split first, then decode each name."""
    legacy = email.message_from_bytes(raw)
    return [(str(make_header(decode_header(name))), address) for name, address in getaddresses(legacy.get_all(header))]


def plain_text(msg: email.message.EmailMessage) -> str:
    return msg.get_body(("plain",)).get_content().replace("\r\n", "\n")


def log_rows(master: Path) -> list[list[str]]:
    return list(csv.reader(send_log_path(master).read_text(encoding="utf-8-sig").splitlines()))


# --- the demo master goes out ------------------------------------------------


def test_demo_master_is_delivered_once_to_every_plan_recipient(cli, master, plan, smtp_env):
    recipients = [(r.name, r.email) for r in plan.recipients]
    addresses = [address for _, address in recipients]
    assert len(addresses) == 9
    with running_server() as server:
        smtp_env(server.port)
        code, out, err = cli("send", master)

    assert code == 0, out + err
    [received] = server.handler.messages  # one message, one RCPT per recipient
    assert received.rcpt_tos == addresses
    assert received.mail_from == SENDER
    message = parse(received.content)
    assert mailboxes(received.content, "To") == recipients
    assert mailboxes(received.content, "From") == [(OFFICE, SENDER)]
    assert message["Subject"] == "Báo cáo kết quả thực hiện chỉ tiêu thi đua – Năm 2024 – " + OFFICE
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == XLSX_TYPE
    assert attachment.get_filename() == "tong-hop.xlsx"
    assert attachment.get_content() == master.read_bytes()

    body = plain_text(message)
    assert "- Kỳ báo cáo: Năm 2024\n" in body
    assert "- Tiến độ nộp báo cáo: 16/17 đơn vị (94,1%)\n" in body
    assert "- Số chỉ tiêu đạt: 14\n- Số chỉ tiêu chưa đạt: 10\n" in body
    assert "Số liệu tổng hợp chưa đầy đủ.\nĐơn vị chưa nộp báo cáo (1): Thôn 7.\n" in body
    assert "Đơn vị có báo cáo còn lỗi, chưa được cộng vào tổng hợp (1): Thôn 3.\n" in body
    assert "<li>Số chỉ tiêu chưa đạt: 10</li>" in message.get_body(("html",)).get_content()

    # The terminal says what was incomplete and who received it.
    assert "Lưu ý: mới có 16/17 đơn vị nộp báo cáo, 15 đơn vị được tổng hợp" in out
    assert "Chưa nộp: Thôn 7." in out
    assert "Chưa được tổng hợp (có lỗi hoặc trùng): Thôn 3." in out
    assert f"Đã gửi tới (9): {', '.join(addresses)}." in out
    assert "từ chối" not in out


def test_each_sending_is_logged_with_the_attachment_digest(cli, master, smtp_env):
    digest = hashlib.sha256(master.read_bytes()).hexdigest()
    with running_server() as server:
        smtp_env(server.port)
        assert cli("send", master)[0] == 0
        assert cli("send", master)[0] == 0

    rows = log_rows(master)
    assert rows[0] == list(SEND_LOG_COLUMNS)
    assert len(rows) == 3
    ids = [parse(m.content)["Message-ID"] for m in server.handler.messages]
    for row, message_id, received in zip(rows[1:], ids, server.handler.messages):
        assert row[1:] == [message_id, digest, "; ".join(received.rcpt_tos), ""]
    assert ids[0] != ids[1]


def test_to_replaces_the_plan_recipients_and_cc_adds_copies(cli, master, smtp_env):
    with running_server() as server:
        smtp_env(server.port)
        code, out, _ = cli("send", master, "--to", "Huyện <huyen@huongson.example.com>",
                           "--cc", "luu@sontay.example.com", "--subject", "V/v báo cáo thi đua 2024")
    assert code == 0
    [received] = server.handler.messages
    assert received.rcpt_tos == ["huyen@huongson.example.com", "luu@sontay.example.com"]
    assert mailboxes(received.content, "To") == [("Huyện", "huyen@huongson.example.com")]
    assert mailboxes(received.content, "Cc") == [("", "luu@sontay.example.com")]
    assert parse(received.content)["Subject"] == "V/v báo cáo thi đua 2024"
    assert "Đã gửi tới (2)" in out


def test_starttls_and_login_from_the_environment_never_show_the_password(cli, master, smtp_env, tmp_path):
    certificate = make_certificate(tmp_path)
    account = OneAccount(USER, PASSWORD)
    options = {"tls_context": certificate.server_context(), "require_starttls": True,
               "authenticator": account, "auth_required": True}
    with running_server(**options) as server:
        smtp_env(server.port, "starttls", user=USER, password=PASSWORD, cafile=str(certificate.cert_path))
        code, out, err = cli("send", master)

    assert code == 0, out + err
    [received] = server.handler.messages
    assert received.over_tls and received.authenticated
    assert [attempt[1:] for attempt in account.attempts] == [(USER, True)]
    assert PASSWORD not in out + err + send_log_path(master).read_text(encoding="utf-8-sig")


# --- what refuses the sending --------------------------------------------------


def test_the_demo_cells_used_below_are_where_the_tests_expect_them(master, plan):
    data = read_master_file(master, plan)
    cells = data.value_cells
    assert (cells[("T01", "DAN_SO")], cells[("T01", "SO_HO")], cells[("T01", "HO_NGHEO")]) == ("C7", "D7", "E7")
    assert cells[("UBND", "THU_NGAN_SACH")] == "AA6"
    codes = {r.indicator.code: r.actual for r in data.consolidation.results}
    assert (codes["KT01"], codes["KT03"], codes["KT04"]) == (336.5262, 7.42, True)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            {(MasterSheets.BY_UNIT, "E7"): 300},  # Thôn 1: more poor households (300) than households (245)
            [("numerator-exceeds-denominator", "Theo đơn vị", "E7"), ("master-actual-stale", "Tổng hợp", "G25"),
             ("master-actual-stale", "Tổng hợp", "G29")],
            id="part-exceeds-whole",
        ),
        pytest.param(
            {(MasterSheets.BY_UNIT, "C7"): -906},
            [("negative-value", "Theo đơn vị", "C7"), ("numerator-exceeds-denominator", "Theo đơn vị", "K7"),
             ("master-actual-stale", "Tổng hợp", "G10"), ("master-actual-stale", "Tổng hợp", "G21")],
            id="negative",
        ),
        pytest.param(
            {(MasterSheets.BY_UNIT, "C7"): None},
            [("missing-cell", "Theo đơn vị", "C7"), ("master-actual-stale", "Tổng hợp", "G10"),
             ("master-actual-stale", "Tổng hợp", "G21")],
            id="cleared",
        ),
        pytest.param({(MasterSheets.SUMMARY, "G9"): 400}, [("master-actual-stale", "Tổng hợp", "G9")],
                     id="actual-typed-over"),
        pytest.param({(MasterSheets.SUMMARY, "G12"): "Chưa đạt"}, [("master-actual-stale", "Tổng hợp", "G12")],
                     id="verdict-typed-over"),
    ],
)
def test_invalid_master_is_refused_and_nothing_is_delivered(cli, master, plan, smtp_env, changes, expected):
    edit(master, changes)
    _, issues = check_master_for_sending(master, plan)
    assert [(i.code, i.sheet, i.cell) for i in issues] == expected
    assert all(i.is_error for i in issues)

    with running_server() as server:
        smtp_env(server.port)
        code, out, err = cli("send", master, "--allow-warnings")

    assert code == 1, out + err
    assert server.handler.data_transfers == 0 and server.handler.messages == []
    assert f"{REFUSED} {len(expected)} lỗi" in out
    for _, _, cell in expected:
        assert f"Ô {cell}:" in out
    assert not send_log_path(master).exists()


def test_stale_actual_names_the_cell_both_values_and_the_remedy(master, plan):
    edit(master, {(MasterSheets.SUMMARY, "G9"): 400})
    [issue] = check_master_for_sending(master, plan)[1]
    assert issue.message_vi == (
        "Ô G9: «Thực hiện» của chỉ tiêu KT01 ghi 400, nhưng tính lại từ số liệu trang «Theo đơn vị» được "
        "336,5262: số liệu đã bị sửa mà chưa tính lại. Hãy nhấn nút «Tính tỷ lệ đạt» (hoặc sửa báo cáo của "
        "đơn vị rồi chạy lại «xlsync consolidate») trước khi gửi."
    )


def test_corrected_and_recomputed_figures_are_sent(cli, master, smtp_env):
    # A figure corrected on «Theo đơn vị» with «Thực hiện» brought in line is a valid master.
    edit(master, {(MasterSheets.BY_UNIT, "AA6"): 7.5, (MasterSheets.SUMMARY, "G11"): 7.5})
    with running_server() as server:
        smtp_env(server.port)
        code, out, err = cli("send", master)
    assert code == 0, out + err
    [received] = server.handler.messages
    assert list(parse(received.content).iter_attachments())[0].get_content() == master.read_bytes()


def test_warnings_refuse_unless_allowed(cli, master, smtp_env):
    edit(master, {(MasterSheets.META, "B3"): "abcdef123456"})  # plan_fingerprint: made from another plan version
    with running_server() as server:
        smtp_env(server.port)
        refused = cli("send", master)
        allowed = cli("send", master, "--allow-warnings")

    assert refused[0] == 1
    assert f"{REFUSED} 1 cảnh báo" in refused[1] and "--allow-warnings" in refused[1]
    assert "abcdef123456" in refused[1]
    assert allowed[0] == 0, allowed[1] + allowed[2]
    assert len(server.handler.messages) == 1


def _add_check_record(master: Path, severity: str, file: str) -> None:
    book = load_workbook(master)
    book[MasterSheets.CHECKS].append([severity, "ambiguous-number", file, "Báo cáo", "D15", "1.234",
                                      "Ô D15: «1.234» có thể hiểu hai cách.", "Cell D15: '1.234' is ambiguous."])
    book.save(master)


@pytest.mark.parametrize(
    ("unit", "severity", "plain", "allowed"),
    [
        ("T01", "Lỗi", 1, 1),  # an error in a report that is in the totals
        ("T01", "Cảnh báo", 1, 0),  # a doubt about a figure in the totals
        ("T03", "Lỗi", 0, 0),  # T03 is left out of the totals: its records are history
        ("T03", "Cảnh báo", 0, 0),
    ],
)
def test_recorded_problems_count_only_for_reports_in_the_totals(cli, master, plan, smtp_env, unit, severity,
                                                                 plain, allowed):
    statuses = {s.unit.code: s for s in read_master_file(master, plan).consolidation.statuses}
    _add_check_record(master, severity, statuses[unit].sources[0].path)
    with running_server() as server:
        smtp_env(server.port)
        first = cli("send", master)
        second = cli("send", master, "--allow-warnings")
    assert (first[0], second[0]) == (plain, allowed)
    assert len(server.handler.messages) == [plain, allowed].count(0)


# --- dry run, refused recipients, broken connections ---------------------------


def test_dry_run_writes_the_complete_message_and_sends_nothing(cli, master, plan, smtp_env, tmp_path):
    out_path = tmp_path / "thư thử.eml"
    with running_server() as server:
        smtp_env(server.port)
        code, out, err = cli("send", master, "--dry-run", out_path)

    assert code == 0, out + err
    assert server.handler.messages == [] and server.handler.data_transfers == 0
    raw = out_path.read_bytes()
    message = parse(raw)
    assert mailboxes(raw, "To") == [(r.name, r.email) for r in plan.recipients]
    assert message["Message-ID"].endswith("@sontay.example.com>") and message["Date"]
    assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None
    assert list(message.iter_attachments())[0].get_content() == master.read_bytes()
    assert f"Chạy thử: đã ghi thư vào {out_path}; chưa gửi thư nào. Người nhận (9):" in out
    assert not send_log_path(master).exists()


def test_dry_run_needs_only_a_sender_address(cli, master, smtp_env, monkeypatch, tmp_path):
    smtp_env(1)
    monkeypatch.delenv("XLSYNC_SMTP_HOST")
    assert cli("send", master, "--dry-run", tmp_path / "a.eml")[0] == 0
    monkeypatch.delenv("XLSYNC_MAIL_FROM")
    code, _, err = cli("send", master, "--dry-run", tmp_path / "b.eml")
    assert code == 2 and "XLSYNC_MAIL_FROM" in err
    assert cli("send", master, "--dry-run", tmp_path / "c.eml", "--mail-from", SENDER)[0] == 0


def test_refused_recipient_is_reported_and_the_others_receive_it(cli, master, plan, smtp_env):
    refused = "hdnd@sontay.example.com"
    others = [r.email for r in plan.recipients if r.email != refused]
    with running_server(RecordingHandler(refuse={refused})) as server:
        smtp_env(server.port)
        code, out, _ = cli("send", master)

    assert code == 1
    assert [m.rcpt_tos for m in server.handler.messages] == [others]
    reply = f"550 5.1.1 <{refused}>: Recipient address rejected"
    assert f"Máy chủ thư từ chối, CHƯA gửi tới (1): {refused} ({reply})." in out
    assert f"Đã gửi tới (8): {', '.join(others)}." in out
    assert log_rows(master)[1][3:] == ["; ".join(others), f"{refused} ({reply})"]


class Greylisting(RecordingHandler):
    """Answers RCPT for the greylisted addresses with a temporary refusal, as greylisting servers do."""

    def __init__(self, greylisted: set[str]) -> None:
        super().__init__()
        self.greylisted = greylisted

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.greylisted:
            return f"450 4.2.0 <{address}>: Recipient address rejected: Greylisted, try again later"
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)


def test_a_temporary_refusal_of_a_recipient_counts_as_not_delivered(cli, master, plan, smtp_env):
    greylisted = "hdnd@sontay.example.com"
    others = [r.email for r in plan.recipients if r.email != greylisted]
    with running_server(Greylisting({greylisted})) as server:
        smtp_env(server.port)
        code, out, _ = cli("send", master)

    assert code == 1
    assert [m.rcpt_tos for m in server.handler.messages] == [others]
    reply = f"450 4.2.0 <{greylisted}>: Recipient address rejected: Greylisted, try again later"
    assert f"Máy chủ thư từ chối, CHƯA gửi tới (1): {greylisted} ({reply})." in " ".join(out.split())
    assert log_rows(master)[1][3:] == ["; ".join(others), f"{greylisted} ({reply})"]


def test_connection_lost_during_the_message_is_logged_as_unconfirmed(cli, master, plan, smtp_env):
    with running_server(RecordingHandler(drop_after_data=True)) as server:
        smtp_env(server.port)
        code, out, err = cli("send", master)

    assert code == 2
    assert "hãy hỏi người nhận trước khi gửi lại" in err
    assert server.handler.data_transfers == 1  # no second attempt
    [row] = log_rows(master)[1:]
    assert row[3] == "; ".join(f"{r.email} (chưa xác nhận)" for r in plan.recipients)


def test_missing_server_setting_cannot_run(cli, master, smtp_env, monkeypatch):
    smtp_env(1)
    monkeypatch.delenv("XLSYNC_SMTP_HOST")
    code, _, err = cli("send", master)
    assert code == 2
    assert "Chưa đặt biến môi trường XLSYNC_SMTP_HOST" in err


def test_a_report_or_a_master_of_another_plan_is_not_sent(cli, master, smtp_env, demo_master):
    smtp_env(1)  # nothing listens: neither run may get as far as connecting
    report = next((demo_master.parent / "bao-cao").glob("*.xlsx"))
    code, _, err = cli("send", report)
    assert code == 2 and "không phải sổ tổng hợp" in err

    edit(master, {(MasterSheets.META, "B2"): "99/KH-UBND"})
    code, _, err = cli("send", master)
    assert code == 2
    assert "lập theo kế hoạch «99/KH-UBND», không phải kế hoạch đang dùng «51/KH-UBND»" in err
