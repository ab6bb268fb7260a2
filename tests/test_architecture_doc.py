"""docs/architecture.md names every folder of the package, and every folder it names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"


def package_folders() -> list[str]:
    """``xlsync/cli/``… and the packages inside them (``xlsync/io/mail/``…), plus the folders installed
    as subpackages (``schemas/``…), as the doc writes them."""
    folders = [f"{init.parent.relative_to(ROOT).as_posix()}/" for init in (ROOT / "xlsync").rglob("__init__.py")
               if init.parent != ROOT / "xlsync" and "__pycache__" not in init.parts]
    top = [f"xlsync/{path.name}/" for path in (ROOT / "xlsync").iterdir()
           if path.is_dir() and path.name != "__pycache__" and not path.name.startswith(".")]
    installed_beside = ["schemas/", "templates/", "workbook/"]
    return sorted(set(folders + top + installed_beside))


def named_folders(text: str) -> set[str]:
    """The folders in the first column of the doc's table."""
    return set(re.findall(r"^\| `([^`]+/)` \|", text, flags=re.MULTILINE))


def test_every_folder_of_the_package_has_its_line():
    folders = package_folders()
    assert {"xlsync/core/", "xlsync/io/", "xlsync/core/scoring/", "schemas/"} <= set(folders)  # the walk saw the tree
    assert sorted(set(folders) - named_folders(DOC.read_text(encoding="utf-8"))) == []


def test_every_folder_the_doc_names_exists():
    missing = [folder for folder in named_folders(DOC.read_text(encoding="utf-8")) if not (ROOT / folder).is_dir()]
    assert missing == []


def folder_lines(text: str) -> dict[str, str]:
    """Each folder of the table → the text of its line."""
    return dict(re.findall(r"^\| `([^`]+/)` \| (.*)$", text, flags=re.MULTILINE))


def test_every_module_is_named_on_its_folders_line():
    lines = folder_lines(DOC.read_text(encoding="utf-8"))
    modules = [path for path in (ROOT / "xlsync").rglob("*.py") if path.name != "__init__.py"
               and "__pycache__" not in path.parts and path.parent != ROOT / "xlsync"]
    assert len(modules) > 100  # the walk saw the tree
    unnamed = [path.relative_to(ROOT).as_posix() for path in modules
               if f"`{path.stem}`" not in lines.get(f"{path.parent.relative_to(ROOT).as_posix()}/", "")]
    assert unnamed == []
