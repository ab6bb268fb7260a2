"""`xlsync remind`: the units missing or wrong are e-mailed, once a day, through a loopback SMTP server."""

from __future__ import annotations

import email
import shutil
from email import policy
from pathlib import Path

import pytest
from openpyxl import load_workbook

from smtp_server import running_server
from xlsync.core.plan import InfoKeys, Sheets
from xlsync.io.gsheets.registry import RegistryEntry, SheetRegistry, registry_path
from xlsync.io.mail.inbox_state import remind_log_path
from xlsync.io.mail.settings import ENV_VARIABLES
from xlsync.io.plan_xlsx import write_plan_workbook
from xlsync.jobs.demo import run_demo

OFFICE = "vanphong@sontay.example.com"
SHEET_URL = "https://docs.google.com/spreadsheets/d/1AbC-thon7/edit"


@pytest.fixture(scope="module")
def demo_reports(tmp_path_factory) -> Path:
    """The demo's reports: Thôn 3's has errors, Thôn 7 sent none."""
    return run_demo(tmp_path_factory.mktemp("demo")).folder / "bao-cao"


def plan_with_deadline(plan, folder: Path, deadline: str) -> Path:
    """The bundled plan as a workbook, with «Hạn nộp báo cáo» typed as a new row of «Thông tin»."""
    path = write_plan_workbook(plan, folder / "ke-hoach.xlsx")
    book = load_workbook(path)
    sheet = book[Sheets.INFO]
    row = next(r for r in range(sheet.max_row, 0, -1) if sheet.cell(r, 1).value) + 1
    sheet.cell(row, 1, InfoKeys.DEADLINE)
    sheet.cell(row, 2, deadline)
    book.save(path)
    return path


@pytest.fixture
def office(tmp_path, demo_reports, plan, monkeypatch):
    """A working folder: the plan (deadline passed), its Google Sheets register (Thôn 7), the reports."""
    for variable in ENV_VARIABLES.values():
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("XLSYNC_MAIL_FROM", OFFICE)
    monkeypatch.setenv("COLUMNS", "400")
    shutil.copytree(demo_reports, tmp_path / "bao-cao")
    plan_with_deadline(plan, tmp_path, "15/01/2025")
    registry = SheetRegistry(registry_path(tmp_path / "ke-hoach.xlsx"))
    registry.put(RegistryEntry("T07", "Thôn 7", "1AbC-thon7", SHEET_URL, "2024-12-01 08:00"))
    registry.save()
    return tmp_path


def smtp_settings(monkeypatch, server) -> None:
    monkeypatch.setenv("XLSYNC_SMTP_HOST", server.host)
    monkeypatch.setenv("XLSYNC_SMTP_PORT", str(server.port))
    monkeypatch.setenv("XLSYNC_SMTP_SECURITY", "none")


def received(server) -> dict[str, email.message.EmailMessage]:
    messages = [email.message_from_bytes(m.content, policy=policy.default) for m in server.handler.messages]
    return {str(message["To"]): message for message in messages}


def test_exactly_the_missing_and_wrong_units_are_reminded_once_a_day(cli, office, monkeypatch):
    with running_server() as server:
        smtp_settings(monkeypatch, server)
        code, out, err = cli("remind", "bao-cao", "--plan", "ke-hoach.xlsx")
        assert code == 0, out + err
        first = received(server)
        assert sorted(first) == ["thon03@sontay.example.com", "thon07@sontay.example.com"]
        assert "Đã nhắc Thôn 3 (Có lỗi) qua thon03@sontay.example.com" in out
        assert "Đã nhắc Thôn 7 (Chưa nộp) qua thon07@sontay.example.com" in out

        code, out, err = cli("remind", "bao-cao", "--plan", "ke-hoach.xlsx")  # the same day
        assert code == 0, out + err
        assert len(server.handler.messages) == 2
        assert "Đã nhắc hôm nay, không nhắc lại (thêm --force để nhắc): Thôn 3, Thôn 7" in out

        code, out, err = cli("remind", "bao-cao", "--plan", "ke-hoach.xlsx", "--force")
        assert code == 0, out + err
        assert len(server.handler.messages) == 4

    missing = first["thon07@sontay.example.com"]
    assert missing["Subject"] == "Đôn đốc nộp báo cáo thi đua – Thôn 7 – Năm 2024"
    body = missing.get_body(("plain",)).get_content()
    assert "chưa nhận được báo cáo kỳ Năm 2024" in body
    assert "Hạn nộp báo cáo: 15/01/2025." in body
    assert SHEET_URL in body
    assert list(missing.iter_attachments()) == []

    wrong = first["thon03@sontay.example.com"]
    body = wrong.get_body(("plain",)).get_content()
    assert "chưa được tổng hợp (Có lỗi): còn" in body
    [copy] = list(wrong.iter_attachments())
    assert copy.get_content_type() == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert copy.get_content()[:2] == b"PK"

    rows = remind_log_path(office / "bao-cao").read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 1 + 4  # header, two reminders, two forced
    assert rows[1].split(",")[1:5] == ["T03", "Thôn 3", "thon03@sontay.example.com", "Có lỗi"]


def retype_unit_email(plan_path: Path, code: str, addresses: str) -> str:
    """«Email» of one unit in «Đơn vị» retyped; returns the cell's address."""
    book = load_workbook(plan_path)
    sheet = book[Sheets.UNITS]
    header = next(row for row in sheet.iter_rows() if any(cell.value == "Email" for cell in row))
    column = next(cell.column for cell in header if cell.value == "Email")
    row = next(cell.row for cell in sheet["A"] if cell.value == code)
    sheet.cell(row, column, addresses)
    book.save(plan_path)
    return sheet.cell(row, column).coordinate


def test_a_unit_with_two_addresses_is_reminded_at_both(cli, office, monkeypatch):
    from xlsync.io.plan_source import load_plan_file

    plan_path = office / "ke-hoach.xlsx"
    retype_unit_email(plan_path, "T03", "thon03@sontay.example.com; truongthon3@sontay.example.com")
    retype_unit_email(plan_path, "T07", "thon07@sontay.example.com , bithu7@sontay.example.com")
    loaded = load_plan_file(plan_path)
    assert [i.code for i in loaded.issues if i.is_error] == []
    assert loaded.plan.units["T07"].emails == ["thon07@sontay.example.com", "bithu7@sontay.example.com"]
    with running_server() as server:
        smtp_settings(monkeypatch, server)
        code, out, err = cli("remind", "bao-cao", "--plan", "ke-hoach.xlsx")
    assert code == 0, out + err
    assert sorted(m.rcpt_tos for m in server.handler.messages) == [
        ["thon03@sontay.example.com", "truongthon3@sontay.example.com"],
        ["thon07@sontay.example.com", "bithu7@sontay.example.com"]]
    t07 = received(server)["thon07@sontay.example.com, bithu7@sontay.example.com"]
    assert t07["Subject"] == "Đôn đốc nộp báo cáo thi đua – Thôn 7 – Năm 2024"
    assert "Đã nhắc Thôn 7 (Chưa nộp) qua thon07@sontay.example.com, bithu7@sontay.example.com" in out
    rows = remind_log_path(office / "bao-cao").read_text(encoding="utf-8-sig").splitlines()
    assert '"thon07@sontay.example.com, bithu7@sontay.example.com"' in rows[2]


def test_one_address_of_two_refused_is_said_and_the_unit_counts_as_reminded_at_the_other(cli, office, monkeypatch):
    from smtp_server import RecordingHandler

    retype_unit_email(office / "ke-hoach.xlsx", "T03", "thon03@sontay.example.com; cu@sontay.example.com")
    with running_server(RecordingHandler(refuse={"cu@sontay.example.com"})) as server:
        smtp_settings(monkeypatch, server)
        code, out, err = cli("remind", "bao-cao", "--plan", "ke-hoach.xlsx")
    assert code == 1, out + err
    assert sorted(m.rcpt_tos for m in server.handler.messages) == [["thon03@sontay.example.com"],
                                                                   ["thon07@sontay.example.com"]]
    assert "Thư nhắc Thôn 3 không tới được mọi địa chỉ: Máy chủ thư từ chối địa chỉ cu@sontay.example.com (550" in out
    assert "Đã nhắc Thôn 3 (Có lỗi) qua thon03@sontay.example.com" in out
    rows = remind_log_path(office / "bao-cao").read_text(encoding="utf-8-sig").splitlines()
    assert [row.split(",")[1:4] for row in rows[1:]] == [["T03", "Thôn 3", "thon03@sontay.example.com"],
                                                        ["T07", "Thôn 7", "thon07@sontay.example.com"]]


def test_a_malformed_address_among_several_is_a_record_at_its_cell(cli, office, monkeypatch):
    from xlsync.io.plan_source import load_plan_file

    plan_path = office / "ke-hoach.xlsx"
    cell = retype_unit_email(plan_path, "T03", "thon03@sontay.example.com; truongthon3.sontay.example.com")
    loaded = load_plan_file(plan_path)
    [record] = [i for i in loaded.issues if i.is_error]
    assert (record.code, record.sheet, record.cell, record.value) == (
        "invalid-email", Sheets.UNITS, cell, "truongthon3.sontay.example.com")
    assert record.message_vi == f"Ô {cell} (cột «Email»): «truongthon3.sontay.example.com» không phải địa chỉ email hợp lệ."
    with running_server() as server:
        smtp_settings(monkeypatch, server)
        code, out, err = cli("remind", "bao-cao", "--plan", "ke-hoach.xlsx")
    assert code == 2 and server.handler.messages == []


def remind_with_deadline(cli, office, plan, monkeypatch, deadline: str, *options: str) -> tuple[int, str, int]:
    """Exit status, stderr and how many messages the server received, for a plan with this deadline."""
    plan_with_deadline(plan, office, deadline)
    with running_server() as server:
        smtp_settings(monkeypatch, server)
        code, out, err = cli("remind", "bao-cao", "--plan", "ke-hoach.xlsx", *options)
    return code, err, len(server.handler.messages)


def test_nothing_is_sent_before_the_deadline_unless_allowed(cli, office, plan, monkeypatch):
    code, err, sent = remind_with_deadline(cli, office, plan, monkeypatch, "31/12/2099")
    assert (code, sent) == (2, 0)
    assert "Chưa đến hạn nộp báo cáo (31/12/2099): chưa nhắc đơn vị nào." in err
    code, err, sent = remind_with_deadline(cli, office, plan, monkeypatch, "31/12/2099", "--allow-before-deadline")
    assert (code, sent) == (0, 2), err


def test_a_dry_run_writes_the_reminders_and_sends_nothing(cli, office):
    code, out, err = cli("remind", "bao-cao", "--plan", "ke-hoach.xlsx", "--dry-run")
    assert code == 0, out + err
    written = sorted(path.name for path in (office / "bao-cao (thư nhắc)").iterdir())
    assert written == ["T03 Thôn 3.eml", "T07 Thôn 7.eml"]
    assert not remind_log_path(office / "bao-cao").exists()  # nothing sent, so nobody counts as reminded


def test_reminders_are_written_in_english_when_asked(cli, office):
    code, out, err = cli("remind", "bao-cao", "--plan", "ke-hoach.xlsx", "--dry-run", "--lang", "en")
    assert code == 0, out + err
    eml = office / "bao-cao (thư nhắc)" / "T07 Thôn 7.eml"
    reminder = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert reminder["Subject"] == "Reminder: emulation report – Thôn 7 – Năm 2024"
    lines = reminder.get_body(("plain",)).get_content().splitlines()
    assert lines[:2] == ["To: Thôn 7,", ""]
    assert lines[2].startswith("The office has not yet received the unit's report for Năm 2024 under ")
    assert lines[2].endswith("Please send it.")


def test_a_deadline_that_is_not_a_date_refuses_to_remind(cli, office, plan, monkeypatch):
    code, err, sent = remind_with_deadline(cli, office, plan, monkeypatch, "cuối tháng")
    assert (code, sent) == (2, 0)
    assert "cuối tháng" in err


def test_an_address_the_server_refuses_is_said_and_not_counted_as_reminded(cli, office, monkeypatch):
    from smtp_server import RecordingHandler

    with running_server(RecordingHandler(refuse={"thon03@sontay.example.com"})) as server:
        smtp_settings(monkeypatch, server)
        code, out, err = cli("remind", "bao-cao", "--plan", "ke-hoach.xlsx")
    assert code == 1, out + err
    assert [m.rcpt_tos for m in server.handler.messages] == [["thon07@sontay.example.com"]]
    assert "Chưa nhắc được Thôn 3: Máy chủ thư từ chối địa chỉ thon03@sontay.example.com (550" in out
    rows = remind_log_path(office / "bao-cao").read_text(encoding="utf-8-sig").splitlines()
    assert [row.split(",")[1] for row in rows[1:]] == ["T07"]


def test_units_reporting_in_google_sheets_are_judged_from_their_sheet_and_get_its_link(
    cli, fake, plan, demo_reports, tmp_path, monkeypatch
):
    from fake_sheets_api import FAST_RETRY, client_for
    from xlsync.core.example_data import example_values
    from xlsync.core.numbers import FAIL, PASS
    from xlsync.core.sheets import cell_address
    from xlsync.core.template import report_layout
    from xlsync.jobs import gsheets as gsheets_jobs

    monkeypatch.setattr(gsheets_jobs, "client_factory", lambda credentials: client_for(fake))
    monkeypatch.setattr(gsheets_jobs, "retry_policy", FAST_RETRY)
    for variable in ENV_VARIABLES.values():
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("XLSYNC_MAIL_FROM", OFFICE)
    monkeypatch.setenv("COLUMNS", "400")
    plan_with_deadline(plan, tmp_path, "15/01/2025")
    shutil.copytree(demo_reports, tmp_path / "bao-cao")
    for code in ("t01", "t02"):  # these two villages report in Google Sheets instead
        next((tmp_path / "bao-cao").glob(f"bao-cao-{code}-*.xlsx")).unlink()
    code, out, err = cli("gsheets", "push", "--unit", "T01", "--unit", "T02")
    assert code == 0, out + err
    keys = {entry.unit_code: entry for entry in SheetRegistry(tmp_path / "gsheets.csv")}
    for unit in ("T01", "T02"):
        values = example_values(plan, plan.units[unit], seed=7)
        if unit == "T02":
            values["DAN_SO"] = "khoảng 900"  # words in a number cell: an error
        for item in report_layout(plan, plan.units[unit]).inputs:
            value = values[item.element.code]
            typed = (PASS if value else FAIL) if isinstance(value, bool) else value
            fake.type_value(keys[unit].spreadsheet_id, "Báo cáo", cell_address(item.row, item.col), typed)

    with running_server() as server:
        smtp_settings(monkeypatch, server)
        code, out, err = cli("remind", "bao-cao", "--gsheets")
    assert code == 0, out + err
    sent = received(server)
    assert sorted(sent) == ["thon02@sontay.example.com", "thon03@sontay.example.com", "thon07@sontay.example.com"]
    t02 = sent["thon02@sontay.example.com"]
    body = t02.get_body(("plain",)).get_content()
    assert f"Đơn vị nhập báo cáo trên Google Sheet: {keys['T02'].url}" in body
    assert "khoảng 900" in body
    assert list(t02.iter_attachments()) == []  # the sheet itself is where the unit corrects it

    # Only the sheets, no reports folder: every unit without a sheet has sent nothing.
    (tmp_path / "bao-cao").rename(tmp_path / "cu")
    with running_server() as server:
        smtp_settings(monkeypatch, server)
        code, out, err = cli("remind", "--gsheets", "--force")
    assert code == 0, out + err
    assert len(server.handler.messages) == len(plan.units) - 1  # all but T01, whose sheet is clean
    assert "thon01@sontay.example.com" not in received(server)
