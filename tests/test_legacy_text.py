"""Legacy Vietnamese encodings: TCVN3 (ABC) and VNI text converted, everything else left alone.

The word pairs are typed from the published code charts (TCVN 5712:1993 VN3,
VNI-Windows) as the bytes a .VnTime / VNI-Times cell stores, shown as their
Windows-1252 characters; an encoder built from our own table would prove
nothing about the table.  The TCVN3 pairs are also checked against glibc's
independent TCVN5712-1 converter where iconv is installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from xlsync.core.legacy_tables import tcvn3_bytes
from xlsync.core.legacy_text import TCVN3, VNI, convert_workbook, detect_and_convert
from xlsync.core.sheets import Sheet, WorkbookData
from xlsync.io.xlsx_read import read_workbook

SOFT_HYPHEN = "\u00ad"  # TCVN3's ư (0xAD): invisible in most editors, so written out

TCVN3_PAIRS = {
    "B¸o c¸o": "Báo cáo",
    "§¹t": "Đạt",
    f"Ch{SOFT_HYPHEN}a ®¹t": "Chưa đạt",
    "Th«n 7": "Thôn 7",
    "M· ®¬n vÞ": "Mã đơn vị",
    "Tªn ®¬n vÞ": "Tên đơn vị",
    "Kú b¸o c¸o": "Kỳ báo cáo",
    "Néi dung": "Nội dung",
    "§¬n vÞ tÝnh": "Đơn vị tính",
    "Sè liÖu": "Số liệu",
    "Ghi chó (nÕu cã)": "Ghi chú (nếu có)",
    f"Tr{SOFT_HYPHEN}ëng th«n": "Trưởng thôn",
    f"Ng{SOFT_HYPHEN}êi lËp biÓu": "Người lập biểu",
    "Hé nghÌo": "Hộ nghèo",
    "Uû ban nh©n d©n": "Uỷ ban nhân dân",  # VN3 has no capital Ủ: typists wrote the old-style Uỷ
    "Tr¹m Y tÕ": "Trạm Y tế",
    f"Tr{SOFT_HYPHEN}êng TiÓu häc": "Trường Tiểu học",
    "Hîp t¸c x·": "Hợp tác xã",
    "Héi Phô n÷": "Hội Phụ nữ",
    "§oµn Thanh niªn": "Đoàn Thanh niên",
    "Tæng sè hé": "Tổng số hộ",
    "Tû lÖ": "Tỷ lệ",
    "Thùc hiÖn": "Thực hiện",
    "KÕ ho¹ch": "Kế hoạch",
    "ChØ tiªu": "Chỉ tiêu",
    "§¸nh gi¸": "Đánh giá",
    "KÕt qu¶": "Kết quả",
    "XÕp lo¹i": "Xếp loại",
    "Hoµn thµnh": "Hoàn thành",
    "Häc sinh": "Học sinh",
    "Gi¸o viªn": "Giáo viên",
    "B¶o hiÓm y tÕ": "Bảo hiểm y tế",
    f"N{SOFT_HYPHEN}íc s¹ch": "Nước sạch",
    f"VÖ sinh m«i tr{SOFT_HYPHEN}êng": "Vệ sinh môi trường",
    "Gia ®×nh v¨n hãa": "Gia đình văn hóa",
    f"Thi ®ua khen th{SOFT_HYPHEN}ëng": "Thi đua khen thưởng",
    "N«ng th«n míi": "Nông thôn mới",
    "D©n sè": "Dân số",
    "Lao ®éng viÖc lµm": "Lao động việc làm",
    "Thu nhËp b×nh qu©n": "Thu nhập bình quân",
    f"§{SOFT_HYPHEN}êng giao th«ng": "Đường giao thông",
    "TrÎ em": "Trẻ em",
    f"Ng{SOFT_HYPHEN}êi cao tuæi": "Người cao tuổi",
    "Cùu chiÕn binh": "Cựu chiến binh",
    "MÆt trËn Tæ quèc": "Mặt trận Tổ quốc",
    "Chñ tÞch": "Chủ tịch",
    "NguyÔn V¨n An": "Nguyễn Văn An",
    "TrÇn ThÞ BÝch": "Trần Thị Bích",
    "Lª H÷u §øc": "Lê Hữu Đức",
    "§ç Quang Vò": "Đỗ Quang Vũ",
    "Bïi ThÞ Thñy": "Bùi Thị Thủy",
    "Quý I n¨m 2024": "Quý I năm 2024",
    "Ngµy 15 th¸ng 12 n¨m 2024": "Ngày 15 tháng 12 năm 2024",
    "Ký tªn, ®ãng dÊu": "Ký tên, đóng dấu",
    "§iÖn": "Điện",
    "§¾k L¾k": "Đắk Lắk",
    "UBND x· Hßa B×nh": "UBND xã Hòa Bình",
    f"S¶n l{SOFT_HYPHEN}îng (tÊn)": "Sản lượng (tấn)",  # mixed case: «tÊn» is no Unicode word
}

VNI_PAIRS = {
    "Baùo caùo": "Báo cáo",
    "Ñaït": "Đạt",
    "Chöa ñaït": "Chưa đạt",
    "Thoân 7": "Thôn 7",
    "Maõ ñôn vò": "Mã đơn vị",
    "Teân ñôn vò": "Tên đơn vị",
    "Kyø baùo caùo": "Kỳ báo cáo",
    "Noäi dung": "Nội dung",
    "Ñôn vò tính": "Đơn vị tính",
    "Soá lieäu": "Số liệu",
    "Ghi chuù": "Ghi chú",
    "Tröôûng thoân": "Trưởng thôn",
    "Ngöôøi laäp bieåu": "Người lập biểu",
    "Hoä ngheøo": "Hộ nghèo",
    "UÛy ban nhaân daân": "Ủy ban nhân dân",
    "Traïm Y teá": "Trạm Y tế",
    "Tröôøng Tieåu hoïc": "Trường Tiểu học",
    "Hôïp taùc xaõ": "Hợp tác xã",
    "Hoäi Phuï nöõ": "Hội Phụ nữ",
    "Ñoaøn Thanh nieân": "Đoàn Thanh niên",
    "Toång soá hoä": "Tổng số hộ",
    "Tyû leä": "Tỷ lệ",
    "Thöïc hieän": "Thực hiện",
    "Keá hoaïch": "Kế hoạch",
    "Chæ tieâu": "Chỉ tiêu",
    "Ñaùnh giaù": "Đánh giá",
    "Keát quaû": "Kết quả",
    "Xeáp loaïi": "Xếp loại",
    "Hoaøn thaønh": "Hoàn thành",
    "Hoïc sinh": "Học sinh",
    "Giaùo vieân": "Giáo viên",
    "Baûo hieåm y teá": "Bảo hiểm y tế",
    "Nöôùc saïch": "Nước sạch",
    "Veä sinh moâi tröôøng": "Vệ sinh môi trường",
    "Gia ñình vaên hoùa": "Gia đình văn hóa",
    "Thi ñua khen thöôûng": "Thi đua khen thưởng",
    "Noâng thoân môùi": "Nông thôn mới",
    "Daân soá": "Dân số",
    "Lao ñoäng vieäc laøm": "Lao động việc làm",
    "Thu nhaäp bình quaân": "Thu nhập bình quân",
    "Ñöôøng giao thoâng": "Đường giao thông",
    "Treû em": "Trẻ em",
    "Ngöôøi cao tuoåi": "Người cao tuổi",
    "Cöïu chieán binh": "Cựu chiến binh",
    "Maët traän Toå quoác": "Mặt trận Tổ quốc",
    "Chuû tòch": "Chủ tịch",
    "Nguyeãn Vaên An": "Nguyễn Văn An",
    "Traàn Thò Bích": "Trần Thị Bích",
    "Leâ Höõu Ñöùc": "Lê Hữu Đức",
    "Ñoã Quang Vuõ": "Đỗ Quang Vũ",
    "Buøi Thò Thuûy": "Bùi Thị Thủy",
    "Quyù I naêm 2024": "Quý I năm 2024",
    "Ngaøy 15 thaùng 12 naêm 2024": "Ngày 15 tháng 12 năm 2024",
    "Kyù teân, ñoùng daáu": "Ký tên, đóng dấu",
    "Ñieän": "Điện",
    "Phaïm Ngoïc AÙnh": "Phạm Ngọc Ánh",
    "Ñaék Laék": "Đắk Lắk",
    "UBND xaõ Hoøa Bình": "UBND xã Hòa Bình",
}

# Headings typed in capitals: VNI spells capitals; TCVN3 uses an uppercase font (.VnTimeH)
# over the lowercase codes, or its own capitals Ă Â Ê Ô Ơ Ư Đ.
CAPITAL_PAIRS = {
    f"NG{SOFT_HYPHEN}êI LËP BIÓU": ("NGƯỜI LẬP BIỂU", TCVN3),
    "NG¦êI LËP BIÓU": ("NGƯỜI LẬP BIỂU", TCVN3),
    f"TR{SOFT_HYPHEN}ëNG TH«N": ("TRƯỞNG THÔN", TCVN3),
    "§VT": ("ĐVT", TCVN3),
    "H§ND x·": ("HĐND xã", TCVN3),
    "§¹T": ("ĐẠT", TCVN3),
    "NGÖÔØI LAÄP BIEÅU": ("NGƯỜI LẬP BIỂU", VNI),
    "TRÖÔÛNG THOÂN": ("TRƯỞNG THÔN", VNI),
    "ÑVT": ("ĐVT", VNI),
    "HÑND xaõ": ("HĐND xã", VNI),
    "ÑAÏT": ("ĐẠT", VNI),
}

# Text that must stay as it is, each for a reason named beside it.
NOT_LEGACY = [
    "Giá 5 €",  # á is TCVN3's ỏ, € a byte of neither chart: no TCVN3-only mark
    "©2024",  # © is TCVN3's â, but glued to digits
    "© 2024 UBND",  # © alone is no word
    "½",  # TCVN3's ẵ, no syllable on its own
    "Müller",  # ü is TCVN3's ỹ and a VNI mark: «Mỹller» is no syllable
    "(*)",
    "§3",  # § is TCVN3's Đ
    "§",
    "Xem § 3",
    "25°C",
    "m²",
    "±5%",
    "1.234,5",
    "64,8%",
    "Thôn 7",  # TCVN3 would read «Thụn 7», VNI «Thơn 7»: no legacy-only mark
    "Hoà",  # VNI would read «Hồ»: old-style Unicode spelling
    "Hoàng",
    "hoãn",
    "Cá",
    "Tô Hoài",
    "Phòng · Ban",  # the middle dot is TCVN3's ã, but stands alone
    "«Đạt»",
    "Đạt",
    "Chưa đạt",
    "Báo cáo",
    "España",
    "Noël",
    "Jürgen",
    "Straße",
    "Œuvre",
    "naïve",
    "Ça va",
    "São Paulo",
    "Zürich",
    "Ærø",
    "x² + y²",
    # Legacy text that cannot be told from Unicode or between the charts on its own: left alone.
    "chöa",  # TCVN3 «chửa», VNI «chưa»
    "Sæ",  # TCVN3 «Sổ», VNI «Sỉ»
    "ña",  # TCVN3 «ủa», VNI «đa»
    "Ghi chó",  # TCVN3 «Ghi chú», but «chó» is also a Unicode word
    "cã",  # TCVN3 «có»; «cã» is a Unicode shape too
    "Sè",  # TCVN3 «Số»
]


@pytest.mark.parametrize(("legacy", "unicode"), TCVN3_PAIRS.items())
def test_tcvn3_words_convert(legacy: str, unicode: str) -> None:
    assert detect_and_convert(legacy) == (unicode, TCVN3)


@pytest.mark.parametrize(("legacy", "unicode"), VNI_PAIRS.items())
def test_vni_words_convert(legacy: str, unicode: str) -> None:
    assert detect_and_convert(legacy) == (unicode, VNI)


@pytest.mark.parametrize(("legacy", "expected"), CAPITAL_PAIRS.items())
def test_capitals_convert(legacy: str, expected: tuple[str, str]) -> None:
    assert detect_and_convert(legacy) == expected


@pytest.mark.parametrize(
    ("legacy", "expected"),
    [
        ("tÊn", ("tấn", TCVN3)),  # as it is «tên» in odd case, which no Unicode text has
        ("Heä", ("Hệ", VNI)),  # TCVN3 would read «Heọ»: no tone sits on the o of «eo»
        ("Keá", ("Kế", VNI)),  # TCVN3 «Keỏ», the same
        ("Coâng", ("Công", VNI)),  # TCVN3 «Coõng» only with the loanword rhyme «oong»
    ],
)
def test_single_words_that_one_rule_decides(legacy: str, expected: tuple[str, str]) -> None:
    assert detect_and_convert(legacy) == expected


def test_tcvn3_in_an_uppercase_font_with_lowercase_letters_reads_lowercase() -> None:
    # «§¹t» in .VnTimeH shows ĐẠT, but nothing in the cell says so; the word is the same.
    assert detect_and_convert("§¹t") == ("Đạt", TCVN3)


@pytest.mark.parametrize("text", NOT_LEGACY)
def test_ordinary_text_stays(text: str) -> None:
    assert detect_and_convert(text) is None


def test_enough_known_pairs() -> None:
    assert len(TCVN3_PAIRS) >= 40 and len(VNI_PAIRS) >= 40


def test_windows_1252_and_latin1_views_both_convert() -> None:
    # Both charts use only 0xA0-0xFF, where Windows-1252 and Latin-1 agree;
    # what 0x80-0x9F shows (… in Windows-1252, U+0085 in Latin-1) passes through as punctuation.
    assert all(code >= 0xA0 for code in tcvn3_bytes())
    assert detect_and_convert("B¸o c¸o…") == ("Báo cáo…", TCVN3)
    assert detect_and_convert("B¸o c¸o\x85") == ("Báo cáo\x85", TCVN3)
    assert detect_and_convert("Baùo caùo – Thoân 7") == ("Báo cáo – Thôn 7", VNI)


def test_mixed_with_real_unicode_is_not_converted() -> None:
    # Half-retyped text: a Unicode letter outside Latin-1 means the string is not legacy.
    assert detect_and_convert("B¸o c¸o Đạt") is None
    assert detect_and_convert("Baùo caùo ư") is None


def test_tcvn3_table_agrees_with_glibc() -> None:
    """Our chart against glibc's TCVN5712-1 converter, which VN3 is a subset of."""
    iconv = shutil.which("iconv")
    table = tcvn3_bytes()
    codes = sorted(table)
    if iconv is None:
        pytest.skip("iconv is not installed")
    result = subprocess.run(
        [iconv, "-f", "TCVN5712-1", "-t", "UTF-8"], input=b"\n".join(bytes([c]) for c in codes),
        capture_output=True, check=False,
    )
    if result.returncode != 0:
        pytest.skip("this iconv has no TCVN5712-1")
    decoded = unicodedata.normalize("NFC", result.stdout.decode()).split("\n")
    assert dict(zip(codes, decoded)) == table


def test_tcvn3_pairs_agree_with_glibc() -> None:
    iconv = shutil.which("iconv")
    if iconv is None:
        pytest.skip("iconv is not installed")
    legacy = list(TCVN3_PAIRS)
    result = subprocess.run(
        [iconv, "-f", "TCVN5712-1", "-t", "UTF-8"], input="\n".join(legacy).encode("cp1252"),
        capture_output=True, check=False,
    )
    if result.returncode != 0:
        pytest.skip("this iconv has no TCVN5712-1")
    decoded = unicodedata.normalize("NFC", result.stdout.decode()).split("\n")
    assert decoded == list(TCVN3_PAIRS.values())


# --- real Unicode Vietnamese is never converted -----------------------------------------------------


def vietnamese_vocabulary() -> list[str]:
    """Every word of xlsync's own Vietnamese messages and bundled plan tables: real Unicode text."""
    from xlsync.core.messages import RECORDS, TEXT

    plan_folder = Path(__file__).resolve().parents[1] / "templates" / "plan"
    texts = [entry.vi for entry in RECORDS.values()] + [vi for vi, _ in TEXT.values()]
    texts += [path.read_text(encoding="utf-8") for path in sorted(plan_folder.glob("*.csv"))]
    words = {word for text in texts for word in re.findall(r"[^\W\d_]+", text) if not word.isascii()}
    return sorted(words)


VOCABULARY = vietnamese_vocabulary()


def old_style(word: str) -> str:
    """«hòa» → «hoà», «khỏe» → «khoẻ», «thúy» → «thuý»: the older tone placement, still common."""
    decomposed = unicodedata.normalize("NFD", word)
    moved = re.sub("([oOuU])([\u0300\u0301\u0303\u0309\u0323])([aAeEyY])$", r"\1\3\2", decomposed)
    return unicodedata.normalize("NFC", moved)


def spellings(word: str) -> set[str]:
    variants = {word, word.lower(), word.upper(), word.capitalize(), old_style(word), old_style(word).upper()}
    return variants | {unicodedata.normalize("NFD", variant) for variant in variants}


def test_vocabulary_is_large_and_holds_latin1_only_words() -> None:
    # The dangerous words are those a single byte can show («Thôn», «Mã», «cáo»): TCVN3 and VNI
    # both read them as other Vietnamese words.  The vocabulary must hold many of them.
    latin1_only = [word for word in VOCABULARY if all(ord(ch) < 0x100 for ch in word)]
    assert len(VOCABULARY) > 500 and len(latin1_only) > 40


def test_no_word_of_the_vocabulary_is_converted_in_any_spelling() -> None:
    converted = {text: found for word in VOCABULARY for text in spellings(word) if (found := detect_and_convert(text))}
    assert converted == {}


@settings(max_examples=150, deadline=None)
@given(
    words=st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=6),
    numbers=st.lists(st.integers(min_value=0, max_value=10**6).map(str), max_size=2),
    style=st.sampled_from([str, str.lower, str.upper, str.capitalize, old_style]),
    form=st.sampled_from(["NFC", "NFD"]),
    separator=st.sampled_from([" ", ", ", " - ", "\n"]),
)
def test_unicode_vietnamese_phrases_are_never_converted(words, numbers, style, form, separator) -> None:
    phrase = separator.join(style(word) for word in words + numbers)
    assert detect_and_convert(unicodedata.normalize(form, phrase)) is None


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x7F)))
def test_ascii_text_is_never_converted(text: str) -> None:
    assert detect_and_convert(text) is None


@settings(max_examples=150, deadline=None)
@given(
    st.decimals(min_value=-10**9, max_value=10**9, places=3, allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "%", " %", " đ", " ha", " người"]),
)
def test_vietnamese_numbers_are_never_converted(number, unit: str) -> None:
    whole, _, decimals = f"{abs(number):.3f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    text = f"{'-' if number < 0 else ''}{grouped},{decimals}{unit}"
    assert detect_and_convert(text) is None
    assert detect_and_convert(f"{number}{unit}") is None


# --- whole workbooks ------------------------------------------------------------------------------------

REPORT_ROWS = [
    ["M· ®¬n vÞ", "Th«n 7"],
    ["Kú b¸o c¸o", "N¨m 2024"],
    [],
    ["M·", "Néi dung", "§¬n vÞ tÝnh", "Sè liÖu", "Ghi chó (nÕu cã)"],
    ["VH01", "Gia ®×nh v¨n hãa", "%", 96.5, None],
    ["VH02", "Th«n v¨n hãa", "", "§¹t", ""],
    ["VH03", "Khu d©n c\u00ad v¨n hãa", "", "Ñaït", None],
    ["VH04", "Tr¹m Y tÕ ®¹t chuÈn", "", f"Ch{SOFT_HYPHEN}a ®¹t", "Ghi chó"],
]
CONVERTED_ROWS = [
    ["Mã đơn vị", "Thôn 7"],
    ["Kỳ báo cáo", "Năm 2024"],
    [],
    ["Mã", "Nội dung", "Đơn vị tính", "Số liệu", "Ghi chú (nếu có)"],
    ["VH01", "Gia đình văn hóa", "%", 96.5, None],
    ["VH02", "Thôn văn hóa", "", "Đạt", ""],
    ["VH03", "Khu dân cư văn hóa", "", "Đạt", None],
    # «Ghi chó» alone is also a Unicode spelling, and this sheet mixes two charts: it stays.
    ["VH04", "Trạm Y tế đạt chuẩn", "", "Chưa đạt", "Ghi chó"],
]
UNICODE_ROWS = [["Hướng dẫn: nhập số liệu vào cột «Số liệu»."], ["Mã", "Thôn 7", "Ghi chú", "Đạt", 12.0]]


def report_workbook() -> WorkbookData:
    sheets = {
        "Hướng dẫn": Sheet("Hướng dẫn", [list(row) for row in UNICODE_ROWS]),
        "B¸o c¸o": Sheet("B¸o c¸o", [list(row) for row in REPORT_ROWS]),
        "Kiểm tra": Sheet("Kiểm tra", [["Thôn 7", "Mã"]]),
    }
    return WorkbookData(source="thon7.xlsx", sheets=sheets)


def test_convert_workbook_converts_cells_and_sheet_name_and_says_so() -> None:
    book = report_workbook()
    sheets_dict = book.sheets
    issues = convert_workbook(book)

    assert book.sheets is sheets_dict
    assert list(book.sheets) == ["Hướng dẫn", "Báo cáo", "Kiểm tra"]
    assert book.sheets["Báo cáo"].name == "Báo cáo"
    assert book.sheets["Báo cáo"].rows == CONVERTED_ROWS
    assert book.sheets["Hướng dẫn"].rows == UNICODE_ROWS
    assert book.sheets["Kiểm tra"].rows == [["Thôn 7", "Mã"]]
    assert [issue.to_dict() for issue in issues] == [
        {
            "code": "legacy-sheet-name", "severity": "warning", "file": "thon7.xlsx", "sheet": "Báo cáo", "cell": "",
            "value": "B¸o c¸o",
            "message_vi": "Tên trang «B¸o c¸o» gõ bằng bảng mã TCVN3 (ABC); đã đọc là «Báo cáo».",
            "message_en": "Sheet name 'B¸o c¸o' is in the TCVN3 (ABC) encoding; read as 'Báo cáo'.",
        },
        {
            "code": "legacy-encoding-converted", "severity": "warning", "file": "thon7.xlsx", "sheet": "Báo cáo",
            "cell": "A1", "value": "M· ®¬n vÞ",
            "message_vi": "Trang «Báo cáo»: 16 ô gõ bằng bảng mã TCVN3 (ABC), VNI đã được chuyển sang Unicode, "
            "ví dụ ô A1: «M· ®¬n vÞ» → «Mã đơn vị». Hãy gõ lại bằng Unicode (Unikey: bảng mã Unicode, "
            "phông Times New Roman).",
            "message_en": "Sheet 'Báo cáo': 16 cells typed in the TCVN3 (ABC), VNI encoding were converted to "
            "Unicode, e.g. cell A1: 'M· ®¬n vÞ' → 'Mã đơn vị'. Please retype in Unicode (Unikey: Unicode "
            "charset, Times New Roman).",
        },
    ]


def test_a_clean_workbook_is_left_as_it_is() -> None:
    sheets = {"Báo cáo": Sheet("Báo cáo", [list(row) for row in UNICODE_ROWS])}
    book = WorkbookData(source="clean.xlsx", sheets=sheets)
    assert convert_workbook(book) == []
    assert book.sheets["Báo cáo"].rows == UNICODE_ROWS


def test_a_sheet_typed_wholly_in_one_chart_reads_its_ambiguous_words() -> None:
    rows = [
        ["M·", "Néi dung", "§¬n vÞ tÝnh", "Sè liÖu", "Ghi chó"],
        ["VH01", "Sè hé nghÌo", "hé", 12.0, None],
        ["VH02", "Sè hé cã nhµ", "hé", 40.0, "chó ý"],
    ]
    book = WorkbookData(source="tcvn3.xlsx", sheets={"S": Sheet("S", rows)})
    issues = convert_workbook(book)
    assert book.sheets["S"].rows == [
        ["Mã", "Nội dung", "Đơn vị tính", "Số liệu", "Ghi chú"],
        ["VH01", "Số hộ nghèo", "hộ", 12.0, None],
        ["VH02", "Số hộ có nhà", "hộ", 40.0, "chú ý"],
    ]
    assert [(i.code, i.cell, i.value) for i in issues] == [("legacy-encoding-converted", "A1", "M·")]
    assert "10 ô gõ bằng bảng mã TCVN3 (ABC) " in issues[0].message_vi


def test_a_unicode_template_filled_in_a_legacy_font_keeps_its_labels() -> None:
    # The labels came from xlsync's Unicode template; the village typed the rest in .VnTime.
    rows = [
        ["Mã đơn vị", "Th«n 7"],
        ["Mã", "Nội dung", "Ghi chú"],
        ["VH01", "Thôn văn hóa", "§¹t", "hé"],
    ]
    book = WorkbookData(source="mixed.xlsx", sheets={"S": Sheet("S", rows)})
    issues = convert_workbook(book)
    assert book.sheets["S"].rows == [
        ["Mã đơn vị", "Thôn 7"],
        ["Mã", "Nội dung", "Ghi chú"],
        ["VH01", "Thôn văn hóa", "Đạt", "hé"],
    ]
    assert [(i.code, i.cell, i.value) for i in issues] == [("legacy-encoding-converted", "B1", "Th«n 7")]


def test_a_converted_sheet_name_already_taken_is_kept_but_its_cells_are_converted() -> None:
    sheets = {
        "Báo cáo": Sheet("Báo cáo", [["Mã"]]),
        "B¸o c¸o": Sheet("B¸o c¸o", [["§¹t"]]),
    }
    book = WorkbookData(source="two.xlsx", sheets=sheets)
    issues = convert_workbook(book)
    assert list(book.sheets) == ["Báo cáo", "B¸o c¸o"]
    assert book.sheets["B¸o c¸o"].rows == [["Đạt"]]
    assert [(i.code, i.sheet, i.cell, i.value) for i in issues] == [
        ("legacy-encoding-converted", "B¸o c¸o", "A1", "§¹t")
    ]


def test_a_cell_of_several_lines_is_converted_whole() -> None:
    book = WorkbookData(source="lines.xlsx", sheets={"S": Sheet("S", [[None, "B¸o c¸o\nTh«n 7"], ["Thôn 7\nĐạt"]])})
    issues = convert_workbook(book)
    assert book.sheets["S"].rows == [[None, "Báo cáo\nThôn 7"], ["Thôn 7\nĐạt"]]
    assert [(i.code, i.cell) for i in issues] == [("legacy-encoding-converted", "B1")]


def test_strings_arrive_from_an_xlsx_as_typed_and_are_converted(tmp_path: Path) -> None:
    """openpyxl writes the characters a .VnTime / VNI-Times cell holds; our reader gives them back unchanged."""
    workbook = Workbook()
    guide = workbook.active
    guide.title = "Hướng dẫn"
    for row in UNICODE_ROWS:
        guide.append(row)
    report = workbook.create_sheet("B¸o c¸o")
    for row in REPORT_ROWS:
        report.append(row)
    path = tmp_path / "thon7.xlsx"
    workbook.save(path)

    book = read_workbook(path)
    assert list(book.sheets) == ["Hướng dẫn", "B¸o c¸o"]
    as_read = book.sheets["B¸o c¸o"].rows
    assert as_read[0] == ["M· ®¬n vÞ", "Th«n 7"]
    assert as_read[7][4 - 1] == f"Ch{SOFT_HYPHEN}a ®¹t"  # the soft hyphen survives the round trip
    assert as_read[6][3] == "Ñaït"

    issues = convert_workbook(book)
    assert list(book.sheets) == ["Hướng dẫn", "Báo cáo"]
    rows = book.sheets["Báo cáo"].rows
    assert rows[0] == ["Mã đơn vị", "Thôn 7"]
    assert [row[3] for row in rows[5:8]] == ["Đạt", "Đạt", "Chưa đạt"]
    assert book.sheets["Hướng dẫn"].rows[1][:4] == ["Mã", "Thôn 7", "Ghi chú", "Đạt"]
    assert [(i.code, i.sheet, i.cell, i.value) for i in issues] == [
        ("legacy-sheet-name", "Báo cáo", "", "B¸o c¸o"),
        ("legacy-encoding-converted", "Báo cáo", "A1", "M· ®¬n vÞ"),
    ]


# --- cost on every report of a run --------------------------------------------------------------------


def clean_report(copy: int) -> WorkbookData:
    """A Unicode report the size of a village's: 3 sheets, ~60 coded rows of text and figures."""
    rows: list[list[object]] = [["Mã đơn vị", f"Thôn {copy}"], ["Kỳ báo cáo", "Năm 2024"], []]
    rows.append(["Mã", "Nội dung", "Đơn vị tính", "Số liệu", "Ghi chú"])
    for index in range(60):
        rows.append([f"VH{index:02d}", f"Tỷ lệ hộ gia đình văn hóa nhóm {index}", "%", 90.0 + index / 10, "Đạt"])
    rows += [[], ["NGƯỜI LẬP BIỂU", None, "TRƯỞNG THÔN"], ["Nguyễn Văn An", None, "Trần Thị Bích"]]
    sheets = {
        "Hướng dẫn": Sheet("Hướng dẫn", [list(row) for row in UNICODE_ROWS]),
        "Báo cáo": Sheet("Báo cáo", rows),
        "Thôn": Sheet("Thôn", [["Thôn 7", "Mã", "Cá", "Hoà"]]),
    }
    return WorkbookData(source=f"thon{copy}.xlsx", sheets=sheets)


def test_a_clean_workbook_costs_microseconds() -> None:
    """Every report of a province run (10,000 files) passes here: a clean one must cost next to nothing.

    Each copy has its own unit name («Thôn 17»), which the cache has not seen; the labels repeat.
    A per-cell slow path would cost milliseconds; the least CPU time of five rounds, which a busy machine
    does not inflate.
    """
    rounds = []
    for _ in range(5):
        books = [clean_report(copy) for copy in range(200)]
        start = time.process_time()
        for book in books:
            assert convert_workbook(book) == []
        rounds.append((time.process_time() - start) / len(books))
    print(f"convert_workbook on a clean report: {min(rounds) * 1e6:.1f} µs")
    assert min(rounds) < 1e-3
