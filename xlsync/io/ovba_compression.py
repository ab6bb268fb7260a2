"""The run-length compression of VBA project streams ([MS-OVBA] 2.4.1).

A VBA project stores its ``dir`` stream and every module's source text in
this format: a signature byte, then one chunk per 4096 bytes of text.  Each
chunk holds literal bytes and copy tokens that point back into the same
chunk.  Both directions are here because the control workbook's VBA project
is read from the installed xlwings and written back with our own module.
"""

from __future__ import annotations

import struct

SIGNATURE = 0x01
CHUNK_SIZE = 4096
_CHUNK_SIGNATURE = 0b011 << 12
_COMPRESSED_FLAG = 0x8000
_MIN_MATCH = 3


class CompressionError(ValueError):
    """The bytes are not a valid MS-OVBA compressed container."""


def _copy_token_layout(position_in_chunk: int) -> tuple[int, int]:
    """Bits used for the offset and the longest length a copy token can hold.

    The offset field grows with the distance already covered in the chunk
    ([MS-OVBA] 2.4.1.3.19.1), from 4 bits up to 12.
    """
    bit_count = max((position_in_chunk - 1).bit_length(), 4)
    return bit_count, (0xFFFF >> bit_count) + _MIN_MATCH


def decompress(data: bytes) -> bytes:
    """The decompressed bytes of a compressed container."""
    if not data or data[0] != SIGNATURE:
        raise CompressionError("missing signature byte 0x01")
    out = bytearray()
    pos = 1
    while pos < len(data):
        if pos + 2 > len(data):
            raise CompressionError(f"truncated chunk header at byte {pos}")
        (header,) = struct.unpack_from("<H", data, pos)
        chunk_end = min(pos + (header & 0x0FFF) + 3, len(data))
        pos += 2
        if header & _COMPRESSED_FLAG:
            out += _decompress_chunk(data[pos:chunk_end])
        else:
            out += data[pos : pos + CHUNK_SIZE]
            chunk_end = pos + CHUNK_SIZE
        pos = chunk_end
    return bytes(out)


def _decompress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    pos = 0
    while pos < len(chunk):
        flags = chunk[pos]
        pos += 1
        for bit in range(8):
            if pos >= len(chunk):
                break
            if not flags & (1 << bit):
                out.append(chunk[pos])
                pos += 1
                continue
            if pos + 2 > len(chunk):
                raise CompressionError("truncated copy token")
            (token,) = struct.unpack_from("<H", chunk, pos)
            pos += 2
            bit_count, _ = _copy_token_layout(len(out))
            length = (token & (0xFFFF >> bit_count)) + _MIN_MATCH
            offset = (token >> (16 - bit_count)) + 1
            if offset > len(out):
                raise CompressionError("copy token points before the chunk start")
            start = len(out) - offset
            for i in range(length):  # byte by byte: a copy may overlap itself
                out.append(out[start + i])
    return bytes(out)


def compress(data: bytes) -> bytes:
    """``data`` as a compressed container, ready to store in a stream."""
    out = bytearray([SIGNATURE])
    for start in range(0, len(data), CHUNK_SIZE):
        out += _compress_chunk(data[start : start + CHUNK_SIZE])
    return bytes(out)


def _compress_chunk(block: bytes) -> bytes:
    body = _compressed_tokens(block)
    if len(body) <= CHUNK_SIZE:
        header = _COMPRESSED_FLAG | _CHUNK_SIGNATURE | (len(body) + 2 - 3)
        return struct.pack("<H", header) + body
    # Incompressible: a raw chunk always carries exactly 4096 bytes.
    header = _CHUNK_SIGNATURE | (CHUNK_SIZE + 2 - 3)
    return struct.pack("<H", header) + block.ljust(CHUNK_SIZE, b"\x00")


def _compressed_tokens(block: bytes) -> bytes:
    out = bytearray()
    # Earlier positions of every 3-byte prefix, to find matches quickly.
    seen: dict[bytes, list[int]] = {}
    pos = 0
    while pos < len(block):
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= len(block):
                break
            offset, length = _longest_match(block, pos, seen)
            if length >= _MIN_MATCH:
                bit_count, _ = _copy_token_layout(pos)
                token = ((offset - 1) << (16 - bit_count)) | (length - _MIN_MATCH)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                step = length
            else:
                out.append(block[pos])
                step = 1
            for i in range(pos, pos + step):
                seen.setdefault(block[i : i + _MIN_MATCH], []).append(i)
            pos += step
        out[flag_at] = flags
    return bytes(out)


def _longest_match(block: bytes, pos: int, seen: dict[bytes, list[int]]) -> tuple[int, int]:
    """(offset, length) of the longest earlier copy of the bytes at ``pos``."""
    candidates = seen.get(block[pos : pos + _MIN_MATCH])
    if not candidates or pos + _MIN_MATCH > len(block):
        return 0, 0
    _, max_length = _copy_token_layout(pos)
    limit = min(max_length, len(block) - pos)
    best_offset, best_length = 0, 0
    for candidate in reversed(candidates[-64:]):  # nearest first; bounded effort
        length = _MIN_MATCH
        while length < limit and block[candidate + length] == block[pos + length]:
            length += 1
        if length > best_length:
            best_offset, best_length = pos - candidate, length
            if length == limit:
                break
    return best_offset, best_length
