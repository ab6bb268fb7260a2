"""Hand-built workbooks, valid and hostile, for the reading and CLI tests."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from xlsync.core.issues import CannotRun
from xlsync.io.xlsx_read import read_workbook

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
SHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


# --- building workbooks by hand ------------------------------------------------


def sheet_xml(rows: str, *, dimension: str | None = None) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN_NS}">{dim}<sheetData>{rows}</sheetData></worksheet>'


def package_parts(sheets: dict[str, str], shared_strings: str | None = None) -> dict[str, bytes]:
    """The parts of a minimal valid .xlsx: sheet name → full worksheet XML."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{SHEET_CT}"/>' for i in range(1, len(sheets) + 1)
    )
    if shared_strings is not None:
        overrides += '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    sheet_entries = "".join(
        f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(sheets, start=1)
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    if shared_strings is not None:
        rels += f'<Relationship Id="rIdS" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
    parts = {
        "[Content_Types].xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{CT_NS}">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">'
            f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
            f"<sheets>{sheet_entries}</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">{rels}</Relationships>'
        ),
    }
    for i, xml in enumerate(sheets.values(), start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = xml
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = shared_strings
    return {name: text.encode("utf-8") for name, text in parts.items()}


def write_zip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def write_xlsx(path: Path, sheets: dict[str, str], shared_strings: str | None = None) -> Path:
    return write_zip(path, package_parts(sheets, shared_strings))


def write_zip_with_filler(path: Path, parts: dict[str, bytes], filler_name: str, head: bytes, chunk: bytes, repeats: int) -> int:
    """A ZIP whose member ``filler_name`` unpacks to ``head + chunk * repeats``; returns that size.

    After a full flush deflate forgets its history, so ``chunk`` compresses
    to the same block every time: the block is made once and repeated.
    A gigabyte member is written in well under a second.
    """
    members: list[tuple[str, bytes, int, int]] = []
    for name, data in parts.items():
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        members.append((name, packer.compress(data) + packer.flush(), zlib.crc32(data), len(data)))
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = zlib.crc32(head)
    for _ in range(repeats):
        crc = zlib.crc32(chunk, crc)
    size = len(head) + len(chunk) * repeats
    members.append((filler_name, first + block * repeats + packer.flush(), crc, size))

    central = bytearray()
    with open(path, "wb") as out:
        for name, deflated, crc32, unpacked in members:
            encoded = name.encode()
            offset = out.tell()
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc32, len(deflated), unpacked, len(encoded), 0))
            out.write(encoded)
            out.write(deflated)
            central += struct.pack(
                "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc32, len(deflated), unpacked,
                len(encoded), 0, 0, 0, 0, 0, offset,
            ) + encoded
        directory_offset = out.tell()
        out.write(central)
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), directory_offset, 0))
    return size


# --- reading in a child process ------------------------------------------------------------------


def run_isolated(path: Path, timeout: float = 120) -> dict:
    """read_workbook(path) in a child process limited to 2 GB of address space.

    Returns the outcome (sheet row counts, or the CannotRun code and params),
    the CPU seconds the read took and the growth of peak resident memory in MB.
    If a check were missing, the child would die on the limit instead of the
    machine.  CPU time, not wall time: other work on a busy machine does not
    inflate it, and the timeout still ends a read that waits forever.  Peak
    memory is VmHWM, not ru_maxrss: Linux carries the high-water RSS across
    execve, so the child's ru_maxrss starts at the test process's own size and
    would hide any growth below it.
    """
    script = """
import json, resource, sys, time
from xlsync.core.issues import CannotRun
from xlsync.io.xlsx_read import read_workbook
limit = 2 * 1024 ** 3
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
def peak_kb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
before = peak_kb()
start = time.process_time()
try:
    book = read_workbook(sys.argv[1])
    outcome = {"rows": {name: len(sheet.rows) for name, sheet in book.sheets.items()}}
except CannotRun as exc:
    outcome = {"code": exc.code, "params": {k: str(v) for k, v in exc.params.items()}}
outcome["seconds"] = time.process_time() - start
outcome["growth_mb"] = (peak_kb() - before) / 1024
print(json.dumps(outcome))
"""
    try:
        done = subprocess.run([sys.executable, "-P", "-c", script, str(path)], capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"reading {path.name} did not end within {timeout} s")
    assert done.returncode == 0, f"child died ({done.returncode}): {done.stderr[-1500:]}"
    return json.loads(done.stdout)


def refusal(path: Path, **kwargs) -> CannotRun:
    """The CannotRun that reading ``path`` raises."""
    with pytest.raises(CannotRun) as caught:
        read_workbook(path, **kwargs)
    return caught.value


SHEET_HEAD = sheet_xml("").split("<sheetData>")[0].encode() + b"<sheetData>"
FILLER_ROW = b'<row r="1"><c r="A1"><v>1</v></c></row>'

BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE sst [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
    + f']><sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
)


# --- Excel 97–2003 (.xls) by hand ------------------------------------------------------------------


def biff_record(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def biff_number(row: int, col: int, value: float, style: int = 0) -> bytes:
    return biff_record(0x0203, struct.pack("<HHHd", row, col, style, value))


def biff_label(row: int, col: int, text: str) -> bytes:
    encoded = text.encode("utf-16-le")
    return biff_record(0x0204, struct.pack("<HHHHB", row, col, 0, len(text), 1) + encoded)


def biff_dimensions(first_row: int, last_row: int, first_col: int, last_col: int) -> bytes:
    """DIMENSIONS as Excel writes it: the last row and column are one past the last used."""
    return biff_record(0x0200, struct.pack("<IIHHH", first_row, last_row, first_col, last_col, 0))


def xls_stream(sheets: dict[str, list[bytes]], globals_records: list[bytes] = ()) -> bytes:
    """A BIFF8 Workbook stream: globals (BOF, ``globals_records``, one BOUNDSHEET per sheet, EOF), then each sheet."""
    bof_globals = biff_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0))
    bof_sheet = biff_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 0))
    eof = biff_record(0x000A, b"")

    def boundsheet(offset: int, name: str) -> bytes:
        return biff_record(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(name), 1) + name.encode("utf-16-le"))

    head_size = len(bof_globals) + sum(map(len, globals_records)) + sum(len(boundsheet(0, n)) for n in sheets) + len(eof)
    offsets, bodies, position = [], [], head_size
    for records in sheets.values():
        body = bof_sheet + b"".join(records) + eof
        offsets.append(position)
        bodies.append(body)
        position += len(body)
    head = bof_globals + b"".join(globals_records) + b"".join(boundsheet(o, n) for o, n in zip(offsets, sheets)) + eof
    return head + b"".join(bodies)


def write_xls(path: Path, sheets: dict[str, list[bytes]], globals_records: list[bytes] = ()) -> Path:
    from xlsync.io.compound_file import build_compound_file

    path.write_bytes(build_compound_file({"Workbook": xls_stream(sheets, list(globals_records))}))
    return path


# --- OpenDocument (.ods) by hand ----------------------------------------------------------------------

ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" '
    'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"'
)
ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
    f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS_MIMETYPE}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
)


def ods_content(tables: dict[str, str]) -> str:
    """content.xml with one table per entry: table name → its rows' XML."""
    body = "".join(f'<table:table table:name="{name}">{rows}</table:table>' for name, rows in tables.items())
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NAMESPACES} office:version="1.3">'
        f"<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"
    )


def ods_parts(tables: dict[str, str]) -> dict[str, bytes]:
    return {
        "mimetype": ODS_MIMETYPE.encode(),
        "META-INF/manifest.xml": ODS_MANIFEST.encode(),
        "content.xml": ods_content(tables).encode("utf-8"),
    }


def write_ods(path: Path, tables: dict[str, str]) -> Path:
    parts = ods_parts(tables)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", parts.pop("mimetype"), compress_type=zipfile.ZIP_STORED)
        for name, data in parts.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return path


# --- LibreOffice round trips -----------------------------------------------------------------------

# One soffice start converts every file to every format: a Basic macro in a private profile
# loads each file once (recalculating it: OOXMLRecalcMode/ODFRecalcMode = always) and stores it
# three times.  ooSetupInstCompleted keeps LibreOffice from replacing the profile's Basic
# library with its presets on first start.
_CONVERT_MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Convert" script:language="StarBasic">
Sub ConvertAll(inputs As String, outputs As String)
  On Error GoTo Failed
  Dim loadArgs(0) As New com.sun.star.beans.PropertyValue
  loadArgs(0).Name = &quot;Hidden&quot;
  loadArgs(0).Value = True
  Dim storeArgs(0) As New com.sun.star.beans.PropertyValue
  storeArgs(0).Name = &quot;FilterName&quot;
  Dim files, stems, targets, i, j, doc, target
  files = Split(inputs, &quot;|&quot;)
  stems = Split(outputs, &quot;|&quot;)
  targets = Array(&quot;xls=MS Excel 97&quot;, &quot;ods=calc8&quot;, &quot;xlsx=Calc MS Excel 2007 XML&quot;)
  For i = LBound(files) To UBound(files)
    doc = StarDesktop.loadComponentFromURL(ConvertToURL(files(i)), &quot;_blank&quot;, 0, loadArgs())
    For j = LBound(targets) To UBound(targets)
      target = Split(targets(j), &quot;=&quot;)
      storeArgs(0).Value = target(1)
      doc.storeToURL(ConvertToURL(stems(i) &amp; &quot;.&quot; &amp; target(0)), storeArgs())
    Next j
    doc.close(True)
  Next i
  StarDesktop.terminate()
  Exit Sub
Failed:
  Dim n As Integer
  n = FreeFile()
  Open stems(0) &amp; &quot;.error.txt&quot; For Output As #n
  Print #n, Err &amp; &quot; &quot; &amp; Error$ &amp; &quot; line &quot; &amp; Erl
  Close #n
  StarDesktop.terminate()
End Sub
</script:module>
"""
_LIBRARIES = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:libraries PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "libraries.dtd">
<library:libraries xmlns:library="http://openoffice.org/2000/library" xmlns:xlink="http://www.w3.org/1999/xlink">
 <library:library library:name="Standard" library:link="false"/>
</library:libraries>
"""
_LIBRARY = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">
<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard" library:readonly="false" library:passwordprotected="false">
 <library:element library:name="Convert"/>
</library:library>
"""
_INSTALLED = (
    '<item oor:path="/org.openoffice.Setup/Office"><prop oor:name="ooSetupInstCompleted" oor:op="fuse">'
    "<value>true</value></prop></item>\n"
)
LIBREOFFICE_FORMATS = ("xls", "ods", "xlsx")


def convert_with_libreoffice(paths: list[Path], out_dir: Path, profile_dir: Path) -> dict[Path, dict[str, Path]]:
    """Each workbook recalculated and saved as .xls, .ods and .xlsx in ``out_dir``, in ONE soffice start.

    Returns input path → {"xls": …, "ods": …, "xlsx": …}.  Stems must differ.
    """
    import subprocess

    from libreoffice import RECALC_PROFILE, soffice

    basic = profile_dir / "user" / "basic" / "Standard"
    basic.mkdir(parents=True, exist_ok=True)
    (profile_dir / "user" / "registrymodifications.xcu").write_text(
        RECALC_PROFILE.replace("</oor:items>", _INSTALLED + "</oor:items>"), encoding="utf-8"
    )
    (basic.parent / "script.xlc").write_text(_LIBRARIES, encoding="utf-8")
    (basic / "script.xlb").write_text(_LIBRARY, encoding="utf-8")
    (basic / "Convert.xba").write_text(_CONVERT_MACRO, encoding="utf-8")
    out_dir.mkdir(parents=True, exist_ok=True)
    stems = [(out_dir / path.stem).resolve() for path in paths]
    inputs = "|".join(str(path.resolve()) for path in paths)
    outputs = "|".join(map(str, stems))
    command = [
        soffice(), "--headless", "--norestore", "--nolockcheck",
        f"-env:UserInstallation={profile_dir.resolve().as_uri()}",
        f'macro:///Standard.Convert.ConvertAll("{inputs}","{outputs}")',
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=240)
    error = stems[0].with_name(stems[0].name + ".error.txt")
    if error.exists():
        raise RuntimeError(f"LibreOffice conversion failed: {error.read_text(errors='replace')}")
    converted = {path: {fmt: stem.with_name(f"{stem.name}.{fmt}") for fmt in LIBREOFFICE_FORMATS}
                 for path, stem in zip(paths, stems)}
    missing = [str(p) for formats in converted.values() for p in formats.values() if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not write {missing}")
    return converted
