"""Building the control workbook ``xlsync.xlsm``: buttons that run xlsync from Excel.

The sheets come from :mod:`xlsync.workbook.layout`.  The VBA project is
assembled at build time from the xlwings installed on this machine (its
standalone ``RunPython`` module, taken from the workbook that
``xlwings quickstart --standalone`` copies) plus xlsync's button module
``xlsync_buttons.bas``; nothing binary is shipped with xlsync.
"""

from __future__ import annotations

import importlib.resources
import io
import importlib.util
import zipfile
from pathlib import Path

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from xlsync.core.issues import CannotRun
from xlsync.core.sheets import parse_address
from xlsync.io.atomic import atomic_path
from xlsync.io.vba_project import VbaModule, VbaProject, VbaProjectError
from xlsync.workbook import layout

XLWINGS_STANDALONE_WORKBOOK = "quickstart_standalone.xlsm"
_VBA_PART = "xl/vbaProject.bin"
_DESCRIPTION_ROW_HEIGHT = 30  # points: two lines of wrapped text
_SETTING_ROW_HEIGHT = 45  # points: three lines


def build_control_workbook(out_path: str | Path, *, interpreter: str | None = None) -> Path:
    """Write the control workbook to ``out_path`` (replaced in one step) and return it.

    ``interpreter`` overrides the Python that xlwings starts on Windows
    (``Interpreter_Win`` on the ``xlwings.conf`` sheet).
    """
    target = Path(out_path)
    if target.suffix.lower() != ".xlsm":
        target = target.with_suffix(".xlsm")  # Excel refuses macros in any other extension
    vba = control_vba_project()
    with atomic_path(target) as tmp:
        workbook = xlsxwriter.Workbook(str(tmp))
        workbook.set_vba_name(layout.WORKBOOK_CODENAME)
        workbook.add_vba_project(io.BytesIO(vba), is_stream=True)
        _write_control_sheet(workbook)
        _write_settings_sheet(workbook)
        _write_conf_sheet(workbook, interpreter)
        try:
            workbook.close()
        except FileCreateError as exc:
            raise CannotRun("output-failed", file=str(target), detail=str(exc)) from exc
    return target


def control_vba_project() -> bytes:
    """xlwings' standalone VBA project with xlsync's button module, as ``vbaProject.bin``."""
    try:
        project = VbaProject.from_bytes(xlwings_vba_project())
    except VbaProjectError as exc:
        raise CannotRun("xlwings-vba-missing", file=f"{XLWINGS_STANDALONE_WORKBOOK}: {exc}") from exc
    if any(m.name == layout.XLWINGS_SAMPLE_MODULE for m in project.modules):
        project = project.without_module(layout.XLWINGS_SAMPLE_MODULE)
    project = project.with_worksheet_modules(list(layout.SHEET_CODENAMES.values()))
    project = project.with_module(VbaModule(layout.VBA_MODULE, "standard", buttons_vba_source()))
    return project.to_bytes()


def xlwings_vba_project() -> bytes:
    """The ``vbaProject.bin`` of the installed xlwings' standalone quickstart workbook."""
    # find_spec locates the package without importing it (importing xlwings is slow on Windows).
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise CannotRun("xlwings-vba-missing", file="xlwings")
    source = Path(next(iter(spec.submodule_search_locations))) / XLWINGS_STANDALONE_WORKBOOK
    try:
        with zipfile.ZipFile(source) as archive:
            return archive.read(_VBA_PART)
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        raise CannotRun("xlwings-vba-missing", file=str(source)) from exc


def buttons_vba_source() -> str:
    resource = importlib.resources.files("xlsync.workbook").joinpath(layout.VBA_SOURCE_FILE)
    return resource.read_text(encoding="ascii")


# --- sheets ----------------------------------------------------------------


def _sheet(workbook: Workbook, name: str) -> Worksheet:
    sheet = workbook.add_worksheet(name)
    sheet.set_vba_name(layout.SHEET_CODENAMES[name])
    return sheet


def _write_control_sheet(workbook: Workbook) -> None:
    sheet = _sheet(workbook, layout.CONTROL_SHEET)
    title = workbook.add_format({"bold": True, "font_size": 16, "font_color": "#1F4E78"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    english = workbook.add_format({"italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top"})
    label = workbook.add_format({"bold": True, "valign": "top"})
    status = workbook.add_format({"text_wrap": True, "valign": "top", "border": 1})
    sheet.set_column("A:A", 2)
    sheet.set_column("B:B", 24)
    sheet.set_column("C:C", 2)
    sheet.set_column("D:D", 95)
    sheet.hide_gridlines(2)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.write(layout.TITLE_CELL, layout.TITLE, title)
    intro_row, intro_col = parse_address(layout.INTRO_CELL)
    sheet.merge_range(intro_row, intro_col, intro_row, intro_col + 2, layout.INTRO, wrap)
    sheet.set_row(intro_row, 32)
    for button in layout.BUTTONS:
        row, col = parse_address(button.cell)
        sheet.insert_button(
            row,
            col,
            {
                "macro": button.macro,
                "caption": button.caption,
                "width": layout.BUTTON_WIDTH_PX,
                "height": layout.BUTTON_HEIGHT_PX,
            },
        )
        description_col = parse_address(layout.DESCRIPTION_COLUMN + "1")[1]
        # Explicit heights: not every spreadsheet program grows rows for wrapped text.
        sheet.set_row(row, _DESCRIPTION_ROW_HEIGHT)
        sheet.set_row(row + 1, _DESCRIPTION_ROW_HEIGHT)
        sheet.write(row, description_col, button.description_vi, wrap)
        sheet.write(row + 1, description_col, button.description_en, english)
    sheet.write(layout.STATUS_LABEL_CELL, layout.STATUS_LABEL, label)
    sheet.write(layout.STATUS_CELL, layout.STATUS_INITIAL, status)
    sheet.set_row(parse_address(layout.STATUS_CELL)[0], 48)
    sheet.write(layout.STATUS_TIME_LABEL_CELL, layout.STATUS_TIME_LABEL, label)
    sheet.write_blank(layout.STATUS_TIME_CELL, None, status)
    sheet.activate()


def _write_settings_sheet(workbook: Workbook) -> None:
    sheet = _sheet(workbook, layout.SETTINGS_SHEET)
    title = workbook.add_format({"bold": True, "font_size": 14, "font_color": "#1F4E78"})
    header = workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top", "border": 1})
    english = workbook.add_format(
        {"italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top", "border": 1}
    )
    # Text format keeps paths and periods exactly as typed (no dates, no numbers).
    value = workbook.add_format({"num_format": "@", "bg_color": "#FFF2CC", "border": 1, "valign": "top"})
    sheet.set_column("A:A", 22)
    sheet.set_column("B:B", 50)
    sheet.set_column("C:D", 55)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.write(layout.SETTINGS_TITLE_CELL, layout.SETTINGS_TITLE, title)
    intro_row, intro_col = parse_address(layout.SETTINGS_INTRO_CELL)
    intro = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet.merge_range(intro_row, intro_col, intro_row, intro_col + 3, layout.SETTINGS_INTRO, intro)
    sheet.set_row(intro_row, 32)
    sheet.write_row(layout.SETTINGS_HEADER_ROW - 1, 0, layout.SETTINGS_HEADERS, header)
    for setting in layout.SETTINGS:
        row, col = parse_address(setting.cell)
        sheet.set_row(row, _SETTING_ROW_HEIGHT)
        sheet.write(row, col - 1, setting.label, wrap)
        sheet.write_blank(row, col, None, value)
        explanation = setting.explanation_vi + (f" Ví dụ: {setting.example}" if setting.example else "")
        sheet.write(row, col + 1, explanation, wrap)
        sheet.write(row, col + 2, setting.explanation_en, english)


def _write_conf_sheet(workbook: Workbook, interpreter: str | None) -> None:
    sheet = _sheet(workbook, layout.CONF_SHEET)
    note = workbook.add_format({"italic": True, "font_color": "#595959"})
    sheet.set_column("A:A", 30)
    sheet.set_column("B:B", 55)
    sheet.set_column("C:C", 90)
    for row, entry in enumerate(layout.XLWINGS_CONF):
        value = interpreter if entry.key == "Interpreter_Win" and interpreter else entry.value
        sheet.write_string(row, 0, entry.key)
        if value:
            sheet.write_string(row, 1, value)
        sheet.write_string(row, 2, entry.explanation, note)
