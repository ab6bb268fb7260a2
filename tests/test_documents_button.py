"""The «Văn bản» button of the control workbook: the documents from the master named in «Cài đặt»."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document

# The demo round, the control workbook and a private copy of the round are those of the other buttons' tests.
from test_excel_buttons import BY_UNIT, CONTROL, POOR_T01, control_path, control_with, demo, edited, folder, status  # noqa: F401
from xlsync.workbook import layout
from xlwings_harness import book_from_xlsx

from xlsync.excel import macros  # noqa: E402  (after test_excel_buttons set up xlwings' remote engine)
from xlsync.excel.control import STATUS_FILLS  # noqa: E402
from xlsync.jobs import documents as documents_job  # noqa: E402

DOCUMENT_NAMES = ["bao-cao-ket-qua-thi-dua.docx", "to-trinh-de-nghi-khen-thuong.docx", "quyet-dinh-khen-thuong.docx"]


def test_the_button_is_on_the_control_sheet_below_the_others():
    button = next(b for b in layout.BUTTONS if b.key == "documents")
    assert (button.caption, button.macro, button.entry_point) == ("Văn bản", "VanBan", "documents_button")
    rows = [int(b.cell[1:]) for b in layout.BUTTONS]
    assert rows == sorted(rows) and len(set(rows)) == len(rows) and int(button.cell[1:]) == max(rows)
    assert int(layout.STATUS_LABEL_CELL[1:]) > max(rows) + 1  # the button's English line stays above the status
    assert callable(macros.documents_button)


def test_the_button_writes_the_documents_beside_the_master(folder: Path, control_path: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents_job, "find_soffice", lambda: None)  # as on an office PC without LibreOffice
    shutil.rmtree(folder / "van-ban")  # the demo's own documents (and PDFs) are not what the button writes
    master = folder / "tong-hop.xlsx"
    filled = control_with(control_path, tmp_path, master_path=str(master), plan_path=str(folder / "ke-hoach.xlsx"),
                          templates_folder=str(folder / "mau-van-ban"))
    control = book_from_xlsx(filled, caller_sheet=CONTROL)
    macros.documents_book(control)

    message, fill = status(control)
    written = folder / "van-ban"
    assert sorted(p.name for p in written.iterdir()) == sorted(DOCUMENT_NAMES)
    assert message.startswith(f"Đã chép mẫu văn bản vào {folder / 'mau-van-ban'}: bao-cao.docx, to-trinh.docx, "
                              "quyet-dinh.docx.")
    assert f"Đã ghi 3 văn bản vào {written}: {', '.join(DOCUMENT_NAMES)}." in message
    assert message.endswith("Không có LibreOffice: chỉ ghi văn bản .docx, chưa chuyển sang PDF.")
    assert fill == STATUS_FILLS["warning"]
    signature = Document(written / DOCUMENT_NAMES[0]).tables[-1].rows[0].cells[1]
    assert [p.text for p in signature.paragraphs if p.text] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Cao Văn Đức"]


def test_the_button_refuses_a_master_edited_without_recomputing(folder: Path, control_path: Path,
                                                                 tmp_path: Path) -> None:
    master = edited(folder / "tong-hop.xlsx", BY_UNIT, {POOR_T01: 20})  # «Thực hiện» now stale
    documents = tmp_path / "van-ban"
    filled = control_with(control_path, tmp_path, master_path=str(master), plan_path=str(folder / "ke-hoach.xlsx"),
                          documents_folder=str(documents))
    control = book_from_xlsx(filled, caller_sheet=CONTROL)
    macros.documents_book(control)

    assert status(control) == (
        "Chưa làm văn bản: sổ tổng hợp có 2 lỗi, 0 cảnh báo ở số liệu đưa vào tổng hợp. Hãy mở sổ tổng hợp, bấm "
        "«Tính tỷ lệ đạt» nếu đã sửa số liệu, rồi «Kiểm tra» để xem các ô cần sửa.",
        STATUS_FILLS["error"],
    )
    assert not documents.exists()
