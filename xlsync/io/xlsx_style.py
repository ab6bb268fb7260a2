"""The look shared by every workbook xlsync writes (XlsxWriter formats).

Official documents use Times New Roman (Nghị định 30/2020); input cells are
pale yellow so a village head sees at once where to type.
"""

from __future__ import annotations

import unicodedata
from typing import Any

FONT = "Times New Roman"
INPUT_FILL = "#FFF2CC"
HEADER_FILL = "#D9E1F2"
PASS_FILL, PASS_FONT = "#C6EFCE", "#006100"
FAIL_FILL, FAIL_FONT = "#FFC7CE", "#9C0006"
ERROR_FILL = "#FF9999"
WARNING_FILL = "#FFE699"

_BASE: dict[str, Any] = {"font_name": FONT, "font_size": 12, "valign": "vcenter"}

STYLES: dict[str, dict[str, Any]] = {
    "issuer": {"bold": True, "font_size": 12},
    "title": {"bold": True, "font_size": 14, "align": "center"},
    "subtitle": {"italic": True, "align": "center"},
    "label": {"bold": True},
    "field": {},
    "header": {"bold": True, "bg_color": HEADER_FILL, "border": 1, "align": "center", "text_wrap": True},
    "code": {"border": 1},
    "text": {"border": 1, "text_wrap": True},
    "unit": {"border": 1, "align": "center"},
    "input": {"border": 1, "bg_color": INPUT_FILL, "locked": False},
    "input_integer": {"border": 1, "bg_color": INPUT_FILL, "locked": False, "num_format": "#,##0"},
    "note": {"border": 1, "bg_color": INPUT_FILL, "locked": False, "text_wrap": True},
    "cell": {"border": 1},
    "number": {"border": 1, "num_format": "#,##0.##"},
    "integer": {"border": 1, "num_format": "#,##0"},
    "percent": {"border": 1, "num_format": "0.00"},
    "date": {"border": 1, "num_format": "dd/mm/yyyy"},
    "datetime": {"border": 1, "num_format": "dd/mm/yyyy hh:mm"},
    "safe_text": {"border": 1, "text_wrap": True, "quote_prefix": True},
    "plain": {},
    "wrap": {"text_wrap": True},
    "bold": {"bold": True},
    "italic": {"italic": True},
    "center_bold": {"bold": True, "align": "center"},
    "center_italic": {"italic": True, "align": "center"},
    # «Nơi nhận» as Nghị định 30/2020 sets it: the heading bold italic 12, the recipients 11.
    "recipients": {"bold": True, "italic": True, "valign": "top"},
    "recipient": {"font_size": 11, "text_wrap": True, "valign": "top"},
    "recipient_safe": {"font_size": 11, "text_wrap": True, "valign": "top", "quote_prefix": True},
    "pass": {"bg_color": PASS_FILL, "font_color": PASS_FONT},
    "fail": {"bg_color": FAIL_FILL, "font_color": FAIL_FONT},
}


class Formats:
    """Lazily created XlsxWriter formats, one per style name, per workbook."""

    def __init__(self, workbook: Any) -> None:
        self._workbook = workbook
        self._made: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._made:
            props = dict(_BASE)
            props.update(STYLES[name])
            self._made[name] = self._workbook.add_format(props)
        return self._made[name]


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_START)


def write_text(sheet: Any, row: int, col: int, text: object, fmt: Any = None, safe_fmt: Any = None) -> None:
    """Write text that came from a user as text (NFC), never as a formula.

    ``write_string`` already stores a string cell; the quote-prefix format
    keeps it text even when someone later edits the cell in Excel.
    """
    value = "" if text is None else unicodedata.normalize("NFC", str(text))
    if looks_like_formula(value) and safe_fmt is not None:
        fmt = safe_fmt
    sheet.write_string(row, col, value, fmt)
