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

:func:`stored_copy` writes the package again with the parts already
unpacked stored as they are: calamine's inflate costs about twice zlib's,
and the parser then reads exactly the bytes the checks read.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import Mapping

_END = struct.Struct("<4s4H2LH")  # end of central directory, 22 bytes
_ENTRY = struct.Struct("<4s4B4HL2L5H2L")  # central directory entry, 46 bytes
_LOCAL_HEADER = 30
_UTF8_NAME = 0x800
_MAX_EXTRACT_VERSION = 63  # what zipfile reads
# What stored_copy writes: a local header and a directory entry (version 2.0, dated 1 January 1980), and the end.
_NEW_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_NEW_ENTRY = struct.Struct("<4s6H3L5H2L")
_VERSION = 20
_DOS_DATE = 0x21

Inflater = type(zlib.decompressobj())


@dataclass(slots=True)
class Member:
    """What the checks need of a directory entry (the attributes of :class:`zipfile.ZipInfo` of the same names),
    and where the entry lies in the directory, for :func:`stored_copy`."""

    filename: str
    compress_type: int
    flag_bits: int
    CRC: int
    compress_size: int
    file_size: int
    header_offset: int
    raw_name: bytes = b""
    entry_start: int = 0
    entry_end: int = 0

    def is_dir(self) -> bool:
        return self.filename.endswith("/")


class Archive:
    """A ZIP package's members, unpacked from its bytes."""

    def __init__(self, content: bytes) -> None:
        self.content = memoryview(content)
        members = _plain_directory(content)
        self._zip = None if members is not None else zipfile.ZipFile(io.BytesIO(content))
        self.members: list[Member] | list[zipfile.ZipInfo] = members if members is not None else self._zip.infolist()
        # Whether every member read whole ended exactly where the directory says: zlib accepts a deflate
        # stream with bytes after its end, or one that goes on past the declared size; calamine may not.
        self.read_exactly = True

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
            part, exact = b"", len(data) == 0  # max_length 0 would mean "no limit" to zlib
        elif info.compress_type == zipfile.ZIP_STORED:
            part, exact = bytes(data[:wanted]), len(data) == wanted
        else:
            inflater = zlib.decompressobj(-15)
            part = inflater.decompress(data, wanted)
            exact = limit is None and _ends_here(inflater)
        if limit is None:
            if len(part) != info.file_size or zlib.crc32(part) != info.CRC:
                raise zipfile.BadZipFile(f"bad CRC-32 or size for {info.filename}")
            self.read_exactly = self.read_exactly and exact
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


def _ends_here(inflater: Inflater) -> bool:
    """Whether the deflate stream ended with the output asked for and with the member's last byte."""
    if not inflater.eof:
        try:
            if inflater.decompress(inflater.unconsumed_tail, 1):
                return False  # more than the directory declares
        except zlib.error:
            return False
    return inflater.eof and not inflater.unused_data


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
            # Both encodings agree on ASCII, and the cp437 codec is written in Python: ten times slower.
            name = raw_name.decode("ascii" if raw_name.isascii() else "utf-8" if flags & _UTF8_NAME else "cp437")
        except UnicodeDecodeError:
            return None
        if "\x00" in name or "\\" in name:  # zipfile cuts or rewrites these names
            return None
        entry_end = name_start + name_length + comment_length
        members.append(Member(name, method, flags, crc, compressed, size, offset, raw_name, position, entry_end))
        position = entry_end
    return members if position == end else None


def stored_copy(archive: Archive, unpacked: Mapping[str, bytes]) -> bytes | None:
    """The package again, with the members named in ``unpacked`` stored as those bytes.

    The file's own bytes up to its directory are kept; the stored copies
    follow them, then a directory whose entries for the other members are
    the original ones, byte for byte (calamine reads a member through the
    directory, so the unused original data of the copied members is
    harmless).  None (hand the parser the file as it came) when the
    directory was left to zipfile, names a member twice, or is counted
    differently in its end record, or when a member read whole ended in a
    way calamine may read differently from zlib: whatever the parser made
    of those, it must still see them.
    """
    members = archive.members
    if archive._zip is not None or not archive.read_exactly or len({m.filename for m in members}) != len(members):
        return None
    content = archive.content
    end = _END.unpack_from(content, len(content) - _END.size)
    if end[1:5] != (0, 0, len(members), len(members)):
        return None  # zipfile ignores the disk numbers and the counts; calamine does not
    offset = end[6]
    chunks: list[bytes | memoryview] = [content[:offset]]
    directory: list[bytes | memoryview] = []
    for info in members:
        body = unpacked.get(info.filename)
        if body is None:
            directory.append(content[info.entry_start : info.entry_end])
            continue
        flags = info.flag_bits & _UTF8_NAME  # sizes are in the header: no data descriptor follows
        sizes = (info.CRC, len(body), len(body), len(info.raw_name))
        header = _NEW_LOCAL_HEADER.pack(b"PK\x03\x04", _VERSION, flags, 0, 0, _DOS_DATE, *sizes, 0)
        chunks += (header, info.raw_name, body)
        directory += (_NEW_ENTRY.pack(b"PK\x01\x02", _VERSION, _VERSION, flags, 0, 0, _DOS_DATE, *sizes,
                                      0, 0, 0, 0, 0, offset), info.raw_name)
        offset += _LOCAL_HEADER + len(info.raw_name) + len(body)
    central = b"".join(directory)
    chunks += (central, _END.pack(b"PK\x05\x06", 0, 0, len(members), len(members), len(central), offset, 0))
    return b"".join(chunks)
