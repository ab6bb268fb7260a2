"""Code charts of the two pre-Unicode Vietnamese encodings still found in village workbooks.

Each chart row is one base letter; the columns follow the order the published
charts use for the five tones: plain, grave (huyền), hook above (hỏi), tilde
(ngã), acute (sắc), dot below (nặng).  Values are the byte(s) the encoding
stores; :mod:`xlsync.core.legacy_text` turns them into the characters an
.xlsx shows and inverts the charts.
"""

from __future__ import annotations

import unicodedata

# Combining marks in chart column order (after "plain").
TONE_MARKS = ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323")

# TCVN 5712:1993, code table VN3: the 8-bit subset used by the "ABC" fonts
# (.VnTime, .VnArial ...).  One byte per letter, all in 0xA1-0xFE.  VN3 has no
# capitals with tones: only Ă Â Ê Ô Ơ Ư Đ have their own codes; the uppercase
# fonts (.VnTimeH) draw the lowercase codes as capitals.
# None = the plain letter is ASCII.
TCVN3_ROWS: dict[str, tuple[int | None, ...]] = {
    "a": (None, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9),
    "ă": (0xA8, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xA9, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    "e": (None, 0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xAA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6),
    "i": (None, 0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": (None, 0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
    "ô": (0xAB, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xAC, 0xEA, 0xEB, 0xEC, 0xED, 0xEE),
    "u": (None, 0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xAD, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9),
    "y": (None, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
    "đ": (0xAE,),
}
TCVN3_CAPITALS: dict[str, int] = {"Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7}

# VNI-Windows (VNI Software's "VNI-Times" fonts): an ASCII base letter followed
# by one mark byte (tone, or shape and tone together); i, ơ, ư, đ and ỵ have
# letters of their own.  Lowercase chart; every capital is the same sequence
# in capitals (each mark byte's capital is 0x20 below it, the Latin-1 case pair).
VNI_ROWS: dict[str, tuple[bytes, ...]] = {
    "a": (b"a", b"a\xf8", b"a\xfb", b"a\xf5", b"a\xf9", b"a\xef"),
    "ă": (b"a\xea", b"a\xe8", b"a\xfa", b"a\xfc", b"a\xe9", b"a\xeb"),
    "â": (b"a\xe2", b"a\xe0", b"a\xe5", b"a\xe3", b"a\xe1", b"a\xe4"),
    "e": (b"e", b"e\xf8", b"e\xfb", b"e\xf5", b"e\xf9", b"e\xef"),
    "ê": (b"e\xe2", b"e\xe0", b"e\xe5", b"e\xe3", b"e\xe1", b"e\xe4"),
    "i": (b"i", b"\xec", b"\xe6", b"\xf3", b"\xed", b"\xf2"),
    "o": (b"o", b"o\xf8", b"o\xfb", b"o\xf5", b"o\xf9", b"o\xef"),
    "ô": (b"o\xe2", b"o\xe0", b"o\xe5", b"o\xe3", b"o\xe1", b"o\xe4"),
    "ơ": (b"\xf4", b"\xf4\xf8", b"\xf4\xfb", b"\xf4\xf5", b"\xf4\xf9", b"\xf4\xef"),
    "u": (b"u", b"u\xf8", b"u\xfb", b"u\xf5", b"u\xf9", b"u\xef"),
    "ư": (b"\xf6", b"\xf6\xf8", b"\xf6\xfb", b"\xf6\xf5", b"\xf6\xf9", b"\xf6\xef"),
    "y": (b"y", b"y\xf8", b"y\xfb", b"y\xf5", b"y\xf9", b"\xee"),
    "đ": (b"\xf1",),
}


def chart_letters(base: str, width: int) -> list[str]:
    """The letters of one chart row: ``base`` plain, then with each tone (``width`` columns)."""
    letters = [base] + [unicodedata.normalize("NFC", base + mark) for mark in TONE_MARKS]
    return letters[:width]


def tcvn3_bytes() -> dict[int, str]:
    """TCVN3 byte → Unicode letter."""
    table: dict[int, str] = {}
    for base, codes in TCVN3_ROWS.items():
        for code, letter in zip(codes, chart_letters(base, len(codes))):
            if code is not None:
                table[code] = letter
    for letter, code in TCVN3_CAPITALS.items():
        table[code] = letter
    return table


def vni_sequences() -> dict[bytes, str]:
    """VNI byte sequence → Unicode letter, lowercase and capitals."""
    table: dict[bytes, str] = {}
    for base, sequences in VNI_ROWS.items():
        for sequence, letter in zip(sequences, chart_letters(base, len(sequences))):
            table[sequence] = letter
            table[sequence.decode("latin-1").upper().encode("latin-1")] = letter.upper()
    return table
