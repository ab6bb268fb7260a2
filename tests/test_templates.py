"""Report templates: what a unit receives."""

from __future__ import annotations

import zipfile

from openpyxl import load_workbook

from helpers import value_cells
from xlsync.core.template import META_SHEET, REPORT_SHEET
from xlsync.io.xlsx_read import read_workbook


def test_init_then_template_writes_one_workbook_per_reporting_unit(cli, tmp_path):
    code, out, _ = cli("init", "D")
    assert code == 0
    assert (tmp_path / "D" / "ke-hoach.xlsx").is_file()
    code, out, err = cli("template", "--plan", "D/ke-hoach.xlsx", "--out", "T")
    assert code == 0, err
    names = sorted(p.name for p in (tmp_path / "T").iterdir())
    assert len(names) == 17
    assert "bao-cao-t01-thon-1.xlsx" in names
    assert "D/ke-hoach.xlsx" in err  # says which plan was used


def test_init_refuses_to_overwrite_a_plan(cli):
    assert cli("init", "D")[0] == 0
    code, out, err = cli("init", "D")
    assert code == 2
    assert "đã có kế hoạch" in err
    assert "Traceback" not in out + err


def test_template_uses_the_working_folders_plan_when_no_plan_is_given(cli, tmp_path, monkeypatch):
    cli("init", "D")
    monkeypatch.chdir(tmp_path / "D")
    code, _, err = cli("template", "--out", "T", "--unit", "T01")
    assert code == 0
    assert "thư mục làm việc" in err
    assert [p.name for p in (tmp_path / "D" / "T").iterdir()] == ["bao-cao-t01-thon-1.xlsx"]


def test_unknown_unit_option_is_a_clear_error(cli):
    code, _, err = cli("template", "--out", "T", "--unit", "X99")
    assert code == 2
    assert "X99" in err


def test_template_layout_protection_and_validation(cli, tmp_path, plan):
    cli("template", "--out", "T", "--unit", "T01", "--period", "6 tháng đầu năm 2024")
    path = tmp_path / "T" / "bao-cao-t01-thon-1.xlsx"
    book = load_workbook(path)
    sheet = book[REPORT_SHEET]
    assert sheet.protection.sheet is True
    assert sheet.protection.password is None
    inputs = value_cells(plan, "T01")
    assert len(inputs) == len(plan.elements_for(plan.units["T01"]))
    header = [c.value for c in sheet[10]]
    assert header == ["Mã", "Nội dung", "Đơn vị tính", "Số liệu", "Ghi chú"]
    assert sheet["B5"].value == "T01" and sheet["B7"].value == "6 tháng đầu năm 2024"

    unlocked = {c.coordinate for row in sheet.iter_rows() for c in row if c.protection.locked is False}
    notes = {f"E{int(a[1:])}" for a in inputs.values()}
    assert unlocked == set(inputs.values()) | notes

    validations = {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}
    assert validations[inputs["KDC_KIEU_MAU"]].type == "list"
    assert validations[inputs["KDC_KIEU_MAU"]].formula1 == '"Đạt,Chưa đạt"'
    assert validations[inputs["SO_HO"]].type == "whole"
    assert validations[inputs["THU_NHAP"]].type == "decimal"

    assert sheet.page_setup.paperSize == 9
    assert sheet["B11"].font.name == "Times New Roman"
    assert book["Hướng dẫn"]["A1"].value == "HƯỚNG DẪN NHẬP BÁO CÁO"
    assert book[META_SHEET].sheet_state == "hidden"
    meta = {row[0].value: row[1].value for row in book[META_SHEET].iter_rows()}
    assert meta["plan_id"] == "51/KH-UBND" and meta["unit"] == "T01" and meta["plan_fingerprint"] == plan.fingerprint


def test_percent_element_gets_a_0_to_100_validation(cli, tmp_path, plan):
    cli("template", "--out", "T", "--unit", "UBND")
    book = load_workbook(next((tmp_path / "T").iterdir()))
    validations = {str(dv.sqref): dv for dv in book[REPORT_SHEET].data_validations.dataValidation}
    dv = validations[value_cells(plan, "UBND")["TL_HO_SO_TRUC_TUYEN"]]
    # "between" is the default operator of OOXML validations, so it is not written out.
    assert (dv.type, dv.operator or "between", dv.formula1, dv.formula2) == ("decimal", "between", "0", "100")


def test_template_is_a_valid_zip_with_no_macros(cli, tmp_path):
    cli("template", "--out", "T", "--unit", "T01")
    path = next((tmp_path / "T").iterdir())
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        assert not any("vbaProject" in n for n in archive.namelist())
    assert read_workbook(path).sheet(REPORT_SHEET) is not None
