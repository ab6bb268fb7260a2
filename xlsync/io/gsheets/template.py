"""The report layout as Google Sheets API requests, and the colours the sheet uses.

:func:`setup_requests` turns :func:`xlsync.core.template.report_layout` into
the body of ONE ``batchUpdate`` that dresses a new spreadsheet (whose first
sheet has ID 0, as Google gives every new spreadsheet): the three sheets,
labels, codes, yellow input cells, Đạt/Chưa đạt dropdowns, protection of
everything but the input and note cells, and the hidden ``_xlsync`` sheet.
A batchUpdate is atomic, so a spreadsheet is either fully set up or bare.

No gspread here: these are plain dictionaries in the API's JSON shape.
"""

from __future__ import annotations

from typing import Any, Iterable

from xlsync.core.numbers import FAIL, PASS, Kind
from xlsync.core.sheets import Cell, Sheet
from xlsync.core.text import is_blank
from xlsync.core.template import INSTRUCTIONS_SHEET, META_SHEET, REPORT_SHEET, ReportLabels, ReportLayout

Json = dict[str, Any]

REPORT_SHEET_ID, INSTRUCTIONS_SHEET_ID, META_SHEET_ID = 0, 1, 2
LOCALE, TIME_ZONE = "vi_VN", "Asia/Ho_Chi_Minh"
SPARE_ROWS = 5  # a few empty rows below the table, so the sheet does not end abruptly on a phone


def rgb(hex_colour: str) -> Json:
    """"#FFF2CC" → the API's Color (channels 0–1)."""
    value = hex_colour.lstrip("#")
    red, green, blue = (int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return {"red": round(red, 4), "green": round(green, 4), "blue": round(blue, 4)}


INPUT_FILL = rgb("#FFF2CC")  # light yellow: "chỉ nhập vào các ô màu vàng"
HEADER_FILL = rgb("#D9D9D9")
# Feedback highlights.  Warnings are orange, not yellow: yellow already means "type here".
ERROR_FILL = rgb("#F4CCCC")
WARNING_FILL = rgb("#F9CB9C")
STATUS_OK_FILL = rgb("#D9EAD3")

STYLE_FORMATS: dict[str, Json] = {
    "issuer": {"textFormat": {"bold": True}},
    "title": {"textFormat": {"bold": True, "fontSize": 13}, "horizontalAlignment": "CENTER"},
    "subtitle": {"textFormat": {"italic": True}, "horizontalAlignment": "CENTER"},
    "label": {"textFormat": {"bold": True}},
    "field": {},
    "header": {
        "textFormat": {"bold": True},
        "backgroundColor": HEADER_FILL,
        "horizontalAlignment": "CENTER",
        "verticalAlignment": "MIDDLE",
        "wrapStrategy": "WRAP",
    },
    "code": {"horizontalAlignment": "CENTER", "verticalAlignment": "MIDDLE"},
    "text": {"wrapStrategy": "WRAP", "verticalAlignment": "MIDDLE"},
    "unit": {"horizontalAlignment": "CENTER", "verticalAlignment": "MIDDLE"},
    "input": {"backgroundColor": INPUT_FILL, "horizontalAlignment": "RIGHT", "verticalAlignment": "MIDDLE"},
    "note": {"backgroundColor": INPUT_FILL, "wrapStrategy": "WRAP", "verticalAlignment": "MIDDLE"},
}


def spreadsheet_title(layout: ReportLayout) -> str:
    return f"{layout.unit.name} ({layout.unit.code}) – Báo cáo thi đua {layout.period}".strip()


def create_body(layout: ReportLayout) -> Json:
    """Body of ``POST /v4/spreadsheets``: an empty spreadsheet whose only sheet is the report sheet."""
    return {
        "properties": {"title": spreadsheet_title(layout), "locale": LOCALE, "timeZone": TIME_ZONE},
        "sheets": [{"properties": {"sheetId": REPORT_SHEET_ID, "title": REPORT_SHEET}}],
    }


def setup_requests(layout: ReportLayout) -> list[Json]:
    """The requests of the one batchUpdate that turns a new spreadsheet into the unit's report."""
    report = _report_grid(layout)
    instructions = [[_cell(line, {"wrapStrategy": "WRAP", **({"textFormat": {"bold": True}} if i == 0 else {})})]
                    for i, line in enumerate(layout.instructions)]
    meta = [[_cell(key), _cell(value)] for key, value in layout.metadata.items()]
    columns = len(ReportLabels.HEADER)
    requests: list[Json] = [
        {"updateSpreadsheetProperties": {"properties": {"locale": LOCALE, "timeZone": TIME_ZONE},
                                         "fields": "locale,timeZone"}},
        {"updateSheetProperties": {
            "properties": {"sheetId": REPORT_SHEET_ID, "title": REPORT_SHEET, "index": 0,
                           "gridProperties": {"rowCount": len(report) + SPARE_ROWS, "columnCount": columns}},
            "fields": "title,index,gridProperties.rowCount,gridProperties.columnCount",
        }},
        _add_sheet(INSTRUCTIONS_SHEET_ID, INSTRUCTIONS_SHEET, 1, len(instructions), 1),
        _add_sheet(META_SHEET_ID, META_SHEET, 2, len(meta), 2, hidden=True),
        _update_cells(REPORT_SHEET_ID, report),
        _update_cells(INSTRUCTIONS_SHEET_ID, instructions),
        _update_cells(META_SHEET_ID, meta),
    ]
    requests += [{"mergeCells": {"range": _range(REPORT_SHEET_ID, r0, c0, r1 + 1, c1 + 1), "mergeType": "MERGE_ALL"}}
                 for r0, c0, r1, c1 in layout.merges]
    requests += [_column_width(REPORT_SHEET_ID, col, _pixels(width)) for col, width in enumerate(layout.column_widths)]
    requests.append(_column_width(INSTRUCTIONS_SHEET_ID, 0, 760))
    requests += [_pass_fail_dropdown(cell.row, cell.col)
                 for cell in layout.inputs if cell.element.kind is Kind.PASS_FAIL]
    requests.append(_table_borders(layout, len(report)))
    requests += _protections(layout)
    return requests


def template_fill(sheet: Sheet, row: int, col: int) -> Json | None:
    """The background the template gives a cell of the report sheet, found by labels.

    Feedback uses it to restore a cell it highlighted once the cell is
    correct: input and note cells of data rows are yellow, header cells grey,
    the rest has no fill.
    """
    found = sheet.find_label([ReportLabels.VALUE])
    if found is None:
        return None
    header_row, value_col = found
    labels = {str(v).strip(): c for c, v in enumerate(sheet.rows[header_row]) if isinstance(v, str)}
    code_col = labels.get(ReportLabels.CODE, 0)
    note_col = labels.get(ReportLabels.NOTE, value_col + 1)
    if row == header_row and col in labels.values():
        return HEADER_FILL
    if row > header_row and col in (value_col, note_col) and not is_blank(sheet.cell(row, code_col)):
        return INPUT_FILL
    return None


# --- building blocks ---------------------------------------------------------------


def extended_value(value: Cell) -> Json:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float)):
        return {"numberValue": float(value)}
    return {"stringValue": str(value)}


def _cell(value: Cell, fmt: Json | None = None) -> Json:
    cell: Json = {}
    if value is not None and value != "":
        cell["userEnteredValue"] = extended_value(value)
    if fmt:
        cell["userEnteredFormat"] = fmt
    return cell


def _report_grid(layout: ReportLayout) -> list[list[Json]]:
    placed: dict[tuple[int, int], Json] = {
        (c.row, c.col): _cell(c.value, STYLE_FORMATS.get(c.style)) for c in layout.cells
    }
    placed.update({(c.row, c.col): _cell(None, STYLE_FORMATS["input"]) for c in layout.inputs})
    placed.update({(r, c): _cell(None, STYLE_FORMATS["note"]) for r, c in layout.note_cells})
    rows = max(r for r, _ in placed) + 1
    columns = len(ReportLabels.HEADER)
    return [[placed.get((r, c), {}) for c in range(columns)] for r in range(rows)]


def _update_cells(sheet_id: int, grid: list[list[Json]]) -> Json:
    return {"updateCells": {
        "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
        "rows": [{"values": row} for row in grid],
        "fields": "userEnteredValue,userEnteredFormat",
    }}


def _add_sheet(sheet_id: int, title: str, index: int, rows: int, columns: int, *, hidden: bool = False) -> Json:
    properties: Json = {"sheetId": sheet_id, "title": title, "index": index,
                        "gridProperties": {"rowCount": max(rows, 1), "columnCount": columns}}
    if hidden:
        properties["hidden"] = True
    return {"addSheet": {"properties": properties}}


def _range(sheet_id: int, row0: int, col0: int, row1: int, col1: int) -> Json:
    """A GridRange; ends are exclusive, as in the API."""
    return {"sheetId": sheet_id, "startRowIndex": row0, "endRowIndex": row1,
            "startColumnIndex": col0, "endColumnIndex": col1}


def _pixels(excel_width: float) -> int:
    """Excel column width (characters) → pixels, as Excel itself converts at 100 %."""
    return round(excel_width * 7 + 5)


def _column_width(sheet_id: int, col: int, pixels: int) -> Json:
    return {"updateDimensionProperties": {
        "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": col, "endIndex": col + 1},
        "properties": {"pixelSize": pixels},
        "fields": "pixelSize",
    }}


def _pass_fail_dropdown(row: int, col: int) -> Json:
    return {"setDataValidation": {
        "range": _range(REPORT_SHEET_ID, row, col, row + 1, col + 1),
        "rule": {
            "condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": PASS}, {"userEnteredValue": FAIL}]},
            "strict": True,
            "showCustomUi": True,
        },
    }}


def _table_borders(layout: ReportLayout, rows: int) -> Json:
    thin = {"style": "SOLID", "width": 1}
    box = _range(REPORT_SHEET_ID, layout.header_row, 0, rows, len(ReportLabels.HEADER))
    return {"updateBorders": {"range": box, "top": thin, "bottom": thin, "left": thin, "right": thin,
                              "innerHorizontal": thin, "innerVertical": thin}}


def _protections(layout: ReportLayout) -> list[Json]:
    """Lock every sheet; on the report sheet, leave the input and note cells open."""
    open_cells = [(c.row, c.col) for c in layout.inputs] + list(layout.note_cells)
    report = {"range": {"sheetId": REPORT_SHEET_ID},
              "description": "xlsync: chỉ nhập vào các ô màu vàng",
              "warningOnly": False,
              "unprotectedRanges": [_range(REPORT_SHEET_ID, *box) for box in cell_boxes(open_cells)]}
    others = [{"range": {"sheetId": sheet_id}, "description": "xlsync", "warningOnly": False}
              for sheet_id in (INSTRUCTIONS_SHEET_ID, META_SHEET_ID)]
    return [{"addProtectedRange": {"protectedRange": p}} for p in (report, *others)]


def cell_boxes(cells: Iterable[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Cells → few rectangles (row0, col0, row1, col1; ends exclusive).

    Runs of consecutive rows in one column first, then side-by-side runs
    with the same rows joined; the report's value and note columns become
    one rectangle.
    """
    by_col: dict[int, list[int]] = {}
    for row, col in sorted(set(cells), key=lambda rc: (rc[1], rc[0])):
        by_col.setdefault(col, []).append(row)
    runs: list[tuple[int, int, int, int]] = []
    for col, rows in sorted(by_col.items()):
        start = prev = rows[0]
        for row in rows[1:] + [None]:
            if row is not None and row == prev + 1:
                prev = row
                continue
            runs.append((start, col, prev + 1, col + 1))
            if row is not None:
                start = prev = row
    boxes: list[tuple[int, int, int, int]] = []
    for r0, c0, r1, c1 in runs:
        if boxes and boxes[-1][0] == r0 and boxes[-1][2] == r1 and boxes[-1][3] == c0:
            boxes[-1] = (r0, boxes[-1][1], r1, c1)
        else:
            boxes.append((r0, c0, r1, c1))
    return boxes
