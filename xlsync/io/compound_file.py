"""Writing a Compound File Binary (OLE2) container ([MS-CFB], version 3).

``vbaProject.bin`` is such a container.  Reading one is left to ``olefile``;
that library can only overwrite streams in place with data of the same
size, so a VBA project that gains a module is written anew here.

The layout is the simplest valid one: 512-byte sectors; streams under
4096 bytes packed in the mini stream (64-byte sectors); large streams,
then the mini stream, the directory, the mini FAT and the FAT, in that
order.  Each storage's children form a balanced binary tree coloured so
that it is a valid red-black tree, as the format requires.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Mapping

SECTOR = 512
MINI_SECTOR = 64
MINI_STREAM_CUTOFF = 4096
FREE = 0xFFFFFFFF
END_OF_CHAIN = 0xFFFFFFFE
FAT_SECTOR = 0xFFFFFFFD
NO_STREAM = 0xFFFFFFFF
_HEADER_DIFAT_SLOTS = 109
_ENTRY_SIZE = 128
_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1
_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: dict[str, "_Entry"] = field(default_factory=dict)
    index: int = 0
    left: int = NO_STREAM
    right: int = NO_STREAM
    child: int = NO_STREAM
    color: int = _BLACK
    start: int = END_OF_CHAIN


def build_compound_file(streams: Mapping[str, bytes]) -> bytes:
    """A CFB file holding ``streams``, keyed by "/"-separated paths ("VBA/dir")."""
    root = _tree(streams)
    entries = _number_entries(root)
    for entry in entries:
        if entry.kind != _STREAM:
            _link_children(entry)
    return _Layout(entries).render()


def _tree(streams: Mapping[str, bytes]) -> _Entry:
    root = _Entry("Root Entry", _ROOT)
    for path, data in streams.items():
        *storages, name = path.split("/")
        parent = root
        for storage in storages:
            parent = parent.children.setdefault(storage, _Entry(storage, _STORAGE))
            if parent.kind != _STORAGE:
                raise ValueError(f"{path}: {storage} is a stream, not a storage")
        if len(name) > 31 or not name:
            raise ValueError(f"{path}: stream names have 1 to 31 characters")
        parent.children[name] = _Entry(name, _STREAM, data=bytes(data))
    return root


def _number_entries(root: _Entry) -> list[_Entry]:
    entries: list[_Entry] = []
    pending = [root]
    while pending:
        entry = pending.pop(0)
        entry.index = len(entries)
        entries.append(entry)
        pending.extend(sorted(entry.children.values(), key=_sort_key))
    return entries


def _sort_key(entry: _Entry) -> tuple[int, str]:
    """Sibling order of [MS-CFB] 2.6.4: shorter names first, then case-insensitive."""
    return len(entry.name.encode("utf-16-le")), entry.name.upper()


def _link_children(storage: _Entry) -> None:
    ordered = sorted(storage.children.values(), key=_sort_key)
    if not ordered:
        return
    depth = _depth(len(ordered))
    storage.child = _balanced(ordered, 0, depth)


def _depth(count: int) -> int:
    """Depth of the deepest node of a size-balanced tree of ``count`` nodes (root: 0)."""
    return count.bit_length() - 1


def _balanced(nodes: list[_Entry], level: int, depth: int) -> int:
    """Root index of a size-balanced tree over ``nodes``.

    In such a tree every missing child sits on the last two levels, so
    colouring the nodes of an incomplete last level red (and every other
    node black) gives each path the same number of black nodes.
    """
    if not nodes:
        return NO_STREAM
    middle = len(nodes) // 2
    node = nodes[middle]
    node.left = _balanced(nodes[:middle], level + 1, depth)
    node.right = _balanced(nodes[middle + 1 :], level + 1, depth)
    node.color = _RED if level == depth and level > 0 else _BLACK
    return node.index


class _Layout:
    """Sector allocation and serialisation of one file."""

    def __init__(self, entries: list[_Entry]) -> None:
        self.entries = entries
        self.sectors: list[bytes] = []
        self.fat: list[int] = []
        self.mini_fat: list[int] = []

    def render(self) -> bytes:
        root = self.entries[0]
        streams = [e for e in self.entries if e.kind == _STREAM]
        mini_stream = bytearray()
        for entry in streams:
            if len(entry.data) >= MINI_STREAM_CUTOFF:
                entry.start = self._append_chain(entry.data)
            elif entry.data:
                entry.start = self._append_mini_chain(entry.data, mini_stream)
        if mini_stream:
            root.start = self._append_chain(bytes(mini_stream))
        mini_stream_size = len(mini_stream)
        directory_start = self._append_chain(self._directory(mini_stream_size))
        mini_fat_start, mini_fat_count = END_OF_CHAIN, 0
        if self.mini_fat:
            table = _pack_table(self.mini_fat, _sectors_for(len(self.mini_fat) * 4) * SECTOR)
            mini_fat_start = self._append_chain(table)
            mini_fat_count = len(table) // SECTOR
        fat_sectors = self._append_fat()
        header = self._header(directory_start, mini_fat_start, mini_fat_count, fat_sectors)
        return header + b"".join(self.sectors)

    def _append_chain(self, data: bytes) -> int:
        first = len(self.sectors)
        count = _sectors_for(len(data))
        for i in range(count):
            self.sectors.append(data[i * SECTOR : (i + 1) * SECTOR].ljust(SECTOR, b"\x00"))
            self.fat.append(first + i + 1 if i + 1 < count else END_OF_CHAIN)
        return first

    def _append_mini_chain(self, data: bytes, mini_stream: bytearray) -> int:
        first = len(mini_stream) // MINI_SECTOR
        count = -(-len(data) // MINI_SECTOR)
        mini_stream += data.ljust(count * MINI_SECTOR, b"\x00")
        for i in range(count):
            self.mini_fat.append(first + i + 1 if i + 1 < count else END_OF_CHAIN)
        return first

    def _append_fat(self) -> list[int]:
        """Append the FAT sectors, which must also map themselves."""
        entries_per_sector = SECTOR // 4
        count = 1
        while (len(self.fat) + count) > count * entries_per_sector:
            count += 1
        if count > _HEADER_DIFAT_SLOTS:
            raise ValueError("file too large for a header-only DIFAT")
        first = len(self.sectors)
        fat = self.fat + [FAT_SECTOR] * count
        table = _pack_table(fat, count * SECTOR)
        for i in range(count):
            self.sectors.append(table[i * SECTOR : (i + 1) * SECTOR])
        return list(range(first, first + count))

    def _directory(self, mini_stream_size: int) -> bytes:
        raw = b"".join(self._entry_bytes(e, mini_stream_size) for e in self.entries)
        per_sector = SECTOR // _ENTRY_SIZE
        unused = -len(self.entries) % per_sector
        return raw + _unused_entry() * unused

    @staticmethod
    def _entry_bytes(entry: _Entry, mini_stream_size: int) -> bytes:
        name = entry.name.encode("utf-16-le") + b"\x00\x00"
        if entry.kind == _ROOT:
            size, start = mini_stream_size, entry.start if mini_stream_size else END_OF_CHAIN
        elif entry.kind == _STREAM:
            size, start = len(entry.data), entry.start
        else:
            size, start = 0, 0
        return struct.pack(
            "<64sHBBIII16sIQQIQ",
            name,
            len(name),
            entry.kind,
            entry.color,
            entry.left,
            entry.right,
            entry.child,
            b"\x00" * 16,  # CLSID
            0,  # state bits
            0,  # creation time
            0,  # modification time
            start,
            size,
        )

    def _header(
        self, directory_start: int, mini_fat_start: int, mini_fat_count: int, fat_sectors: list[int]
    ) -> bytes:
        difat = fat_sectors + [FREE] * (_HEADER_DIFAT_SLOTS - len(fat_sectors))
        return (
            _SIGNATURE
            + b"\x00" * 16  # header CLSID
            + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)
            + b"\x00" * 6
            + struct.pack(
                "<IIIIIIIII",
                0,  # directory sectors: always 0 in version 3
                len(fat_sectors),
                directory_start,
                0,  # transaction signature
                MINI_STREAM_CUTOFF,
                mini_fat_start,
                mini_fat_count,
                END_OF_CHAIN,  # first DIFAT sector: none
                0,  # DIFAT sectors
            )
            + struct.pack(f"<{_HEADER_DIFAT_SLOTS}I", *difat)
        )


def _sectors_for(size: int) -> int:
    return max(1, -(-size // SECTOR))


def _pack_table(values: list[int], size: int) -> bytes:
    padded = values + [FREE] * (size // 4 - len(values))
    return struct.pack(f"<{len(padded)}I", *padded)


def _unused_entry() -> bytes:
    return struct.pack(
        "<64sHBBIII16sIQQIQ", b"", 0, 0, _RED, NO_STREAM, NO_STREAM, NO_STREAM, b"", 0, 0, 0, 0, 0
    )
