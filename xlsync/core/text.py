"""Text as users type it: Unicode forms, stray spaces, accents in file names."""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Callable


def normalize_text(value: object) -> str:
    """NFC, non-breaking spaces folded, runs of blanks collapsed, trimmed."""
    if value is None:
        return ""
    if type(value) is str:
        return _normalized(value)
    return _normalize(str(value))


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2007", " ")
    return " ".join(text.split())


def label_key(value: object) -> str:
    """How header labels and codes are compared: normalised and case-folded."""
    if isinstance(value, str):
        return text_key(value)
    return normalize_text(value).casefold().rstrip(":").strip()


class TextCache(dict):
    """``compute(text)`` of each text, computed once; emptied when full (names and notes differ from report
    to report).  Its ``__getitem__`` is the cached function: one lookup in C for a text seen before."""

    def __init__(self, compute: Callable[[str], Any], size: int) -> None:
        super().__init__()
        self.compute, self.size = compute, size

    def __missing__(self, text: str) -> Any:
        if len(self) >= self.size:
            self.clear()
        found = self[text] = self.compute(text)
        return found


# The labels, codes and names of a report repeat in every report of a run: each is normalised once
# (a cached text costs a quarter of normalising it).
_normalized: Callable[[str], str] = TextCache(_normalize, 16384).__getitem__


def _text_key(text: str) -> str:
    return _normalize(text).casefold().rstrip(":").strip()


# label_key of a text (a str only): one lookup in C where label_key is two calls; for loops over cells.
text_key: Callable[[str], str] = TextCache(_text_key, 16384).__getitem__


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def ascii_slug(value: object) -> str:
    """"Thôn Đông 1" → "thon-dong-1": safe in any file system and mail attachment."""
    text = normalize_text(value).replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"
