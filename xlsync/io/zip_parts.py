"""A workbook's ZIP package read straight from its bytes: the directory, and members unpacked whole or in part.

For parts this small, zipfile's own reader costs about four times the
decompression itself, and a province run reads every part of ten thousand
files.  The directory the way spreadsheet programs write it (no archive
comment, no ZIP64 records, nothing before the first member, no extra
fields, every member stored or deflated and not encrypted) is read here;
any other archive goes through zipfile, whose errors the caller reports.
Either way the members and their sizes are the ones zipfile would list.
Sizes are bounded by the directory (checked by the caller first), and whole
members are checked against their CRC-32, as zipfile does.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

_END = struct.Struct("<4s4H2LH")  # end of central directory, 22 bytes
_ENTRY = struct.Struct("<4s4B4HL2L5H2L")  # central directory entry, 46 bytes
_LOCAL_HEADER = 30
_UTF8_NAME = 0x800
_MAX_EXTRACT_VERSION = 63  # what zipfile reads


@dataclass(slots=True)
class Member:
    """What the checks need of a directory entry (the attributes of :class:`zipfile.ZipInfo` of the same names)."""

    filename: str
    compress_type: int
    flag_bits: int
    CRC: int
    compress_size: int
    file_size: int
    header_offset: int

    def is_dir(self) -> bool:
        return self.filename.endswith("/")


class Archive:
    """A ZIP package's members, unpacked from its bytes."""

    def __init__(self, content: bytes) -> None:
        self.content = memoryview(content)
        members = _plain_directory(content)
        self._zip = None if members is not None else zipfile.ZipFile(io.BytesIO(content))
        self.members: list[Member] | list[zipfile.ZipInfo] = members if members is not None else self._zip.infolist()

    def getinfo(self, name: str) -> Member | zipfile.ZipInfo:
        """The member called ``name`` (the last one, when the directory names it twice, as zipfile does)."""
        return next(info for info in reversed(self.members) if info.filename == name)

    def read(self, info: Member | zipfile.ZipInfo, limit: int | None = None) -> bytes:
        """The member's bytes, or only its first ``limit`` bytes."""
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x1:
            return self._read_with_zipfile(info, limit)
        header = self.content[info.header_offset : info.header_offset + _LOCAL_HEADER]
        if len(header) < _LOCAL_HEADER or header[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile(f"bad local header for {info.filename}")
        name_length, extra_length = struct.unpack_from("<HH", header, 26)
        start = info.header_offset + _LOCAL_HEADER + name_length + extra_length
        data = self.content[start : start + info.compress_size]
        wanted = info.file_size if limit is None else min(limit, info.file_size)
        if wanted == 0:
            part = b""  # max_length 0 would mean "no limit" to zlib
        elif info.compress_type == zipfile.ZIP_STORED:
            part = bytes(data[:wanted])
        else:
            part = zlib.decompressobj(-15).decompress(data, wanted)
        if limit is None and (len(part) != info.file_size or zlib.crc32(part) != info.CRC):
            raise zipfile.BadZipFile(f"bad CRC-32 or size for {info.filename}")
        return part

    def _read_with_zipfile(self, info: Member | zipfile.ZipInfo, limit: int | None) -> bytes:
        assert self._zip is not None  # the plain directory holds only stored or deflated, unencrypted members
        if limit is None:
            return self._zip.read(info)
        with self._zip.open(info) as stream:
            return stream.read(limit)

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


def _plain_directory(content: bytes) -> list[Member] | None:
    """The members of a directory written the plain way, or None for zipfile to read."""
    end = len(content) - _END.size
    if end < 0 or content[end : end + 4] != b"PK\x05\x06" or content[end - 20 : end - 16] == b"PK\x06\x07":
        return None  # an archive comment, a ZIP64 locator, or not a ZIP
    *_, directory_size, directory_offset, comment_length = _END.unpack_from(content, end)
    if comment_length or directory_offset + directory_size != end:
        return None  # bytes before the first member or between the directory and its end
    members = []
    position = directory_offset
    while position < end:
        if position + _ENTRY.size > end:
            return None
        (signature, _, _, extract_version, _, flags, method, _, _, crc, compressed, size, name_length,
         extra_length, comment_length, _, _, _, offset) = _ENTRY.unpack_from(content, position)
        name_start = position + _ENTRY.size
        if (signature != b"PK\x01\x02" or extra_length or extract_version > _MAX_EXTRACT_VERSION
                or flags & 0x1 or method not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)):
            return None
        raw_name = content[name_start : name_start + name_length]
        try:
            name = raw_name.decode("utf-8" if flags & _UTF8_NAME else "cp437")
        except UnicodeDecodeError:
            return None
        if "\x00" in name or "\\" in name:  # zipfile cuts or rewrites these names
            return None
        members.append(Member(name, method, flags, crc, compressed, size, offset))
        position = name_start + name_length + comment_length
    return members if position == end else None
