"""What a cell's value alone cannot tell, scanned from an .xlsx/.xlsm's own markup.

python-calamine gives values only: 64,8 % typed in Excel reads as 0.648,
a formula whose result the file does not store and an error result
(``#DIV/0!``) both read as blank.  The markup tells them apart, so the
sheet parts the safety checks have already unpacked are scanned here with
a few byte patterns (never a second decompression, never an XML parser:
a DOCTYPE was refused before, and a province reads ten thousand files).

* percent cells: a number whose cell style (``s``, an index into
  ``cellXfs`` of xl/styles.xml) has the built-in format 9 or 10 or a
  custom format showing ``%`` outside quotes, brackets and escapes;
* formulas without a stored value: ``<f>`` and no ``<v>`` or an empty one
  (shared-formula children carry an empty ``<f/>``: their text is "");
  an empty ``<v>`` on a ``t="str"`` cell is Excel's way of storing an
  empty text result, which is a value;
* error cells: ``t="e"``, with the error text (``#DIV/0!``).

Merged ranges come from calamine, which has parsed them already.  The work
is skipped where it cannot find anything: styles without a percent format
and parts without a formula or an error cost a few byte searches, and the
sheet names are mapped to their parts only when something was found.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass, field
from typing import Mapping

from xlsync.io.xml_checks import REF_ATTRIBUTE, column_number


Position = tuple[int, int]


@dataclass(slots=True)
class SheetFacts:
    """The markup facts of one sheet, by 0-based (row, column)."""

    percent_cells: set[Position] = field(default_factory=set)
    formulas_without_value: dict[Position, str] = field(default_factory=dict)
    error_cells: dict[Position, str] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


BUILTIN_PERCENT_FORMATS = frozenset({9, 10})  # "0%" and "0.00%"


def shows_percent(code: str) -> bool:
    """Whether a number format code displays its number as a percentage.

    A ``%`` counts only as itself: not inside quoted text (``0.0"%"``), a
    bracketed colour, condition or locale (``[Red]``, ``[$-42A]``), or after
    a backslash, ``_`` (space as wide as the next character) or ``*`` (fill).
    """
    position = 0
    while position < len(code):
        char = code[position]
        if char == '"':
            end = code.find('"', position + 1)
            position = len(code) if end == -1 else end + 1
            continue
        if char == "[":
            end = code.find("]", position + 1)
            position = len(code) if end == -1 else end + 1
            continue
        if char in "\\_*":
            position += 2
            continue
        if char == "%":
            return True
        position += 1
    return False


# --- tags and attributes -------------------------------------------------------------

_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
_ATTRIBUTE = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_RELATIONSHIP = re.compile(rb"<" + _PREFIX + rb"Relationship(?=[\s/>])([^>]*)>")
_SHEET_ENTRY = re.compile(rb"<" + _PREFIX + rb"sheet(?=[\s/>])([^>]*)>")
_NUMBER_FORMAT = re.compile(rb"<" + _PREFIX + rb"numFmt(?=[\s/>])([^>]*)>")
_CELL_XFS = re.compile(rb"<" + _PREFIX + rb"cellXfs(?=[\s>])[^>]*>(.*?)</" + _PREFIX + rb"cellXfs>", re.S)
_XF = re.compile(rb"<" + _PREFIX + rb"xf(?=[\s/>])([^>]*)>")
_ROW_OR_CELL = re.compile(
    rb"<" + _PREFIX + rb"(?:row(?=[\s/>])([^<>]*)>|c(?=[\s/>])([^<>]*?)(?:/>|>(.*?)</" + _PREFIX + rb"c>))",
    re.S,
)
_FORMULA = re.compile(rb"<" + _PREFIX + rb"f(?=[\s/>])([^>]*?)(?:/>|>(.*?)</" + _PREFIX + rb"f>)", re.S)
_VALUE = re.compile(rb"<" + _PREFIX + rb"v(?:\s[^>]*)?(?:/>|>(.*?)</" + _PREFIX + rb"v>)", re.S)
# Cheap byte tests first: most parts hold no formula and no error, and a regex over every tag costs more.
# Every formula part has a closing "</f>" or "</x:f>" (a shared formula's children lean on a parent in
# the same sheet); spreadsheet programs write an error cell's type as t="e" (single quotes are left to
# hand-made files, whose errors then read as blanks without the mark).
# Compiled: a two-byte needle is found faster by the pattern engine than by ``in``.
_FORMULA_MARKER = re.compile(rb"f>")
_ERROR_MARKER = re.compile(rb't="e"')
_HAS_FORMULA = re.compile(rb"<" + _PREFIX + rb"f[\s/>]")
_HAS_ERROR = re.compile(rb"""\st\s*=\s*["']e["']""")
# A style can show a percentage only through a built-in format 9 or 10 or a code holding "%".
_PERCENT_MARKERS = (b"%", b'numFmtId="9"', b'numFmtId="10"')


def xml_attributes(raw: bytes) -> dict[bytes, bytes]:
    """A start tag's attributes (name → raw value), whichever quotes they use."""
    return {key: double if double or not single else single for key, double, single in _ATTRIBUTE.findall(raw)}


def _text(raw: bytes) -> str:
    return html.unescape(raw.decode("utf-8", errors="replace"))


# --- the workbook ---------------------------------------------------------------------

_WORKBOOK = "xl/workbook.xml"
_WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
_STYLES = "xl/styles.xml"
_PACKAGE_PARTS = frozenset({_WORKBOOK, _WORKBOOK_RELS, _STYLES, "[Content_Types].xml"})


def xlsx_facts(parts: Mapping[str, bytes]) -> dict[str, SheetFacts]:
    """Sheet name → its facts, for the sheets where something was found."""
    percent_styles = _percent_styles(parts.get(_STYLES, b""))
    standard_styles = _STYLES in parts
    maybe_sheets = (part for name, part in parts.items() if name not in _PACKAGE_PARTS)
    if standard_styles and not percent_styles and not any(_may_have_facts(part) for part in maybe_sheets):
        return {}
    sheet_parts, styles_part = _sheet_parts(parts)
    if not standard_styles:
        percent_styles = _percent_styles(parts.get(styles_part, b""))
    facts: dict[str, SheetFacts] = {}
    for name, part_name in sheet_parts.items():
        part = parts.get(part_name)
        if part:
            found = sheet_facts(part, percent_styles)
            if found is not None:
                facts[name] = found
    return facts


def _sheet_parts(parts: Mapping[str, bytes]) -> tuple[dict[str, str], str]:
    """Sheet name → part name, through workbook.xml and its relationships; and the styles part."""
    targets: dict[bytes, str] = {}
    styles = _STYLES
    for match in _RELATIONSHIP.finditer(parts.get(_WORKBOOK_RELS, b"")):
        attributes = xml_attributes(match.group(1))
        target = _resolve(_text(attributes.get(b"Target", b"")))
        targets[attributes.get(b"Id", b"")] = target
        if attributes.get(b"Type", b"").endswith(b"/styles"):
            styles = target
    sheets: dict[str, str] = {}
    for match in _SHEET_ENTRY.finditer(parts.get(_WORKBOOK, b"")):
        attributes = xml_attributes(match.group(1))
        relation = next((value for key, value in attributes.items() if key.endswith(b":id")), b"")
        if b"name" in attributes and relation in targets:
            sheets[_text(attributes[b"name"])] = targets[relation]
    return sheets, styles


def _resolve(target: str) -> str:
    """A relationship target of xl/workbook.xml as a part name ("worksheets/sheet1.xml" → "xl/worksheets/sheet1.xml")."""
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join("xl", target))


def _percent_styles(styles: bytes) -> frozenset[int]:
    """Indexes of the cell styles (cellXfs) whose number format shows a percentage."""
    if not any(marker in styles for marker in _PERCENT_MARKERS):
        return frozenset()
    percent_formats = set(BUILTIN_PERCENT_FORMATS)
    for match in _NUMBER_FORMAT.finditer(styles):
        attributes = xml_attributes(match.group(1))
        code = _text(attributes.get(b"formatCode", b""))
        if shows_percent(code) and attributes.get(b"numFmtId", b"").isdigit():
            percent_formats.add(int(attributes[b"numFmtId"]))
    section = _CELL_XFS.search(styles)
    if section is None:
        return frozenset()
    found = set()
    for index, match in enumerate(_XF.finditer(section.group(1))):
        number_format = xml_attributes(match.group(1)).get(b"numFmtId", b"0")
        if number_format.isdigit() and int(number_format) in percent_formats:
            found.add(index)
    return frozenset(found)


# --- one sheet -----------------------------------------------------------------------


def sheet_facts(part: bytes, percent_styles: frozenset[int] = frozenset()) -> SheetFacts | None:
    """The facts of one worksheet part, or None when it has none."""
    if not percent_styles and not _may_have_facts(part):
        return None
    facts = SheetFacts()
    _scan_cells(part, percent_styles, facts)
    if facts.percent_cells or facts.formulas_without_value or facts.error_cells:
        return facts
    return None


def _may_have_facts(part: bytes) -> bool:
    return _may_hold(part, _FORMULA_MARKER, _HAS_FORMULA) or _may_hold(part, _ERROR_MARKER, _HAS_ERROR)


def _may_hold(part: bytes, marker: re.Pattern[bytes], pattern: re.Pattern[bytes]) -> bool:
    return marker.search(part) is not None and pattern.search(part) is not None


def _scan_cells(part: bytes, percent_styles: frozenset[int], facts: SheetFacts) -> None:
    """Walk the cells, placing each as calamine does: by its reference, else after the previous one."""
    row, column = -1, -1
    for match in _ROW_OR_CELL.finditer(part):
        row_attributes, attributes, body = match.groups()
        if row_attributes is not None:
            ref = REF_ATTRIBUTE.search(row_attributes)
            row = int(ref.group(2)) - 1 if ref and ref.group(2) else row + 1
            column = -1
            continue
        ref = REF_ATTRIBUTE.search(attributes)
        letters, digits = ref.groups() if ref else (b"", b"")
        column = column_number(letters) - 1 if letters else column + 1
        cell_row = int(digits) - 1 if digits else max(row, 0)
        if body is not None:
            _cell_facts((cell_row, column), xml_attributes(attributes), body, percent_styles, facts)


def _cell_facts(
    position: Position, attributes: dict[bytes, bytes], body: bytes, percent_styles: frozenset[int], facts: SheetFacts
) -> None:
    kind = attributes.get(b"t", b"n")
    value = _VALUE.search(body)
    stored = value.group(1) if value and value.group(1) else b""
    if kind == b"e":
        facts.error_cells[position] = _text(stored)
        return
    formula = _FORMULA.search(body) if b"f" in body else None
    if formula is not None and not stored and not (kind == b"str" and value is not None):
        text = _text(formula.group(2) or b"").strip()
        facts.formulas_without_value[position] = f"={text}" if text else ""
        return
    style = attributes.get(b"s", b"0")
    if stored and kind == b"n" and style.isdigit() and int(style) in percent_styles:
        facts.percent_cells.add(position)
