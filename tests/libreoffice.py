"""Recalculating workbooks with LibreOffice, forced to recompute every formula on load.

LibreOffice shows the values stored in an .xlsx unless told otherwise; a
check that only echoes our own stored numbers could never fail.  A private
profile with OOXMLRecalcMode = 0 ("always recalculate") makes it compute.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
from pathlib import Path
from typing import NoReturn

import pytest

RECALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str:
    return required_program("soffice", "libreoffice", package="libreoffice-calc-nogui")


def required_program(*names: str, package: str) -> str:
    """The path of the first program of ``names`` found; in CI a test fails without it, elsewhere it skips."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    missing(names[0], package)


def missing(what: str, package: str) -> NoReturn:
    """A test needing ``what`` fails in CI, where .ci/run installs ``package``; elsewhere it skips."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI: .ci/run installs {package}")
    pytest.skip(f"{what} ({package}) is not installed")


def recalculate(paths: list[Path], out_dir: Path, profile_dir: Path) -> list[Path]:
    """Convert (and so recalculate) workbooks into ``out_dir``; return the new paths."""
    user = profile_dir / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(RECALC_PROFILE, encoding="utf-8")
    out_dir.mkdir(parents=True, exist_ok=True)
    command = [
        soffice(), "--headless", "--norestore", "--nolockcheck",
        f"-env:UserInstallation={profile_dir.resolve().as_uri()}",
        "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out_dir), *map(str, paths),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=240)
    return [out_dir / p.name for p in paths]


def formula_cells(path: Path) -> dict[tuple[str, str], object]:
    """(sheet, address) of every formula cell of a workbook, with the value stored for it."""
    from openpyxl import load_workbook

    formulas = load_workbook(path)
    stored = load_workbook(path, data_only=True)
    return {(sheet.title, cell.coordinate): stored[sheet.title][cell.coordinate].value
            for sheet in formulas for row in sheet.iter_rows() for cell in row if cell.data_type == "f"}


def same_value(a: object, b: object) -> bool:
    """Equal as LibreOffice writes them back: blanks alike, numbers to 15 significant digits."""
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return a == b
