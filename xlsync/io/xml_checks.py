"""XML-level safety checks on a workbook's parts: DTDs, and how far an .xlsx sheet's cells reach.

Both run on bytes, before any parser sees them: a DOCTYPE is where entity
bombs are declared (Excel never writes one), and calamine builds a dense
grid from A1 to the farthest cell of a sheet and *aborts the process* when
that allocation fails.
"""

from __future__ import annotations

import codecs
import re

MAX_XML_PROLOG_CHARS = 64 * 1024  # a prolog (declaration, comments) longer than this is not from a spreadsheet program


# --- XML prolog -------------------------------------------------------------


# What spreadsheet programs write: an optional BOM and XML declaration, then the root element's tag.
# A declaration holds no "<" or ">" (its values are names and version numbers).
_PLAIN_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*(?:<\?xml[^<>]{0,1000}\?>[ \t\r\n]*)?<[A-Za-z_]")


def plain_prolog(head: bytes) -> bool:
    """Whether ``head`` (a part's first bytes) reaches its root element with nothing but a declaration before:
    then the part declares no DTD, whatever follows."""
    return _PLAIN_PROLOG.match(head) is not None


def declares_dtd(part: bytes) -> bool:
    """Whether an XML part has a DOCTYPE (where entities are declared).

    A DOCTYPE can only appear in the prolog, before the root element, so
    the prolog is walked token by token (comments and processing
    instructions skipped) rather than searched: padding cannot push a
    DOCTYPE past the check.  Parts that do not start with ``<`` are not XML.
    """
    if plain_prolog(part):
        return False  # the usual case, settled without decoding the part
    text = _xml_head(part[: MAX_XML_PROLOG_CHARS * 2])
    pos = 0
    while True:
        while pos < len(text) and text[pos] in "\ufeff \t\r\n":
            pos += 1
        if text.startswith("<?", pos):
            closing = "?>"
        elif text.startswith("<!--", pos):
            closing = "-->"
        elif text.startswith("<!", pos):
            return True
        else:
            return False  # the root element, or not XML at all
        end = text.find(closing, pos + 2)
        if end == -1 or end > MAX_XML_PROLOG_CHARS:
            return True  # a prolog no spreadsheet program writes
        pos = end + len(closing)


def _xml_head(head: bytes) -> str:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="replace")
    if head.startswith(b"<\x00"):
        return head.decode("utf-16-le", errors="replace")
    if head.startswith(b"\x00<"):
        return head.decode("utf-16-be", errors="replace")
    return head.decode("utf-8", errors="replace")


# --- sheet extent -----------------------------------------------------------
#
# Fast paths: a few byte searches prove the extent small for sheets written the
# usual way (every cell tag starts `<c r="`, attributes separated by spaces).
# If every reference has at most one column letter and five row digits, the
# sheet fits in Z99999 (2.6 million cells); with two letters and at most four
# digits, in ZZ9999 (7 million).  Both are below MAX_SHEET_CELLS.  Anything
# else is walked tag by tag.
#
# The first proof looks at the cell tags alone: the walk places a cell whose
# reference has both letters and digits by that reference, whatever its row
# says, so when every cell tag starts with such a reference within Z99999 (or
# every one within ZZ9999), no row can push a cell further.  One search, one
# hit per cell; the second proof (every reference in the part, rows too)
# settles the rest exactly as before, then the walk.

_CELL_BEYOND_Z99999 = re.compile(rb'<c(?![\w.:-]| r="[A-Za-z][0-9]{1,5}")')
_CELL_BEYOND_ZZ9999 = re.compile(rb'<c(?![\w.:-]| r="[A-Za-z]{1,2}[0-9]{1,4}")')

_LONG_REF = re.compile(rb' r="(?:[A-Za-z]{2}|[A-Za-z]?[0-9]{6})')
_FAR_REF = re.compile(rb' r="(?:[A-Za-z]{3}|[A-Za-z]{0,2}[0-9]{6})')
_FIVE_DIGIT_ROW = re.compile(rb' r="[A-Za-z]{0,2}[0-9]{5}')
_UNUSUAL_CELL_TAG = re.compile(rb'<c(?![\w.:-]| r=")')  # a cell whose first attribute is not its reference
_PREFIXED_CELL_TAG = re.compile(rb":c[\s/>]")
# One pattern each: a literal first byte lets the search skip ahead in C (a class of three would not).
_UNUSUAL_REF_ATTRIBUTES = tuple(re.compile(separator + b'r="') for separator in (b"\t", b"\n", b"\r"))

# "<" cannot appear inside a tag: stopping there keeps a file of unclosed tags from costing quadratic time.
_ROW_OR_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^<>]*)>")
REF_ATTRIBUTE = re.compile(rb"""(?:^|\s)r\s*=\s*["']([A-Za-z]*)([0-9]*)["']""")


def cell_extent(part: bytes) -> tuple[int, int]:
    """(rows, columns) from A1 to the farthest cell that may hold a value; (0, 0) when small."""
    if _cells_clearly_small(part) or _clearly_small(part):
        return 0, 0
    return _walk_extent(part)


def _cells_clearly_small(part: bytes) -> bool:
    if _PREFIXED_CELL_TAG.search(part):
        return False
    return _CELL_BEYOND_Z99999.search(part) is None or _CELL_BEYOND_ZZ9999.search(part) is None


def _clearly_small(part: bytes) -> bool:
    if _UNUSUAL_CELL_TAG.search(part) or _PREFIXED_CELL_TAG.search(part):
        return False
    if any(attribute.search(part) for attribute in _UNUSUAL_REF_ATTRIBUTES):
        return False
    if _LONG_REF.search(part) is None:
        return True
    return _FAR_REF.search(part) is None and _FIVE_DIGIT_ROW.search(part) is None


def _walk_extent(part: bytes) -> tuple[int, int]:
    """Place every cell as calamine does: by its reference, else after the previous one.

    Self-closing cells (formatting only) hold no value and do not count.
    """
    max_row = max_column = 0
    row = column = 0
    for match in _ROW_OR_CELL_TAG.finditer(part):
        tag, attributes = match.groups()
        ref = REF_ATTRIBUTE.search(attributes)
        letters, digits = ref.groups() if ref else (b"", b"")
        if tag == b"row":
            row = int(digits) if digits else row + 1
            column = 0
            continue
        column = column_number(letters) if letters else column + 1
        cell_row = int(digits) if digits else max(row, 1)
        if not attributes.rstrip().endswith(b"/"):
            max_row = max(max_row, cell_row)
            max_column = max(max_column, column)
    return max_row, max_column


def column_number(letters: bytes) -> int:
    """Column letters → 1-based number (A → 1, AA → 27)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number
