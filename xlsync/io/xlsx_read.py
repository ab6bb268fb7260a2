"""Reading workbooks (.xlsx/.xlsm) safely into :class:`WorkbookData`.

Units send workbooks by email and USB stick; some are not workbooks at all
(a CSV, an old .xls, a LibreOffice .ods renamed), some are damaged, and a
hostile one may be built to exhaust memory.  So every file is checked
before any parser sees it (:func:`inspect_file`), then read with
python-calamine.

Checks, in order, each with its own catalogue code:

* missing, empty, unreadable or oversized file;
* OLE2 container: a password-protected workbook (it has an
  ``EncryptionInfo`` stream) or an old .xls (a ``Workbook``/``Book`` stream);
* not a ZIP at all: PDF, HTML/XML or CSV/text are named when recognised;
* ZIP that is not a workbook: OpenDocument (.ods), or no ``xl/workbook.xml``;
* zip bomb: the directory's uncompressed sizes (both readers stop at the
  declared size, so the directory is authoritative);
* XML with a DOCTYPE (entity bombs): Excel never writes one;
* a sheet whose cells span an area too large to hold: calamine builds a
  dense grid from A1 to the farthest cell and *aborts the process* when
  that allocation fails, so this must be caught before calamine runs.

Values come back as calamine gives them, with two normalisations:
empty cells are ``None`` (calamine says ``""``), and every number is a
``float`` (Excel stores all numbers as doubles; ``5`` reads as ``5.0``).
Text is ``str``, booleans ``bool``, date-formatted numbers
``datetime.date`` / ``datetime.datetime`` / ``datetime.time`` (duration
formats ``datetime.timedelta``).  Error cells (``#DIV/0!``) read as
``None``: python-calamine does not pass errors through.  Rows keep their
position from A1; trailing empty cells and rows are dropped.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import re
import unicodedata
import zipfile
import zlib
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterable, Iterator

from python_calamine import CalamineWorkbook

from xlsync.core.issues import CannotRun
from xlsync.core.sheets import Cell, Sheet, WorkbookData, cell_address

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")

MAX_FILE_BYTES = 100 * 2**20
MAX_UNPACKED_BYTES = 200 * 2**20
# Real sheet XML compresses about 10:1; repeated filler compresses 1000:1.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_MIN_BYTES = 10 * 2**20
# calamine holds ~30 bytes per cell of the A1-to-farthest-cell rectangle,
# Python ~8 more: 10 million cells stay well under half a gigabyte.
MAX_SHEET_CELLS = 10_000_000
# A prolog (declaration, comments) longer than this is not from a spreadsheet program.
MAX_XML_PROLOG_CHARS = 64 * 1024

_PathLike = str | os.PathLike[str]


# --- finding workbooks ----------------------------------------------------


def iter_workbook_paths(paths: Iterable[_PathLike]) -> list[Path]:
    """The workbooks to read: folders expanded, files kept as given.

    Folders are searched recursively for .xlsx/.xlsm files, sorted by path,
    skipping Office lock files (``~$name.xlsx``) and hidden files and folders.
    A file named explicitly is kept whatever its extension, so the reader
    can tell the user what it really is.  A file reached twice is listed once.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        for candidate in _workbooks_in_folder(path) if path.is_dir() else [path]:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


def _workbooks_in_folder(folder: Path) -> list[Path]:
    hits: list[Path] = []
    for root, dirnames, filenames in os.walk(folder):
        dirnames[:] = [name for name in dirnames if not name.startswith(".")]
        hits.extend(Path(root, name) for name in filenames if _is_workbook_name(name))
    return sorted(hits, key=_path_sort_key)


def _is_workbook_name(name: str) -> bool:
    if name.startswith((".", "~$")):
        return False
    return os.path.splitext(name)[1].lower() in WORKBOOK_SUFFIXES


def _path_sort_key(path: Path) -> tuple[str, ...]:
    # NFC: macOS stores decomposed Vietnamese names; the order must not depend on that.
    return tuple(unicodedata.normalize("NFC", part).casefold() for part in path.parts)


# --- reading --------------------------------------------------------------


def read_workbook(path: _PathLike, *, display_name: str | None = None) -> WorkbookData:
    """Every sheet of the workbook at ``path`` (hidden ones too), in workbook order.

    ``display_name`` is how the file is named in messages and in
    ``WorkbookData.source`` (default: the path as given).  Raises
    :class:`CannotRun` for anything that is not a readable, safe workbook.
    """
    path = Path(path)
    name = display_name or str(path)
    content, status = _load(path, name)
    _inspect_content(content, name)
    return WorkbookData(
        source=name,
        sheets=_read_sheets(content, name),
        metadata=_file_metadata(path, status, content),
    )


def inspect_file(path: _PathLike, *, display_name: str | None = None) -> None:
    """Run every safety check on ``path`` without parsing it; raise :class:`CannotRun` on failure."""
    path = Path(path)
    name = display_name or str(path)
    _inspect_content(_load(path, name)[0], name)


def _load(path: Path, name: str) -> tuple[bytes, os.stat_result]:
    """The file's bytes and status, read once so the checks and the parser see the same content."""
    if path.is_dir():
        raise CannotRun("not-a-workbook", file=name, detail_vi=" (đây là thư mục)", detail_en=" (it is a folder)")
    try:
        status = path.stat()
        if status.st_size > MAX_FILE_BYTES:
            raise CannotRun("workbook-too-large", file=name, size=_human_size(status.st_size))
        content = path.read_bytes()
    except FileNotFoundError:
        raise CannotRun("file-not-found", file=name) from None
    except OSError as exc:
        raise CannotRun("file-unreadable", file=name, detail=exc.strerror or type(exc).__name__) from exc
    if not content:
        raise CannotRun("empty-file", file=name)
    return content, status


def _read_sheets(content: bytes, name: str) -> dict[str, Sheet]:
    sheets: dict[str, Sheet] = {}
    with _damage_reported(name):
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        names = [meta.name for meta in book.sheets_metadata]
    for index, sheet_name in enumerate(names):
        with _damage_reported(name):
            grid = book.get_sheet_by_index(index).to_python(skip_empty_area=False)
        sheets[sheet_name] = Sheet(sheet_name, _clean_rows(grid))
    return sheets


@contextmanager
def _damage_reported(name: str) -> Iterator[None]:
    """Whatever calamine raises becomes "corrupt-workbook", never a traceback."""
    try:
        yield
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # pyo3 turns Rust panics into a BaseException subclass
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise CannotRun("corrupt-workbook", file=name, detail=detail) from exc


def _clean_rows(grid: list[list[object]]) -> list[list[Cell]]:
    """Empty cells as None, numbers as float, trailing empty cells and rows dropped."""
    rows: list[list[Cell]] = []
    for raw in grid:
        cells = [None if value == "" else float(value) if type(value) is int else value for value in raw]
        end = len(cells)
        while end and cells[end - 1] is None:
            end -= 1
        del cells[end:]
        rows.append(cells)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _file_metadata(path: Path, status: os.stat_result, content: bytes) -> dict[str, str]:
    modified = datetime.fromtimestamp(status.st_mtime).astimezone()
    return {
        "size": str(len(content)),
        "sha256": hashlib.sha256(content).hexdigest(),
        "modified": modified.isoformat(timespec="seconds"),
        "path": str(path.resolve()),
    }


# --- safety checks ----------------------------------------------------------

_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def _inspect_content(content: bytes, name: str) -> None:
    if content.startswith(_OLE_MAGIC):
        raise _ole_problem(content, name)
    if not content.startswith(b"PK"):
        detail_vi, detail_en = _describe_non_zip(content[:4096])
        raise CannotRun("not-a-workbook", file=name, detail_vi=detail_vi, detail_en=detail_en)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            _check_archive(archive, name)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
        raise CannotRun("corrupt-workbook", file=name, detail=f"{type(exc).__name__}: {exc}") from exc


def _ole_problem(content: bytes, name: str) -> CannotRun:
    """An OLE2 container: an encrypted OOXML package or a BIFF (.xls) workbook."""
    if _has_ole_entry(content, "EncryptionInfo"):
        return CannotRun("password-protected-workbook", file=name)
    if _has_ole_entry(content, "Workbook") or _has_ole_entry(content, "Book"):
        return CannotRun("legacy-xls-workbook", file=name)
    return CannotRun("encrypted-workbook", file=name)


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


def _describe_non_zip(head: bytes) -> tuple[str, str]:
    """What a non-workbook file looks like, for the message (Vietnamese, English)."""
    if head.startswith(b"%PDF"):
        return " (đây là tệp PDF)", " (it is a PDF file)"
    text = _as_text(head)
    if text is None:
        return "", ""
    if text.lstrip("\ufeff \t\r\n").startswith("<"):
        return " (đây là trang web hoặc tệp XML)", " (it is a web page or XML file)"
    return (
        " (đây là tệp văn bản/CSV; hãy mở bằng Excel rồi lưu lại dạng .xlsx)",
        " (it is a text/CSV file; open it in Excel and save it as .xlsx)",
    )


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


def _check_archive(archive: zipfile.ZipFile, name: str) -> None:
    members = [info for info in archive.infolist() if not info.is_dir()]
    _check_unpacked_sizes(members, name)
    names = {info.filename for info in members}
    if "mimetype" in names and archive.read("mimetype").strip() == _ODS_MIMETYPE:
        raise CannotRun(
            "not-a-workbook",
            file=name,
            detail_vi=" (đây là tệp OpenDocument .ods, ví dụ từ LibreOffice; hãy mở rồi lưu lại dạng .xlsx)",
            detail_en=" (it is an OpenDocument .ods file, e.g. from LibreOffice; open it and save it as .xlsx)",
        )
    if "xl/workbook.xml" not in names:
        raise CannotRun(
            "corrupt-workbook", file=name, detail_vi="thiếu phần xl/workbook.xml", detail_en="xl/workbook.xml is missing"
        )
    for info in members:
        # Parts that are surely not sheets need only their prolog checked; any
        # other part (a sheet may live at any path the relationships name) is read whole.
        if not _surely_not_a_sheet(info.filename):
            part = archive.read(info)  # bounded: the declared sizes were checked above
        else:
            with archive.open(info) as stream:
                part = stream.read(MAX_XML_PROLOG_CHARS * 2)
        if _declares_dtd(part):
            raise CannotRun("unsafe-xml", file=name)
        if not _surely_not_a_sheet(info.filename):
            rows, columns = _cell_extent(part)
            if rows * columns > MAX_SHEET_CELLS:
                raise CannotRun("sheet-too-large", file=name, cell=cell_address(rows - 1, columns - 1))


_NON_SHEET_PARTS = ("[Content_Types].xml", "xl/styles.xml", "xl/sharedStrings.xml", "xl/workbook.xml")
_NON_SHEET_FOLDERS = ("_rels/", "docProps/", "xl/_rels/", "xl/theme/", "xl/worksheets/_rels/", "xl/media/")


def _surely_not_a_sheet(part_name: str) -> bool:
    return part_name in _NON_SHEET_PARTS or part_name.startswith(_NON_SHEET_FOLDERS)


def _check_unpacked_sizes(members: list[zipfile.ZipInfo], name: str) -> None:
    total = sum(info.file_size for info in members)
    if total > MAX_UNPACKED_BYTES:
        raise CannotRun("workbook-too-large", file=name, size=_human_size(total))
    for info in members:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_CHECK_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise CannotRun("workbook-too-large", file=name, size=_human_size(info.file_size))


def _human_size(size: int) -> str:
    """A size both languages read the same way ("1024 MB", "12 KB")."""
    if size >= 2**20:
        return f"{round(size / 2**20)} MB"
    return f"{max(1, round(size / 2**10))} KB"


# --- XML prolog -------------------------------------------------------------


def _declares_dtd(part: bytes) -> bool:
    """Whether an XML part has a DOCTYPE (where entities are declared).

    A DOCTYPE can only appear in the prolog, before the root element, so
    the prolog is walked token by token (comments and processing
    instructions skipped) rather than searched: padding cannot push a
    DOCTYPE past the check.  Parts that do not start with ``<`` are not XML.
    """
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
# Fast path: a few byte searches prove the extent small for sheets written the
# usual way (every cell tag starts `<c r="`, attributes separated by spaces).
# If every reference has at most one column letter and five row digits, the
# sheet fits in Z99999 (2.6 million cells); with two letters and at most four
# digits, in ZZ9999 (7 million).  Both are below MAX_SHEET_CELLS.  Anything
# else is walked tag by tag.

_LONG_REF = re.compile(rb' r="(?:[A-Za-z]{2}|[A-Za-z]?[0-9]{6})')
_FAR_REF = re.compile(rb' r="(?:[A-Za-z]{3}|[A-Za-z]{0,2}[0-9]{6})')
_FIVE_DIGIT_ROW = re.compile(rb' r="[A-Za-z]{0,2}[0-9]{5}')
_UNUSUAL_CELL_TAG = re.compile(rb'<c(?![\w.:-]| r=")')  # a cell whose first attribute is not its reference
_PREFIXED_CELL_TAG = re.compile(rb":c[\s/>]")
_UNUSUAL_REF_ATTRIBUTES = (b'\tr="', b'\nr="', b'\rr="')

_ROW_OR_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_REF_ATTRIBUTE = re.compile(rb"""(?:^|\s)r\s*=\s*["']([A-Za-z]*)([0-9]*)["']""")


def _cell_extent(part: bytes) -> tuple[int, int]:
    """(rows, columns) from A1 to the farthest cell that may hold a value; (0, 0) when small."""
    if _clearly_small(part):
        return 0, 0
    return _walk_extent(part)


def _clearly_small(part: bytes) -> bool:
    if _UNUSUAL_CELL_TAG.search(part) or _PREFIXED_CELL_TAG.search(part):
        return False
    if any(attribute in part for attribute in _UNUSUAL_REF_ATTRIBUTES):
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
        ref = _REF_ATTRIBUTE.search(attributes)
        letters, digits = ref.groups() if ref else (b"", b"")
        if tag == b"row":
            row = int(digits) if digits else row + 1
            column = 0
            continue
        column = _column_number(letters) if letters else column + 1
        cell_row = int(digits) if digits else max(row, 1)
        if not attributes.rstrip().endswith(b"/"):
            max_row = max(max_row, cell_row)
            max_column = max(max_column, column)
    return max_row, max_column


def _column_number(letters: bytes) -> int:
    """Column letters → 1-based number (A → 1, AA → 27)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number
