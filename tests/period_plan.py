"""A plan workbook with periods: the bundled plan written out, then «Kỳ báo cáo» (and optionally
«Chỉ tiêu theo kỳ») added with openpyxl, as a clerk would in Excel."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from xlsync.core.plan import Plan
from xlsync.io.plan_source import LoadedPlan, load_plan_file
from xlsync.io.plan_xlsx import write_plan_workbook

# (Mã kỳ, Tên kỳ, Từ ngày, Đến ngày, Hạn nộp): Excel dates and typed text dates, both as users enter them.
PERIOD_ROWS = (
    ("2024-6T", "6 tháng đầu năm 2024", datetime(2024, 1, 1), datetime(2024, 6, 30), "10/06/2024"),
    ("2024", "Năm 2024", "01/01/2024", "31/12/2024", datetime(2024, 11, 30)),
)


def period_plan(plan: Plan, folder: Path, *, current: str = "2024-6T", periods=PERIOD_ROWS,
                period_targets: tuple[tuple, ...] = ()) -> LoadedPlan:
    """The bundled plan with a «Kỳ báo cáo» sheet; «Thông tin» «Kỳ báo cáo» set to ``current``."""
    path = write_plan_workbook(plan, folder / "ke-hoach-ky.xlsx")
    book = load_workbook(path)
    info = book["Thông tin"]
    for row in info.iter_rows():
        if row[0].value == "Kỳ báo cáo":
            row[1].value = current
    sheet = book.create_sheet("Kỳ báo cáo")
    sheet.append(["Mã kỳ", "Tên kỳ", "Từ ngày", "Đến ngày", "Hạn nộp"])
    for values in periods:
        sheet.append(list(values))
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, datetime):
                cell.number_format = "dd/mm/yyyy"
    if period_targets:
        targets = book.create_sheet("Chỉ tiêu theo kỳ")
        targets.append(["Mã chỉ tiêu", "Mã kỳ", "Kế hoạch"])
        for values in period_targets:
            targets.append(list(values))
    book.save(path)
    return load_plan_file(path)
