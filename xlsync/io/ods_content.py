"""An OpenDocument spreadsheet's content.xml, walked before python-calamine sees it.

calamine reads every table of an .ods into a dense grid, and it trusts the
file's repeat counts: a cell with ``table:number-columns-repeated`` holding
a value is copied that many times, a row with ``table:number-rows-repeated``
is copied that many times when it holds a value, and empty rows between two
rows with values are filled in.  So a value far from A1 — or a valued cell
repeated a million times — makes it allocate far more than the machine has,
and the process aborts.  LibreOffice itself repeats *empty* cells and rows
up to the sheet's edge (``number-columns-repeated="16384"``), which calamine
never materialises: only cells holding a value or a formula count here.

The walk mirrors calamine's: rows and cells are found by their exact tag
names (``table:table-row``, ``table:table-cell``, ``table:covered-table-cell``
— calamine matches those names, so other prefixes are invisible to both),
positions advance by the repeat counts, and covered cells of a merged range
take their own positions as in the file.  The same walk notes the cells
worth knowing about — ``office:value-type="percentage"``, error results
(``calcext:value-type="error"``, LibreOffice's marker), formulas with no
stored result — as spans, expanded only once the extent is known to be small.

A formula with no value type, no ``<text:p>`` and no value is one whose
result the file does not store; LibreOffice writes ``<text:p/>`` even for
an empty text result, so that one is not reported.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from xlsync.io.cell_facts import SheetFacts, xml_attributes

_TAG = re.compile(
    rb"<(/?)(table:table|table:table-row|table:table-cell|table:covered-table-cell)(?=[\s/>])"
    rb"""((?:[^<>"']++|"[^<"]*+"|'[^<']*+')*+)>"""  # no "<" inside a tag: each try ends at the next tag
)
_PARAGRAPH = re.compile(rb"<text:p(?=[\s/>])")
_MARKUP = re.compile(rb"<[^>]*>")
_SPACES = re.compile(rb"<text:s(?=[\s/>])([^<>]*)>")
# calamine's value attributes: any of them (or a formula) makes a cell hold something.
_VALUE_ATTRIBUTES = (
    b"office:value", b"office:string-value", b"office:date-value", b"office:time-value",
    b"office:boolean-value", b"office:value-type", b"table:formula",
)
# A cell's start tag holding none of these is one empty cell: no need to read its attributes.
_CELL_MARKERS = (b"office:", b"table:formula", b"repeated", b"spanned", b"calcext:")
# Excel holds at most 32,767 characters in a cell; calamine writes each <text:s text:c="N"/> out as N spaces.
MAX_REPEATED_SPACES = 32_767


@dataclass(slots=True)
class _Span:
    """A fact holding for the cells a repeated cell stands for."""

    row: int
    rows: int
    column: int
    columns: int
    kind: str  # percent | error | formula | merge
    text: str = ""
    size: tuple[int, int] = (1, 1)  # merge: rows and columns spanned


@dataclass(slots=True)
class OdsTable:
    """One table (sheet): its extent from A1 over cells holding something, and its noted cells."""

    name: str
    rows: int = 0
    columns: int = 0
    spans: list[_Span] = field(default_factory=list)


@dataclass(slots=True)
class _Walk:
    tables: list[OdsTable] = field(default_factory=list)
    table: OdsTable | None = None
    row: int = 0  # the current row's first index
    row_repeats: int = 1
    in_row: bool = False
    column: int = 0  # the next cell's column
    row_end: int = 0  # one past the last column holding something in the current row
    cell: _Span | None = None  # a cell waiting for its content
    cell_attributes: dict[bytes, bytes] = field(default_factory=dict)
    cell_start: int = 0


def scan_content(content: bytes) -> list[OdsTable]:
    """Every named table of content.xml, in order, with its extent and noted cells."""
    walk = _Walk()
    for match in _TAG.finditer(content):
        closing, tag, raw = match.group(1), match.group(2), match.group(3)
        self_closing = raw.endswith(b"/")
        if tag == b"table:table":
            _table_tag(walk, closing, raw, self_closing)
        elif walk.table is None:
            continue
        elif tag == b"table:table-row":
            _row_tag(walk, closing, raw, self_closing)
        elif walk.in_row:
            if closing:
                _cell_content(walk, content[walk.cell_start : match.start()])
            else:
                _cell_start(walk, raw)
                walk.cell_start = match.end()
                if self_closing:
                    _cell_content(walk, b"")
    return walk.tables


def largest_repeated_spaces(content: bytes) -> int:
    """The largest ``<text:s text:c="N"/>`` count (0 when none)."""
    largest = 0
    for match in _SPACES.finditer(content):
        count = xml_attributes(match.group(1)).get(b"text:c", b"1")
        if count.isdigit():
            largest = max(largest, int(count))
    return largest


def _table_tag(walk: _Walk, closing: bytes, raw: bytes, self_closing: bool) -> None:
    if closing:
        walk.table = None
        return
    name = xml_attributes(raw).get(b"table:name")
    # calamine reads only named tables; an unnamed one's rows are passed over.
    walk.table = OdsTable(html.unescape(name.decode("utf-8", errors="replace"))) if name is not None else None
    walk.row, walk.row_repeats, walk.in_row = 0, 0, False
    if walk.table is not None:
        walk.tables.append(walk.table)
        if self_closing:
            walk.table = None


def _row_tag(walk: _Walk, closing: bytes, raw: bytes, self_closing: bool) -> None:
    if closing:
        _end_row(walk)
        return
    walk.row += walk.row_repeats
    walk.row_repeats = _repeats(xml_attributes(raw).get(b"table:number-rows-repeated"))
    walk.in_row, walk.column, walk.row_end = True, 0, 0
    if self_closing:
        _end_row(walk)


def _end_row(walk: _Walk) -> None:
    if walk.in_row and walk.row_end and walk.table is not None:
        walk.table.rows = walk.row + walk.row_repeats
        walk.table.columns = max(walk.table.columns, walk.row_end)
    walk.in_row = False


def _cell_start(walk: _Walk, raw: bytes) -> None:
    if not any(marker in raw for marker in _CELL_MARKERS):  # a single empty cell, at most styled
        walk.cell = None
        walk.column += 1
        return
    attributes = xml_attributes(raw)
    columns = _repeats(attributes.get(b"table:number-columns-repeated"))
    if any(name in attributes for name in _VALUE_ATTRIBUTES):
        walk.row_end = walk.column + columns
    walk.cell = _Span(walk.row, walk.row_repeats, walk.column, columns, "")
    walk.cell_attributes = attributes
    walk.column += columns


def _cell_content(walk: _Walk, body: bytes) -> None:
    """Note the waiting cell if it is worth knowing about, now that its content is known."""
    span, attributes = walk.cell, walk.cell_attributes
    walk.cell = None
    if span is None or walk.table is None:
        return
    noted = walk.table.spans
    value_type = attributes.get(b"office:value-type")
    formula = attributes.get(b"table:formula")
    if attributes.get(b"calcext:value-type") == b"error":
        noted.append(_replace(span, "error", _plain_text(body)))
    elif value_type == b"percentage" and b"office:value" in attributes:
        noted.append(_replace(span, "percent"))
    elif formula is not None and value_type is None and b"calcext:value-type" not in attributes:
        if _PARAGRAPH.search(body) is None:
            noted.append(_replace(span, "formula", _formula_text(formula)))
    if b"table:number-rows-spanned" in attributes or b"table:number-columns-spanned" in attributes:
        size = (_count(attributes.get(b"table:number-rows-spanned")), _count(attributes.get(b"table:number-columns-spanned")))
        if size != (1, 1):
            noted.append(_Span(span.row, span.rows, span.column, span.columns, "merge", size=size))


def _replace(span: _Span, kind: str, text: str = "") -> _Span:
    return _Span(span.row, span.rows, span.column, span.columns, kind, text)


def sheet_facts(table: OdsTable) -> SheetFacts:
    """The noted cells of a table as positions; call only once its extent has been checked."""
    facts = SheetFacts()
    for span in table.spans:
        for row in range(span.row, span.row + span.rows):
            for column in range(span.column, span.column + span.columns):
                if span.kind == "merge":
                    if row < table.rows and column < table.columns:  # a merge of empty cells reads as nothing
                        height, width = span.size
                        facts.merged.append((row, column, row + height - 1, column + width - 1))
                elif span.kind == "percent":
                    facts.percent_cells.add((row, column))
                elif span.kind == "error":
                    facts.error_cells[(row, column)] = span.text
                else:
                    facts.formulas_without_value[(row, column)] = span.text
    return facts


def _repeats(raw: bytes | None) -> int:
    """A repeat count as calamine takes it (0 included); it refuses other text, so that counts as 1 here."""
    return int(raw) if raw is not None and raw.isdigit() else 1


def _count(raw: bytes | None) -> int:
    """A span count (at least 1)."""
    return max(_repeats(raw), 1)


def _plain_text(body: bytes) -> str:
    return html.unescape(_MARKUP.sub(b"", body).decode("utf-8", errors="replace")).strip()


def _formula_text(raw: bytes) -> str:
    """``of:=SUM([.D11:.D12])`` → ``=SUM([.D11:.D12])`` (the namespace prefix is not the user's)."""
    text = html.unescape(raw.decode("utf-8", errors="replace")).strip()
    prefix, colon, rest = text.partition(":")
    if colon and prefix.isalpha() and rest.startswith("="):
        return rest
    return text
