"""Emailing the master: the message, SMTP against a real loopback server, the send log."""

from __future__ import annotations

import base64
import csv
import dataclasses
import email
import hashlib
import logging
import time
from datetime import datetime, timedelta
from email import policy
from email.headerregistry import Address
from email.header import decode_header, make_header
from email.utils import collapse_rfc2231_value, getaddresses, parsedate_to_datetime
from pathlib import Path

import keyring
import keyring.backend
import pytest
import xlsxwriter

from smtp_server import (
    HOST,
    OneAccount,
    RecordingHandler,
    free_port,
    make_certificate,
    running_server,
    silent_listener,
)
from xlsync.core.issues import CannotRun
from xlsync.io.mail.log import SEND_LOG_COLUMNS, append_send_log, file_sha256, send_log_path
from xlsync.io.mail.message import SendSummary, ascii_filename, build_message, message_bytes, write_eml
from xlsync.io.mail.settings import SmtpSettings
from xlsync.io.mail.transport import SendResult, send_message

SENDER = "UBND xã Tân Phú <vanphong@tanphu.example.vn>"
SENDER_ADDR = "vanphong@tanphu.example.vn"
COUNCIL = "hdtdkt@huyen.example.vn"
CHAIRMAN = "chutich@huyen.example.vn"
PARTY = "dangy@tanphu.example.vn"
TO = [f"Hội đồng Thi đua – Khen thưởng huyện <{COUNCIL}>", CHAIRMAN]
CC = [Address("Đảng ủy xã, Tân Phú", addr_spec=PARTY)]
USER = "vanphong@tanphu.example.vn"
PASSWORD = "Kh0ng-ai-biet!42"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUBJECT = "Báo cáo kết quả thực hiện chỉ tiêu thi đua – Năm 2024 – UBND xã Tân Phú"


@pytest.fixture
def master(tmp_path: Path) -> Path:
    """A real workbook with a Vietnamese file name."""
    path = tmp_path / "Tổng hợp 2024.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Tổng hợp")
    sheet.write_row(0, 0, ["Mã", "Chỉ tiêu", "Kế hoạch", "Thực hiện", "Đánh giá"])
    sheet.write_row(1, 0, ["KT01", "Thu nhập bình quân đầu người", 65, 66.4, "Đạt"])
    sheet.write_row(2, 0, ["XH02", "Tỷ lệ hộ nghèo", 2.5, 2.8, "Chưa đạt"])
    book.close()
    return path


@pytest.fixture
def summary() -> SendSummary:
    return SendSummary(
        period="Năm 2024",
        plan_label="KH-15/KH-UBND – Phong trào thi đua năm 2024",
        sender_office="UBND xã Tân Phú",
        submitted=11,
        expected=12,
        indicators_met=14,
        indicators_not_met=3,
        not_submitted=["Thôn Đông"],
        left_out=["Trạm Y tế"],
        notes=["Số liệu Trạm Y tế sẽ gửi bổ sung."],
    )


@pytest.fixture
def message(master: Path, summary: SendSummary) -> email.message.EmailMessage:
    return build_message(master, summary, sender=SENDER, to=TO, cc=CC)


def plain_settings(port: int, **changes: object) -> SmtpSettings:
    values: dict = {"host": HOST, "port": port, "security": "none", "mail_from": SENDER_ADDR, "timeout": 5}
    values.update(changes)
    return SmtpSettings(**values)


def parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=policy.default)


def plain_text(msg: email.message.EmailMessage) -> str:
    """The text part with the line ends of a file (the wire's CRLF survive parsing)."""
    return msg.get_body(("plain",)).get_content().replace("\r\n", "\n")


def decoded(header: str) -> str:
    return str(make_header(decode_header(header)))


# --- the message ------------------------------------------------------------

EXPECTED_TEXT = """Kính gửi các cơ quan, đơn vị nhận báo cáo.

UBND xã Tân Phú gửi báo cáo tổng hợp kết quả thực hiện các chỉ tiêu thi đua.

- Kỳ báo cáo: Năm 2024
- Kế hoạch: KH-15/KH-UBND – Phong trào thi đua năm 2024
- Tiến độ nộp báo cáo: 11/12 đơn vị (91,7%)
- Số chỉ tiêu đạt: 14
- Số chỉ tiêu chưa đạt: 3

Số liệu tổng hợp chưa đầy đủ.
Đơn vị chưa nộp báo cáo (1): Thôn Đông.
Đơn vị có báo cáo còn lỗi, chưa được cộng vào tổng hợp (1): Trạm Y tế.

Ghi chú:

- Số liệu Trạm Y tế sẽ gửi bổ sung.

Chi tiết xem tệp đính kèm «Tổng hợp 2024.xlsx».

Trân trọng.
UBND xã Tân Phú
"""


def test_message_has_vietnamese_headers_both_bodies_and_the_workbook(message, master):
    parsed = parse(message_bytes(message))

    assert parsed["Subject"] == SUBJECT
    assert parsed["From"].addresses[0].addr_spec == SENDER_ADDR
    assert parsed["From"].addresses[0].display_name == "UBND xã Tân Phú"
    assert [a.addr_spec for a in parsed["To"].addresses] == [COUNCIL, CHAIRMAN]
    assert [a.addr_spec for a in parsed["Cc"].addresses] == [PARTY]
    # A long display name is folded into adjacent encoded-words, whose separating space
    # RFC 2047 says to drop; the modern parser keeps it, the classic decoder does not.
    legacy = email.message_from_bytes(message_bytes(message))
    assert decoded(legacy["To"]) == f"Hội đồng Thi đua – Khen thưởng huyện <{COUNCIL}>, {CHAIRMAN}"
    assert decoded(legacy["Cc"]) == f"Đảng ủy xã, Tân Phú <{PARTY}>"
    assert parsed["Cc"].addresses[0].display_name == "Đảng ủy xã, Tân Phú"  # the comma stays inside the name
    assert parsed["Message-ID"].endswith("@tanphu.example.vn>")
    sent = parsedate_to_datetime(parsed["Date"])
    assert abs(sent - datetime.now().astimezone()) < timedelta(minutes=1)
    assert parsed.get_content_type() == "multipart/mixed"

    assert plain_text(parsed) == EXPECTED_TEXT
    html_body = parsed.get_body(("html",)).get_content()
    assert "<li>Tiến độ nộp báo cáo: 11/12 đơn vị (91,7%)</li>" in html_body
    assert "<li>Số chỉ tiêu đạt: 14</li>" in html_body
    assert "<li>Số chỉ tiêu chưa đạt: 3</li>" in html_body
    assert "Đơn vị chưa nộp báo cáo (1): Thôn Đông.<br>" in html_body

    [attachment] = list(parsed.iter_attachments())
    assert attachment.get_content_type() == XLSX_TYPE
    assert attachment["Content-Transfer-Encoding"] == "base64"
    assert attachment.get_content() == master.read_bytes()


def test_message_is_seven_bit_clean(message):
    # No SMTPUTF8 or 8BITMIME is needed from the server.
    raw = message_bytes(message)
    assert raw.isascii()
    assert max(len(line) for line in raw.split(b"\r\n")) <= 80  # 998 is the limit; only the xlsx type line passes 78
    assert b"\n" not in raw.replace(b"\r\n", b"")


def test_attachment_name_is_given_in_utf8_and_as_ascii(message):
    # compat32 keeps every parameter; the modern policy keeps one value per name.
    legacy = email.message_from_bytes(message_bytes(message))
    [part] = [p for p in legacy.walk() if p.get_content_disposition() == "attachment"]
    params = part.get_params(header="content-disposition")
    assert params[:2] == [("attachment", ""), ("filename", "Tong hop 2024.xlsx")]
    assert params[2][0] == "filename"
    assert collapse_rfc2231_value(params[2][1]) == "Tổng hợp 2024.xlsx"
    assert part.get_param("name") == "Tong hop 2024.xlsx"
    assert "filename*=utf-8''T%E1%BB%95ng%20h%E1%BB%A3p%202024.xlsx" in part["Content-Disposition"]


def test_long_recipient_list_keeps_every_mailbox_whole(master, summary):
    # Python's own folding of such a list can swallow a mailbox into an encoded-word (CPython gh-100884).
    recipients = [
        Address("Hội đồng Thi đua – Khen thưởng huyện (để báo cáo)", addr_spec="hdtdkt@huyen.example.vn"),
        Address("Thường trực Đảng ủy xã", addr_spec="danguy@tanphu.example.vn"),
        Address("Chủ tịch, các Phó Chủ tịch UBND xã", addr_spec="lanhdao@tanphu.example.vn"),
        Address("Các ban, ngành, đoàn thể xã", addr_spec="doanthe@tanphu.example.vn"),
        Address("Lưu: VT, NV", addr_spec="vanthu@tanphu.example.vn"),
        Address('Office "A", Finance; Budget', addr_spec="office.a@tanphu.example.vn"),
        Address("Department of Planning, Investment, Finance and Statistics of the district",
                addr_spec="planning@huyen.example.vn"),
        Address("", addr_spec=CHAIRMAN),
    ]
    raw = message_bytes(build_message(master, summary, sender=SENDER, to=recipients))

    # As an RFC 2047 reader does: split the list, then decode each name.
    legacy = email.message_from_bytes(raw)
    names = [(decoded(name), address) for name, address in getaddresses(legacy.get_all("To"))]
    assert names == [(r.display_name, r.addr_spec) for r in recipients]
    assert [a.addr_spec for a in parse(raw)["To"].addresses] == [r.addr_spec for r in recipients]
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    assert max(len(line) for line in head) <= 78


def test_long_attachment_name_is_split_into_rfc2231_continuations(tmp_path, summary):
    name = (
        "Báo cáo tổng hợp kết quả thực hiện các chỉ tiêu thi đua "
        "của xã Tân Phú năm 2024 (bản chính thức).xlsx"
    )
    path = tmp_path / name
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    raw = message_bytes(build_message(path, summary, sender=SENDER, to=TO))

    legacy = email.message_from_bytes(raw)
    [part] = [p for p in legacy.walk() if p.get_content_disposition() == "attachment"]
    params = part.get_params(header="content-disposition")
    fallback = params[1][1]
    assert params[1][0] == "filename"
    assert fallback == ascii_filename(name)
    assert len(fallback) == 60 and fallback.endswith(".xlsx") and fallback.isascii()
    assert collapse_rfc2231_value(params[2][1]) == name
    disposition = part["Content-Disposition"].split("\n")
    pieces = [line.split("=")[0] for line in disposition[2:]]
    assert len(pieces) >= 3 and pieces == [f" filename*{i}*" for i in range(len(pieces))]
    wire_lines = ["Content-Disposition: " + disposition[0], *disposition[1:]]
    assert max(len(line) for line in wire_lines) <= 78


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        ("Tổng hợp 2024.xlsx", "Tong hop 2024.xlsx"),
        ("ĐỘI SẢN XUẤT đội 3.xlsx", "DOI SAN XUAT doi 3.xlsx"),
        ('Bảng "kết quả" 漢.xlsx', "Bang _ket qua_ _.xlsx"),
    ],
)
def test_ascii_filename_drops_diacritics(name, fallback):
    assert ascii_filename(name) == fallback


def test_html_escapes_every_text(master):
    summary = SendSummary(
        period="Năm 2024 <b>",
        plan_label="KH & KH",
        sender_office="UBND <xã>",
        submitted=1,
        expected=2,
        indicators_met=1,
        indicators_not_met=0,
        not_submitted=["Thôn <i>Đông</i> & Tây"],
        notes=['<script>alert("x")</script>'],
    )
    msg = build_message(master, summary, sender=SENDER, to=TO)
    html_body = parse(message_bytes(msg)).get_body(("html",)).get_content()

    assert "<script>" not in html_body and "<i>" not in html_body and "<b>" not in html_body
    assert "<li>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</li>" in html_body
    assert "Thôn &lt;i&gt;Đông&lt;/i&gt; &amp; Tây" in html_body
    assert "<li>Kế hoạch: KH &amp; KH</li>" in html_body
    assert "UBND &lt;xã&gt; gửi báo cáo" in html_body


def test_complete_round_says_every_unit_reported(master):
    summary = SendSummary("Năm 2024", "", "UBND xã Tân Phú", 12, 12, 17, 0)
    content = plain_text(parse(message_bytes(build_message(master, summary, sender=SENDER, to=TO))))
    assert "Tất cả 12 đơn vị đã nộp báo cáo." in content
    assert "chưa đầy đủ" not in content
    assert "Kế hoạch:" not in content  # no plan label given


def test_subject_can_be_chosen_and_english_is_available(master, summary):
    custom = build_message(master, summary, sender=SENDER, to=TO, subject="V/v gửi báo cáo thi đua")
    assert parse(message_bytes(custom))["Subject"] == "V/v gửi báo cáo thi đua"
    english = build_message(master, summary, sender=SENDER, to=TO, lang="en")
    parsed = parse(message_bytes(english))
    assert parsed["Subject"] == "Report on the emulation movement targets – Năm 2024 – UBND xã Tân Phú"
    assert "- Reports received: 11 of 12 units (91,7%)\n" in plain_text(parsed)


def test_reporting_percent_uses_a_decimal_comma():
    def rate(submitted: int, expected: int) -> str:
        return SendSummary("", "", "", submitted, expected, 0, 0).reporting_percent

    assert (rate(18, 20), rate(17, 19), rate(0, 5), rate(3, 0)) == ("90", "89,5", "0", "")


@pytest.mark.parametrize("bad", ["khong-phai-email", "a@b", "Tên <x y@z.vn>", "thư@xã.vn"])
def test_invalid_address_is_refused(master, summary, bad):
    with pytest.raises(CannotRun) as caught:
        build_message(master, summary, sender=SENDER, to=[CHAIRMAN, bad])
    assert caught.value.code == "invalid-recipient"
    expected = f"«{bad}» không phải địa chỉ email hợp lệ. Chưa gửi thư nào."
    assert caught.value.message("vi") == expected


def test_no_recipient_and_missing_attachment_are_refused(master, summary, tmp_path):
    with pytest.raises(CannotRun) as no_one:
        build_message(master, summary, sender=SENDER, to=[])
    assert no_one.value.code == "mail-no-recipients"
    with pytest.raises(CannotRun) as missing:
        build_message(tmp_path / "không có.xlsx", summary, sender=SENDER, to=TO)
    assert missing.value.code == "file-not-found"


def test_write_eml_writes_exactly_what_would_be_sent(message, tmp_path):
    target = tmp_path / "out" / "thư.eml"
    target.parent.mkdir()
    target.write_bytes(b"old content")

    assert write_eml(message, target) == target

    assert target.read_bytes() == message_bytes(message)
    assert sorted(p.name for p in target.parent.iterdir()) == ["thư.eml"]  # no temporary file left
    assert parse(target.read_bytes())["Subject"] == SUBJECT


# --- settings ---------------------------------------------------------------

ENV = {
    "XLSYNC_SMTP_HOST": " mail.tanphu.example.vn ",
    "XLSYNC_SMTP_PORT": "2525",
    "XLSYNC_SMTP_USER": USER,
    "XLSYNC_SMTP_PASSWORD": PASSWORD,
    "XLSYNC_SMTP_SECURITY": "SSL",
    "XLSYNC_MAIL_FROM": SENDER,
}


def test_settings_come_from_the_environment():
    settings = SmtpSettings.from_env(ENV)
    assert (settings.host, settings.port, settings.user, settings.password) == (
        "mail.tanphu.example.vn",
        2525,
        USER,
        PASSWORD,
    )
    assert (settings.security, settings.mail_from, settings.cafile) == ("ssl", SENDER, "")


def test_options_override_the_environment_and_none_means_not_given():
    settings = SmtpSettings.from_env(ENV, host="smtp.other.vn", port=None, security="starttls", timeout=7.5)
    assert (settings.host, settings.port, settings.security, settings.timeout) == (
        "smtp.other.vn",
        2525,
        "starttls",
        7.5,
    )


@pytest.mark.parametrize(("security", "port"), [("starttls", 587), ("ssl", 465), ("none", 25)])
def test_port_defaults_to_the_usual_one_of_the_security_mode(security, port):
    env = {"XLSYNC_SMTP_HOST": "mail.vn", "XLSYNC_MAIL_FROM": SENDER_ADDR}
    settings = SmtpSettings.from_env(env, security=security)
    assert settings.port == port


def test_malformed_sender_is_refused_before_connecting():
    with pytest.raises(CannotRun) as caught:
        SmtpSettings.from_env({**ENV, "XLSYNC_MAIL_FROM": "van phong"})
    assert caught.value.code == "invalid-recipient"
    assert caught.value.message("vi") == "«van phong» không phải địa chỉ email hợp lệ. Chưa gửi thư nào."


def test_mail_from_falls_back_to_an_address_user_name():
    env = {k: v for k, v in ENV.items() if k != "XLSYNC_MAIL_FROM"}
    assert SmtpSettings.from_env(env).mail_from == USER


@pytest.mark.parametrize(
    ("changes", "code", "vi"),
    [
        ({"XLSYNC_SMTP_HOST": ""}, "smtp-setting-missing", "Chưa đặt biến môi trường XLSYNC_SMTP_HOST"),
        (
            {"XLSYNC_MAIL_FROM": "", "XLSYNC_SMTP_USER": "vanphong"},
            "smtp-setting-missing",
            "Chưa đặt biến môi trường XLSYNC_MAIL_FROM",
        ),
        ({"XLSYNC_SMTP_PORT": "25a"}, "smtp-port-invalid", "Cổng máy chủ thư «25a» không hợp lệ"),
        ({"XLSYNC_SMTP_PORT": "70000"}, "smtp-port-invalid", "Cổng máy chủ thư «70000» không hợp lệ"),
        ({"XLSYNC_SMTP_SECURITY": "tls"}, "smtp-security-invalid", "Kiểu bảo mật «tls» không hợp lệ"),
    ],
)
def test_bad_settings_are_refused_before_connecting(changes, code, vi):
    with pytest.raises(CannotRun) as caught:
        SmtpSettings.from_env({**ENV, **changes})
    assert caught.value.code == code
    assert caught.value.message("vi").startswith(vi)
    assert caught.value.message("vi").endswith("Chưa gửi thư nào.")


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self, passwords: dict[tuple[str, str], str]) -> None:
        super().__init__()
        self.passwords = passwords
        self.asked: list[tuple[str, str]] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.asked.append((service, username))
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)


class BrokenKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("D-Bus session bus not available")


@pytest.fixture
def use_keyring():
    previous = keyring.get_keyring()

    def install(backend: keyring.backend.KeyringBackend) -> keyring.backend.KeyringBackend:
        keyring.set_keyring(backend)
        return backend

    yield install
    keyring.set_keyring(previous)


def test_password_comes_from_the_keyring_when_not_set(use_keyring):
    store = use_keyring(MemoryKeyring({("xlsync-smtp", USER): PASSWORD}))
    env = {k: v for k, v in ENV.items() if k != "XLSYNC_SMTP_PASSWORD"}
    assert SmtpSettings.from_env(env).password == PASSWORD
    assert store.asked == [("xlsync-smtp", USER)]


def test_environment_password_wins_over_the_keyring(use_keyring):
    store = use_keyring(MemoryKeyring({("xlsync-smtp", USER): "from-keyring"}))
    assert SmtpSettings.from_env(ENV).password == PASSWORD
    assert store.asked == []


@pytest.mark.parametrize("backend", [MemoryKeyring({}), BrokenKeyring({})], ids=["empty", "broken"])
def test_missing_password_is_a_clear_refusal(use_keyring, backend, caplog):
    use_keyring(backend)
    env = {k: v for k, v in ENV.items() if k != "XLSYNC_SMTP_PASSWORD"}
    with pytest.raises(CannotRun) as caught:
        SmtpSettings.from_env(env)
    assert caught.value.code == "smtp-password-missing"
    assert f"tài khoản «{USER}»" in caught.value.message("vi")
    assert "dịch vụ «xlsync-smtp»" in caught.value.message("vi")
    if isinstance(backend, BrokenKeyring):
        assert "System keyring not usable (RuntimeError)" in caplog.text


def test_repr_masks_the_password():
    settings = SmtpSettings.from_env(ENV)
    assert PASSWORD not in repr(settings) and PASSWORD not in str(settings)
    assert "password='***'" in repr(settings)
    assert "password=''" in repr(plain_settings(25))


# --- sending ----------------------------------------------------------------


def test_message_is_delivered_whole_to_every_recipient(message, master):
    with running_server() as server:
        result = send_message(message, plain_settings(server.port))

    assert result.accepted == (COUNCIL, CHAIRMAN, PARTY)
    assert result.refused == {}
    assert result.complete and result.delivered
    [received] = server.handler.messages
    assert received.mail_from == SENDER_ADDR
    assert received.rcpt_tos == [COUNCIL, CHAIRMAN, PARTY]
    assert received.content == message_bytes(message)
    parsed = parse(received.content)
    assert parsed["Subject"] == SUBJECT
    assert parsed["Message-ID"] == result.message_id
    assert plain_text(parsed) == EXPECTED_TEXT
    assert "<li>Số chỉ tiêu đạt: 14</li>" in parsed.get_body(("html",)).get_content()
    [attachment] = list(parsed.iter_attachments())
    assert attachment.get_content() == master.read_bytes()


def test_explicit_recipients_replace_the_headers_and_duplicates_are_sent_once(message):
    with running_server() as server:
        result = send_message(message, plain_settings(server.port), [CHAIRMAN, CHAIRMAN.upper(), PARTY])
    assert result.accepted == (CHAIRMAN, PARTY)
    assert [m.rcpt_tos for m in server.handler.messages] == [[CHAIRMAN, PARTY]]


@pytest.fixture
def certificate(tmp_path):
    return make_certificate(tmp_path)


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
def test_starttls_then_login(message, certificate, mechanism):
    other = "LOGIN" if mechanism == "PLAIN" else "PLAIN"
    account = OneAccount(USER, PASSWORD)
    options = {
        "tls_context": certificate.server_context(),
        "require_starttls": True,
        "authenticator": account,
        "auth_required": True,
        "auth_exclude_mechanism": [other],
    }
    with running_server(**options) as server:
        settings = plain_settings(
            server.port, security="starttls", user=USER, password=PASSWORD, cafile=str(certificate.cert_path)
        )
        result = send_message(message, settings)

    assert result.accepted == (COUNCIL, CHAIRMAN, PARTY)
    assert account.attempts == [(mechanism, USER, True)]
    [received] = server.handler.messages
    assert received.over_tls and received.authenticated


def test_untrusted_certificate_stops_before_anything_is_sent(message, certificate):
    with running_server(tls_context=certificate.server_context(), require_starttls=True) as server:
        with pytest.raises(CannotRun) as caught:
            send_message(message, plain_settings(server.port, security="starttls"))  # system CAs only
    assert caught.value.code == "smtp-tls-failed"
    assert "certificate verify failed" in caught.value.message("vi")
    assert caught.value.message("vi").endswith("Chưa gửi thư nào.")
    assert server.handler.data_transfers == 0


def test_server_without_starttls_is_not_used_unencrypted(message):
    with running_server() as server:
        with pytest.raises(CannotRun) as caught:
            send_message(message, plain_settings(server.port, security="starttls"))
    assert caught.value.code == "smtp-starttls-unsupported"
    assert server.handler.data_transfers == 0


def test_ssl_mode(message, certificate, master):
    settings_cafile = str(certificate.cert_path)
    with running_server(ssl_context=certificate.server_context()) as server:
        result = send_message(message, plain_settings(server.port, security="ssl", cafile=settings_cafile))
    assert result.accepted == (COUNCIL, CHAIRMAN, PARTY)
    [received] = server.handler.messages
    assert received.over_tls
    assert list(parse(received.content).iter_attachments())[0].get_content() == master.read_bytes()


def test_login_over_plain_connection_when_the_server_allows_it(message):
    account = OneAccount(USER, PASSWORD)
    with running_server(authenticator=account, auth_require_tls=False) as server:
        result = send_message(message, plain_settings(server.port, user=USER, password=PASSWORD))
    assert result.complete
    assert account.attempts == [("PLAIN", USER, True)]
    assert server.handler.messages[0].authenticated


def test_bad_credentials_send_nothing(message):
    account = OneAccount(USER, PASSWORD)
    with running_server(authenticator=account, auth_require_tls=False) as server:
        with pytest.raises(CannotRun) as caught:
            send_message(message, plain_settings(server.port, user=USER, password="sai-mat-khau"))
    assert caught.value.code == "smtp-auth-failed"
    assert caught.value.message("vi") == (
        f"Máy chủ thư {HOST} từ chối đăng nhập tài khoản «{USER}» "
        "(535 5.7.8 Authentication credentials invalid). "
        "Hãy kiểm tra tên đăng nhập và mật khẩu. Chưa gửi thư nào."
    )
    assert account.attempts and all(a[1:] == (USER, False) for a in account.attempts)
    assert server.handler.data_transfers == 0


def test_server_that_offers_no_login_is_reported(message):
    # aiosmtpd offers AUTH only over TLS by default.
    with running_server(authenticator=OneAccount(USER, PASSWORD)) as server:
        with pytest.raises(CannotRun) as caught:
            send_message(message, plain_settings(server.port, user=USER, password=PASSWORD))
    assert caught.value.code == "smtp-auth-unsupported"
    assert server.handler.data_transfers == 0


def test_non_ascii_password_is_refused_before_connecting(message):
    with running_server() as server:
        with pytest.raises(CannotRun) as caught:
            send_message(message, plain_settings(server.port, user=USER, password="mậtkhẩu"))
    assert caught.value.code == "smtp-credentials-not-ascii"
    assert "mậtkhẩu" not in caught.value.message("vi") + caught.value.message("en")
    assert server.handler.data_transfers == 0


def test_refused_recipient_is_listed_and_the_others_receive_the_message(message):
    handler = RecordingHandler(refuse={CHAIRMAN})
    with running_server(handler) as server:
        result = send_message(message, plain_settings(server.port))

    assert result.accepted == (COUNCIL, PARTY)
    assert result.refused == {CHAIRMAN: f"550 5.1.1 <{CHAIRMAN}>: Recipient address rejected"}
    assert result.delivered and not result.complete
    assert [m.rcpt_tos for m in handler.messages] == [[COUNCIL, PARTY]]


def test_every_recipient_refused_sends_no_data(message):
    handler = RecordingHandler(refuse={COUNCIL, CHAIRMAN, PARTY})
    with running_server(handler) as server:
        result = send_message(message, plain_settings(server.port))
    assert result.accepted == () and not result.delivered
    assert sorted(result.refused) == sorted([COUNCIL, CHAIRMAN, PARTY])
    assert handler.data_transfers == 0


def test_refused_sender_sends_nothing(message):
    handler = RecordingHandler(refuse_senders={SENDER_ADDR})
    with running_server(handler) as server:
        with pytest.raises(CannotRun) as caught:
            send_message(message, plain_settings(server.port))
    assert caught.value.code == "smtp-sender-refused"
    assert f"«{SENDER_ADDR}» (553 5.7.1 <{SENDER_ADDR}>: Sender address rejected)" in caught.value.message("vi")
    assert handler.data_transfers == 0


def test_message_refused_after_transfer_is_reported_as_not_sent(message):
    handler = RecordingHandler(refuse_data="552 5.3.4 Message too big")
    with running_server(handler) as server:
        with pytest.raises(CannotRun) as caught:
            send_message(message, plain_settings(server.port))
    assert caught.value.code == "smtp-message-refused"
    assert caught.value.message("vi") == (
        "Máy chủ thư từ chối nhận thư (552 5.3.4 Message too big). "
        f"Chưa gửi thư nào tới {COUNCIL}, {CHAIRMAN}, {PARTY}."
    )
    assert handler.messages == []


def test_connection_refused(message):
    port = free_port()  # nothing listens there
    with pytest.raises(CannotRun) as caught:
        send_message(message, plain_settings(port))
    assert caught.value.code == "smtp-connect-failed"
    expected = f"Không kết nối được máy chủ thư {HOST}:{port} (Connection refused)."
    assert caught.value.message("vi").startswith(expected)
    assert "Chưa gửi thư nào." in caught.value.message("vi")


def test_silent_server_times_out(message):
    with silent_listener() as port:
        started = time.monotonic()
        with pytest.raises(CannotRun) as caught:
            send_message(message, plain_settings(port, timeout=0.5))
    assert time.monotonic() - started < 30  # a timeout of 0,5 s; without one, it would wait for ever
    assert caught.value.code == "smtp-timeout"
    assert caught.value.message("vi") == (
        f"Máy chủ thư {HOST}:{port} không trả lời sau 0,5 giây. Chưa gửi thư nào."
    )


def test_connection_dropped_before_the_message_sends_nothing(message):
    handler = RecordingHandler(drop_at_rcpt={CHAIRMAN})
    with running_server(handler) as server:
        with pytest.raises(CannotRun) as caught:
            send_message(message, plain_settings(server.port))
    assert caught.value.code == "smtp-disconnected"
    assert caught.value.message("vi") == (
        f"Máy chủ thư {HOST}:{server.port} ngắt kết nối trước khi nhận thư "
        "(Connection unexpectedly closed). "
        "Chưa gửi thư nào."
    )
    assert handler.data_transfers == 0


def test_connection_dropped_during_the_message_warns_against_sending_twice(message):
    handler = RecordingHandler(drop_after_data=True)
    with running_server(handler) as server:
        with pytest.raises(CannotRun) as caught:
            send_message(message, plain_settings(server.port))
    assert caught.value.code == "smtp-unconfirmed"
    text_vi = caught.value.message("vi")
    assert f"khi đang gửi thư tới {COUNCIL}, {CHAIRMAN}, {PARTY}" in text_vi
    assert "hãy hỏi người nhận trước khi gửi lại" in text_vi
    assert handler.data_transfers == 1  # one attempt, no retry


def test_password_never_reaches_logs_output_or_messages(message, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    account = OneAccount(USER, PASSWORD)
    with running_server(authenticator=account, auth_require_tls=False) as server:
        settings = plain_settings(server.port, user=USER, password=PASSWORD)
        send_message(message, settings)
        with pytest.raises(CannotRun) as refused:
            send_message(message, dataclasses.replace(settings, user="ke-gian"))
    texts = [repr(settings), str(settings), refused.value.message("vi"), refused.value.message("en")]
    texts.append(str(refused.value.__cause__))
    out, err = capsys.readouterr()
    xlsync_logs = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("xlsync"))
    plain_auth = base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode()

    assert "Connecting to 127.0.0.1" in xlsync_logs  # the log was captured
    for place in [caplog.text, out, err, *texts]:
        assert PASSWORD not in place
    assert plain_auth not in xlsync_logs and base64.b64encode(PASSWORD.encode()).decode() not in xlsync_logs


# --- the send log -----------------------------------------------------------


def test_send_log_records_each_sending_beside_the_master(master):
    digest = file_sha256(master)
    first = SendResult("<1@tanphu.example.vn>", datetime(2025, 1, 6, 9, 30, 5).astimezone(), (COUNCIL, PARTY),
                       {CHAIRMAN: "550 5.1.1 no such user"})
    second = SendResult("<2@tanphu.example.vn>", datetime(2025, 1, 6, 10, 0, 0).astimezone(), (CHAIRMAN,))

    path = append_send_log(master, first, digest)
    assert append_send_log(master, second, digest) == path

    assert path == master.with_name("Tổng hợp 2024.send-log.csv") == send_log_path(master)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert digest == hashlib.sha256(master.read_bytes()).hexdigest()
    assert rows == [
        list(SEND_LOG_COLUMNS),
        [first.sent_at.isoformat(timespec="seconds"), "<1@tanphu.example.vn>", digest,
         f"{COUNCIL}; {PARTY}", f"{CHAIRMAN} (550 5.1.1 no such user)"],
        [second.sent_at.isoformat(timespec="seconds"), "<2@tanphu.example.vn>", digest, CHAIRMAN, ""],
    ]


def test_send_log_that_cannot_be_written_says_the_mail_went_out(master):
    send_log_path(master).mkdir()  # a folder where the log file should be
    result = SendResult("<1@x.vn>", datetime.now().astimezone(), (COUNCIL,))
    with pytest.raises(CannotRun) as caught:
        append_send_log(master, result, "ab" * 32)
    assert caught.value.code == "send-log-failed"
    expected = f"Thư đã được máy chủ nhận cho {COUNCIL}, nhưng không ghi được"
    assert caught.value.message("vi").startswith(expected)
    assert "Đừng gửi lại" in caught.value.message("vi")
