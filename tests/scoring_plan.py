"""A small plan with one block of five villages, for scoring tests through real files.

Criteria and scores are those of the hand-computed five-unit block of
test_scoring.py, so the expected ranking is known without running xlsync:

    Q1 (Dẫn đầu, 40 points, đàn hươu against a target of 100 each):
        THON_HA 150 → leader, 40; DONG, BAC, CAU 120 → 20 + 20 × 0,2 / 0,5 = 28; AN 110 → 24.
    P1 (Đạt/Không đạt, 20): every unit 20.
    B1 (Điểm thưởng, 10): HA 0, DONG 2, BAC 2, CAU 4, AN 6.
    T1 (Điểm trừ, 5): HA 2, DONG 0, BAC 0, CAU 2, AN 0.

    Totals: HA 58; DONG 50; BAC 50; CAU 50 (penalty 2); AN 50 (quantitative 24).
    Ranks: HA 1; DONG 2 and BAC 2 (tied); CAU 4; AN 5.

Units are listed in a deliberately non-alphabetical order.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from helpers import fill_report
from xlsync.core.plan import Plan
from xlsync.core.plan_reader import read_plan
from xlsync.core.sheets import Sheet, WorkbookData
from xlsync.io.plan_source import LoadedPlan

BLOCK = "Khối thôn"
FIVE = ["THON_HA", "THON_DONG", "THON_BAC", "THON_CAU", "THON_AN"]
DEER = {"THON_HA": 150, "THON_DONG": 120, "THON_BAC": 120, "THON_CAU": 120, "THON_AN": 110}
BONUS = {"THON_HA": 0, "THON_DONG": 2, "THON_BAC": 2, "THON_CAU": 4, "THON_AN": 6}
PENALTY = {"THON_HA": 2, "THON_DONG": 0, "THON_BAC": 0, "THON_CAU": 2, "THON_AN": 0}
EXPECTED_RANKING = [  # (unit, rank, total, quantitative, penalty, tied)
    ("THON_HA", 1, 58, 40, 2, False),
    ("THON_DONG", 2, 50, 28, 0, True),
    ("THON_BAC", 2, 50, 28, 0, True),
    ("THON_CAU", 4, 50, 28, 2, False),
    ("THON_AN", 5, 50, 24, 0, False),
]

# Cells of the score workbook, found by hand from the documented layout: the header on row 12,
# criteria from row 13 in plan order, six fixed columns A–F, then three columns per unit.
CRITERIA_ROWS = {"Q1": 13, "P1": 14, "B1": 15, "T1": 16}
GROUP_COLUMNS = {"THON_HA": "GHI", "THON_DONG": "JKL", "THON_BAC": "MNO", "THON_CAU": "PQR", "THON_AN": "STU"}


def cell(unit: str, criterion: str, which: str) -> str:
    """Address of a unit's «Tự chấm» (self), «Khối chấm» (block) or «Minh chứng» (evidence) cell."""
    col = GROUP_COLUMNS[unit]["self block evidence".split().index(which)]
    return f"{col}{CRITERIA_ROWS[criterion]}"


def plan_workbook() -> WorkbookData:
    sheets = {
        "Thông tin": [["Mục", "Nội dung"], ["Số kế hoạch", "09/KH-UBND"], ["Tên kế hoạch", "Thi đua thử"],
                      ["Cơ quan ban hành", "UBND xã Thử"], ["Kỳ báo cáo", "Năm 2024"], ["Phiên bản", "1"]],
        "Số liệu": [["Mã", "Tên", "Đơn vị tính", "Kiểu", "Cấp báo cáo"],
                    ["SO_HO", "Tổng số hộ", "hộ", "Số nguyên", "Thôn"],
                    ["HO_NGHEO", "Số hộ nghèo", "hộ", "Số nguyên", "Thôn"],
                    ["DAN_HUOU", "Tổng đàn hươu", "con", "Số nguyên", "Thôn"]],
        "Chỉ tiêu": [["Mã", "Nhóm", "Chỉ tiêu", "Đơn vị tính", "So sánh", "Kế hoạch", "Cách tính", "Tử số",
                      "Mẫu số", "Ghi chú"],
                     ["HN", "Văn hóa – xã hội", "Tỷ lệ hộ nghèo", "%", "<", "3,0", "Tỷ lệ", "HO_NGHEO", "SO_HO", None],
                     ["HUOU", "Kinh tế", "Phát triển đàn hươu", "con", "≥", "500", "Tổng", "DAN_HUOU", None, None]],
        "Đơn vị": [["Mã", "Tên", "Loại", "Khối thi đua", "Email"],
                   *[[code, f"Thôn {code[5:].title()}", "Thôn", BLOCK, f"{code.lower()}@thu.example.com"]
                     for code in FIVE]],
        "Nơi nhận": [["Tên", "Email"], ["Văn phòng", "vp@thu.example.com"]],
        "Giao chỉ tiêu": [["Mã đơn vị", "Mã chỉ tiêu", "Kế hoạch"], *[[code, "HUOU", "100"] for code in FIVE]],
        "Tiêu chí chấm điểm": [
            ["Mã", "Khối thi đua", "Nhóm", "Tiêu chí", "Điểm tối đa", "Loại", "Mã chỉ tiêu", "Quy tắc",
             "Điểm mỗi lần", "Mức trần", "Mức sàn"],
            ["Q1", BLOCK, "Chỉ tiêu", "Phát triển đàn hươu", "40", "Định lượng", "HUOU", "Dẫn đầu", None, None, None],
            ["P1", None, "Phong trào", "Không có trọng điểm ma túy", "20", "Đạt/Không đạt", None, None, None, None,
             None],
            ["B1", None, "Thưởng", "Điểm thưởng", "10", "Điểm thưởng", None, None, None, None, None],
            ["T1", None, "Trừ", "Vi phạm chế độ báo cáo", "5", "Điểm trừ", None, None, None, None, None],
        ],
        "Khen thưởng": [["Danh hiệu", "Điểm tối thiểu", "Số đơn vị dẫn đầu mỗi khối", "Tỷ lệ tối đa (%)", "Tính trên"],
                        ["Cờ thi đua", "55", "1", None, None],
                        ["Giấy khen", "45", None, "20", "Khối thi đua"]],
    }
    return WorkbookData("ke-hoach-thu.xlsx", {name: Sheet(name, rows) for name, rows in sheets.items()})


def five_plan() -> Plan:
    plan, issues = read_plan(plan_workbook())
    assert issues == [], [i.message_vi for i in issues]
    return plan


def loaded(plan: Plan) -> LoadedPlan:
    return LoadedPlan(plan, [], "option")


def write_reports(plan: Plan, folder: Path) -> list[Path]:
    return [fill_report(plan, code, folder, {"SO_HO": 200, "HO_NGHEO": 4, "DAN_HUOU": DEER[code]})
            for code in FIVE]


def hand_scores() -> dict[str, object]:
    """Address → what the block types: the scores of the module docstring."""
    typed: dict[str, object] = {}
    for unit in FIVE:
        typed[cell(unit, "P1", "self")] = 20
        typed[cell(unit, "P1", "block")] = 20
        if BONUS[unit]:
            typed[cell(unit, "B1", "block")] = BONUS[unit]
            typed[cell(unit, "B1", "evidence")] = "Bằng khen huyện"
        if PENALTY[unit]:
            typed[cell(unit, "T1", "block")] = PENALTY[unit]
    return typed


def type_into(path: Path, typed: dict[str, object], out: Path | None = None) -> Path:
    """Type values into a score workbook with openpyxl, as Excel would save them."""
    workbook = load_workbook(path)
    sheet = workbook["Chấm điểm"]
    for address, value in typed.items():
        sheet[address] = value
    target = out or path
    workbook.save(target)
    return target
