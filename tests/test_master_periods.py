"""A mid-year master (sơ kết 6 tháng): progress towards the annual target computed by hand, reports of
another period refused by code, «Tiến độ nộp» against the period's Hạn nộp, formulas recalculated."""

from __future__ import annotations

import json
import math
import os
from datetime import datetime

import pytest
from openpyxl import load_workbook

from helpers import fill_report
from libreoffice import formula_cells, recalculate, same_value
from period_plan import period_plan
from xlsync.core.example_data import example_values
from xlsync.core.master.contents import MasterData
from xlsync.io.master.read import read_master_file
from xlsync.jobs.consolidate import consolidate_paths

# Deadline of «6 tháng đầu năm 2024» in tests/period_plan.py: 10/06/2024 (the whole day counts).
MODIFIED = {"T01": datetime(2024, 6, 5, 9, 30), "T02": datetime(2024, 6, 15, 8, 0),
            "UBND": datetime(2024, 6, 10, 23, 0), "T03": datetime(2024, 6, 1, 7, 0)}
TYPED = {
    "T01": {"DAN_HUOU": 400, "BHYT": 950, "DAN_SO": 1000, "CAY_AN_QUA": 0.5},
    "T02": {"DAN_HUOU": 500, "BHYT": 1900, "DAN_SO": 2000, "CAY_AN_QUA": 1.0},
    "UBND": {"NTM_NANG_CAO": "Đạt"},
}


@pytest.fixture(scope="module")
def mid_year(plan, tmp_path_factory):
    """A 2024-6T master of T01, T02, UBND (and T03's report made for «Năm 2024»), its plan and folder."""
    folder = tmp_path_factory.mktemp("so-ket")
    loaded = period_plan(plan, folder, period_targets=(("KT07", "2024-6T", 2),))
    mid_plan = loaded.plan
    reports = folder / "bao-cao"
    for code, typed in TYPED.items():
        values = {**example_values(mid_plan, mid_plan.units[code], seed=3), **typed}
        fill_report(mid_plan, code, reports, values)
    fill_report(mid_plan, "T03", reports, example_values(mid_plan, mid_plan.units["T03"], seed=3), period="2024")
    for code, when in MODIFIED.items():
        path = next(reports.glob(f"*{code.lower()}*.xlsx"))
        os.utime(path, (when.timestamp(), when.timestamp()))
    out = folder / "so-ket-6-thang.xlsx"
    result = consolidate_paths(sorted(reports.glob("*.xlsx")), loaded, out)
    return result, loaded, out


def _table(path, sheet_name: str, first_label: str) -> dict[str, dict[str, object]]:
    """Rows of a sheet's table under the header whose first cell is ``first_label``, by that column."""
    rows = list(load_workbook(path, data_only=True)[sheet_name].iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if r and r[0] == first_label)
    labels = rows[at]
    return {r[0]: dict(zip(labels, r)) for r in rows[at + 1:] if r and r[0]}


def test_progress_towards_the_annual_target_equals_hand_computation(mid_year):
    _, _, out = mid_year
    progress = _table(out, "Tiến độ thực hiện", "Mã")
    # A sum (Tổng đàn hươu, ≥ 1.700 a year): share of the annual target, not yet met.
    deer = progress["KT06"]
    assert (deer["Kế hoạch năm"], deer["Thực hiện"]) == (1700, 900)
    assert deer["Tiến độ (%)"] == pytest.approx(100 * 900 / 1700)
    assert (deer["Đánh giá"], deer["Cách so sánh"]) == ("Đang thực hiện", "Thực hiện / kế hoạch năm")
    # A rate (BHYT, ≥ 96,5%): compared directly, from summed figures: 100 × 2.850 / 3.000 = 95.
    insured = progress["VH03"]
    assert insured["Thực hiện"] == pytest.approx(95.0)
    assert insured["Tiến độ (%)"] == pytest.approx(100 * 95.0 / 96.5)
    assert (insured["Đánh giá"], insured["Cách so sánh"]) == ("Chưa đạt", "So trực tiếp với kế hoạch năm")
    # A pass/fail target (xã NTM nâng cao: Đạt): compared directly.
    rural = progress["KT04"]
    assert (rural["Kế hoạch năm"], rural["Thực hiện"], rural["Tiến độ (%)"]) == ("Đạt", "Đạt", None)
    assert (rural["Đánh giá"], rural["Cách so sánh"]) == ("Đạt", "So trực tiếp với kế hoạch năm")
    # A target given for the period («Chỉ tiêu theo kỳ»: 2 ha by mid-year): judged against it.
    orchards = progress["KT07"]
    assert (orchards["Kế hoạch năm"], orchards["Kế hoạch kỳ"], orchards["Thực hiện"]) == (3.5, 2, 1.5)
    assert orchards["Tiến độ (%)"] == pytest.approx(75.0)
    assert (orchards["Đánh giá"], orchards["Cách so sánh"]) == ("Chưa đạt", "Theo chỉ tiêu của kỳ")


def test_a_report_of_another_period_is_refused_by_its_code(mid_year):
    result, _, _ = mid_year
    (record,) = [i for i in result.issues if i.code == "other-period"]
    assert (record.file.endswith("t03.xlsx") or "t03" in record.file, record.cell) == (True, "B7")
    assert "mã kỳ 2024, cần 2024-6T" in record.message_vi
    assert next(s for s in result.statuses if s.unit.code == "T03").status.value == "Có lỗi"


def test_submissions_against_the_deadline(mid_year):
    _, _, out = mid_year
    rows = _table(out, "Tiến độ nộp", "Mã đơn vị")
    found = {code: (rows[code]["Nộp đúng hạn"], rows[code]["Số ngày muộn"]) for code in ("T01", "T02", "UBND", "TYT")}
    assert found == {"T01": ("Đúng hạn", 0), "T02": ("Nộp muộn", 5), "UBND": ("Đúng hạn", 0),
                     "TYT": ("Chưa nộp", None)}
    assert rows["T02"]["Thời điểm nộp"] == datetime(2024, 6, 15, 8, 0)
    assert rows["T02"]["Hạn nộp"] == datetime(2024, 6, 10)
    assert rows["T02"]["Thời điểm theo"] == "Sửa tệp lần cuối"
    sheet = load_workbook(out, data_only=True)["Tiến độ nộp"]
    assert sheet["A1"].value.startswith("Tiến độ nộp báo cáo – 6 tháng đầu năm 2024. Hạn nộp: 10/06/2024.")
    counts = {r[0].value: r[4].value for r in sheet.iter_rows() if str(r[0].value).startswith("Số đơn vị «")}
    # T01, UBND and T03 (its report refused, but in on time); T02; the 14 units that sent nothing.
    assert counts == {"Số đơn vị «Đúng hạn»": 3, "Số đơn vị «Nộp muộn»": 1, "Số đơn vị «Chưa nộp»": 13}


def test_the_summary_of_a_mid_year_master_says_it_judges_against_the_annual_targets(mid_year):
    _, _, out = mid_year
    summary = load_workbook(out)["Tổng hợp"]
    assert summary["A7"].value == ("«Kế hoạch», «Tỷ lệ đạt (%)» và «Đánh giá» so với kế hoạch cả năm; tiến độ "
                                   "6 tháng đầu năm 2024 so với kế hoạch xem trang «Tiến độ thực hiện».")
    assert summary["A8"].value == "Mã"  # the table's header right below


def test_the_master_records_its_period_code_and_reads_it_back(mid_year):
    _, loaded, out = mid_year
    master = read_master_file(out, loaded.plan)
    assert master.period_code == "2024-6T"
    assert master.consolidation.reporting_period == loaded.plan.period("2024-6T")
    assert master.consolidation.period == "6 tháng đầu năm 2024"


def test_a_master_written_before_period_codes_gets_its_code_from_its_period_name(mid_year):
    result, _, _ = mid_year
    assert MasterData(result, {"period": "Năm 2023"}).period_code == "2023"
    assert MasterData(result, {"period": "Đợt thi đua đặc biệt"}).period_code == ""


def test_a_one_period_master_has_no_progress_sheet_and_its_year_code(plan, tmp_path):
    from xlsync.io.plan_source import load_bundled_plan

    fill_report(plan, "T01", tmp_path / "r", example_values(plan, plan.units["T01"], seed=3))
    out = tmp_path / "tong-hop.xlsx"
    result = consolidate_paths(sorted((tmp_path / "r").glob("*.xlsx")), load_bundled_plan(), out)
    book = load_workbook(out)
    assert "Tiến độ thực hiện" not in book.sheetnames
    assert book["Tổng hợp"]["A7"].value is None  # judged against the annual targets: nothing to point at
    meta = {r[0].value: r[1].value for r in book["_xlsync"].iter_rows()}
    assert (meta["period"], meta["period_code"], result.period_code) == ("Năm 2024", "2024", "2024")
    rows = _table(out, "Tiến độ nộp", "Mã đơn vị")
    assert rows["T01"]["Nộp đúng hạn"] == "Kế hoạch không ghi hạn nộp"


@pytest.mark.libreoffice
def test_libreoffice_recalculates_the_new_formulas_to_the_stored_values(mid_year, tmp_path):
    _, _, out = mid_year
    expected = formula_cells(out)
    new = {k: v for k, v in expected.items() if k[0] == "Tiến độ thực hiện" or (k[0] == "Tiến độ nộp")}
    assert len(new) > 2 * 24  # progress and verdict of every indicator, the submission counts
    (recalculated,) = recalculate([out], tmp_path / "out", tmp_path / "profile")
    got = load_workbook(recalculated, data_only=True)
    mismatches = {key: (value, got[key[0]][key[1]].value) for key, value in expected.items()
                  if not same_value(value, got[key[0]][key[1]].value)}
    assert mismatches == {}
    assert not math.isnan(got["Tiến độ thực hiện"]["I7"].value or 0)


def test_validate_period_option_takes_a_code_or_a_name(cli, mid_year):
    _, loaded, out = mid_year
    report = next((out.parent / "bao-cao").glob("*t03*.xlsx"))  # made for «Năm 2024»

    def judged(*period: str) -> list[tuple[str, str]]:
        status, stdout, stderr = cli("validate", report, "--plan", loaded.plan.source, *period, "--json")
        assert "Traceback" not in stdout + stderr
        return [(r["code"], r["cell"]) for r in json.loads(stdout or "[]") if r["severity"] == "error"]

    assert judged() == [("other-period", "B7")]  # the plan's current period: 2024-6T
    assert judged("--period", "2024") == judged("--period", "Năm 2024") == []
    assert judged("--period", "2024-6T") == [("other-period", "B7")]


def test_the_period_option_help_says_it_takes_a_code_or_a_name(cli):
    for command in ("validate", "consolidate"):
        status, out, err = cli(command, "--help")
        said = " ".join(out.split())
        assert status == 0, out + err
        assert "mã kỳ hoặc tên kỳ (ví dụ 2024-6T hoặc «6 tháng đầu năm 2024»" in said
        assert "a period code or name (e.g. 2024-6T or «6 tháng đầu năm 2024»" in said


def test_a_google_sheet_gives_no_submission_time(plan):
    from xlsync.core.consolidate import Source, Status, UnitStatus
    from xlsync.core.submission import TimeBasis, Timeliness, submission_of

    sheet = Source("gsheet:abc", None, [], {"title": "Thôn 1", "url": "https://docs.google.com/spreadsheets/d/abc"})
    found = submission_of(UnitStatus(plan.units["T01"], Status.INCLUDED, [sheet]), datetime(2024, 6, 10).date())
    assert (found.time, found.basis, found.timeliness) == (None, TimeBasis.NONE, Timeliness.UNKNOWN)
