"""Text typed in the legacy Vietnamese encodings TCVN3 (ABC) and VNI, read back as Unicode.

Before Unicode, offices typed Vietnamese with 8-bit fonts (.VnTime for TCVN3,
VNI-Times for VNI): the file stores Western bytes and only the font draws
them as Vietnamese.  An .xlsx keeps each byte as its Windows-1252 character,
so «Báo cáo» arrives as «B¸o c¸o» (TCVN3) or «Baùo caùo» (VNI).  Both
encodings use only bytes 0xA0-0xFF beyond ASCII, where Windows-1252 and
Latin-1 show the same characters; the characters of 0x80-0x9F (Windows-1252's
«€» «…», or Latin-1's control codes) are letters of neither chart and pass
through as punctuation.

A string is converted only when all of this holds; otherwise it is left as it
is (and fails loudly downstream, as any unreadable label does):

* every character is one a single byte can show (Latin-1 or Windows-1252):
  real Unicode Vietnamese almost always has ă, đ, ơ, ư, a letter of
  U+1EA0-U+1EF9 or a combining mark, and those rule the string out;
* a word mixes an ASCII letter with a character Vietnamese Unicode never
  writes: a TCVN3 code such as «¸» «¹» «§» ««» or the soft hyphen, or for
  VNI a mark such as «ï» «ø» «ñ» or a letter-and-mark pair Vietnamese never
  spells («aù» «oâ» «eá»).  «Thôn 7», «Hoà», «Cá» read as other Vietnamese
  words through both charts but carry no such mark, so they stay;
* every word holding a converted letter becomes a Vietnamese syllable (onset,
  rhyme, at most one tone) or a capital abbreviation with Đ («ĐVT»), and no
  character outside the chart is left («Müller», «½», «©2024», «§3» stay);
* exactly one of the two encodings passes.

In a workbook, a sheet whose converted cells all use one chart and whose
every text is single-byte was typed wholly in that chart: its other texts are
read through it too («hé» → «hộ», «Ghi chó» → «Ghi chú», words that alone are
Unicode spellings as well).  A Unicode template filled in a legacy font keeps
labels such as «Nội dung», so its own «Mã», «Ghi chú» are never touched.

.VnTimeH and the other uppercase TCVN3 fonts draw the lowercase codes as
capitals, and the cell text cannot show the font.  A word whose certain
letters (ASCII capitals and TCVN3's own Ă Â Ê Ô Ơ Ư Đ, at least two) are all
capitals, with no lowercase ASCII letter, is read in capitals («NG¦êI LËP
BIÓU» → «NGƯỜI LẬP BIỂU»), and so is the rest of a cell with no lowercase
ASCII letter; otherwise the letters come back lowercase.  Labels are
compared case-folded, so «§¹t» typed in .VnTimeH still reads as «Đạt».
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Callable

from xlsync.core.issues import Issue, make_issue
from xlsync.core.legacy_tables import TCVN3_CAPITALS, TONE_MARKS, tcvn3_bytes, vni_sequences
from xlsync.core.sheets import Sheet, WorkbookData, cell_address
from xlsync.core.text import TextCache

TCVN3, VNI = "TCVN3 (ABC)", "VNI"

_UNREADABLE = "\ufffd"  # stands for a character the chart does not hold


def _shown(data: bytes) -> str:
    """Bytes as an .xlsx shows text typed with a legacy font: Windows-1252 characters."""
    return data.decode("cp1252")


# The 27 characters Windows-1252 puts at 0x80-0x9F (five bytes there are unassigned).
_CP1252_HIGH = _shown(bytes(b for b in range(0x80, 0xA0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)))
_NOT_SINGLE_BYTE = re.compile(f"[^\\x00-\\xff{re.escape(_CP1252_HIGH)}]")
_SINGLE_BYTE_IN_LINE = f"[\\x00-\\x09\\x0b-\\xff{re.escape(_CP1252_HIGH)}]"

_TCVN3_LETTERS = {_shown(bytes([code])): letter for code, letter in tcvn3_bytes().items()}
_VNI_LETTERS = {_shown(seq): letter for seq, letter in vni_sequences().items() if not seq.isascii()}
_VIETNAMESE = frozenset(_TCVN3_LETTERS.values()) | frozenset(_VNI_LETTERS.values())
_TCVN3_ONLY = "".join(sorted(set(_TCVN3_LETTERS) - _VIETNAMESE))
_VNI_ONLY = "".join(sorted(set("".join(_VNI_LETTERS)) - _VIETNAMESE - set(map(chr, range(0x80)))))
# A base letter and a VNI mark side by side, as no Vietnamese word is spelt (a
# tone on the u of "au", a circumflex after a...).  Not o + á/à/ã: old-style
# spelling writes «hoá», «hoà», «hoãn».
_VNI_PAIRS = "[aeouyô][ùõ]|[AEOUYÔ][ÙÕ]|[aeo]â|[AEO]Â|aê|AÊ|[ae][áàã]|[AE][ÁÀÃ]|a[éèú]|A[ÉÈÚ]"
# The cheap first look: a line made only of single-byte characters that holds a
# non-ASCII character of either chart.  Unicode Vietnamese almost always has a
# letter outside Latin-1, which ends the look at once.
_CHART_CHARS = "".join(sorted({ch for seq in [*_TCVN3_LETTERS, *_VNI_LETTERS] for ch in seq if not ch.isascii()}))
_SUSPECT_LINE = re.compile(
    f"^(?={_SINGLE_BYTE_IN_LINE}*+$)[^\\n]*?[{re.escape(_CHART_CHARS)}][^\\n]*", re.MULTILINE
)

_SINGLE_BYTE_LETTERS = "".join(ch for ch in [*map(chr, range(0x80, 0x100)), *_CP1252_HIGH] if ch.isalpha())
_WORD_CHARS = set(_SINGLE_BYTE_LETTERS) | set(_TCVN3_LETTERS) | set("".join(_VNI_LETTERS))
# A word: letters, digits and chart characters («­» and «§» are not letters to Unicode).
_WORD = re.compile(f"[0-9A-Za-z{re.escape(''.join(sorted(_WORD_CHARS)))}]+")
_ASCII_LETTER = re.compile("[A-Za-z]")


@dataclass(frozen=True, slots=True)
class _Chart:
    name: str
    letters: dict[str, str]  # characters as shown → Unicode letter
    pieces: re.Pattern[str]  # what to look up: a letter and its mark, or one non-ASCII character
    only: re.Pattern[str]  # a character only this encoding writes
    pairs: re.Pattern[str] | None  # letter-and-mark pairs only this encoding writes
    capitals_by_font: bool  # TCVN3: uppercase fonts draw the lowercase codes as capitals

    def marks(self, word: str) -> bool:
        """Whether ``word`` shows a sign that only this encoding produces."""
        if self.pairs is not None and self.pairs.search(word):
            return True
        return bool(self.only.search(word) and _ASCII_LETTER.search(word))

    def letters_of(self, word: str) -> str | None:
        """``word`` in Unicode, or None when a character is not in the chart."""
        converted = self.pieces.sub(lambda m: self.letters.get(m.group(), _UNREADABLE), word)
        return None if _UNREADABLE in converted else converted


def _chart(name: str, letters: dict[str, str], only: str, pairs: str | None) -> _Chart:
    # A pair the chart does not hold («iù», «oê») is looked up, not found, and makes the word unreadable.
    two = [sequence for sequence in letters if len(sequence) == 2]
    bases, marks = ("".join(sorted({sequence[i] for sequence in two})) for i in (0, 1))
    pieces = re.compile((f"[{re.escape(bases)}][{re.escape(marks)}]|" if two else "") + "[^\\x00-\\x7f]")
    return _Chart(
        name, letters, pieces, re.compile(f"[{re.escape(only)}]"), re.compile(pairs) if pairs else None, name == TCVN3
    )


_CHARTS = (_chart(TCVN3, _TCVN3_LETTERS, _TCVN3_ONLY, None), _chart(VNI, _VNI_LETTERS, _VNI_ONLY, _VNI_PAIRS))

# --- what a Vietnamese word looks like ------------------------------------------------------------

_ONSETS = "ngh ng nh ch gh gi kh ph th tr qu b c d đ g h k l m n p r s t v x".split()
_OPEN_RHYMES = (
    "a e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iu iêu oa oai oao oay oe oeo oi ôi ơi "
    "ua uây uê ui uơ uy uya uyu uôi ưa ưi ươi ươu ưu yêu"
).split()
# Vowel nucleus → the final consonants it takes (k: Central Highlands names, «Đắk Lắk»).  The
# loanword rhymes «oong», «ooc» are left out: they would read VNI's «coâng» (công) as «coõng».
_CLOSED_RHYMES = {
    "a": "c ch m n ng nh p t", "ă": "c k m n ng p t", "â": "c m n ng p t", "e": "c m n ng p t",
    "ê": "ch m n nh p t", "i": "ch m n nh p t", "o": "c m n ng p t", "ô": "c m n ng p t",
    "ơ": "m n p t", "u": "c m n ng p t", "ư": "c m n ng t", "iê": "c m n ng p t", "yê": "m n ng t",
    "uô": "c m n ng t", "ươ": "c m n ng p t", "oa": "c ch m n ng nh p t", "oă": "c m n ng t",
    "oe": "m n t", "uâ": "n ng t", "uê": "ch nh n", "uy": "ch nh n p t", "uyê": "n t",
}
_VOWELS, _SHAPED = "aăâeêioôơuưy", "ăâêôơư"


def _tone_places(rhyme: str) -> frozenset[int]:
    """Where a tone may sit in ``rhyme``, in either the new or the old placement («hòa», «hoà»)."""
    vowels = [i for i, ch in enumerate(rhyme) if ch in _VOWELS]
    shaped = [i for i in vowels if rhyme[i] in _SHAPED]
    if shaped:
        return frozenset({shaped[-1]})  # «người», «tiếng», «quân»
    if vowels[-1] < len(rhyme) - 1 or len(vowels) == 1:
        return frozenset({vowels[-1]})  # «hoàn», «huých», «má»
    if len(vowels) == 3:
        return frozenset({vowels[1]})  # «ngoài», «khuỵu»
    return frozenset(vowels) if rhyme in ("oa", "oe", "uy") else frozenset({vowels[0]})  # «hòa»/«hoà», «mía»


_RHYMES = {
    rhyme: _tone_places(rhyme)
    for rhyme in _OPEN_RHYMES + [nucleus + final for nucleus, finals in _CLOSED_RHYMES.items() for final in finals.split()]
}
_ONSETS_LONGEST_FIRST = sorted(_ONSETS, key=len, reverse=True) + [""]
# Each toned vowel → (the vowel without its tone); other characters stand for themselves.
_TONELESS = {
    toned: base for base in _VOWELS for toned in (unicodedata.normalize("NFC", base + mark) for mark in TONE_MARKS)
}
_ABBREVIATION = re.compile("[A-ZĐ]*Đ[A-ZĐ]*")  # ĐVT, HĐND


@functools.lru_cache(maxsize=4096)
def _is_syllable(word: str) -> bool:
    """Whether ``word`` has the shape of one Vietnamese syllable: onset, rhyme, one tone where it belongs."""
    lower = word.lower()
    toned = [i for i, ch in enumerate(lower) if ch in _TONELESS]
    if len(toned) > 1:
        return False
    bare = "".join(_TONELESS.get(ch, ch) for ch in lower)
    for onset in _ONSETS_LONGEST_FIRST:  # «giá» is gi + á, «gì» is g + ì: try each reading
        places = _RHYMES.get(bare[len(onset) :]) if bare.startswith(onset) else None
        if places is not None and (not toned or toned[0] - len(onset) in places):
            return True
    return False


def _is_vietnamese(word: str) -> bool:
    """A syllable written in lowercase, capitalised or in capitals, or an abbreviation with Đ."""
    if len(word) > 1 and _ABBREVIATION.fullmatch(word):
        return True
    plain_case = word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower())
    return plain_case and _is_syllable(word)


def _not_vietnamese_as_is(word: str) -> bool:
    """A word of two or more characters that no Vietnamese Unicode text would hold («Néi», «§ç», «tÊn»)."""
    return len(word) > 1 and not _is_vietnamese(word)


_TCVN3_CAPITAL_CODES = "".join(_shown(bytes([code])) for code in TCVN3_CAPITALS.values())


def _case(word: str) -> str:
    """"upper" when ``word`` was surely typed in capitals, "lower" when surely not, else ""."""
    if any("a" <= ch <= "z" for ch in word):
        return "lower"
    capitals = sum(1 for ch in word if "A" <= ch <= "Z" or ch in _TCVN3_CAPITAL_CODES)
    return "upper" if capitals >= 2 else ""


# --- conversion ------------------------------------------------------------------------------------


def _convert(text: str, words: list[re.Match[str]], chart: _Chart) -> str | None:
    """``text`` (cut into ``words``) read through ``chart``, or None when it does not map cleanly."""
    cases = [_case(match.group()) for match in words] if chart.capitals_by_font else []
    all_capitals = "upper" in cases and "lower" not in cases
    pieces: list[str] = []
    end = 0
    for index, match in enumerate(words):
        word = match.group()
        if word.isascii():
            continue
        converted = chart.letters_of(word)
        if converted is None:
            return None
        if chart.capitals_by_font and (all_capitals or cases[index] == "upper"):
            converted = converted.upper()
        if not _is_vietnamese(converted):
            return None
        pieces += [text[end : match.start()], converted]
        end = match.end()
    return "".join(pieces) + text[end:]


def _detect(text: str) -> tuple[str, str] | None:
    if not _SUSPECT_LINE.search(text) or _NOT_SINGLE_BYTE.search(text):
        return None
    words = list(_WORD.finditer(text))
    legacy = [match.group() for match in words if not match.group().isascii()]
    # Every word reads as Vietnamese (or ordinary text) as it is, and none carries a legacy mark: leave it.
    foreign = any(_not_vietnamese_as_is(word) for word in legacy)
    charts = [chart for chart in _CHARTS if foreign or any(chart.marks(word) for word in legacy)]
    found = [(converted, chart.name) for chart in charts if (converted := _convert(text, words, chart)) is not None]
    return found[0] if len(found) == 1 else None


# Labels and names repeat in every report of a run: each text is looked at once.
_detected: Callable[[str], tuple[str, str] | None] = TextCache(_detect, 16384).__getitem__


def detect_and_convert(text: str) -> tuple[str, str] | None:
    """(converted, encoding) when ``text`` is TCVN3 or VNI Vietnamese as it arrives from a cell
    typed with a .VnTime / VNI-Times font (each byte shown as a Windows-1252 character), else None.
    encoding is "TCVN3 (ABC)" or "VNI".  The rules are in this module's docstring."""
    return None if text.isascii() else _detected(text)


def convert_workbook(workbook: WorkbookData) -> list[Issue]:
    """Convert in place every legacy-encoded string cell and sheet name.

    Returns, per sheet in order, a ``legacy-sheet-name`` warning when its name
    was converted and a ``legacy-encoding-converted`` warning when cells were
    (the count, the encodings, and the first converted cell as the example).
    A converted sheet name that another sheet already uses is left as it is.
    Renamed sheets keep their place in ``workbook.sheets`` and get the new
    ``Sheet.name``.
    """
    # Each distinct text beyond ASCII once (detect_and_convert passes ASCII over without a look), most of
    # them answered by the cache: a clean workbook stops here.  Leaving ASCII out of the set saves a third.
    strings = {
        value for sheet in workbook.sheets.values() for row in sheet.rows for value in row
        if type(value) is str and not value.isascii()
    }
    strings.update(name for name in workbook.sheets if not name.isascii())
    if not any(map(_detected, strings)):  # looked up in C, text after text
        return []
    conversions = {text: found for text in strings if (found := _detected(text))}
    issues: list[Issue] = []
    names: list[str] = []
    for name, sheet in workbook.sheets.items():
        found = conversions.get(name)
        taken = {other.casefold() for other in [*workbook.sheets, *names] if other != name}
        if found is not None and found[0].casefold() not in taken:
            sheet.name, encoding = found
            issues.append(
                make_issue(
                    "legacy-sheet-name", file=workbook.source, sheet=sheet.name, value=name,
                    converted=sheet.name, encoding=encoding,
                )
            )
        names.append(sheet.name)
        issues.extend(_convert_cells(sheet, workbook.source, conversions | _read_whole_sheet(sheet, conversions)))
    if names != list(workbook.sheets):
        sheets = list(workbook.sheets.values())
        workbook.sheets.clear()  # the same dict, in the same order, under the new names
        workbook.sheets.update(zip(names, sheets))
    return issues


def _read_whole_sheet(sheet: Sheet, conversions: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """The sheet's other texts read through its chart, when the whole sheet is typed in one.

    Alone, «hé» (TCVN3 «hộ») or «Ghi chó» («Ghi chú») is also a Unicode
    spelling.  A sheet whose converted cells all use one chart, and whose
    every text is single-byte, was typed wholly in it: a Unicode template
    filled in a legacy font always keeps labels such as «Nội dung».
    """
    texts = {value for row in sheet.rows for value in row if type(value) is str and not value.isascii()}
    if any(_NOT_SINGLE_BYTE.search(text) for text in texts):
        return {}
    encodings = {conversions[text][1] for text in texts if text in conversions}
    if len(encodings) != 1:
        return {}
    chart = next(chart for chart in _CHARTS if chart.name in encodings)
    found = {}
    for text in texts - conversions.keys():
        converted = _convert(text, list(_WORD.finditer(text)), chart)
        if converted is not None and converted != text:
            found[text] = (converted, chart.name)
    return found


def _convert_cells(sheet: Sheet, source: str, conversions: dict[str, tuple[str, str]]) -> list[Issue]:
    """Convert ``sheet``'s legacy cells in place (``conversions``: text → its conversion); one warning or none."""
    count = 0
    first: tuple[str, str, str] | None = None
    encodings: list[str] = []
    for r, row in enumerate(sheet.rows):
        for c, value in enumerate(row):
            if type(value) is not str or (found := conversions.get(value)) is None:
                continue
            row[c], encoding = found
            count += 1
            first = first or (cell_address(r, c), value, row[c])
            if encoding not in encodings:
                encodings.append(encoding)
    if first is None:
        return []
    cell, value, converted = first
    return [
        make_issue(
            "legacy-encoding-converted", file=source, sheet=sheet.name, cell=cell, value=value,
            count=count, encoding=", ".join(encodings), converted=converted,
        )
    ]
