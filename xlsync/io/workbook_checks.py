"""Every check on a workbook's bytes before a parser sees them, and what the format is.

Units send workbooks by email and USB stick; some are not workbooks at all
(a CSV, a Word letter renamed .xlsx), some are damaged, and a hostile one
may be built to exhaust memory.  Checks, in order, each with its own code:

* OLE2 container: an encrypted OOXML package (``EncryptionInfo``) →
  "password-protected-workbook"; a Word or PowerPoint file →
  "not-a-workbook" saying so; a ``Workbook``/``Book`` stream → an .xls,
  whose records are walked (:mod:`xlsync.io.xls_records`): a FILEPASS
  record is a password, a sheet too large to hold is "sheet-too-large";
* not a ZIP at all: PDF, HTML/XML or CSV/text are named when recognised;
* ZIP: zip bomb first (the directory's uncompressed sizes: both readers
  stop at the declared size, so the directory is authoritative); then an
  OpenDocument spreadsheet (.ods, read), a Word .docx, a PowerPoint .pptx
  or a binary .xlsb (named, not read), or no ``xl/workbook.xml`` (damaged);
* XML with a DOCTYPE (entity bombs): no spreadsheet program writes one;
* an .ods whose content.xml is not well-formed: calamine never returns
  when the document ends inside a table;
* a sheet whose cells span an area too large to hold (:mod:`xml_checks`
  for .xlsx, :mod:`ods_content` for .ods).

The parts read whole along the way are kept, so the cell facts
(:mod:`xlsync.io.cell_facts`) come from the same bytes without a second
decompression, and an .xlsx is handed to calamine with those parts stored
uncompressed (:func:`xlsync.io.zip_parts.stored_copy`): calamine then
parses exactly the bytes checked here, without unpacking them again.
"""

from __future__ import annotations

import codecs
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.parsers import expat

from xlsync.core.issues import CannotRun
from xlsync.core.sheets import cell_address
from xlsync.io import ods_content, xls_records
from xlsync.io.cell_facts import SheetFacts, xlsx_facts
from xlsync.io.source_files import TEXT_FILE_DETAIL
from xlsync.io.xml_checks import MAX_XML_PROLOG_CHARS, cell_extent, declares_dtd, plain_prolog
from xlsync.io.zip_parts import Archive, Member, stored_copy

ZipMember = Member | zipfile.ZipInfo

MAX_UNPACKED_BYTES = 200 * 2**20
# Real sheet XML compresses about 10:1; repeated filler compresses 1000:1.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_MIN_BYTES = 10 * 2**20
# Larger packages go to calamine as they came: a second, unpacked copy of them would cost memory, not time.
MAX_STORED_COPY_BYTES = 8 * 2**20
# calamine holds ~30 bytes per cell of the A1-to-farthest-cell rectangle,
# Python ~8 more: 10 million cells stay well under half a gigabyte.
MAX_SHEET_CELLS = 10_000_000

_PROLOG_BYTES = MAX_XML_PROLOG_CHARS * 2  # enough for any prolog, in UTF-16 too
# Enough for the prolog spreadsheet programs write.  Not less: a damaged stream within this first kilobyte
# is a record ("corrupt-workbook") even in a part calamine never opens, and the records must stay.
_PROBE_BYTES = 1024
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# calamine compares the first 46 bytes of "mimetype" with this (a template's type starts the same).
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"

_WORD_DOCX = (" (đây là văn bản Word .docx, không phải bảng tính; hãy gửi tệp báo cáo Excel)",
              " (it is a Word .docx document, not a spreadsheet; send the Excel report instead)")
_WORD_DOC = (" (đây là văn bản Word .doc, không phải bảng tính; hãy gửi tệp báo cáo Excel)",
             " (it is a Word .doc document, not a spreadsheet; send the Excel report instead)")
_WORD_ODT = (" (đây là văn bản OpenDocument .odt, không phải bảng tính; hãy gửi tệp báo cáo Excel)",
             " (it is an OpenDocument .odt text, not a spreadsheet; send the Excel report instead)")
_PRESENTATION = (" (đây là tệp trình chiếu PowerPoint, không phải bảng tính)",
                 " (it is a PowerPoint presentation, not a spreadsheet)")
_XLSB = (" (đây là sổ Excel dạng nhị phân .xlsb; hãy mở bằng Excel rồi lưu lại dạng .xlsx)",
         " (it is a binary Excel workbook .xlsb; open it in Excel and save it as .xlsx)")
_OTHER_OLE = (" (đây là một tệp Office khác, không phải bảng tính)", " (it is another kind of Office file)")


@dataclass(slots=True)
class CheckedWorkbook:
    """A workbook that passed every check: its real format, and what the checks kept for the cell facts."""

    file_format: str  # xlsx | xlsm | xls | ods
    parts: dict[str, bytes] = field(default_factory=dict)  # .xlsx: the parts read whole
    package: bytes | None = None  # .xlsx: what calamine reads, when not the file's own bytes
    ods_tables: list[ods_content.OdsTable] = field(default_factory=list)
    xls: xls_records.XlsScan | None = None

    def sheet_facts(self, names: list[str]) -> list[SheetFacts | None]:
        """The facts of calamine's sheets, given its sheet names in order."""
        if self.xls is not None:  # BOUNDSHEET order is calamine's order
            facts = [sheet.facts for sheet in self.xls.sheets]
            return [facts[index] if index < len(facts) else None for index in range(len(names))]
        if self.ods_tables:
            by_name = {table.name: ods_content.sheet_facts(table) for table in self.ods_tables if table.spans}
        else:
            by_name = xlsx_facts(self.parts)
        return [by_name.get(name) for name in names]


def check_content(content: bytes, name: str) -> CheckedWorkbook:
    """Run every check on a file's bytes; raise :class:`CannotRun` for anything not a safe, readable workbook."""
    if content.startswith(_OLE_MAGIC):
        return _check_ole(content, name)
    if not content.startswith(b"PK"):
        detail_vi, detail_en = _describe_non_zip(content[:4096])
        raise CannotRun("not-a-workbook", file=name, detail_vi=detail_vi, detail_en=detail_en)
    archive = None
    try:
        archive = Archive(content)
        return _check_archive(archive, name)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
        raise CannotRun("corrupt-workbook", file=name, detail=f"{type(exc).__name__}: {exc}") from exc
    finally:
        if archive is not None:
            archive.close()


def not_a_workbook(name: str, detail: tuple[str, str]) -> CannotRun:
    return CannotRun("not-a-workbook", file=name, detail_vi=detail[0], detail_en=detail[1])


# --- OLE2 containers --------------------------------------------------------------------


def _check_ole(content: bytes, name: str) -> CheckedWorkbook:
    """An OLE2 container: an encrypted OOXML package, a Word or PowerPoint file, or an .xls workbook."""
    if _has_ole_entry(content, "EncryptionInfo"):
        raise CannotRun("password-protected-workbook", file=name)
    if _has_ole_entry(content, "WordDocument"):
        raise not_a_workbook(name, _WORD_DOC)
    if _has_ole_entry(content, "PowerPoint Document"):
        raise not_a_workbook(name, _PRESENTATION)
    if not (_has_ole_entry(content, "Workbook") or _has_ole_entry(content, "Book")):
        raise not_a_workbook(name, _OTHER_OLE)
    try:
        stream = xls_records.workbook_stream(content)
    except Exception as exc:  # olefile's many ways of saying "damaged"
        raise CannotRun("corrupt-workbook", file=name, detail=f"{type(exc).__name__}: {exc}") from exc
    if stream is None:
        raise CannotRun("corrupt-workbook", file=name, detail_vi="thiếu luồng Workbook", detail_en="no Workbook stream")
    scan = xls_records.scan_stream(stream)
    if scan.password_protected:
        raise CannotRun("password-protected-workbook", file=name)
    for sheet in scan.sheets:
        if sheet.reserved_cells > MAX_SHEET_CELLS:
            raise CannotRun("sheet-too-large", file=name, cell=cell_address(*sheet.reserved_end))
        _check_extent(sheet.rows, sheet.columns, name)
    return CheckedWorkbook("xls", xls=scan)


def _has_ole_entry(content: bytes, entry: str) -> bool:
    """Whether an OLE2 directory entry named ``entry`` exists.

    Directory entries are 128-byte records starting with the UTF-16LE name
    (NUL-terminated) and holding its byte length at offset 64; checking the
    alignment and the length keeps cell text from matching by accident.
    """
    encoded = entry.encode("utf-16-le") + b"\x00\x00"
    start = content.find(encoded)
    while start != -1:
        if start % 128 == 0 and content[start + 64 : start + 66] == len(encoded).to_bytes(2, "little"):
            return True
        start = content.find(encoded, start + 1)
    return False


# --- files that are not ZIPs ------------------------------------------------------------


def _describe_non_zip(head: bytes) -> tuple[str, str]:
    """What a non-workbook file looks like, for the message (Vietnamese, English)."""
    if head.startswith(b"%PDF"):
        return " (đây là tệp PDF)", " (it is a PDF file)"
    if head.startswith(b"{\\rtf"):
        return " (đây là văn bản Word .rtf)", " (it is a Word .rtf document)"
    text = _as_text(head)
    if text is None:
        return "", ""
    if text.lstrip("\ufeff \t\r\n").startswith("<"):
        return " (đây là trang web hoặc tệp XML)", " (it is a web page or XML file)"
    return TEXT_FILE_DETAIL


def _as_text(head: bytes) -> str | None:
    """``head`` as text if it reads as text (any 8-bit code page or UTF-16 with BOM), else None."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="replace")
    if b"\x00" in head:
        return None
    controls = sum(1 for byte in head if byte < 32 and byte not in b"\t\n\r\f")
    if controls > len(head) // 100:
        return None
    return head.decode("utf-8", errors="replace")


# --- ZIP packages -----------------------------------------------------------------------

# Parts the cell facts need whole (they are small); other parts that are surely not sheets get their prolog checked.
_KEPT_WHOLE = frozenset({"[Content_Types].xml", "xl/styles.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"})
_NON_SHEET_PARTS = ("[Content_Types].xml", "xl/styles.xml", "xl/sharedStrings.xml", "xl/workbook.xml")
_NON_SHEET_FOLDERS = ("_rels/", "docProps/", "xl/_rels/", "xl/theme/", "xl/worksheets/_rels/", "xl/media/")


def _check_archive(archive: Archive, name: str) -> CheckedWorkbook:
    members = [info for info in archive.members if not info.filename.endswith("/")]  # is_dir() fails on a name ""
    _check_unpacked_sizes(members, name)
    names = {info.filename for info in members}
    if "mimetype" in names:
        mimetype = archive.read(archive.getinfo("mimetype"), len(_ODS_MIMETYPE))
        if mimetype.startswith(_ODS_MIMETYPE):
            return _check_ods(archive, members, name)
        if mimetype.startswith(_ODT_MIMETYPE):
            raise not_a_workbook(name, _WORD_ODT)
    if "word/document.xml" in names:
        raise not_a_workbook(name, _WORD_DOCX)
    if "ppt/presentation.xml" in names:
        raise not_a_workbook(name, _PRESENTATION)
    if "xl/workbook.xml" not in names:
        if "xl/workbook.bin" in names:
            raise not_a_workbook(name, _XLSB)
        raise CannotRun(
            "corrupt-workbook", file=name, detail_vi="thiếu phần xl/workbook.xml", detail_en="xl/workbook.xml is missing"
        )
    parts = _check_xlsx_parts(archive, members, name)
    macro_enabled = b"macroEnabled" in parts.get("[Content_Types].xml", b"") or "xl/vbaProject.bin" in names
    small = sum(map(len, parts.values())) <= MAX_STORED_COPY_BYTES
    return CheckedWorkbook("xlsm" if macro_enabled else "xlsx", parts=parts,
                           package=stored_copy(archive, parts) if small else None)


def _check_xlsx_parts(archive: Archive, members: list[ZipMember], name: str) -> dict[str, bytes]:
    kept: dict[str, bytes] = {}
    for info in members:
        # Parts that are surely not sheets need only their prolog checked; any
        # other part (a sheet may live at any path the relationships name) is read whole.
        maybe_sheet = not _surely_not_a_sheet(info.filename)
        if maybe_sheet or info.filename in _KEPT_WHOLE:
            part = archive.read(info)  # bounded: the sizes were checked
            kept[info.filename] = part
            plain = plain_prolog(part)
        else:
            # Most prologs end within the first bytes: unpack further only when this one does not.
            part = archive.read(info, _PROBE_BYTES)
            plain = plain_prolog(part)
            if not plain and len(part) < info.file_size:
                part = archive.read(info, _PROLOG_BYTES)
        if not plain and declares_dtd(part):  # a plain prolog (nearly every part) declares no DTD
            raise CannotRun("unsafe-xml", file=name)
        if maybe_sheet:
            rows, columns = cell_extent(part)
            _check_extent(rows, columns, name)
    return kept


def _check_ods(archive: Archive, members: list[ZipMember], name: str) -> CheckedWorkbook:
    content = b""
    for info in members:
        whole = info.filename in ("content.xml", "META-INF/manifest.xml")
        part = archive.read(info, None if whole else _PROLOG_BYTES)
        if declares_dtd(part):
            raise CannotRun("unsafe-xml", file=name)
        if info.filename == "content.xml":
            content = part
        elif info.filename == "META-INF/manifest.xml" and b"encryption-data" in part:
            raise CannotRun("password-protected-workbook", file=name)
    _require_well_formed(content, name)
    spaces = ods_content.largest_repeated_spaces(content)
    if spaces > ods_content.MAX_REPEATED_SPACES:
        raise CannotRun("corrupt-workbook", file=name, detail=f'<text:s text:c="{spaces}"/>')
    tables = ods_content.scan_content(content)
    for table in tables:
        _check_extent(table.rows, table.columns, name)
    return CheckedWorkbook("ods", ods_tables=tables)


def _require_well_formed(content: bytes, name: str) -> None:
    """content.xml must be well-formed XML: calamine loops forever when the document ends inside a table.

    expat, without a DTD (refused before) and without handlers, costs about
    a third of the walk over the same bytes.
    """
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(content, True)
    except expat.ExpatError as exc:
        raise CannotRun("corrupt-workbook", file=name, detail=f"content.xml: {exc}") from exc


def _check_extent(rows: int, columns: int, name: str) -> None:
    if rows * columns > MAX_SHEET_CELLS:
        raise CannotRun("sheet-too-large", file=name, cell=cell_address(rows - 1, columns - 1))


def _surely_not_a_sheet(part_name: str) -> bool:
    return part_name in _NON_SHEET_PARTS or part_name.startswith(_NON_SHEET_FOLDERS)


def _check_unpacked_sizes(members: list[ZipMember], name: str) -> None:
    total = sum(info.file_size for info in members)
    if total > MAX_UNPACKED_BYTES:
        raise CannotRun("workbook-too-large", file=name, size=human_size(total))
    for info in members:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_CHECK_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise CannotRun("workbook-too-large", file=name, size=human_size(info.file_size))


def human_size(size: int) -> str:
    """A size both languages read the same way ("1024 MB", "12 KB")."""
    if size >= 2**20:
        return f"{round(size / 2**20)} MB"
    return f"{max(1, round(size / 2**10))} KB"
