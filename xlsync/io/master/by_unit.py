"""«Theo đơn vị» of the master: one row per unit, one column per data element.

The layout of a commune's consolidated table: the units down the side, the
figures across, the header in three rows (the element's name, its unit of
measure, its code) and the «Toàn xã» row right under it, as statistical
forms put «Tổng số» before «Chia ra».  The header, the total row and the
unit's code and name stay in view while scrolling, and the header and the
unit columns are repeated on every printed page.  A province of 20,000
units is 20,000 rows; the columns are the plan's data elements.

Below the figures, the targets assigned to units, one row per unit and
indicator, with live attainment formulas.
"""

from __future__ import annotations

from xlsxwriter.utility import xl_rowcol_to_cell

from xlsync.core.consolidate import Consolidation, element_totals
from xlsync.core.master.contents import BY_UNIT_CODES, BY_UNIT_LABELS, BY_UNIT_MEASURE, BY_UNIT_TOTAL, MasterSheets
from xlsync.core.numbers import FAIL, PASS, Kind
from xlsync.core.plan import DataElement
from xlsync.core.row_height import LINE_HEIGHT, row_height, text_lines
from xlsync.io.master.cells import Columns, header, number_cell, print_setup, ratio_formula, verdict_formula, \
    verdict_text
from xlsync.io.master.pages import fit_width_scale
from xlsync.io.xlsx_rows import Cell, Formula, RowSheet
from xlsync.io.xlsx_style import Formats

UNIT_TARGET_LABELS = ("Mã đơn vị", "Tên đơn vị", "Mã", "Chỉ tiêu", "So sánh", "Kế hoạch", "Thực hiện",
                      "Tỷ lệ đạt (%)", "Đánh giá")
TITLE = "Số liệu của từng đơn vị (chỉ các đơn vị được tổng hợp) và tổng toàn xã"
NOT_COUNTED = "(không tính)"
HEADER_ROW = 1  # element names; then units of measure, codes, and «Toàn xã»
TOTAL_ROW = HEADER_ROW + 3
FIRST_UNIT_ROW = TOTAL_ROW + 1
FIRST_FIGURE_COL = len(BY_UNIT_LABELS)
CODE_WIDTH, NAME_WIDTH, FIGURE_WIDTH = 12, 30, 14
READABLE_SCALE = 0.5  # printed smaller than half size, 12-point figures are 6-point: too small to read


def write_by_unit(workbook, formats: Formats, consolidation: Consolidation) -> None:
    sheet = workbook.add_worksheet(MasterSheets.BY_UNIT, worksheet_class=RowSheet)
    elements = list(consolidation.plan.elements.values())
    sheet.write_string(0, 0, TITLE, formats["bold"])
    _header(sheet, formats, elements)
    last_unit_row = _unit_rows(sheet, formats, consolidation, elements)
    _total_row(sheet, formats, consolidation, elements, last_unit_row)
    sheet.freeze_panes(FIRST_UNIT_ROW, FIRST_FIGURE_COL)
    # One page wide while the figures stay readable; more elements than that: pages go across, each with the
    # unit columns again.
    fits = fit_width_scale((CODE_WIDTH, NAME_WIDTH) + (FIGURE_WIDTH,) * len(elements)) >= READABLE_SCALE
    print_setup(sheet, (HEADER_ROW, TOTAL_ROW - 1), fit_width=fits)
    if not fits:
        sheet.repeat_columns(0, FIRST_FIGURE_COL - 1)
    if consolidation.unit_results:
        _unit_targets(sheet, formats, consolidation, last_unit_row + 3)


def _header(sheet: RowSheet, formats: Formats, elements: list[DataElement]) -> None:
    header(sheet, formats, HEADER_ROW, BY_UNIT_LABELS, (CODE_WIDTH, NAME_WIDTH))
    last = FIRST_FIGURE_COL - 1
    sheet.merge_range(HEADER_ROW + 1, 0, HEADER_ROW + 1, last, BY_UNIT_MEASURE, formats["header"])
    sheet.merge_range(HEADER_ROW + 2, 0, HEADER_ROW + 2, last, BY_UNIT_CODES, formats["header"])
    for col, element in enumerate(elements, start=FIRST_FIGURE_COL):
        sheet.write_string(HEADER_ROW, col, element.name, formats["header"])
        sheet.write_string(HEADER_ROW + 1, col, element.unit, formats["header"])
        sheet.write_string(HEADER_ROW + 2, col, element.code, formats["header"])
    if elements:
        sheet.set_column(FIRST_FIGURE_COL, FIRST_FIGURE_COL + len(elements) - 1, FIGURE_WIDTH)
        # Spreadsheets do not size the rows of a written file: tall enough for the longest name.
        lines = max(text_lines(element.name, FIGURE_WIDTH) for element in elements)
        sheet.set_row(HEADER_ROW, max(lines, 2) * LINE_HEIGHT)
        # Codes are bold capitals, about 1.4 times as wide as the usual letters the estimate counts.
        lines = max(text_lines(element.code, FIGURE_WIDTH / 1.4) for element in elements)
        if lines > 1:
            sheet.set_row(HEADER_ROW + 2, lines * LINE_HEIGHT)


def _unit_rows(sheet: RowSheet, formats: Formats, consolidation: Consolidation,
               elements: list[DataElement]) -> int:
    """One row per unit of the plan (figures of included units only); returns the last row."""
    codes = [element.code for element in elements]
    # One array of the figures, a row at a time as Python floats: neither a lookup per cell nor a dict per unit.
    values = consolidation.values.reindex(columns=codes)
    figures, where = values.to_numpy(dtype=float), {code: i for i, code in enumerate(values.index)}
    text, blank, number = formats["text"], formats["cell"], formats["number"]
    pass_fail = [element.kind is Kind.PASS_FAIL for element in elements]
    row = FIRST_UNIT_ROW - 1
    for row, status in enumerate(consolidation.statuses, start=FIRST_UNIT_ROW):
        unit = status.unit
        name = unit.name if status.included else f"{unit.name} {NOT_COUNTED}"
        cells: list[Cell] = [(unit.code, text), (name, text)]
        position = where.get(unit.code)
        if position is None:
            cells += [(None, blank)] * len(codes)
        else:
            for raw, is_pass_fail in zip(figures[position].tolist(), pass_fail):
                if raw != raw:  # NaN → blank
                    cells.append((None, blank))
                elif is_pass_fail:
                    cells.append((PASS if raw == 1 else FAIL, blank))
                else:
                    cells.append((raw, number))
        sheet.write_cells(row, cells, height=row_height([(name, NAME_WIDTH)]))
    return row


def _total_row(sheet: RowSheet, formats: Formats, consolidation: Consolidation, elements: list[DataElement],
               last_unit_row: int) -> None:
    """«Toàn xã»: a live sum (count of Đạt) of each column over the unit rows."""
    totals = element_totals(consolidation)
    last = max(last_unit_row, FIRST_UNIT_ROW)
    cells: list[Cell] = [(BY_UNIT_TOTAL, formats["header"]), ("", formats["header"])]
    for col, element in enumerate(elements, start=FIRST_FIGURE_COL):
        span = f"{xl_rowcol_to_cell(FIRST_UNIT_ROW, col)}:{xl_rowcol_to_cell(last, col)}"
        total = totals.get(element.code)
        if element.kind is Kind.PASS_FAIL:
            cells.append((Formula(f'=COUNTIF({span},"{PASS}")', total or 0), formats["integer"]))
        elif element.kind is Kind.PERCENT:
            # Rates are not added up; the commune figure is the indicator's, on «Tổng hợp».
            cells.append((None, formats["cell"]))
        else:
            cells.append((Formula(f"=SUM({span})", total or 0), formats["number"]))
    sheet.write_cells(TOTAL_ROW, cells)


def _unit_targets(sheet: RowSheet, formats: Formats, consolidation: Consolidation, start: int) -> None:
    sheet.write_string(start, 0, "Kết quả thực hiện chỉ tiêu giao cho từng đơn vị", formats["bold"])
    header(sheet, formats, start + 1, UNIT_TARGET_LABELS)
    cols = Columns(comparison=4, target=5, actual=6)
    text = formats["text"]
    for row, item in enumerate(consolidation.unit_results, start=start + 2):
        result = item.result
        unit = consolidation.plan.units[item.unit_code]
        indicator = result.indicator
        ratio = result.ratio
        sheet.write_cells(row, [
            (unit.code, text), (unit.name, text), (indicator.code, text), (indicator.name, text),
            (indicator.comparison.value, text),
            number_cell(formats, result.target), number_cell(formats, result.actual),
            (Formula(ratio_formula(row, cols), "" if ratio is None else ratio), formats["percent"]),
            (Formula(verdict_formula(row, cols), verdict_text(result.achieved)), formats["cell"]),
        ], height=row_height(((unit.name, NAME_WIDTH), (indicator.name, FIGURE_WIDTH))))
