"""`xlsync validate`: one record per problem, at the cell where it is."""

from __future__ import annotations

import hashlib
import json

import pytest
from openpyxl import load_workbook

from helpers import fill_report, value_cells
from xlsync.core.example_data import example_values


def _records(cli, *args):
    code, out, err = cli("validate", *args, "--json")
    assert "Traceback" not in out + err
    return code, json.loads(out)


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def village(plan, tmp_path):
    """A clean, completely filled report of Thôn 1."""
    return lambda **changes: fill_report(plan, "T01", tmp_path / "in", {**example_values(plan, plan.units["T01"]), **changes})


def test_a_filled_template_is_valid(cli, village):
    code, records = _records(cli, village())
    assert (code, records) == (0, [])


def test_text_in_a_number_cell_is_exactly_one_error_at_that_cell(cli, village, plan):
    code, records = _records(cli, village(DAN_HUOU="abc"))
    assert code == 1
    assert len(records) == 1
    record = records[0]
    assert record["code"] == "type-error"
    assert record["cell"] == value_cells(plan, "T01")["DAN_HUOU"]
    assert (record["sheet"], record["value"], record["severity"]) == ("Báo cáo", "abc", "error")
    assert record["file"].endswith("bao-cao-t01-thon-1.xlsx")
    assert "«abc» không phải là số" in record["message_vi"] and "is not a number" in record["message_en"]
    assert list(record) == ["code", "severity", "file", "sheet", "cell", "value", "message_vi", "message_en"]


def test_comma_decimal_percent_is_accepted(cli, plan, tmp_path):
    values = {**example_values(plan, plan.units["UBND"]), "TL_HO_SO_TRUC_TUYEN": "96,5"}
    path = fill_report(plan, "UBND", tmp_path, values)
    assert _records(cli, path) == (0, [])


def test_ambiguous_thousands_is_a_warning_that_says_how_it_was_read(cli, village, plan):
    code, records = _records(cli, village(THU_NHAP="6.990"))
    assert code == 0
    assert [(r["code"], r["severity"], r["cell"]) for r in records] == [
        ("ambiguous-number", "warning", value_cells(plan, "T01")["THU_NHAP"])
    ]
    assert "6.990" in records[0]["message_vi"] and "6,99" in records[0]["message_vi"]


def test_numerator_above_denominator_points_at_both_cells(cli, village, plan):
    cells = value_cells(plan, "T01")
    code, records = _records(cli, village(SO_HO=200, HO_NGHEO=250, HO_VAN_HOA=190))
    assert code == 1
    assert [(r["code"], r["cell"]) for r in records] == [("numerator-exceeds-denominator", cells["HO_NGHEO"])]
    assert cells["SO_HO"] in records[0]["message_vi"]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"DAN_HUOU": -3}, "negative-value"),
        ({"DAN_HUOU": "12,5"}, "not-whole-number"),
        ({"KDC_KIEU_MAU": "Tốt"}, "invalid-pass-fail"),
        ({"DAN_HUOU": "50 con"}, "type-error"),
        ({"DAN_HUOU": None}, "missing-cell"),
    ],
)
def test_value_rules_by_kind(cli, village, plan, changes, code):
    status, records = _records(cli, village(**changes))
    assert status == 1
    (field,) = changes
    assert [(r["code"], r["cell"]) for r in records] == [(code, value_cells(plan, "T01")[field])]


def test_percent_above_100_is_an_error(cli, plan, tmp_path):
    values = {**example_values(plan, plan.units["UBND"]), "TL_HO_SO_TRUC_TUYEN": 120}
    status, records = _records(cli, fill_report(plan, "UBND", tmp_path, values))
    assert (status, [r["code"] for r in records]) == (1, ["percent-out-of-range"])


def test_structure_problems(cli, village, tmp_path):
    path = village()
    book = load_workbook(path)
    sheet = book["Báo cáo"]
    sheet["D10"] = "Số lượng"  # a renamed header label
    book.save(path)
    status, records = _records(cli, path)
    assert status == 1
    assert [r["code"] for r in records] == ["missing-label"]
    assert "Số liệu" in records[0]["message_vi"]

    book = load_workbook(path)
    book["Báo cáo"].title = "Sheet1"
    book.save(path)
    status, records = _records(cli, path)
    assert [r["code"] for r in records] == ["missing-sheet"]


def test_unknown_and_duplicate_codes_and_unknown_unit(cli, village):
    path = village()
    book = load_workbook(path)
    sheet = book["Báo cáo"]
    sheet["A11"] = "KHONG_CO"
    sheet["A12"] = sheet["A13"].value
    book.save(path)
    status, records = _records(cli, path)
    found = [(r["code"], r["cell"]) for r in records]
    assert ("unknown-code", "A11") in found
    assert ("duplicate-row", "A13") in found
    assert status == 1

    book = load_workbook(path)
    book["Báo cáo"]["B5"] = "T99"
    book.save(path)
    _, records = _records(cli, path)
    assert ("unknown-unit", "B5") in [(r["code"], r["cell"]) for r in records]


def test_the_plan_lists_the_two_poor_household_rows(cli):
    cli("init", "D")
    status, records = _records(cli, "D/ke-hoach.xlsx")
    assert status == 0
    (record,) = records
    assert record["code"] == "conflicting-targets"
    assert "VH07" in record["message_vi"] and "VH11" in record["message_vi"]
    assert "dòng 18" in record["message_vi"] and "dòng 22" in record["message_vi"]


def test_english_table_output_and_exit_codes(cli, village):
    status, out, _ = cli("validate", village(DAN_HUOU="abc"), "--lang", "en")
    assert status == 1
    assert "is not a number" in out and "1 files: 1 errors, 0 warnings." in out


def test_sources_are_byte_identical_after_validate_and_feedback(cli, village, tmp_path):
    bad = village(DAN_HUOU="abc", SO_HO=10)
    before = _sha(bad)
    status, out, err = cli("validate", bad, "--feedback", tmp_path / "fb")
    assert status == 1
    assert _sha(bad) == before
    copy = tmp_path / "fb" / "bao-cao-t01-thon-1.kiem-tra.xlsx"
    book = load_workbook(copy)
    assert book.sheetnames[0] == "Kết quả kiểm tra"
    sheet = book["Báo cáo"]
    assert sheet.protection.sheet is True  # preserved
    assert len(sheet.data_validations.dataValidation) > 0  # preserved
    flagged = {c.coordinate for row in sheet.iter_rows() for c in row if c.comment is not None}
    assert flagged == {r for r in _error_cells(cli, bad)}
    for address in flagged:
        assert sheet[address].fill.fgColor.rgb.endswith("FF9999")
        assert sheet[address].comment.author == "xlsync"


def _error_cells(cli, path):
    _, records = _records(cli, path)
    return {r["cell"] for r in records if r["cell"]}


def test_missing_file_and_bad_option_exit_2_with_one_line(cli, tmp_path):
    status, out, err = cli("validate", tmp_path / "khong-co.xlsx")
    assert status == 2
    assert "Traceback" not in out + err
    assert err.splitlines()[-1] == f"Không thực hiện được: Không tìm thấy tệp «{tmp_path / 'khong-co.xlsx'}»."
    status, out, err = cli("validate", "x.xlsx", "--lang", "fr")
    assert status == 2


def test_a_master_is_checked_for_figures_edited_by_hand(cli, tmp_path):
    from xlsync.jobs.demo import run_demo

    master = run_demo(tmp_path / "demo").master
    assert _records(cli, master) == (0, [])
    book = load_workbook(master)
    sheet = book["Theo đơn vị"]
    column = next(c for c in range(1, 40) if sheet.cell(4, c).value == "HO_NGHEO")  # the «Mã số liệu» row
    row = next(r for r in range(1, 60) if sheet.cell(r, 1).value == "T01")
    sheet.cell(row, column).value = 100_000  # more poor households than households
    book.save(master)
    status, records = _records(cli, master)
    assert status == 1
    found = {(r["code"], r["sheet"]) for r in records}
    assert ("numerator-exceeds-denominator", "Theo đơn vị") in found
    assert ("master-actual-stale", "Tổng hợp") in found  # «Thực hiện» no longer matches the figures
