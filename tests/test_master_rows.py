"""Rows written whole (xlsync.io.xlsx_rows) read back exactly as the same cells written one by one."""

from __future__ import annotations

import math
import re
import zipfile

import pytest
import xlsxwriter
from openpyxl import load_workbook

from xlsync.io.xlsx_rows import EXCEL_COLUMNS, Formula, RowSheet, user_text

LONG = "ậ" * 40_000


def _cells(formats):
    text, number, safe, blank = formats
    return [
        [("T01", text), ("Thôn 1 <A&B> \x07", text), (906, number), (45330.5, number), (None, blank), (None, None),
         (Formula("=SUM(C2:D2)", 46236.5), number), (Formula('=IF(C2>1,"Đạt","")', "Đạt"), text)],
        [("", text), user_text("=HYPERLINK(\"x\")", text, safe), (-0.000123456789012345678, number),
         (Formula("=C3>0", False), text), (Formula('=""', ""), text), (LONG, text), (1e300, number)],
    ]


def _write_both(tmp_path):
    paths = {}
    for how in ("public", "rows"):
        path = tmp_path / f"{how}.xlsx"
        book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
        sheet = book.add_worksheet("S", worksheet_class=RowSheet)
        formats = (book.add_format({"border": 1, "text_wrap": True}), book.add_format({"num_format": "#,##0.##"}),
                   book.add_format({"quote_prefix": True}), book.add_format({"border": 1}))
        sheet.merge_range(0, 0, 0, 3, "Tiêu đề", formats[0])
        for row, cells in enumerate(_cells(formats), start=1):
            height = 48 if row == 2 else None
            if how == "rows":
                sheet.write_cells(row, cells, first_col=1, height=height)
                continue
            if height:
                sheet.set_row(row, height)
            for col, (value, fmt) in enumerate(cells, start=1):
                if isinstance(value, Formula):
                    sheet.write_formula(row, col, value.text, fmt, value.value)
                elif isinstance(value, str):
                    sheet.write_string(row, col, value, fmt)
                elif value is None:
                    sheet.write_blank(row, col, None, fmt)
                else:
                    sheet.write_number(row, col, value, fmt)
        sheet.write_string(5, 0, "Người lập biểu", formats[0])
        book.close()
        paths[how] = path
    return paths


def _read(path, data_only):
    sheet = load_workbook(path, data_only=data_only)["S"]
    cells = {
        cell.coordinate: (cell.value, cell.number_format, cell.border.left.style, cell.alignment.wrap_text,
                          cell.quotePrefix if hasattr(cell, "quotePrefix") else cell.style_array.quotePrefix)
        for row in sheet.iter_rows() for cell in row
    }
    heights = {row: dim.height for row, dim in sheet.row_dimensions.items() if dim.height}
    return cells, heights, sheet.merged_cells.ranges, sheet.dimensions


def test_rows_written_whole_read_back_as_cells_written_one_by_one(tmp_path):
    paths = _write_both(tmp_path)
    for data_only in (False, True):
        public, rows = _read(paths["public"], data_only), _read(paths["rows"], data_only)
        assert rows[0] == public[0]
        assert rows[1:] == public[1:]
    cells = _read(paths["rows"], True)[0]
    assert (cells["D2"][0], cells["H2"][0], cells["I2"][0], cells["E3"][0]) == (906, 46236.5, "Đạt", False)
    assert cells["C2"][0] == "Thôn 1 <A&B> _x0007_"  # a control character, escaped as Excel writes it
    assert len(cells["G3"][0]) == 32_767  # Excel's limit, cut as XlsxWriter cuts it
    assert _read(paths["rows"], False)[1] == {3: 48.0}


@pytest.mark.parametrize("value", [math.nan, math.inf, True])
def test_a_value_a_spreadsheet_cannot_hold_is_refused(tmp_path, value):
    book = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"))
    sheet = book.add_worksheet("S", worksheet_class=RowSheet)
    with pytest.raises(TypeError, match="cell B1"):
        sheet.write_cells(0, [(1.5, None), (value, None)])
    with pytest.raises(TypeError, match="cell C2"):  # refused again: a value refused is never kept
        sheet.write_cells(1, [(1.5, None), (2.5, None), (value, None)])
    book.close()


def test_a_row_is_written_once_and_inside_the_sheet(tmp_path):
    book = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"))
    sheet = book.add_worksheet("S", worksheet_class=RowSheet)
    sheet.write_string(0, 0, "a")
    with pytest.raises(ValueError):
        sheet.write_cells(0, [("b", None)])
    sheet.write_cells(1, [("c", None)])
    with pytest.raises(ValueError):
        sheet.write_cells(1, [("d", None)])
    with pytest.raises(OverflowError):
        sheet.write_cells(2, [(1, None)] * 2, first_col=EXCEL_COLUMNS - 1)
    book.close()


def _sheet_xml(path) -> str:
    """The sheet's XML without the rows' spans (an optional hint XlsxWriter counts over its own cells only)."""
    with zipfile.ZipFile(path) as archive:
        return re.sub(r' spans="[0-9:]+"', "", archive.read("xl/worksheets/sheet1.xml").decode())


def test_figures_written_again_read_as_written_the_first_time(tmp_path):
    # Zero and minus zero are equal numbers that XlsxWriter writes differently; 9.7 has 16 digits of its own.
    figures = [0, 0.0, -0.0, 0.0, 5, 5.0, 9.7, 9.7, 1e16, 10**17, -3.25, 45330.5, 45330.5]
    xml = {}
    for how in ("public", "rows"):
        path = tmp_path / f"{how}.xlsx"
        book = xlsxwriter.Workbook(str(path))
        sheet = book.add_worksheet("S", worksheet_class=RowSheet)
        number = book.add_format({"num_format": "#,##0.##"})
        for row in range(3):
            cells = [(value, number) for value in figures[row:] + figures[:row]]
            if how == "rows":
                sheet.write_cells(row, cells)
            else:
                for col, (value, fmt) in enumerate(cells):
                    sheet.write_number(row, col, value, fmt)
        book.close()
        xml[how] = _sheet_xml(path)
    assert xml["rows"] == xml["public"]
    assert '<c r="C1" s="1"><v>-0</v></c><c r="D1" s="1"><v>0</v></c>' in xml["rows"]
    assert '<c r="G1" s="1"><v>9.699999999999999</v></c>' in xml["rows"]
