"""Text as users type it: Unicode forms, stray spaces, accents in file names."""

from __future__ import annotations

import functools
import re
import unicodedata


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


# The labels, codes and names of a report repeat in every report of a run: each is normalised once
# (a cached text costs a quarter of normalising it).
_normalized = functools.lru_cache(maxsize=8192)(_normalize)


def label_key(value: object) -> str:
    """How header labels and codes are compared: normalised and case-folded."""
    if isinstance(value, str):
        return text_key(value)
    return normalize_text(value).casefold().rstrip(":").strip()


class _TextKeys(dict):
    """Each text's label key, computed once: labels and codes repeat in every report of a run."""

    def __missing__(self, text: str) -> str:
        if len(self) >= _MAX_TEXT_KEYS:  # bounded: names and notes differ from report to report
            self.clear()
        key = self[text] = _normalize(text).casefold().rstrip(":").strip()
        return key


_MAX_TEXT_KEYS = 16384
# label_key of a text (a str only): one lookup in C where label_key is two calls; for loops over cells.
text_key = _TextKeys().__getitem__


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def ascii_slug(value: object) -> str:
    """"Thôn Đông 1" → "thon-dong-1": safe in any file system and mail attachment."""
    text = normalize_text(value).replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"
