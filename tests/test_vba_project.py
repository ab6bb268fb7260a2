"""The VBA project plumbing: MS-OVBA compression, the CFB writer, module editing.

Every output is read back with independent readers (oletools' decompressor
and ``olevba``, ``olefile``), never only with the code that wrote it.
"""

from __future__ import annotations

import io
import os
import random
import struct
import zipfile
from pathlib import Path

import olefile
import pytest
from oletools.olevba import VBA_Parser, decompress_stream

from xlsync.io import ovba_compression
from xlsync.io.compound_file import build_compound_file
from xlsync.io.control_workbook import XLWINGS_STANDALONE_WORKBOOK, xlwings_vba_project
from xlsync.io.vba_project import VbaModule, VbaProject, VbaProjectError, procedure_names


def oletools_decompress(data: bytes) -> bytes:
    return bytes(decompress_stream(bytearray(data)))


@pytest.fixture(scope="module")
def xlwings_project_bytes() -> bytes:
    return xlwings_vba_project()


# --- compression -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        b"",
        b"a",
        b"abcabcabcabcabcabc",
        b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa",
        b"Attribute VB_Name = \"XlsyncButtons\"\r\n" * 300,  # several chunks of repeats
    ],
)
def test_compress_round_trips_through_oletools(text: bytes) -> None:
    packed = ovba_compression.compress(text)
    assert packed[0] == 0x01
    assert oletools_decompress(packed) == text
    assert ovba_compression.decompress(packed) == text


def test_compression_actually_compresses_repetitive_text() -> None:
    text = b"RunPython \"import xlsync.excel.macros as m; m.validate_button()\"\r\n" * 100
    assert len(ovba_compression.compress(text)) < len(text) // 10


def test_incompressible_full_chunks_are_stored_raw() -> None:
    noise = random.Random(7).randbytes(2 * ovba_compression.CHUNK_SIZE)
    packed = ovba_compression.compress(noise)
    (first_header,) = struct.unpack_from("<H", packed, 1)
    assert first_header & 0x8000 == 0  # raw chunk flag
    assert len(packed) == 1 + 2 * (2 + ovba_compression.CHUNK_SIZE)
    assert oletools_decompress(packed) == noise
    assert ovba_compression.decompress(packed) == noise


def test_decompress_reads_streams_written_by_office(xlwings_project_bytes: bytes) -> None:
    ole = olefile.OleFileIO(io.BytesIO(xlwings_project_bytes))
    raw = ole.openstream("VBA/dir").read()
    assert ovba_compression.decompress(raw) == oletools_decompress(raw)


def test_decompress_rejects_missing_signature() -> None:
    with pytest.raises(ovba_compression.CompressionError):
        ovba_compression.decompress(b"\x02\x00\x00")


# --- compound file -----------------------------------------------------------


def test_compound_file_is_read_back_by_olefile_without_defects() -> None:
    rng = random.Random(3)
    streams = {
        "PROJECT": b"ID=\"{x}\"\r\n" * 60,
        "PROJECTwm": b"m\x00",
        "VBA/dir": rng.randbytes(1273),
        "VBA/exactly_cutoff": rng.randbytes(4096),
        "VBA/large": rng.randbytes(70_000),  # needs more than one FAT sector
        **{f"VBA/module{i}": rng.randbytes(50 + 97 * i) for i in range(40)},
    }
    data = build_compound_file(streams)
    ole = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)
    assert sorted("/".join(p) for p in ole.listdir()) == sorted(streams)
    for path, content in streams.items():
        assert ole.openstream(path).read() == content, path


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 7, 8, 12, 31, 40])
def test_directory_siblings_form_a_valid_red_black_search_tree(count: int) -> None:
    names = [f"s{'x' * (i % 5)}{i}" for i in range(count)]
    data = build_compound_file({f"S/{name}": b"." for name in names})
    entries = olefile.OleFileIO(io.BytesIO(data)).direntries
    storage = next(e for e in entries if e is not None and e.name == "S")
    red, black, none = 0, 1, olefile.NOSTREAM

    def walk(sid: int) -> tuple[list[str], int]:
        """In-order names and the black height; asserts the colour rules."""
        if sid == none:
            return [], 0
        node = entries[sid]
        left, left_height = walk(node.sid_left)
        right, right_height = walk(node.sid_right)
        assert left_height == right_height, f"unbalanced black height under {node.name}"
        if node.color == red:
            for child in (node.sid_left, node.sid_right):
                assert child == none or entries[child].color == black, f"red {node.name} has a red child"
        return left + [node.name] + right, left_height + (node.color == black)

    ordered, _ = walk(storage.sid_child)
    assert entries[storage.sid_child].color == black
    expected = sorted(names, key=lambda n: (len(n), n.upper()))
    assert ordered == expected


# --- the project -------------------------------------------------------------


def test_reads_xlwings_standalone_project(xlwings_project_bytes: bytes) -> None:
    project = VbaProject.from_bytes(xlwings_project_bytes)
    kinds = {m.name: m.kind for m in project.modules}
    assert kinds == {
        "ThisWorkbook": "document",
        "Sheet1": "document",
        "Module1": "standard",
        "Sheet2": "document",
        "xlwings": "standard",
        "Dictionary": "class",
    }
    assert "RunPython" in project.module("xlwings").procedures
    assert project.codepage == "cp1252"


def test_edited_project_keeps_xlwings_modules_byte_for_byte(xlwings_project_bytes: bytes) -> None:
    source = 'Attribute VB_Name = "Buttons"\r\nSub Go()\r\n    RunPython "import os; os.getcwd()"\r\nEnd Sub\r\n'
    edited = (
        VbaProject.from_bytes(xlwings_project_bytes)
        .without_module("Module1")
        .with_worksheet_modules(["Sheet1", "Sheet2", "Sheet3"])
        .with_module(VbaModule("Buttons", "standard", source))
    )
    data = edited.to_bytes()
    original = olefile.OleFileIO(io.BytesIO(xlwings_project_bytes))
    written = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)
    for name in ("ThisWorkbook", "Sheet1", "Sheet2", "xlwings", "Dictionary"):
        assert written.openstream(f"VBA/{name}").read() == original.openstream(f"VBA/{name}").read()
    assert not written.exists("VBA/Module1")
    # Version 0xFFFF: Office compiles from source and ignores every cache.
    assert written.openstream("VBA/_VBA_PROJECT").read()[:4] == bytes.fromhex("cc61ffff")

    parsed = {vba_name: code for _, _, vba_name, code in VBA_Parser("vbaProject.bin", data=data).extract_macros()}
    assert set(parsed) == {
        "ThisWorkbook.cls",
        "Sheet1.cls",
        "Sheet2.cls",
        "Sheet3.cls",
        "xlwings.bas",
        "Dictionary.cls",
        "Buttons.bas",
    }
    assert parsed["Buttons.bas"] == source
    assert 'Attribute VB_Name = "Sheet3"' in parsed["Sheet3.cls"]
    assert parsed["xlwings.bas"] == VbaProject.from_bytes(xlwings_project_bytes).module("xlwings").source

    project_text = written.openstream("PROJECT").read().decode("cp1252")
    assert "Module=Buttons\r\n" in project_text
    assert "Document=Sheet3/&H00000000\r\n" in project_text
    assert "Module=Module1" not in project_text
    # The protection fields are tied to the project ID, which must not change.
    assert project_text.splitlines()[0] == original.openstream("PROJECT").read().decode("cp1252").splitlines()[0]


def test_round_trip_through_our_reader(xlwings_project_bytes: bytes) -> None:
    project = VbaProject.from_bytes(xlwings_project_bytes).with_module(
        VbaModule("Extra", "standard", 'Attribute VB_Name = "Extra"\r\nFunction Two()\r\nTwo = 2\r\nEnd Function\r\n')
    )
    again = VbaProject.from_bytes(project.to_bytes())
    assert [m.name for m in again.modules] == [m.name for m in project.modules]
    assert again.module("Extra").procedures == ["Two"]
    assert again.module("Extra").kind == "standard"


def test_module_text_must_fit_the_project_code_page(xlwings_project_bytes: bytes) -> None:
    project = VbaProject.from_bytes(xlwings_project_bytes)
    with pytest.raises(UnicodeEncodeError):
        project.with_module(VbaModule("Nut", "standard", "' Kiểm tra\r\n"))


@pytest.mark.parametrize("name", ["", "1abc", "Kiểm", "a b", "x" * 32])
def test_module_names_are_checked(xlwings_project_bytes: bytes, name: str) -> None:
    project = VbaProject.from_bytes(xlwings_project_bytes)
    with pytest.raises(VbaProjectError):
        project.with_module(VbaModule(name, "standard", ""))


def test_without_unknown_module_is_an_error(xlwings_project_bytes: bytes) -> None:
    with pytest.raises(KeyError):
        VbaProject.from_bytes(xlwings_project_bytes).without_module("Nope")


def test_not_a_vba_project() -> None:
    with pytest.raises(VbaProjectError):
        VbaProject.from_bytes(b"not an ole file" * 40)


def test_procedure_names_skip_comments_and_calls() -> None:
    source = (
        "' Sub Commented()\r\n"
        "Public Sub First()\r\n"
        "    Call Second\r\n"
        "End Sub\r\n"
        "Private Function Second(x As String) As Long\r\n"
        "End Function\r\n"
        "Sub Third ' trailing comment\r\n"
    )
    assert procedure_names(source) == ["First", "Second", "Third"]


def test_xlwings_source_workbook_is_the_installed_one() -> None:
    import importlib.util

    location = Path(next(iter(importlib.util.find_spec("xlwings").submodule_search_locations)))
    with zipfile.ZipFile(location / XLWINGS_STANDALONE_WORKBOOK) as archive:
        assert xlwings_vba_project() == archive.read("xl/vbaProject.bin")
    assert os.path.getsize(location / XLWINGS_STANDALONE_WORKBOOK) > 0
