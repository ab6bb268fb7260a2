"""Every message the code asks for exists, in both languages."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from xlsync.core.messages import RECORDS, TEXT, render

PACKAGE = Path(str(resources.files("xlsync")))
RECORD_CALL = re.compile(r"""(?:make_issue|CannotRun)\(\s*["']([a-z0-9-]+)["']""")
TEXT_CALL = re.compile(r"""\btext\(\s*["']([a-z0-9-]+)["']""")


def _sources() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py"))


def test_every_record_code_used_is_in_the_catalogue():
    used = set(RECORD_CALL.findall(_sources()))
    assert used, "the pattern must find the calls"
    assert used - set(RECORDS) == set()


def test_every_text_key_used_is_in_the_catalogue():
    used = set(TEXT_CALL.findall(_sources()))
    assert used
    assert used - set(TEXT) == set()


def _fields(template: str) -> set[str]:
    """Field names, with language-specific variants (detail_vi / detail_en) counted as one."""
    return {re.sub(r"_(vi|en)$", "", name) for name in re.findall(r"{(\w+)", template)}


def test_every_entry_has_both_languages_and_the_same_fields():
    for code, entry in RECORDS.items():
        assert entry.vi and entry.en, code
        assert _fields(entry.vi) == _fields(entry.en), code
    for key, (vi, en) in TEXT.items():
        assert vi and en, key
        assert _fields(vi) == _fields(en), key


def test_missing_fields_render_blank_instead_of_failing():
    assert render("Ô {cell}: {value}", {"cell": "D5"}) == "Ô D5: "
