"""The built control workbook, inspected as a file.

Checks the chain a click follows on Windows: button (VML form control) →
VBA procedure (read back with oletools' olevba) → ``RunPython`` command →
an importable xlsync function.  Only Excel itself can run the chain; these
tests prove every link names something that exists.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook
from oletools.olevba import VBA_Parser

from xlsync.core.issues import CannotRun
from xlsync.io.control_workbook import build_control_workbook
from xlsync.io.vba_project import procedure_names
from xlsync.workbook import layout

MACRO_ENABLED_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
VBA_CONTENT_TYPE = "application/vnd.ms-office.vbaProject"
VBA_RELATIONSHIP = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
NS = {
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "v": "urn:schemas-microsoft-com:vml",
    "x": "urn:schemas-microsoft-com:office:excel",
}
RUN_PYTHON = re.compile(r'^\s*(?:Call\s+)?RunPython\s*\(?\s*"((?:[^"]|"")*)"', re.IGNORECASE)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_control_workbook(tmp_path_factory.mktemp("control") / "nested" / "X.xlsm")


@pytest.fixture(scope="module")
def vba_modules(built: Path) -> dict[str, str]:
    """Module name → source text, as olevba reads them from the file."""
    parser = VBA_Parser(str(built))
    try:
        return {vba_name.rsplit(".", 1)[0]: code for _, _, vba_name, code in parser.extract_macros()}
    finally:
        parser.close()


def xml(archive: zipfile.ZipFile, part: str) -> ElementTree.Element:
    return ElementTree.fromstring(archive.read(part))


def code_lines(source: str) -> list[str]:
    """VBA lines without comments (an apostrophe outside a string starts one)."""
    lines = []
    for line in source.splitlines():
        in_string = False
        for index, char in enumerate(line):
            if char == '"':
                in_string = not in_string
            elif char == "'" and not in_string:
                line = line[:index]
                break
        lines.append(line)
    return lines


def procedure_bodies(source: str) -> dict[str, list[str]]:
    bodies: dict[str, list[str]] = {}
    current: str | None = None
    for line in code_lines(source):
        declared = procedure_names(line)
        if declared:
            current = declared[0]
            bodies[current] = []
        elif re.match(r"^\s*End\s+(Sub|Function)\b", line, re.IGNORECASE):
            current = None
        elif current is not None:
            bodies[current].append(line)
    return bodies


def run_python_commands(lines: list[str]) -> list[str]:
    return [m.group(1).replace('""', '"') for m in map(RUN_PYTHON.match, lines) if m]


def resolve_python_call(command: str):
    """The function a RunPython command calls, imported for real.

    Accepts the one shape the workbook uses: ``import a.b as m; m.func()``.
    """
    statements = ast.parse("\n".join(part.strip() for part in command.split(";"))).body
    assert len(statements) == 2, command
    imported, call = statements
    assert isinstance(imported, ast.Import) and len(imported.names) == 1, command
    alias = imported.names[0]
    assert isinstance(call, ast.Expr) and isinstance(call.value, ast.Call), command
    target = call.value.func
    assert isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name), command
    assert target.value.id == (alias.asname or alias.name), command
    assert not call.value.args and not call.value.keywords, command
    module = importlib.import_module(alias.name)
    return getattr(module, target.attr)


def buttons(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(caption, macro) of every form button in the workbook's VML drawings."""
    found = []
    for part in archive.namelist():
        if not part.endswith(".vml"):
            continue
        for shape in xml(archive, part).iter(f"{{{NS['v']}}}shape"):
            data = shape.find("x:ClientData", NS)
            if data is None or data.get("ObjectType") != "Button":
                continue
            caption = "".join(shape.find("v:textbox", NS).itertext()).strip()
            found.append((caption, data.findtext("x:FmlaMacro", namespaces=NS)))
    return found


# --- the package ---------------------------------------------------------------


def test_written_where_asked_with_parents_created(built: Path) -> None:
    assert built.name == "X.xlsm"
    assert built.parent.name == "nested"
    assert built.is_file()


def test_content_type_is_macro_enabled_and_vba_project_is_linked(built: Path) -> None:
    with zipfile.ZipFile(built) as archive:
        types = xml(archive, "[Content_Types].xml")
        overrides = {o.get("PartName"): o.get("ContentType") for o in types.findall("ct:Override", NS)}
        defaults = {d.get("Extension"): d.get("ContentType") for d in types.findall("ct:Default", NS)}
        assert overrides["/xl/workbook.xml"] == MACRO_ENABLED_MAIN
        assert defaults["bin"] == VBA_CONTENT_TYPE
        assert "xl/vbaProject.bin" in archive.namelist()
        relationships = xml(archive, "xl/_rels/workbook.xml.rels").findall("rel:Relationship", NS)
        vba = [r.get("Target") for r in relationships if r.get("Type") == VBA_RELATIONSHIP]
        assert vba == ["vbaProject.bin"]


def test_sheets_and_their_vba_code_names(built: Path, vba_modules: dict[str, str]) -> None:
    with zipfile.ZipFile(built) as archive:
        workbook = xml(archive, "xl/workbook.xml")
        assert workbook.find("main:workbookPr", NS).get("codeName") == layout.WORKBOOK_CODENAME
        names = [s.get("name") for s in workbook.find("main:sheets", NS)]
        assert names == [layout.CONTROL_SHEET, layout.SETTINGS_SHEET, layout.CONF_SHEET]
        codenames = [
            xml(archive, f"xl/worksheets/sheet{i}.xml").find("main:sheetPr", NS).get("codeName")
            for i in range(1, len(names) + 1)
        ]
    assert codenames == [layout.SHEET_CODENAMES[name] for name in names]
    # Each code name has its document module, so Excel binds sheets instead of adding duplicates.
    for codename in [layout.WORKBOOK_CODENAME, *codenames]:
        assert codename in vba_modules
        assert f'Attribute VB_Name = "{codename}"' in vba_modules[codename]


# --- the click chain ------------------------------------------------------------


def test_every_button_runs_a_procedure_of_the_vba_project(built: Path, vba_modules: dict[str, str]) -> None:
    with zipfile.ZipFile(built) as archive:
        found = buttons(archive)
    assert sorted(found) == sorted((b.caption, f"[0]!{b.macro}") for b in layout.BUTTONS)
    procedures = {
        name: module for module, source in vba_modules.items() for name in procedure_names(source)
    }
    for caption, macro in found:
        name = macro.removeprefix("[0]!")
        assert procedures.get(name) == layout.VBA_MODULE, f"button {caption!r}: no procedure {name}"


def test_each_button_procedure_runs_its_own_python_entry_point(vba_modules: dict[str, str]) -> None:
    bodies = procedure_bodies(vba_modules[layout.VBA_MODULE])
    assert sorted(bodies) == sorted(b.macro for b in layout.BUTTONS)
    for button in layout.BUTTONS:
        commands = run_python_commands(bodies[button.macro])
        assert commands == [f"import xlsync.excel.macros as m; m.{button.entry_point}()"], button.macro


def test_every_python_call_in_the_vba_is_a_real_xlsync_function(vba_modules: dict[str, str]) -> None:
    commands = [
        command
        for source in vba_modules.values()
        for command in run_python_commands(code_lines(source))
    ]
    # Only our module calls Python; xlwings' module mentions RunPython in comments only.
    assert len(commands) == len(layout.BUTTONS)
    for command in commands:
        # xlwings on Windows passes the command inside `python -c "..."` on a cmd.exe line.
        assert '"' not in command, command
        function = resolve_python_call(command)
        assert callable(function), command
        assert function.__module__.startswith("xlsync."), command
        required = [
            p for p in inspect.signature(function).parameters.values() if p.default is inspect.Parameter.empty
        ]
        assert required == [], f"{command}: RunPython passes no arguments"


def test_vba_is_the_installed_xlwings_module(vba_modules: dict[str, str]) -> None:
    import importlib.util

    import xlwings

    location = Path(next(iter(importlib.util.find_spec("xlwings").submodule_search_locations)))
    shipped = (location / "xlwings.bas").read_text(encoding="cp1252")
    assert vba_modules["xlwings"].replace("\r\n", "\n") == shipped.replace("\r\n", "\n")
    assert f'XLWINGS_VERSION As String = "{xlwings.__version__}"' in vba_modules["xlwings"]
    assert "Module1" not in vba_modules  # xlwings' sample macro is not part of the workbook
    assert set(vba_modules) == {
        layout.WORKBOOK_CODENAME,
        *layout.SHEET_CODENAMES.values(),
        "xlwings",
        "Dictionary",
        layout.VBA_MODULE,
    }


# --- the sheets' content --------------------------------------------------------


def test_control_sheet_text_and_status_area(built: Path) -> None:
    sheet = load_workbook(built)[layout.CONTROL_SHEET]
    assert sheet[layout.TITLE_CELL].value == layout.TITLE
    assert sheet[layout.STATUS_LABEL_CELL].value == layout.STATUS_LABEL
    assert sheet[layout.STATUS_CELL].value == layout.STATUS_INITIAL
    assert sheet[layout.STATUS_TIME_CELL].value is None
    for button in layout.BUTTONS:
        row = int(button.cell[1:])
        assert sheet[f"{layout.DESCRIPTION_COLUMN}{row}"].value == button.description_vi
        assert sheet[f"{layout.DESCRIPTION_COLUMN}{row + 1}"].value == button.description_en


def test_settings_sheet_labels_and_blank_text_inputs(built: Path) -> None:
    sheet = load_workbook(built)[layout.SETTINGS_SHEET]
    headers = [sheet.cell(row=layout.SETTINGS_HEADER_ROW, column=c).value for c in range(1, 5)]
    assert headers == list(layout.SETTINGS_HEADERS)
    for setting in layout.SETTINGS:
        value = sheet[setting.cell]
        assert sheet.cell(row=value.row, column=value.column - 1).value == setting.label
        assert value.value is None
        assert value.number_format == "@"  # typed paths stay text
        assert sheet.cell(row=value.row, column=value.column + 1).value.startswith(setting.explanation_vi)


def test_xlwings_conf_sheet_is_read_the_way_xlwings_reads_it(built: Path) -> None:
    sheet = load_workbook(built)[layout.CONF_SHEET]
    # xlwings' VBA reads keys from A1 down to the first blank, values from column B.
    keys = []
    row = 1
    while sheet.cell(row=row, column=1).value:
        keys.append(sheet.cell(row=row, column=1).value)
        row += 1
    assert keys == [entry.key for entry in layout.XLWINGS_CONF]
    conf = {sheet.cell(row=r, column=1).value.upper(): sheet.cell(row=r, column=2).value for r in range(1, row)}
    assert conf["INTERPRETER_WIN"] == "%LOCALAPPDATA%\\xlsync\\venv\\Scripts\\pythonw.exe"
    assert conf["SHOW_ERROR_POPUPS"] == "False"
    assert conf["USE UDF SERVER"] == "False"
    assert conf["PYTHONPATH"] is None


def test_interpreter_can_be_chosen_at_build_time(tmp_path: Path) -> None:
    path = build_control_workbook(tmp_path / "x.xlsm", interpreter="C:\\Python312\\pythonw.exe")
    sheet = load_workbook(path)[layout.CONF_SHEET]
    assert sheet["A1"].value == "Interpreter_Win"
    assert sheet["B1"].value == "C:\\Python312\\pythonw.exe"


# --- writing ----------------------------------------------------------------------


def test_other_extension_becomes_xlsm(tmp_path: Path) -> None:
    path = build_control_workbook(tmp_path / "xlsync.xlsx")
    assert path == tmp_path / "xlsync.xlsm"
    assert path.is_file()
    assert not (tmp_path / "xlsync.xlsx").exists()


def test_rebuild_replaces_the_file_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "xlsync.xlsm"
    target.write_bytes(b"old")
    build_control_workbook(target)
    assert zipfile.is_zipfile(target)
    assert [p.name for p in tmp_path.iterdir()] == ["xlsync.xlsm"]


def test_workbook_open_in_excel_is_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "xlsync.xlsm"
    target.write_bytes(b"old")
    (tmp_path / "~$xlsync.xlsm").write_bytes(b"lock")
    with pytest.raises(CannotRun) as raised:
        build_control_workbook(target)
    assert raised.value.code == "output-locked"
    assert target.read_bytes() == b"old"


# --- the command --------------------------------------------------------------------


def test_workbook_command_builds_a_control_workbook_whose_buttons_reach_xlsync(cli, tmp_path: Path) -> None:
    code, out, _ = cli("workbook", "--out", "X.xlsm")
    built = tmp_path / "X.xlsm"
    assert code == 0
    assert out.strip() == f"Đã tạo tệp điều khiển {built.name}."  # the path as given, relative to the cwd
    with zipfile.ZipFile(built) as archive:
        overrides = {o.get("PartName"): o.get("ContentType")
                     for o in xml(archive, "[Content_Types].xml").findall("ct:Override", NS)}
        assert overrides["/xl/workbook.xml"] == MACRO_ENABLED_MAIN
        found = buttons(archive)
    parser = VBA_Parser(str(built))
    try:
        modules = {name.rsplit(".", 1)[0]: source for _, _, name, source in parser.extract_macros()}
    finally:
        parser.close()
    bodies = procedure_bodies(modules[layout.VBA_MODULE])
    assert sorted(caption for caption, _ in found) == sorted(b.caption for b in layout.BUTTONS)
    for caption, macro in found:
        (command,) = run_python_commands(bodies[macro.removeprefix("[0]!")])
        function = resolve_python_call(command)
        assert function.__module__ == "xlsync.excel.macros", caption
        assert inspect.signature(function).parameters == {}, caption


def test_workbook_command_default_name_and_interpreter(cli, tmp_path: Path) -> None:
    code, out, _ = cli("workbook", "--interpreter", "C:\\Python312\\pythonw.exe")
    assert code == 0
    assert out.strip() == f"Đã tạo tệp điều khiển {layout.DEFAULT_FILE_NAME}."
    sheet = load_workbook(tmp_path / layout.DEFAULT_FILE_NAME)[layout.CONF_SHEET]
    assert sheet["B1"].value == "C:\\Python312\\pythonw.exe"
