"""Finding the figures table of a report sheet as villages really lay it out.

The table is found by its header labels (Mã, Nội dung, Đơn vị tính, Số liệu,
Ghi chú), over one to three header rows (:func:`xlsync.core.tables.header_band`).
What is read, and what is left alone:

**The value column.**  Candidates are the columns that could hold figures:
any column headed «Số liệu» (its own header, a merged group above it, or a
sub-header under it), and the columns between «Đơn vị tính» and «Ghi chú»
whose header names a period or a year («Năm 2023», «2024», «6 tháng đầu năm
2024», «Cùng kỳ»), or starts with «Thực hiện»/«TH», «Số liệu», «Ước», or a
target word («Kế hoạch», «KH», «Chỉ tiêu»).  A target column is never the
figures.  Of the others:

1. exactly one → it (with a ``value-column-chosen`` record when target
   columns were left aside);
2. several → the one whose header names the report's period («Kỳ báo cáo»,
   else the plan's): same year, and the same span («6 tháng», «Quý I»,
   «Năm») when both say one.  An estimate («Ước 2024») does not name the
   period: a report's figures are the actual ones;
3. else, among the period-naming columns (or all when none names it), the
   one saying «Số liệu»/«Thực hiện», when exactly one does;
4. else an ``ambiguous-value-column`` error naming the columns, and no value
   is read from the sheet.  No candidate at all is a ``missing-label``; a
   single figures column headed with another year than the report's
   («Năm 2023» in a 2024 report) is a ``value-column-other-period`` error.

**The rows.**  Data starts under the header; a column-number row right under
it (``(1) (2) (3)``, ``1 2 3``, ``A B C 1 2``) is skipped.  A *coded row*
holds in the Mã column a code of the plan, or a text shaped like a code (one
word of Latin letters, digits, ``_ . -`` starting with a letter, not a
heading marker such as «I», «II», «A.»).  The table ends at the last coded
row; every row below it is the form's foot (signature block: «NGƯỜI LẬP
BIỂU», a date line, names, «(Ký, ghi rõ họ tên)», even in the Mã column) and
gives no record, except a number in the value column (``unexpected-value``:
it is not counted).  Inside the table:

* a row with a coded Mã cell, or any Mã text beside a value, is data (an
  unknown code there is the caller's ``unknown-code``);
* a row with Mã text that is not a code and no value (a sub-heading «I»,
  «KINH TẾ») or with nothing but text in the content column is not data;
* a value on a row without a code is ``unexpected-value``;
* a blank row (every read column blank) after a data row is ``blank-row``
  (a data row always follows: the table ends at a coded row).

An STT column («STT», «TT», «Số TT») and any other unlabelled column are
simply not read.  Hidden rows are rows like any other.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Callable

from xlsync.core.issues import Issue, make_issue
from xlsync.core.numbers import parse_number
from xlsync.core.sheets import Cell, Sheet, column_letter
from xlsync.core.tables import HeaderBand, Table, find_header, header_band, is_column_number_row, labels_in_row
from xlsync.core.template import ReportLabels
from xlsync.core.text import is_blank, label_key, normalize_text

L = ReportLabels
_ANCHORS = (L.CODE, L.CONTENT, L.UNIT, L.NOTE)
_ANCHOR_KEYS = {label_key(label): label for label in _ANCHORS}
_VALUE_KEY = label_key(L.VALUE)

_YEAR = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])")
_PERIOD_WORD = re.compile(r"\b(?:năm|tháng|quý|kỳ)\b")
_MONTHS = re.compile(r"([0-9]+)\s*tháng")
_QUARTER = re.compile(r"quý\s*([ivx0-9]+)")
_YEAR_SPAN = re.compile(r"\bnăm\b")
_TARGET = re.compile(r"(?:kế hoạch|chỉ tiêu|kh)\b")
_ACTUAL = re.compile(r"(?:số liệu|thực hiện|th)\b")
_ESTIMATE = re.compile(r"ước\b")

_CODE_SHAPE = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*")
_HEADING_MARK = re.compile(r"(?:[IVX]+|[A-Z])\.?", re.IGNORECASE)


# A data row: its 0-based sheet row, its Mã text normalised, and the sheet's cells of that row as read
# (possibly shorter than the table).  A plain tuple: a province run reads two hundred thousand of them.
DataRow = tuple[int, str, list[Cell]]


# The figures table of a report sheet: each label's column (all of :attr:`ReportLabels.HEADER`), its data rows.
ReportTable = Table[DataRow]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A column that could hold the figures, with its header words from top to bottom."""

    col: int
    words: tuple[str, ...]
    cell: str

    @property
    def header(self) -> str:
        return " – ".join(self.words)

    @property
    def named(self) -> str:
        return f"{column_letter(self.col)} «{self.header}»"

    def starts_with(self, pattern: re.Pattern[str]) -> bool:
        return any(pattern.match(label_key(word)) for word in self.words)


def locate_report_table(
    sheet: Sheet, period: str, is_known_code: Callable[[str], bool], *, file: str = ""
) -> tuple[ReportTable | None, list[Issue]]:
    """The report's table (columns Mã, Nội dung, Đơn vị tính, Số liệu, Ghi chú) and what its layout says.

    Its rows are the data rows, the Mã text normalised.  None when a label is
    missing or the value column is ambiguous: then no value is read.
    """
    where = {"file": file, "sheet": sheet.name}
    header_row, columns = find_header(sheet, L.HEADER)
    if header_row < 0:
        return None, [make_issue("missing-label", **where, label=label) for label in L.HEADER]
    columns.pop(L.VALUE, None)  # chosen among the candidates below
    last_row, labelled, value_col, records = _header(sheet, header_row, columns, period)
    issues = [make_issue(code, **where, **fields) for code, fields in records]
    if value_col is None:
        return None, issues
    columns = {**labelled, L.VALUE: value_col}
    table: ReportTable = Table(file=file, sheet=sheet.name, header_row=last_row, columns=columns)
    issues += _read_rows(sheet, table, _first_data_row(sheet, last_row + 1), is_known_code)
    return table, issues


# --- the header -----------------------------------------------------------

# A record's code and fields, without its place (file, sheet), which the caller adds.
Record = tuple[str, dict[str, object]]
# The header's last row, each label's column, the value column (None: no value is read), the records.
Header = tuple[int, dict[str, int], "int | None", tuple[Record, ...]]


def _header(sheet: Sheet, header_row: int, columns: dict[str, int], period: str) -> Header:
    """The header around ``header_row`` (``columns``: the labels found in it): its last row, every label's
    column, the value column and how it was chosen (the choice is made once per distinct header)."""
    labelled = dict(columns)
    band = header_band(sheet, header_row, labelled.get(L.CODE, 0))
    if any(label not in labelled for label in _ANCHORS):  # merged down, or written in the sub-header row
        for row in band.rows:
            for label, col in labels_in_row(sheet.rows[row], _ANCHOR_KEYS).items():
                labelled.setdefault(label, col)
    value_col, records = _value_column(band.rows, tuple(band.words.items()), tuple(labelled.items()), period)
    return band.last_row, labelled, value_col, records


# --- the value column -----------------------------------------------------


@functools.lru_cache(maxsize=256)  # every report of a run has the same header: chosen once, not per report
def _value_column(
    band_rows: tuple[int, ...], words: tuple[tuple[int, tuple[tuple[int, str], ...]], ...],
    columns: tuple[tuple[str, int], ...], period: str,
) -> tuple[int | None, tuple[Record, ...]]:
    """The column of figures under the header (``band_rows`` and their ``words``, the labels' ``columns``),
    and the records saying how it was chosen; None with the records when a label is missing or no column is
    the figures."""
    labelled = dict(columns)
    candidates = _candidates(HeaderBand(band_rows, dict(words)), labelled)
    missing = [label for label in L.HEADER if label not in labelled and (label != L.VALUE or not candidates)]
    if missing:
        return None, tuple(("missing-label", {"label": label}) for label in missing)
    return _choose(candidates, period)


def _candidates(band: HeaderBand, columns: dict[str, int]) -> list[Candidate]:
    unit_col, note_col = columns.get(L.UNIT, -1), columns.get(L.NOTE, -1)
    taken = set(columns.values())
    found = []
    for col in sorted(band.words):
        words = band.texts(col)
        if col in taken:
            continue
        keys = [label_key(word) for word in words]
        if _VALUE_KEY in keys or (unit_col < col < note_col and any(_is_figure_header(key) for key in keys)):
            found.append(Candidate(col, words, band.cell(col)))
    return found


def _is_figure_header(key: str) -> bool:
    return bool(_YEAR.search(key) or _PERIOD_WORD.search(key) or _ACTUAL.match(key) or _ESTIMATE.match(key)
                or _TARGET.match(key))


def _choose(candidates: list[Candidate], period: str) -> tuple[int | None, tuple[Record, ...]]:
    figures = [c for c in candidates if not c.starts_with(_TARGET)]
    if not figures:  # only targets: no column of figures at all
        return None, (("missing-label", {"label": L.VALUE}),)
    chosen = figures[0] if len(figures) == 1 else None
    if chosen is not None and _names_other_year(chosen, period):
        # The only figures column is last year's: reading it would be silently wrong.
        return None, (("value-column-other-period", {"cell": chosen.cell, "column": column_letter(chosen.col),
                                                     "header": chosen.header, "period": period}),)
    if chosen is None:
        naming = [c for c in figures if _names_period(c, period)]
        saying = [c for c in (naming if len(naming) > 1 else figures) if c.starts_with(_ACTUAL)]
        chosen = naming[0] if len(naming) == 1 else saying[0] if len(saying) == 1 else None
    if chosen is None:
        columns = ", ".join(c.named for c in figures)
        return None, (("ambiguous-value-column", {"cell": figures[0].cell, "columns": columns, "period": period}),)
    if len(candidates) == 1:
        return chosen.col, ()
    others = ", ".join(c.named for c in candidates if c is not chosen)
    return chosen.col, (("value-column-chosen", {"cell": chosen.cell, "column": column_letter(chosen.col),
                                                 "header": chosen.header, "others": others}),)


def _names_period(candidate: Candidate, period: str) -> bool:
    """The header says the report's year (and its span when both say one), not as an estimate or target."""
    if candidate.starts_with(_ESTIMATE) or candidate.starts_with(_TARGET):
        return False
    wanted = label_key(period)
    years = set(_YEAR.findall(wanted))
    header = label_key(" ".join(candidate.words))
    if not years or not years & set(_YEAR.findall(header)):
        return False
    spans = _span(wanted), _span(header)
    return None in spans or spans[0] == spans[1]


def _names_other_year(candidate: Candidate, period: str) -> bool:
    """The header names a year, and not the report's (when the period says one)."""
    wanted = set(_YEAR.findall(label_key(period)))
    named = set(_YEAR.findall(label_key(" ".join(candidate.words))))
    return bool(wanted and named and not wanted & named)


def _span(key: str) -> str | None:
    """How long a period is: «6 tháng», «quý i», «năm»; None when the text does not say."""
    if found := _MONTHS.search(key):
        return f"{found[1]} tháng"
    if found := _QUARTER.search(key):
        return f"quý {found[1]}"
    return "năm" if _YEAR_SPAN.search(key) else None


# --- the rows -------------------------------------------------------------


def _first_data_row(sheet: Sheet, row: int) -> int:
    """The row after the header, past a column-number row (blank rows before it allowed)."""
    for r in range(row, len(sheet.rows)):
        line = sheet.rows[r]
        if any(not is_blank(value) for value in line):
            return r + 1 if is_column_number_row(line) else row
    return row


def _is_coded(code: str, is_known_code: Callable[[str], bool]) -> bool:
    """A Mã cell meant as a code: one of the plan, or shaped like one (not a heading marker «I», «A.»)."""
    if not code:
        return False
    if is_known_code(code):
        return True
    return _CODE_SHAPE.fullmatch(code) is not None and _HEADING_MARK.fullmatch(code) is None


# Mã cells repeat in every report of a run (typed: 1 and True are different cells).
_code_text = functools.lru_cache(maxsize=8192, typed=True)(normalize_text)


def _read_rows(sheet: Sheet, table: ReportTable, first: int, is_known_code: Callable[[str], bool]) -> list[Issue]:
    cols = table.columns
    code_col, value_col = cols[L.CODE], cols[L.VALUE]
    last = next((r for r in range(len(sheet.rows) - 1, first - 1, -1)
                 if _is_coded(_code_text(sheet.cell(r, code_col)), is_known_code)), first - 1)
    where = {"file": table.file, "sheet": table.sheet}
    issues: list[Issue] = []
    rows, keep = sheet.rows, table.rows.append  # looked up once, not per row
    for r in range(first, last + 1):
        line = rows[r]
        width = len(line)
        code = _code_text(line[code_col] if code_col < width else None)
        raw = line[value_col] if value_col < width else None
        has_value = raw is not None and not (isinstance(raw, str) and not raw.strip())  # not is_blank(raw), inline
        if code and (has_value or _is_coded(code, is_known_code)):
            keep((r, code, line))
        elif not code and has_value:
            issues.append(make_issue("unexpected-value", **where, cell=table.address(r, L.VALUE), value=raw))
        elif table.rows and all(is_blank(line[col]) for col in cols.values() if col < width):
            # A data row above, and the table ends at a coded row below.
            issues.append(make_issue("blank-row", **where, row=r + 1))
    for r in range(last + 1, len(sheet.rows)):  # the form's foot: only a figure there is worth a word
        raw = sheet.cell(r, value_col)
        if not is_blank(raw) and parse_number(raw).usable:
            issues.append(make_issue("unexpected-value", **where, cell=table.address(r, L.VALUE), value=raw))
    return issues
