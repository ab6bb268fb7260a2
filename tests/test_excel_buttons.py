"""What each button does to real workbooks, through real xlwings Books.

The demo round (``run_demo``) provides a plan, the units' reports and a
master; a test changes one figure with openpyxl, builds the Book with
xlwings' remote interpreter and asserts on the recorded actions: which
cell, which value, colour or note, which sheet, which status.
"""

from __future__ import annotations

import email
import email.policy
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest
from openpyxl import load_workbook
from openpyxl.comments import Comment

from xlsync.core.master.contents import MasterSheets
from xlsync.io.control_workbook import build_control_workbook
from xlsync.io.feedback import SUMMARY_HEADER
from xlsync.io.master.read import read_master_file
from xlsync.io.master.write import Columns, ratio_formula, verdict_formula
from xlsync.io.plan_source import load_plan_file
from xlsync.io.xlsx_style import ERROR_FILL, WARNING_FILL
from xlsync.jobs.demo import DemoRun, run_demo
from xlsync.workbook import layout

from fake_sheets_api import FakeGoogle, client_for, sheets_api
from smtp_server import Server, running_server
from xlwings_harness import actions, book_from_xlsx, mock_caller, xlwings_with_remote_engine

xlwings_with_remote_engine()  # before anything below imports xlwings
from xlsync.excel import macros  # noqa: E402
from xlsync.excel.control import STATUS_FILLS  # noqa: E402

CONTROL = layout.CONTROL_SHEET
REPORT_SHEET = "Báo cáo"
SUMMARY, BY_UNIT = MasterSheets.SUMMARY, MasterSheets.BY_UNIT
POOR_T01 = "E7"  # «Theo đơn vị»: HO_NGHEO (column E) of T01 (row 7)
POOR_CELL = "D13"  # a village report: Số hộ nghèo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    return run_demo(tmp_path_factory.mktemp("round") / "demo")


@pytest.fixture(scope="module")
def control_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_control_workbook(tmp_path_factory.mktemp("control") / "xlsync.xlsm")


@pytest.fixture
def folder(demo: DemoRun, tmp_path: Path) -> Path:
    """A private copy of the demo round, free to change."""
    return Path(shutil.copytree(demo.folder, tmp_path / "round"))


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """A local SMTP server without login or encryption, named in the settings the «Gửi» button reads."""
    with running_server() as server:
        for name, value in {"XLSYNC_SMTP_HOST": server.host, "XLSYNC_SMTP_PORT": str(server.port),
                            "XLSYNC_SMTP_SECURITY": "none", "XLSYNC_MAIL_FROM": "xa@xa.gov.vn"}.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("XLSYNC_SMTP_USER", raising=False)
        yield server


def edited(path: Path, sheet: str, changes: dict[str, Any], out: Path | None = None) -> Path:
    workbook = load_workbook(path)
    for address, value in changes.items():
        workbook[sheet][address] = value
    out = out or path
    workbook.save(out)
    return out


def control_with(control_path: Path, tmp_path: Path, **settings: str) -> Path:
    """The control workbook with «Cài đặt» filled in as a user would."""
    cells = {s.key: s.cell for s in layout.SETTINGS}
    workbook = load_workbook(control_path)
    for key, value in settings.items():
        workbook[layout.SETTINGS_SHEET][cells[key]] = value
    out = tmp_path / "xlsync-filled.xlsx"
    workbook.save(out)
    return out


def village_report(folder: Path, code: str = "t01") -> Path:
    return next((folder / "bao-cao").glob(f"bao-cao-{code}-*.xlsx"))


def indicator_row(master: Path, code: str) -> int:
    sheet = load_workbook(master, read_only=True)[SUMMARY]
    return next(row[0].row for row in sheet.iter_rows(min_col=1, max_col=1) if row[0].value == code)


def writes(book) -> dict[tuple[str, str], Any]:
    """Every cell a value or formula was written to, block writes taken apart."""
    found = {}
    for action in actions(book):
        if action["func"] not in ("setValues", "setFormula"):
            continue
        for r, line in enumerate(action["values"]):
            for c, value in enumerate(line):
                address = f"{_letter(action['start_column'] + c)}{action['start_row'] + r + 1}"
                found[(action["sheet"], address)] = value
    return found


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col + 1)


def marks(book) -> dict[tuple[str, str], list[tuple[str, Any]]]:
    """Colours and notes put on cells: (sheet, address) → [(action, argument)]."""
    found: dict[tuple[str, str], list[tuple[str, Any]]] = {}
    for action in actions(book):
        if action["func"] == "setRangeColor":
            found.setdefault((action["sheet"], action["address"]), []).append(("color", action["args"][0]))
        elif action["func"] in ("addNote", "setNoteText", "deleteNote"):
            address = action["args"][0].replace("$", "")
            argument = action["args"][1] if len(action["args"]) > 1 else None
            found.setdefault((action["sheet"], address), []).append((action["func"], argument))
    return found


def status(book) -> tuple[str, str]:
    """The message and fill written into the status area of the control sheet."""
    recorded = {(a["func"], a["address"]): a for a in actions(book) if a["sheet"] == CONTROL}
    message = recorded[("setValues", layout.STATUS_CELL)]["values"][0][0]
    fill = recorded[("setRangeColor", layout.STATUS_CELL)]["args"][0]
    return message, fill


def alert(book) -> str:
    (shown,) = [a for a in actions(book) if a["func"] == "alert"]
    return shown["args"][0]


# --- Kiểm tra ----------------------------------------------------------------------------------------


def test_check_marks_exactly_the_one_bad_cell_of_a_report(folder: Path) -> None:
    report = edited(village_report(folder), REPORT_SHEET, {POOR_CELL: "nhiều"})
    book = book_from_xlsx(report)
    macros.validate_book(book)

    message = "Ô D13: «nhiều» không phải là số. Chỉ nhập con số, ví dụ 1.234 hoặc 96,5."
    assert marks(book) == {
        (REPORT_SHEET, POOR_CELL): [("color", ERROR_FILL), ("addNote", f"• {message}")],
    }
    added = [a for a in actions(book) if a["func"] == "addSheet"]
    assert [a["args"] for a in added] == [[3, "Kiểm tra"]]  # after Báo cáo, Hướng dẫn, _xlsync
    assert writes(book) == {
        **{("Kiểm tra", f"{_letter(c)}1"): label for c, label in enumerate(SUMMARY_HEADER)},
        ("Kiểm tra", "A2"): "Lỗi",
        ("Kiểm tra", "B2"): "type-error",
        ("Kiểm tra", "C2"): REPORT_SHEET,
        ("Kiểm tra", "D2"): POOR_CELL,
        ("Kiểm tra", "E2"): "nhiều",
        ("Kiểm tra", "F2"): message,
        ("Kiểm tra", "G2"): "Cell D13: 'nhiều' is not a number. Enter digits only, e.g. 1.234 or 96,5.",
    }
    assert alert(book) == (
        "Có 1 lỗi, 0 cảnh báo trong «bao-cao-t01-thon-1.xlsx». Các ô có vấn đề đã được tô màu và ghi chú; "
        "danh sách ở trang «Kiểm tra». Bạn tự quyết định có lưu tệp hay không."
    )


def test_check_of_last_years_report_says_so_at_the_period_cell(folder: Path) -> None:
    report = edited(village_report(folder), REPORT_SHEET, {"B7": "Năm 2023"})
    book = book_from_xlsx(report)
    macros.validate_book(book)

    # The button judges the period as validate and consolidate do: no false «Hợp lệ».
    assert set(marks(book)) == {(REPORT_SHEET, "B7")}
    assert marks(book)[(REPORT_SHEET, "B7")][0] == ("color", ERROR_FILL)
    assert writes(book)[("Kiểm tra", "B2")] == "other-period"
    assert alert(book).startswith("Có 1 lỗi, 0 cảnh báo trong «bao-cao-t01-thon-1.xlsx».")


def test_check_converts_tcvn3_text_and_says_so(folder: Path) -> None:
    report = edited(village_report(folder), REPORT_SHEET, {"B6": "Th«n 1"})
    book = book_from_xlsx(report)
    macros.validate_book(book)

    assert writes(book)[("Kiểm tra", "B2")] == "legacy-encoding-converted"
    assert "ô B6: «Th«n 1» → «Thôn 1»" in writes(book)[("Kiểm tra", "F2")]
    assert ("Kiểm tra", "B3") not in writes(book)  # the only record: the unit's name is not a problem


def test_check_from_the_control_workbook_marks_the_other_open_book(
    folder: Path, control_path: Path
) -> None:
    report = edited(village_report(folder), REPORT_SHEET, {POOR_CELL: 300})
    control = book_from_xlsx(control_path, caller_sheet=CONTROL)
    opened = book_from_xlsx(report, beside=control)
    with mock_caller(control):
        macros.validate_button()

    assert set(marks(opened)) == {(REPORT_SHEET, POOR_CELL)}
    assert marks(opened)[(REPORT_SHEET, POOR_CELL)][0] == ("color", ERROR_FILL)
    assert status(control) == (
        "Có 1 lỗi, 0 cảnh báo trong «bao-cao-t01-thon-1.xlsx». Các ô có vấn đề đã được tô màu và ghi chú; "
        "danh sách ở trang «Kiểm tra». Bạn tự quyết định có lưu tệp hay không.",
        STATUS_FILLS["error"],
    )
    # Nothing but the status is written into the control workbook.
    assert {a["sheet"] for a in actions(control)} == {CONTROL}


def test_a_valid_report_is_said_valid_and_old_marks_are_taken_off(folder: Path) -> None:
    report = village_report(folder)
    workbook = load_workbook(report)
    workbook[REPORT_SHEET][POOR_CELL].comment = Comment("• an earlier message", "xlsync")
    earlier = workbook.create_sheet("Kiểm tra")
    earlier.append(SUMMARY_HEADER)
    earlier.append(["Lỗi", "type-error", REPORT_SHEET, POOR_CELL, "nhiều", "…", "…"])
    workbook.save(report)

    book = book_from_xlsx(report)
    macros.validate_book(book)
    assert marks(book) == {(REPORT_SHEET, POOR_CELL): [("color", None), ("deleteNote", None)]}
    funcs = [(a["func"], a["sheet"]) for a in actions(book)]
    assert ("sheetClear", "Kiểm tra") in funcs and ("addSheet", None) not in funcs
    assert writes(book)[("Kiểm tra", "F2")] == "Không có lỗi."
    assert writes(book)[("Kiểm tra", "G2")] == "No problems found."
    assert alert(book) == (
        "Hợp lệ: «bao-cao-t01-thon-1.xlsx» không có lỗi nào (trang «Kiểm tra»). "
        "Bạn tự quyết định có lưu tệp hay không."
    )


def test_check_of_a_plan_workbook_marks_a_warning(folder: Path) -> None:
    book = book_from_xlsx(folder / "ke-hoach.xlsx")
    macros.validate_book(book)
    # The bundled plan states the poverty target twice (VH07 and VH11), differently.
    (((sheet, cell), (fill, note)),) = marks(book).items()
    assert (sheet, cell, fill) == ("Chỉ tiêu", "A18", ("color", WARNING_FILL))
    assert note == ("addNote", "• Chỉ tiêu VH07 (dòng 18) và VH11 (dòng 22) cùng đo «Tỷ lệ hộ nghèo» nhưng "
                    "kế hoạch khác nhau: < 3 và ≤ 3,22. Hãy thống nhất một chỉ tiêu.")
    assert alert(book).startswith("Có 0 lỗi, 1 cảnh báo trong «ke-hoach.xlsx».")


def test_check_of_an_edited_master_finds_the_figure_and_the_stale_actuals(folder: Path) -> None:
    master = edited(folder / "tong-hop.xlsx", BY_UNIT, {POOR_T01: 300})  # T01 has 245 households
    vh07, vh11 = indicator_row(master, "VH07"), indicator_row(master, "VH11")
    book = book_from_xlsx(master)
    macros.validate_book(book)

    found = marks(book)
    assert set(found) == {(BY_UNIT, POOR_T01), (SUMMARY, f"G{vh07}"), (SUMMARY, f"G{vh11}")}
    assert found[(BY_UNIT, POOR_T01)][1] == (
        "addNote", "• Ô E7: Số hộ nghèo (300) lớn hơn Tổng số hộ (245, ô D7)."
    )
    assert found[(SUMMARY, f"G{vh07}")][1][1].startswith("• Ô G{}: «Thực hiện» của chỉ tiêu VH07 ghi 2,87".format(vh07))
    # The master's own «Kiểm tra» (the consolidation's records) is left alone.
    sheets = load_workbook(master, read_only=True).sheetnames
    assert [a["args"] for a in actions(book) if a["func"] == "addSheet"] == [[len(sheets), "Kiểm tra lại"]]
    assert not any(a["sheet"] == "Kiểm tra" for a in actions(book))
    assert alert(book).startswith("Có 3 lỗi, 0 cảnh báo trong «tong-hop.xlsx»")


def test_several_open_books_are_not_guessed_between(folder: Path, control_path: Path) -> None:
    control = book_from_xlsx(control_path, caller_sheet=CONTROL)
    first = book_from_xlsx(village_report(folder, "t01"), beside=control)
    second = book_from_xlsx(village_report(folder, "t02"), beside=control)
    macros.validate_book(control)
    assert actions(first) == [] and actions(second) == []
    assert status(control) == (
        "«Kiểm tra» không thực hiện được: Đang mở nhiều tệp (bao-cao-t01-thon-1.xlsx, bao-cao-t02-thon-2.xlsx), "
        "không biết cần kiểm tra tệp nào. Hãy chỉ để mở tệp cần kiểm tra (cùng tệp điều khiển) rồi bấm lại nút.",
        STATUS_FILLS["error"],
    )


def test_with_nothing_else_open_the_master_of_the_settings_is_the_target(
    folder: Path, control_path: Path, tmp_path: Path
) -> None:
    master = folder / "tong-hop.xlsx"
    filled = control_with(control_path, tmp_path, master_path=str(master))
    control = book_from_xlsx(filled, caller_sheet=CONTROL)
    macros.validate_book(control)
    # Desktop Excel opens it (app.books.open); Office.js cannot, and says so.
    assert status(control) == (
        f"«Kiểm tra» không thực hiện được: Không tự mở được «{master}» ở đây; hãy mở tệp đó trong Excel "
        "rồi bấm lại nút.",
        STATUS_FILLS["error"],
    )


# --- Tính tỷ lệ đạt ------------------------------------------------------------------------------------


def test_recompute_writes_the_new_actual_where_it_belongs(folder: Path) -> None:
    master = edited(folder / "tong-hop.xlsx", BY_UNIT, {POOR_T01: 20})  # was 8
    vh07, vh11 = indicator_row(master, "VH07"), indicator_row(master, "VH11")
    book = book_from_xlsx(master)
    macros.recompute_book(book)

    written = writes(book)
    # Commune: 50 poor households of 1 740, now 62 (T01: 8 → 20).
    assert written[(SUMMARY, f"G{vh07}")] == pytest.approx(3.563218, abs=1e-9)
    assert written[(SUMMARY, f"G{vh11}")] == pytest.approx(3.563218, abs=1e-9)
    assert written[(SUMMARY, f"J{vh07}")] == "100 × 62 / 1.740"
    columns = Columns(comparison=4, target=5, actual=6)
    assert written[(SUMMARY, f"H{vh07}")] == ratio_formula(vh07 - 1, columns)
    assert written[(SUMMARY, f"I{vh07}")] == verdict_formula(vh07 - 1, columns)
    # Totals of «Theo đơn vị» get their formulas back: HO_NGHEO is column E, units rows 6..22, «Toàn xã» row 5.
    assert written[(BY_UNIT, "E5")] == "=SUM(E6:E22)"
    # T01's own target for VH07 (table below the figures): 100 × 20 / 245.
    t01_row = _unit_target_row(master, "T01", "VH07")
    assert written[(BY_UNIT, f"G{t01_row}")] == pytest.approx(8.163265, abs=1e-9)
    # What the user edited is not written again; with nothing to report, no list sheet is added.
    assert (BY_UNIT, POOR_T01) not in written
    assert not any(a["func"] == "addSheet" for a in actions(book))
    assert alert(book) == (
        "Đã tính lại «tong-hop.xlsx»: 24 chỉ tiêu, 3 ô «Thực hiện» thay đổi; đạt 12, chưa đạt 12. "
        "Kiểm tra lại số liệu: 0 lỗi, 0 cảnh báo. Bạn tự quyết định có lưu tệp hay không."
    )


def _unit_target_row(master: Path, unit: str, indicator: str) -> int:
    sheet = load_workbook(master, read_only=True)[BY_UNIT]
    for row in sheet.iter_rows(min_col=1, max_col=3):
        if row[0].value == unit and row[2].value == indicator:
            return row[0].row
    raise AssertionError(f"no row for {unit} {indicator}")


def test_recompute_checks_the_figures_again_and_marks_a_bad_one(folder: Path) -> None:
    master = edited(folder / "tong-hop.xlsx", BY_UNIT, {POOR_T01: 300})
    book = book_from_xlsx(master)
    macros.recompute_book(book)
    assert marks(book) == {
        (BY_UNIT, POOR_T01): [("color", ERROR_FILL), ("addNote", "• Ô E7: Số hộ nghèo (300) lớn hơn Tổng số hộ (245, ô D7).")]
    }
    assert "Kiểm tra lại số liệu: 1 lỗi, 0 cảnh báo." in alert(book)


def test_recompute_takes_off_the_marks_of_the_stale_actuals_it_settled(folder: Path) -> None:
    master = edited(folder / "tong-hop.xlsx", BY_UNIT, {POOR_T01: 20})
    vh07 = indicator_row(master, "VH07")
    # What «Kiểm tra» left in the master before the user clicked «Tính tỷ lệ đạt» (and saved).
    workbook = load_workbook(master)
    workbook[SUMMARY][f"G{vh07}"].comment = Comment("• «Thực hiện» … chưa tính lại", "xlsync")
    earlier = workbook.create_sheet("Kiểm tra lại")
    earlier.append(SUMMARY_HEADER)
    earlier.append(["Lỗi", "master-actual-stale", SUMMARY, f"G{vh07}", "2,87", "…", "…"])
    workbook.save(master)

    book = book_from_xlsx(master)
    macros.recompute_book(book)
    assert marks(book) == {(SUMMARY, f"G{vh07}"): [("color", None), ("deleteNote", None)]}
    assert writes(book)[("Kiểm tra lại", "F2")] == "Không có lỗi."
    assert writes(book)[(SUMMARY, f"G{vh07}")] == pytest.approx(3.563218, abs=1e-9)


def test_recompute_from_the_control_workbook_picks_the_open_master(folder: Path, control_path: Path) -> None:
    master = edited(folder / "tong-hop.xlsx", BY_UNIT, {POOR_T01: 20})
    control = book_from_xlsx(control_path, caller_sheet=CONTROL)
    report = book_from_xlsx(village_report(folder), beside=control)  # open too, but not a master
    opened = book_from_xlsx(master, beside=control)
    with mock_caller(control):
        macros.recompute_button()
    assert actions(report) == []
    assert writes(opened)[(SUMMARY, f"G{indicator_row(master, 'VH07')}")] == pytest.approx(3.563218, abs=1e-9)
    message, fill = status(control)
    assert message.startswith("Đã tính lại «tong-hop.xlsx»: 24 chỉ tiêu, 3 ô «Thực hiện» thay đổi")
    assert fill == STATUS_FILLS["ok"]


def test_recompute_refuses_a_workbook_that_is_not_a_master(folder: Path) -> None:
    book = book_from_xlsx(village_report(folder))
    macros.recompute_book(book)
    assert alert(book) == (
        "«Tính tỷ lệ đạt» không thực hiện được: Tệp «bao-cao-t01-thon-1.xlsx» không phải sổ tổng hợp do xlsync "
        "tạo (thiếu trang ẩn «_xlsync»)."
    )
    assert [a["func"] for a in actions(book)] == ["alert"]


# --- Tổng hợp ------------------------------------------------------------------------------------------


def test_consolidate_writes_the_master_named_in_the_settings(
    folder: Path, control_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "ket-qua" / "tong-hop-2024.xlsx"
    out.parent.mkdir()
    filled = control_with(control_path, tmp_path, reports_folder=str(folder / "bao-cao"),
                          master_path=str(out), plan_path=str(folder / "ke-hoach.xlsx"))
    control = book_from_xlsx(filled, caller_sheet=CONTROL)
    with mock_caller(control):
        macros.consolidate_button()

    assert status(control) == (
        f"Đã tổng hợp vào {out}: 15/17 đơn vị được tổng hợp; đã nộp 16/17 (94,1%); 4 lỗi, 1 cảnh báo "
        "(xem trang «Kiểm tra» của sổ tổng hợp).",
        STATUS_FILLS["warning"],
    )
    stored = read_master_file(out, load_plan_file(folder / "ke-hoach.xlsx").plan).consolidation
    assert (stored.expected, stored.submitted, stored.included_count) == (17, 16, 15)


def test_consolidate_also_reads_the_google_sheets_registered_beside_the_plan(
    folder: Path, control_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xlsync.io.gsheets.push import push_report
    from xlsync.io.gsheets.registry import SheetRegistry, registry_path
    from xlsync.io.retry import RetryPolicy
    from xlsync.jobs import gsheets

    plan_path = folder / "ke-hoach.xlsx"
    plan = load_plan_file(plan_path).plan
    out = tmp_path / "tong-hop.xlsx"
    with FakeGoogle(account_email="van-phong@xa.iam.gserviceaccount.com") as fake:
        client = client_for(fake)
        # Thôn 7 never sent a file: its office pushed it a Google Sheet, still empty.
        pushed = push_report(client, plan, plan.units["T07"], share=False,
                             registry=SheetRegistry(registry_path(plan_path)))
        monkeypatch.setattr(gsheets, "client_factory", lambda credentials: client)
        monkeypatch.setattr(gsheets, "retry_policy", RetryPolicy(max_attempts=2, max_seconds=0.5))
        filled = control_with(control_path, tmp_path, reports_folder=str(folder / "bao-cao"),
                              master_path=str(out), plan_path=str(plan_path))
        control = book_from_xlsx(filled, caller_sheet=CONTROL)
        requests_before = len(fake.requests)
        macros.consolidate_book(control)
        reads = [r.kind for r in sheets_api(fake.requests[requests_before:])]

    assert reads == ["spreadsheets.get"]  # one Sheets read for the whole spreadsheet, no write
    message, _ = status(control)
    assert message.startswith(f"Đã tổng hợp vào {out}: 15/17 đơn vị được tổng hợp; đã nộp 17/17 (100,0%);")
    stored = read_master_file(out, plan).consolidation
    assert f"gsheet:{pushed.spreadsheet_id}" in [source.path for source in stored.sources]


def test_consolidate_reports_a_missing_folder(control_path: Path, tmp_path: Path) -> None:
    filled = control_with(control_path, tmp_path, reports_folder=str(tmp_path / "khong-co"),
                          master_path=str(tmp_path / "tong-hop.xlsx"))
    control = book_from_xlsx(filled, caller_sheet=CONTROL)
    macros.consolidate_book(control)
    assert status(control) == (
        f"«Tổng hợp» không thực hiện được: Không tìm thấy tệp «{tmp_path / 'khong-co'}».",
        STATUS_FILLS["error"],
    )
    assert not (tmp_path / "tong-hop.xlsx").exists()


# --- Chấm điểm and Gửi email ------------------------------------------------------------------------


def test_score_writes_the_scores_into_the_master(folder: Path, control_path: Path, tmp_path: Path) -> None:
    from xlsync.jobs.score import SCORE_FOLDER, write_score_templates_from_master

    master, plan_path = folder / "tong-hop.xlsx", folder / "ke-hoach.xlsx"
    write_score_templates_from_master(load_plan_file(plan_path), folder / SCORE_FOLDER, master=master)
    filled = control_with(control_path, tmp_path, master_path=str(master), plan_path=str(plan_path))
    control = book_from_xlsx(filled, caller_sheet=CONTROL)
    macros.score_book(control)

    message, _ = status(control)
    assert message.startswith(f"Đã ghi trang «Chấm điểm» và «Xếp hạng» vào sổ tổng hợp: {master}")
    assert {"Chấm điểm", "Xếp hạng"} <= set(load_workbook(master, read_only=True).sheetnames)


def test_send_emails_the_master_to_the_recipients_in_the_settings(
    folder: Path, control_path: Path, tmp_path: Path, server: Server
) -> None:
    master = folder / "tong-hop.xlsx"
    filled = control_with(control_path, tmp_path, master_path=str(master), plan_path=str(folder / "ke-hoach.xlsx"),
                          recipients="vanphong@xa.gov.vn; chutich@xa.gov.vn")
    control = book_from_xlsx(filled, caller_sheet=CONTROL)
    macros.send_book(control)

    assert status(control) == (
        "Đã gửi tới (2): vanphong@xa.gov.vn, chutich@xa.gov.vn.", STATUS_FILLS["ok"]
    )
    (received,) = server.handler.messages
    assert received.rcpt_tos == ["vanphong@xa.gov.vn", "chutich@xa.gov.vn"]
    sent = email.message_from_bytes(received.content, policy=email.policy.default)
    (attachment,) = sent.iter_attachments()
    assert attachment.get_payload(decode=True) == master.read_bytes()


def test_send_refuses_a_master_edited_without_recomputing(
    folder: Path, control_path: Path, tmp_path: Path, server: Server
) -> None:
    master = edited(folder / "tong-hop.xlsx", BY_UNIT, {POOR_T01: 20})  # «Thực hiện» now stale
    filled = control_with(control_path, tmp_path, master_path=str(master), plan_path=str(folder / "ke-hoach.xlsx"),
                          recipients="vanphong@xa.gov.vn")
    control = book_from_xlsx(filled, caller_sheet=CONTROL)
    macros.send_book(control)

    assert server.handler.messages == []
    assert status(control) == (
        "Chưa gửi: sổ tổng hợp có 2 lỗi, 0 cảnh báo ở số liệu đưa vào tổng hợp. Hãy mở sổ tổng hợp, bấm "
        "«Tính tỷ lệ đạt» nếu đã sửa số liệu, rồi «Kiểm tra» để xem các ô cần sửa.",
        STATUS_FILLS["error"],
    )


def test_collect_files_the_mailed_reports_into_the_folder_of_the_settings_and_checks_them(
    folder: Path, control_path: Path, tmp_path: Path, dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from email.message import EmailMessage

    dovecot.clear()
    for code, sender in (("t01", "thon01@sontay.example.com"), ("t03", "thon03@sontay.example.com")):
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = sender, dovecot.user, "Báo cáo thi đua"
        message.set_content("Gửi báo cáo.")
        message.add_attachment(village_report(folder, code).read_bytes(), maintype="application",
                               subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename="Báo cáo.xlsx")
        dovecot.append(bytes(message))
    dovecot.append(b"From: thon08@sontay.example.com\r\nSubject: Hello\r\n\r\nNo report yet.\r\n")
    for name, value in {"XLSYNC_IMAP_HOST": dovecot.host, "XLSYNC_IMAP_PORT": str(dovecot.port),
                        "XLSYNC_IMAP_USER": dovecot.user, "XLSYNC_IMAP_PASSWORD": dovecot.password,
                        "XLSYNC_IMAP_SECURITY": "none"}.items():
        monkeypatch.setenv(name, value)
    reports = tmp_path / "nhan"
    filled = control_with(control_path, tmp_path, reports_folder=str(reports), plan_path=str(folder / "ke-hoach.xlsx"))
    control = book_from_xlsx(filled, caller_sheet=CONTROL)
    macros.collect_book(control)

    assert sorted(path.name for path in reports.iterdir()) == ["T01 Thôn 1.xlsx", "T03 Thôn 3.xlsx"]
    message, fill = status(control)
    assert message.startswith(f"Đã đọc 3 thư mới, lưu 2 báo cáo vào {reports}; 1 thư hoặc tệp không dùng được. "
                              "Các báo cáo vừa nhận có 3 lỗi, 0 cảnh báo")
    assert fill == STATUS_FILLS["error"]
