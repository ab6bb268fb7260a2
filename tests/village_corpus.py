"""Report workbooks as villages really send them back, each with the outcome xlsync must give.

Every case starts from known figures typed into a unit's real template, or
into the table a clerk re-made in Excel from the template's layout, then is
changed the way people change reports: a rate typed with %, a column for
last year, a column-number row, a signature block, old-font (TCVN3, VNI)
text, a formula, a LibreOffice copy.  :func:`build_corpus` writes them all;
the tests compare what xlsync reads with each ``Case.outcome``.
"""

from __future__ import annotations

import struct
import subprocess
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Mapping, Sequence
from xml.sax.saxutils import escape

import xlsxwriter
from openpyxl import load_workbook

from bad_files import CT_NS, PKG_REL_NS, REL_NS, write_zip
from helpers import fill_report, value_cells
from libreoffice import RECALC_PROFILE, soffice
from xlsync.core.example_data import example_values
from xlsync.core.numbers import FAIL, PASS
from xlsync.core.plan import DataElement, Plan
from xlsync.core.template import REPORT_SHEET, ReportLayout, report_layout
from xlsync.io.xlsx_sheets import write_meta_sheet

SEED = 11
ANY = "*"  # the rules fix no particular cell (or file) for this record


@dataclass(frozen=True, slots=True)
class Rec:
    """A record xlsync must give: its code, its cell, and words its Vietnamese message must hold."""

    code: str
    cell: str = ""
    mentions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Outcome:
    values: Mapping[str, object] | None  # element code → the value read (None: unreadable); None: not checked
    records: tuple[Rec, ...] = ()  # every record of the file, no more, no fewer
    exit_code: int = 0


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    unit: str
    path: Path
    typed: Mapping[str, object]  # the figures the unit typed for the period
    outcome: Outcome


# --- legacy Vietnamese encodings ------------------------------------------------------------

# TCVN3 (ABC) as .VnTime fonts show it in Unicode: one Latin-1 character per Vietnamese letter.
_TCVN3_FAMILIES = (  # letters, and their codes in the same order
    ("ăâêôơưđ", "A8 A9 AA AB AC AD AE"), ("ĂÂÊÔƠƯĐ", "A1 A2 A3 A4 A5 A6 A7"),
    ("àảãáạ", "B5 B6 B7 B8 B9"), ("ằẳẵắặ", "BB BC BD BE C6"), ("ầẩẫấậ", "C7 C8 C9 CA CB"),
    ("èẻẽéẹ", "CC CE CF D0 D1"), ("ềểễếệ", "D2 D3 D4 D5 D6"), ("ìỉĩíị", "D7 D8 DC DD DE"),
    ("òỏõóọ", "DF E1 E2 E3 E4"), ("ồổỗốộ", "E5 E6 E7 E8 E9"), ("ờởỡớợ", "EA EB EC ED EE"),
    ("ùủũúụ", "EF F1 F2 F3 F4"), ("ừửữứự", "F5 F6 F7 F8 F9"), ("ỳỷỹýỵ", "FA FB FC FD FE"),
)
TCVN3 = {letter: chr(code) for letters, codes in _TCVN3_FAMILIES
         for letter, code in zip(letters, bytes.fromhex(codes), strict=True)}
VNI_PASS = "Ñaït"  # «Đạt» typed with a VNI-Windows font


def to_tcvn3(text: str) -> str:
    """Unicode → TCVN3; capitals with a tone take the lower-case code, as the .VnTimeH fonts draw them."""
    return "".join(TCVN3.get(ch) or TCVN3.get(ch.lower(), ch) for ch in unicodedata.normalize("NFC", text))


# --- tables re-made in Excel from the template's layout (XlsxWriter) ----------------------------

Filler = Callable[[int, DataElement, object], object]  # (row number in the table, element, figure) → cell


def shown(figure: object) -> object:
    return (PASS if figure else FAIL) if isinstance(figure, bool) else figure


def last_year(figure: object) -> object:
    """A plausible figure of the year before, never equal to this year's."""
    if isinstance(figure, bool):
        return not figure
    return int(figure * 0.9) - 1 if isinstance(figure, int) else round(figure * 0.9 + 0.01, 2)


CODE: Filler = lambda _i, element, _v: element.code  # noqa: E731
NAME: Filler = lambda _i, element, _v: element.name  # noqa: E731
UNIT: Filler = lambda _i, element, _v: element.unit  # noqa: E731
FIGURE: Filler = lambda _i, _e, figure: shown(figure)  # noqa: E731
LAST_YEAR: Filler = lambda _i, _e, figure: shown(last_year(figure))  # noqa: E731
NOTE: Filler = lambda *_: None  # noqa: E731
ORDINAL: Filler = lambda index, _e, _v: index  # noqa: E731
NUMBERING: Filler = lambda index, _e, _v: f"{index}."  # noqa: E731
TEMPLATE_COLUMNS = (CODE, NAME, UNIT, FIGURE, NOTE)
TEMPLATE_HEADER = ("Mã", "Nội dung", "Đơn vị tính", "Số liệu", "Ghi chú")

SIGNATURE_BLOCK = (
    (),
    (None, None, None, "Sơn Tây, ngày 15 tháng 12 năm 2024"),
    ("NGƯỜI LẬP BIỂU", None, None, "TRƯỞNG THÔN"),
    ("(Ký, ghi rõ họ tên)", None, None, "(Ký, ghi rõ họ tên)"),
    (),
    (),
    ("Nguyễn Văn An", None, None, "Trần Văn Bình"),
)


def write_form(
    path: Path,
    layout: ReportLayout,
    figures: Mapping[str, object],
    *,
    header: Sequence[Sequence[object]] = (TEMPLATE_HEADER,),
    columns: Sequence[Filler] = TEMPLATE_COLUMNS,
    merges: Sequence[tuple[int, int, int, int]] = (),
    before: Sequence[Sequence[object]] = (),
    after: Sequence[Sequence[object]] = (),
    sheet_name: str = REPORT_SHEET,
    encode: Callable[[str], str] = str,
    with_meta: bool = True,
) -> Path:
    """The template's heading, then ``header`` rows, ``before`` (a column-number row), one row per
    element filled by ``columns``, then ``after`` (a signature block); ``encode`` is applied to every text.
    ``merges`` are 0-based (first_row, first_col, last_row, last_col) ranges."""
    path.parent.mkdir(parents=True, exist_ok=True)
    grid: dict[tuple[int, int], object] = {(c.row, c.col): c.value for c in layout.cells if c.row < layout.header_row}
    row = layout.header_row
    elements = layout.plan.elements_for(layout.unit)
    lines = [*header, *before, *([fill(i, e, figures.get(e.code)) for fill in columns]
                                 for i, e in enumerate(elements, start=1)), *after]
    for row, line in enumerate(lines, start=layout.header_row):
        grid.update({(row, col): value for col, value in enumerate(line)})
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet(encode(sheet_name))
    for (r, c), value in grid.items():
        if isinstance(value, str) and value:
            sheet.write_string(r, c, encode(value))
        elif isinstance(value, (int, float)):
            sheet.write_number(r, c, value)
    for first_row, first_col, last_row, last_col in merges:
        value = grid.get((first_row, first_col))
        sheet.merge_range(first_row, first_col, last_row, last_col, encode(value) if value else "")
    if with_meta:
        write_meta_sheet(book, layout.metadata)
    book.close()
    return path


# --- changes made to a filled template (openpyxl) ----------------------------------------------


def edit(path: Path, change: Callable) -> Path:
    """Open the report in openpyxl, let ``change`` edit its «Báo cáo» sheet, save it."""
    book = load_workbook(path)
    change(book[REPORT_SHEET])
    book.save(path)
    return path


def add_signature_block(sheet, first_row: int) -> None:
    """The block typed under the table, each text centred over two columns as forms do."""
    for offset, line in enumerate(SIGNATURE_BLOCK):
        for col, value in enumerate(line, start=1):
            if value:
                sheet.cell(first_row + offset, col, value)
                sheet.merge_cells(start_row=first_row + offset, start_column=col,
                                  end_row=first_row + offset, end_column=col + 1)


# --- files that are not reports -------------------------------------------------------------------


def excel_lock_file(path: Path, user: str = "Truong thon") -> Path:
    """Excel's owner file «~$name.xlsx»: 165 bytes, the user's name in two fixed-width fields."""
    data = bytes([len(user)]) + user.encode("ascii").ljust(53) + struct.pack("<H", len(user))
    path.write_bytes(data + user.encode("utf-16-le").ljust(109, b" "))
    return path


def word_document(path: Path) -> Path:
    """A real (minimal) Word document, as when a village attaches its covering letter instead."""
    word_ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    main_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    parts = {
        "[Content_Types].xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{CT_NS}">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/word/document.xml" ContentType="{main_type}"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">'
            f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="word/document.xml"/></Relationships>'
        ),
        "word/document.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{word_ns}"><w:body><w:p><w:r>'
            "<w:t>Báo cáo kết quả thực hiện chỉ tiêu thi đua năm 2024 – Thôn 8</w:t></w:r></w:p></w:body></w:document>"
        ),
    }
    return write_zip(path, {name: text.encode("utf-8") for name, text in parts.items()})


# --- LibreOffice: every conversion in one start ----------------------------------------------------

LIBREOFFICE_FILTERS = {".xls": "MS Excel 97", ".ods": "calc8", ".xlsx": "Calc MS Excel 2007 XML"}
# Without this mark a fresh profile counts as a first start, which overwrites the macro with presets.
_SETUP_DONE = ('<item oor:path="/org.openoffice.Setup/Office"><prop oor:name="ooSetupInstCompleted" '
               'oor:op="fuse"><value>true</value></prop></item>\n')
_LIBRARY_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE library:{0} PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "{0}.dtd">\n'
_LIBRARIES = _LIBRARY_HEAD.format("libraries") + (
    '<library:libraries xmlns:library="http://openoffice.org/2000/library" xmlns:xlink="http://www.w3.org/1999/xlink">'
    '<library:library library:name="Standard" library:link="false"/></library:libraries>\n')
_LIBRARY = _LIBRARY_HEAD.format("library") + (
    '<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard" '
    'library:readonly="false" library:passwordprotected="false"><library:element library:name="Module1"/>'
    '</library:library>\n')
_MACRO = """Sub SaveAs(source As String, target As String, filter As String)
  Dim load(0) As New com.sun.star.beans.PropertyValue
  load(0).Name = "Hidden" : load(0).Value = True
  Dim doc As Object
  doc = StarDesktop.loadComponentFromURL(ConvertToURL(source), "_blank", 0, load())
  Dim store(0) As New com.sun.star.beans.PropertyValue
  store(0).Name = "FilterName" : store(0).Value = filter
  doc.storeToURL(ConvertToURL(target), store())
  doc.close(True)
End Sub

Sub Main
  On Error Resume Next
{calls}
  StarDesktop.terminate()
End Sub
"""


def start_conversions(jobs: Sequence[tuple[Path, Path]], profile: Path) -> Callable[[], None]:
    """Save each source in the format of its target (by suffix), formulas recalculated, in ONE start of
    LibreOffice; returns the call that waits for it, so that other files can be written meanwhile.

    ``--convert-to`` takes one target format per start (about a second each);
    a Basic macro in a private profile saves to any number of formats at once.
    """
    basic = profile / "user" / "basic"
    (basic / "Standard").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(
        RECALC_PROFILE.replace("</oor:items>", _SETUP_DONE + "</oor:items>"), encoding="utf-8")
    (basic / "script.xlc").write_text(_LIBRARIES, encoding="utf-8")
    (basic / "Standard" / "script.xlb").write_text(_LIBRARY, encoding="utf-8")
    calls = "\n".join(f'  SaveAs("{source.resolve()}", "{target.resolve()}", "{LIBREOFFICE_FILTERS[target.suffix]}")'
                      for source, target in jobs)
    code = escape(_MACRO.format(calls=calls), {'"': "&quot;"})
    (basic / "Standard" / "Module1.xba").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument '
        '1.0//EN" "module.dtd">\n<script:module xmlns:script="http://openoffice.org/2000/script" '
        f'script:name="Module1" script:language="StarBasic">{code}</script:module>\n', encoding="utf-8")
    for _, target in jobs:
        target.parent.mkdir(parents=True, exist_ok=True)
    office = subprocess.Popen([soffice(), "--headless", "--norestore", "--nolockcheck",
                               f"-env:UserInstallation={profile.resolve().as_uri()}", "macro:///Standard.Module1.Main"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def wait() -> None:
        try:
            output, _ = office.communicate(timeout=180)
        except subprocess.TimeoutExpired:
            office.kill()
            output, _ = office.communicate()
        missing = [str(target) for _, target in jobs if not target.exists()]
        assert not missing, f"LibreOffice did not write {missing}: {output}"

    return wait


# --- the corpus --------------------------------------------------------------------------------------


def typed_figures(plan: Plan, unit: str, **changes: object) -> dict[str, object]:
    """The figures a unit types: plausible and known (seeded), with ``changes``."""
    return {**example_values(plan, plan.units[unit], seed=SEED), **changes}


def build_corpus(plan: Plan, folder: Path) -> dict[str, Case]:
    """Every case, each in its own folder under ``folder``; LibreOffice is started once."""
    cases: dict[str, Case] = {}
    conversions: list[tuple[Path, Path]] = []

    def add(name: str, unit: str, path: Path, typed: Mapping[str, object], outcome: Outcome | None = None) -> None:
        cases[name] = Case(name, unit, path, typed, outcome or Outcome(typed))

    def template(case: str, unit: str, typed: Mapping[str, object], **options) -> Path:
        return fill_report(plan, unit, folder / case, typed, **options)

    def form(name: str, unit: str, typed: Mapping[str, object], **options) -> Path:
        return write_form(folder / name / f"{name}.xlsx", report_layout(plan, plan.units[unit]), typed, **options)

    def by_libreoffice(source: Path, name: str, suffix: str) -> Path:
        target = folder / name / f"{source.stem}.{suffix}"
        conversions.append((source, target))
        return target

    def copies(source: str, suffixes: Sequence[str] = ("xls", "ods", "lo.xlsx")) -> None:
        for suffix in suffixes:
            name = f"{source}.{suffix}"
            cases[name] = replace(cases[source], name=name, path=by_libreoffice(cases[source].path, name, suffix))

    # First what LibreOffice copies, so that it runs while the rest is written.
    for unit in ("T02", "T03"):
        typed = typed_figures(plan, unit)
        add(f"clean-{unit}", unit, template(f"clean-{unit}", unit, typed), typed)
    _percent_cases(plan, add, template)
    typed = typed_figures(plan, "T01")
    cells = value_cells(plan, "T01")
    source = edit(template("formula-error-source", "T01", typed), lambda sheet: _type(sheet, cells["DAN_HUOU"], "=1/0"))
    add("formula-error", "T01", by_libreoffice(source, "formula-error", "xlsx"), typed,
        Outcome({**typed, "DAN_HUOU": None}, (Rec("formula-error", cells["DAN_HUOU"], ("#DIV/0!",)),), 1))
    copies("clean-T02")
    copies("percent-typed")
    copies("clean-T03", ("ods",))
    converted = start_conversions(conversions, folder / "libreoffice-profile")

    add("formula-without-value", "T01",
        edit(template("formula-without-value", "T01", typed), lambda sheet: _type(sheet, cells["THU_NHAP"], "=D11*56")),
        typed, Outcome({**typed, "THU_NHAP": None}, (Rec("formula-without-value", cells["THU_NHAP"], ("D11*56",)),), 1))
    for unit in ("T01", "T06", "T09", "T10", "TYT", "HTX1"):
        typed = typed_figures(plan, unit)
        add(f"clean-{unit}", unit, template(f"clean-{unit}", unit, typed), typed)
    typed = typed_figures(plan, "T06", DAN_HUOU=cases["clean-T06"].typed["DAN_HUOU"] + 5)  # corrected, sent again
    add("resent-T06", "T06", template("resent-T06", "T06", typed, name="thon-6-gui-lai.xlsx"), typed)
    typed = typed_figures(plan, "T09")
    add("last-year-T09", "T09", template("last-year-T09", "T09", typed, period="Năm 2023"), typed,
        Outcome(typed, (Rec("other-period", "B7", ("Năm 2023", "Năm 2024")),), 1))
    typed = typed_figures(plan, "T03")
    t03 = value_cells(plan, "T03")["DAN_HUOU"]
    add("text-in-number-T03", "T03", template("text-in-number-T03", "T03", {**typed, "DAN_HUOU": "abc"}), typed,
        Outcome({**typed, "DAN_HUOU": None}, (Rec("type-error", t03, ("abc",)),), 1))
    _value_column_cases(plan, add, form)
    _layout_cases(plan, add, template, form)
    _legacy_text_cases(plan, add, template, form)
    converted()
    return cases


def _type(sheet, address: str, value: object, number_format: str | None = None) -> None:
    """Type ``value`` into a cell as Excel stores it (openpyxl keeps no result for a formula)."""
    sheet[address].value = value
    if number_format:
        sheet[address].number_format = number_format


def _percent_cases(plan: Plan, add, template) -> None:
    """«64,8%» typed in Excel is stored as 0.648; only the number format says it was a percentage."""
    cell = value_cells(plan, "UBND")["TL_HO_SO_TRUC_TUYEN"]
    typed = typed_figures(plan, "UBND", TL_HO_SO_TRUC_TUYEN=64.8)
    path = edit(template("percent-typed", "UBND", typed), lambda sheet: _type(sheet, cell, 0.648, "0.0%"))
    add("percent-typed", "UBND", path, typed, Outcome(typed, (Rec("percent-format-read", cell, ("64,8",)),)))
    path = edit(template("percent-unformatted", "UBND", typed), lambda sheet: _type(sheet, cell, 0.648, "General"))
    add("percent-unformatted", "UBND", path, typed,
        Outcome({**typed, "TL_HO_SO_TRUC_TUYEN": 0.648}, (Rec("percent-as-fraction", cell, ("64,8",)),)))


def _value_column_cases(plan: Plan, add, form) -> None:
    """A column for last year beside this year's: read the one that names the period, or say it is unclear."""
    typed = typed_figures(plan, "T05")
    columns = (CODE, NAME, UNIT, LAST_YEAR, FIGURE, NOTE)
    chosen = Outcome(typed, (Rec("value-column-chosen", ANY, ("Năm 2024", "Năm 2023")),))
    header = ("Mã", "Nội dung", "Đơn vị tính", "Năm 2023", "Năm 2024", "Ghi chú")
    add("year-columns", "T05", form("year-columns", "T05", typed, header=(header,), columns=columns), typed, chosen)
    two_rows = (("Mã", "Nội dung", "Đơn vị tính", "Số liệu", None, "Ghi chú"),
                (None, None, None, "Năm 2023", "Năm 2024", None))
    merges = ((9, 0, 10, 0), (9, 1, 10, 1), (9, 2, 10, 2), (9, 3, 9, 4), (9, 5, 10, 5))
    add("year-subheaders", "T05",
        form("year-subheaders", "T05", typed, header=two_rows, columns=columns, merges=merges), typed, chosen)
    header = ("Mã", "Nội dung", "Đơn vị tính", "Năm 2023", "Ước 2024", "Ghi chú")
    add("estimate-column", "T05", form("estimate-column", "T05", typed, header=(header,), columns=columns), typed,
        Outcome(None, (Rec("ambiguous-value-column", ANY, ("Năm 2023", "Ước 2024")),), 1))


def _layout_cases(plan: Plan, add, template, form) -> None:
    """Ordinary Vietnamese form layout around a correct table: nothing to say, every figure read."""
    typed = typed_figures(plan, "T04")
    add("column-numbers-signature", "T04", form("column-numbers-signature", "T04", typed,
                                                 before=(("(1)", "(2)", "(3)", "(4)", "(5)"),), after=SIGNATURE_BLOCK), typed)
    add("column-digits", "T04", form("column-digits", "T04", typed, before=((1, 2, 3, 4, 5),)), typed)
    below_table = 9 + 2 + len(plan.elements_for(plan.units["T04"]))  # 1-based row under the last coded row
    add("signature-under-template", "T04", edit(template("signature-under-template", "T04", typed),
                                                lambda sheet: add_signature_block(sheet, below_table)), typed)
    add("stt-column", "T04", form("stt-column", "T04", typed, header=(("STT", *TEMPLATE_HEADER),),
                                  columns=(ORDINAL, *TEMPLATE_COLUMNS)), typed)
    add("content-two-columns", "T04", form("content-two-columns", "T04", typed,
                                           header=(("Mã", "Nội dung", None, "Đơn vị tính", "Số liệu", "Ghi chú"),),
                                           columns=(CODE, NUMBERING, NAME, UNIT, FIGURE, NOTE), merges=((9, 1, 9, 2),)),
        typed)

    typed = typed_figures(plan, "T01")
    element = plan.elements["DAN_HUOU"]
    below_table = 9 + 2 + len(plan.elements_for(plan.units["T01"]))

    def stale_copy(sheet) -> None:  # an old copy of a row, hidden rather than deleted
        for col, value in enumerate((element.code, element.name, element.unit, last_year(typed[element.code])), 1):
            sheet.cell(below_table, col, value)
        sheet.row_dimensions[below_table].hidden = True

    first = value_cells(plan, "T01")[element.code].replace("D", "A", 1)
    add("hidden-stale-duplicate", "T01", edit(template("hidden-stale-duplicate", "T01", typed), stale_copy), typed,
        Outcome(typed, (Rec("duplicate-row", f"A{below_table}", (element.code, first)),), 1))


def _legacy_text_cases(plan: Plan, add, template, form) -> None:
    """Text typed with TCVN3 (.VnTime) or VNI fonts: converted, said once per sheet, figures exact."""
    typed = typed_figures(plan, "T07", KDC_KIEU_MAU=True, THON_VAN_HOA=False)
    add("tcvn3-form", "T07", form("tcvn3-form", "T07", typed, encode=to_tcvn3, with_meta=False), typed,
        Outcome(typed, (Rec("legacy-sheet-name", "", ("B¸o c¸o", "Báo cáo")),
                        Rec("legacy-encoding-converted", ANY, ("TCVN3",)))))
    cells = value_cells(plan, "T01")
    typed = typed_figures(plan, "T01", KDC_KIEU_MAU=True, THON_VAN_HOA=True)
    for name, code, text, encoding in (("tcvn3-pass-cell", "KDC_KIEU_MAU", to_tcvn3(PASS), "TCVN3"),
                                       ("vni-pass-cell", "THON_VAN_HOA", VNI_PASS, "VNI")):
        path = edit(template(name, "T01", typed), lambda sheet, cell=cells[code], text=text: _type(sheet, cell, text))
        add(name, "T01", path, typed,
            Outcome(typed, (Rec("legacy-encoding-converted", cells[code], (encoding, text, PASS)),)))
