"""An Excel 97–2003 workbook's (.xls) records, walked before python-calamine sees them.

An .xls is an OLE container whose ``Workbook`` stream (``Book`` for Excel
5/95) is a sequence of BIFF records: the workbook's globals (formats, cell
styles, one BOUNDSHEET per sheet giving where its records start), then each
sheet's records up to its EOF.  calamine reads them the same way, and it
trusts two of them for memory:

* a DIMENSIONS record makes it reserve rows × columns cells up front (the
  record holds 32-bit rows and 16-bit columns);
* each cell record is placed by its 16-bit row and column, and the grid is
  built densely to the farthest cell (python-calamine pads it to A1).

A DIMENSIONS record asking for billions of cells, or one cell at row
65,535, column 65,535, makes the allocation fail and the process abort.
So the records are walked here first, exactly where calamine walks them
(from each BOUNDSHEET offset to the EOF), and the same limit as for .xlsx
applies.  A FILEPASS record means the workbook is password-protected: the
records after it are encrypted.

The walk also notes what calamine does not pass through: the number format
of each number (cell style → FORMAT record; built-ins 9 and 10 are "0%" and
"0.00%"), and error results (a BOOLERR error, or a FORMULA whose cached
result is an error).  An .xls always stores a formula's result, so there
are no formulas without a value.  Merged ranges come from calamine.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass, field
from typing import Iterator

import olefile

from xlsync.io.cell_facts import BUILTIN_PERCENT_FORMATS, SheetFacts, shows_percent

EOF, BOF, FILEPASS, BOUNDSHEET, FORMAT, XF = 0x000A, 0x0809, 0x002F, 0x0085, 0x041E, 0x00E0
DIMENSIONS, NUMBER, LABEL, BOOLERR, RK, LABELSST, MULRK, FORMULA = (
    0x0200, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00BD, 0x0006,
)
_CELL_RECORDS = frozenset({NUMBER, LABEL, BOOLERR, RK, LABELSST, FORMULA})
_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
           0x2A: "#N/A", 0x2B: "#GETTING_DATA"}
_U32 = 2**32


@dataclass(slots=True)
class XlsSheet:
    """One sheet's records: the largest reservation asked for, the extent from A1, and its facts."""

    reserved_cells: int = 0
    reserved_end: tuple[int, int] = (0, 0)
    rows: int = 0
    columns: int = 0
    facts: SheetFacts = field(default_factory=SheetFacts)


@dataclass(slots=True)
class XlsScan:
    password_protected: bool = False
    sheets: list[XlsSheet] = field(default_factory=list)  # in BOUNDSHEET (workbook) order


def workbook_stream(content: bytes) -> bytes | None:
    """The ``Workbook`` (or Excel 5 ``Book``) stream of an OLE container, or None when it has neither."""
    with olefile.OleFileIO(io.BytesIO(content)) as container:
        for name in ("Workbook", "Book"):
            if container.exists(name):
                return container.openstream(name).read()
    return None


def scan_stream(stream: bytes) -> XlsScan:
    """Walk the globals, then each sheet from its BOUNDSHEET offset."""
    number_formats: dict[int, str] = {}
    style_formats: list[int] = []
    offsets: list[int] = []
    wide_strings = True  # BIFF8 strings carry a flags byte; BIFF5 strings are 8-bit
    for kind, data in _records(stream, 0):
        if kind == FILEPASS:
            return XlsScan(password_protected=True)
        if kind == EOF:
            break
        if kind == BOF and len(data) >= 2:
            wide_strings = struct.unpack_from("<H", data)[0] not in (0x0500, 0x0400, 0x0300, 0x0200)
        elif kind == FORMAT and len(data) >= 3:
            number_formats[struct.unpack_from("<H", data)[0]] = _format_code(data[2:], wide_strings)
        elif kind == XF and len(data) >= 4:
            style_formats.append(struct.unpack_from("<H", data, 2)[0])
        elif kind == BOUNDSHEET and len(data) >= 4:
            offsets.append(struct.unpack_from("<I", data)[0])
    percent_styles = frozenset(
        index for index, number_format in enumerate(style_formats)
        if number_format in BUILTIN_PERCENT_FORMATS or shows_percent(number_formats.get(number_format, ""))
    )
    return XlsScan(sheets=[_scan_sheet(stream, offset, percent_styles) for offset in offsets])


def _records(stream: bytes, offset: int) -> Iterator[tuple[int, bytes]]:
    """(type, data) of each record from ``offset``, until the stream ends or a record overruns it."""
    position = offset
    while position + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, position)
        if position + 4 + length > len(stream):
            return
        yield kind, stream[position + 4 : position + 4 + length]
        position += 4 + length


def _format_code(data: bytes, wide_strings: bool) -> str:
    if not wide_strings:
        return data[1 : 1 + data[0]].decode("latin-1")
    if len(data) < 3:
        return ""
    length, flags = struct.unpack_from("<HB", data)
    if flags & 1:
        return data[3 : 3 + 2 * length].decode("utf-16-le", errors="replace")
    return data[3 : 3 + length].decode("latin-1")


def _scan_sheet(stream: bytes, offset: int, percent_styles: frozenset[int]) -> XlsSheet:
    sheet = XlsSheet()
    for kind, data in _records(stream, offset):
        if kind == EOF:
            break
        if kind == DIMENSIONS:
            _reservation(sheet, data)
        elif kind in _CELL_RECORDS and len(data) >= 6:
            row, column, style = struct.unpack_from("<HHH", data)
            _place(sheet, row, column)
            _cell_facts(sheet.facts, kind, (row, column), style, data, percent_styles)
        elif kind == MULRK and len(data) >= 6:
            row, first = struct.unpack_from("<HH", data)
            last = struct.unpack_from("<H", data, len(data) - 2)[0]
            _place(sheet, row, max(first, last))
            for index in range((len(data) - 6) // 6):
                if struct.unpack_from("<H", data, 4 + 6 * index)[0] in percent_styles:
                    sheet.facts.percent_cells.add((row, first + index))
    return sheet


def _reservation(sheet: XlsSheet, data: bytes) -> None:
    """What calamine reserves for a DIMENSIONS record: (last − first + 1) rows × columns, in 32-bit arithmetic."""
    if len(data) == 10:
        first_row, last_row, first_column, last_column = struct.unpack_from("<HHHH", data)
    elif len(data) == 14:
        first_row, last_row, first_column, last_column = struct.unpack_from("<IIHH", data)
    else:
        return  # calamine refuses the record: the workbook is reported damaged
    if last_row >= 1 and last_column >= 1:
        end = (last_row - 1, last_column - 1)
    else:
        end = (first_row, first_column)
    cells = ((end[0] - first_row + 1) % _U32) * ((end[1] - first_column + 1) % _U32)
    if cells > sheet.reserved_cells:
        sheet.reserved_cells, sheet.reserved_end = cells, end


def _place(sheet: XlsSheet, row: int, column: int) -> None:
    sheet.rows = max(sheet.rows, row + 1)
    sheet.columns = max(sheet.columns, column + 1)


def _cell_facts(
    facts: SheetFacts, kind: int, position: tuple[int, int], style: int, data: bytes, percent_styles: frozenset[int]
) -> None:
    if kind == BOOLERR and len(data) >= 8 and data[7] == 1:
        facts.error_cells[position] = _ERRORS.get(data[6], "#N/A")
    elif kind == FORMULA and len(data) >= 14 and data[12:14] == b"\xff\xff":
        if data[6] == 2:  # a cached error result
            facts.error_cells[position] = _ERRORS.get(data[8], "#N/A")
    elif kind in (NUMBER, RK, FORMULA) and style in percent_styles:
        facts.percent_cells.add(position)
