"""Hand-built workbooks, valid and hostile, for the reading and CLI tests."""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

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


SHEET_HEAD = sheet_xml("").split("<sheetData>")[0].encode() + b"<sheetData>"
FILLER_ROW = b'<row r="1"><c r="A1"><v>1</v></c></row>'

BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE sst [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
    + f']><sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
)
