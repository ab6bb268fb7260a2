"""`xlsync consolidate`: twelve village reports in, one master out, every unit accounted for."""

from __future__ import annotations

import json
import zipfile

import pytest
from openpyxl import load_workbook

from helpers import fill_report
from xlsync.core.example_data import example_values
from xlsync.core.numbers import FAIL, PASS

UNITS = ["UBND", "TYT", *[f"T{i:02d}" for i in range(1, 11)]]  # twelve reports


@pytest.fixture
def reports(plan, tmp_path):
    """Twelve clean reports and the raw values typed into them."""
    folder = tmp_path / "bao-cao"
    typed = {}
    for code in UNITS:
        values = example_values(plan, plan.units[code], seed=7)
        fill_report(plan, code, folder, values)
        typed[code] = values
    return folder, typed


def _summary(path):
    """Tổng hợp as {code: (Kế hoạch, Thực hiện, Tỷ lệ đạt, Đánh giá)} from the stored values."""
    sheet = load_workbook(path, data_only=True)["Tổng hợp"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and r[0] == "Mã")
    labels = rows[header]
    col = {label: labels.index(label) for label in ("Mã", "Kế hoạch", "Thực hiện", "Tỷ lệ đạt (%)", "Đánh giá")}
    out = {}
    for r in rows[header + 1:]:
        if r[0] and str(r[0])[:2] in ("KT", "VH", "MT", "QP"):
            out[r[0]] = tuple(r[col[k]] for k in ("Kế hoạch", "Thực hiện", "Tỷ lệ đạt (%)", "Đánh giá"))
    return out


def _sum(typed, code):
    return sum(v[code] for v in typed.values() if code in v)


def test_actual_values_equal_the_hand_computed_ones(cli, reports, tmp_path):
    folder, typed = reports
    status, out, err = cli("consolidate", folder, "--out", tmp_path / "tong-hop.xlsx")
    assert status == 0, out + err
    summary = _summary(tmp_path / "tong-hop.xlsx")
    villages = [v for k, v in typed.items() if k.startswith("T0") or k == "T10"]

    def rate(num, den):
        return 100 * _sum(typed, num) / _sum(typed, den)

    assert summary["KT01"][1] == pytest.approx(_sum(typed, "THU_NHAP") * 0.001, rel=1e-6)
    assert summary["KT02"][1] == pytest.approx(_sum(typed, "THU_NHAP") / _sum(typed, "DAN_SO"), rel=1e-6)
    assert summary["KT06"][1] == _sum(typed, "DAN_HUOU")
    assert summary["VH03"][1] == pytest.approx(rate("BHYT", "DAN_SO"), rel=1e-6)
    assert summary["VH07"][1] == pytest.approx(rate("HO_NGHEO", "SO_HO"), rel=1e-6)
    assert summary["MT01"][1] == pytest.approx(rate("CTR_THU_GOM", "CTR_PHAT_SINH"), rel=1e-6)
    assert summary["KT05"][1] == sum(1 for v in villages if v["KDC_KIEU_MAU"])
    assert summary["VH10"][1] == pytest.approx(100 * sum(1 for v in villages if v["THON_VAN_HOA"]) / 10)
    assert summary["VH02"][1] == pytest.approx(typed["TYT"]["DIEM_CHUAN_YT"])
    assert summary["QP01"][1] == (PASS if typed["UBND"]["AN_TOAN_LAM_CHU"] else FAIL)
    # Trường and HTX did not report: their indicators have no value, not zero.
    assert summary["VH01"][1] is None and summary["KT10"][1] is None

    # "At most": 100 × target / actual, and the verdict follows the comparison.
    target, actual, ratio, verdict = summary["VH07"]
    assert ratio == pytest.approx(100 * target / actual)
    assert verdict == (PASS if actual < target else FAIL)
    target, actual, ratio, verdict = summary["VH03"]
    assert ratio == pytest.approx(100 * actual / target)
    assert verdict == (PASS if actual >= target else FAIL)


def test_master_has_the_five_sheets_and_every_unit_of_the_plan(cli, reports, tmp_path, plan):
    folder, _ = reports
    cli("consolidate", folder, "--out", tmp_path / "m.xlsx")
    book = load_workbook(tmp_path / "m.xlsx")
    assert book.sheetnames[:5] == ["Tổng hợp", "Theo đơn vị", "Tiến độ nộp", "Kiểm tra", "Nguồn"]
    progress = {r[0]: r for r in book["Tiến độ nộp"].iter_rows(min_row=3, values_only=True) if r[0] in plan.units}
    assert len(progress) == 17
    assert progress["HTX1"][4] == "Chưa nộp" and progress["HTX1"][9] == "Không"
    assert progress["T01"][4] == "Đã nộp" and progress["T01"][9] == "Có"
    sources = [r for r in book["Nguồn"].iter_rows(values_only=True) if r[3] and len(str(r[3])) == 64]
    assert len(sources) == 12


def test_a_unit_with_errors_is_left_out_and_listed(cli, reports, tmp_path, plan):
    folder, typed = reports
    fill_report(plan, "T03", folder, {**typed["T03"], "DAN_HUOU": "khoảng 150"})
    status, out, _ = cli("consolidate", folder, "--out", tmp_path / "m.xlsx", "--json")
    assert status == 1
    records = json.loads(out)
    assert {r["code"] for r in records} == {"type-error", "unit-excluded", "not-submitted"}
    summary = _summary(tmp_path / "m.xlsx")
    assert summary["KT06"][1] == _sum(typed, "DAN_HUOU") - typed["T03"]["DAN_HUOU"]
    progress = {r[0]: r for r in load_workbook(tmp_path / "m.xlsx")["Tiến độ nộp"].iter_rows(values_only=True)}
    assert progress["T03"][4] == "Có lỗi" and progress["T03"][7] == 1 and progress["T03"][9] == "Không"


def test_two_reports_for_one_unit_are_an_error_naming_both_files(cli, reports, tmp_path, plan):
    folder, typed = reports
    copy = fill_report(plan, "T05", folder / "gui-lai", typed["T05"], name="thon-5-ban-2.xlsx")
    status, out, _ = cli("consolidate", folder, "--out", tmp_path / "m.xlsx", "--json")
    assert status == 1
    (dup,) = [r for r in json.loads(out) if r["code"] == "duplicate-unit"]
    assert "bao-cao-t05-thon-5.xlsx" in dup["message_vi"] and "thon-5-ban-2.xlsx" in dup["message_vi"]
    assert str(copy) in dup["message_vi"] or "gui-lai" in dup["message_vi"]
    summary = _summary(tmp_path / "m.xlsx")
    assert summary["KT06"][1] == _sum(typed, "DAN_HUOU") - typed["T05"]["DAN_HUOU"]  # neither is counted


def test_reports_of_another_period_or_plan_are_refused(cli, reports, tmp_path, plan):
    folder, typed = reports
    fill_report(plan, "T02", folder, typed["T02"], period="6 tháng đầu năm 2023")
    status, out, _ = cli("consolidate", folder, "--out", tmp_path / "m.xlsx", "--json")
    records = json.loads(out)
    assert ("other-period", "B7") in {(r["code"], r["cell"]) for r in records}

    book = load_workbook(folder / "bao-cao-t04-thon-4.xlsx")
    book["_xlsync"]["B2"] = "12/KH-UBND"
    book.save(folder / "bao-cao-t04-thon-4.xlsx")
    status, out, _ = cli("consolidate", folder, "--out", tmp_path / "m.xlsx", "--json")
    assert "other-plan" in {r["code"] for r in json.loads(out)}
    assert status == 1


def test_formula_like_text_from_a_source_stays_text(cli, reports, tmp_path, plan):
    folder, typed = reports
    evil = '=HYPERLINK("http://example.com","bấm")'
    fill_report(plan, "T06", folder, {**typed["T06"], "DAN_HUOU": evil, "GTNT_CUNG_HOA": "@SUM(1,2)"},
                period="+cmd|' /C calc'!A0")
    cli("consolidate", folder, "--out", tmp_path / "m.xlsx")
    with zipfile.ZipFile(tmp_path / "m.xlsx") as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/"))
    formulas = [part.split("</f>")[0] for part in xml.split("<f>")[1:]]
    assert not any("HYPERLINK" in f or "SUM(1,2)" in f or "cmd" in f for f in formulas)
    book = load_workbook(tmp_path / "m.xlsx")
    texts = [c for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)
             and c.value.startswith(("=HYPERLINK", "@SUM", "+cmd"))]
    assert {c.value for c in texts} == {evil, "@SUM(1,2)", "+cmd|' /C calc'!A0"}
    # Text cells, quote-prefixed so that editing them in Excel keeps them text.
    assert all(c.data_type == "s" and c.quotePrefix for c in texts)


def test_a_locked_master_is_not_touched(cli, reports, tmp_path):
    folder, _ = reports
    master = tmp_path / "m.xlsx"
    master.write_bytes(b"old master")
    (tmp_path / "~$m.xlsx").write_bytes(b"lock")
    status, out, err = cli("consolidate", folder, "--out", master)
    assert status == 2
    assert "đang mở" in err
    assert master.read_bytes() == b"old master"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".m.")]  # no temporary left behind


def test_office_lock_files_and_hidden_files_are_skipped(cli, reports, tmp_path):
    folder, _ = reports
    (folder / "~$bao-cao-t01-thon-1.xlsx").write_bytes(b"\x00lock")
    (folder / ".an.xlsx").write_bytes(b"junk")
    status, out, err = cli("consolidate", folder, "--out", tmp_path / "m.xlsx", "--json")
    assert status == 0, out


def test_no_reports_is_a_clear_error(cli, tmp_path):
    (tmp_path / "rong").mkdir()
    status, out, err = cli("consolidate", tmp_path / "rong", "--out", tmp_path / "m.xlsx")
    assert status == 2 and "Không tìm thấy báo cáo" in err


def test_decomposed_vietnamese_text_matches_after_normalisation(cli, reports, tmp_path, plan):
    """Text typed on some phones arrives decomposed (NFD); it must still match the plan."""
    import unicodedata

    folder, typed = reports
    decomposed = unicodedata.normalize("NFD", "Năm 2024")
    assert decomposed != "Năm 2024"
    fill_report(plan, "T02", folder, typed["T02"], period=decomposed)
    book = load_workbook(folder / "bao-cao-t02-thon-2.xlsx")
    book["Báo cáo"]["B5"] = " t02 "  # stray spaces and lower case in the unit code
    book.save(folder / "bao-cao-t02-thon-2.xlsx")
    status, out, _ = cli("consolidate", folder, "--out", tmp_path / "m.xlsx", "--json")
    assert status == 0, out
    progress = {r[0]: r for r in load_workbook(tmp_path / "m.xlsx")["Tiến độ nộp"].iter_rows(values_only=True)}
    assert progress["T02"][9] == "Có"


def test_reading_in_parallel_gives_the_same_master(cli, reports, tmp_path, plan, monkeypatch):
    folder, typed = reports
    fill_report(plan, "T03", folder, {**typed["T03"], "DAN_HUOU": "khoảng 150"})
    monkeypatch.setenv("XLSYNC_WORKERS", "1")
    one = cli("consolidate", folder, "--out", tmp_path / "mot.xlsx", "--json")
    monkeypatch.setenv("XLSYNC_WORKERS", "2")
    two = cli("consolidate", folder, "--out", tmp_path / "hai.xlsx", "--json")
    assert one[0] == two[0] == 1
    assert json.loads(one[1]) == json.loads(two[1])
    assert _summary(tmp_path / "mot.xlsx") == _summary(tmp_path / "hai.xlsx")

    def sources(path):
        rows = load_workbook(path)["Nguồn"].iter_rows(values_only=True)
        return [r[:6] for r in rows if r[3] and len(str(r[3])) == 64]

    assert sources(tmp_path / "mot.xlsx") == sources(tmp_path / "hai.xlsx")


def test_a_second_run_into_the_reports_folder_does_not_read_its_own_master(cli, reports, monkeypatch):
    folder, _ = reports
    first = cli("consolidate", folder, "--out", folder / "tong-hop.xlsx", "--json")
    import xlsync.jobs.reading as reading

    read = []
    original = reading.load_source
    monkeypatch.setattr(reading, "load_source", lambda path, *a, **k: read.append(str(path)) or original(path, *a, **k))
    second = cli("consolidate", folder, "--out", folder / "tong-hop.xlsx", "--json")
    assert second == first
    assert len(read) == len(UNITS) and not any(p.endswith("tong-hop.xlsx") for p in read)
