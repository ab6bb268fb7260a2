"""Every module of xlsync imports on its own, and every package of the source tree is shipped.

An import cycle shows only when one of its modules is imported first: each
module is imported here with no xlsync module loaded before it, in a child
of an interpreter that sees the installed xlsync as a user gets it (``-P``:
not the source folder).  A package missing from pyproject.toml's list is left out of
a non-editable install, so its modules fail to import there too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Imports each module named on stdin in a process forked before any xlsync module was loaded (pandera's
# check registry, for one, would refuse a module run twice in one process), as many at once as there are
# processors; prints {module: traceback} of the failures.  The libraries xlsync builds on are loaded
# once, before the forks, so that each fork runs only xlsync's own modules.
_CHILD = """
import importlib, json, os, sys, traceback
for library in ("numpy", "pandas", "pandera.pandas", "openpyxl", "xlsxwriter", "python_calamine", "defusedxml",
                "gspread", "google.auth", "requests", "click", "rich", "olefile", "xlwings"):
    try:
        importlib.import_module(library)
    except ImportError:
        pass


def start(name):
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            importlib.import_module(name)
            said = b""
        except BaseException:
            said = traceback.format_exc(limit=-4).encode()
        with os.fdopen(write, "wb") as out:
            out.write(said)
        os._exit(0)
    os.close(write)
    return pid, read


def finish(name, pid, read):
    with os.fdopen(read, "rb") as said:
        failure = said.read().decode()
    os.waitpid(pid, 0)
    if failure:
        failures[name] = failure


failures = {}
waiting = sys.stdin.read().split()
running = []
while waiting or running:
    while waiting and len(running) < (os.cpu_count() or 1):
        name = waiting.pop(0)
        running.append((name, *start(name)))
    finish(*running.pop(0))
print(json.dumps(failures))
"""


def _setuptools() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def source_packages() -> dict[str, Path]:
    """Package name → its folder in the source tree, for every folder with an ``__init__.py``."""
    packages: dict[str, Path] = {}
    for top, folder in _setuptools()["package-dir"].items():
        base = ROOT / folder
        for init in base.rglob("__init__.py"):
            if "__pycache__" in init.parts:
                continue
            relative = init.parent.relative_to(base).parts
            packages[".".join((top, *relative))] = init.parent
    return packages


def source_modules() -> list[str]:
    modules = []
    for package, folder in sorted(source_packages().items()):
        modules.append(package)
        modules += [f"{package}.{path.stem}" for path in sorted(folder.glob("*.py")) if path.stem != "__init__"]
    return modules


def test_every_package_of_the_source_tree_is_listed_for_installation():
    listed = set(_setuptools()["packages"])
    assert sorted(set(source_packages()) - listed) == []
    # Listed beyond the code: folders of data (the bundled plan, the document templates), each a real folder.
    data_folders = {name: _folder_of(name) for name in listed - set(source_packages())}
    assert sorted(data_folders) == ["xlsync.templates.documents", "xlsync.templates.plan"]
    assert all(folder.is_dir() and not (folder / "__init__.py").exists() for folder in data_folders.values())


def _folder_of(package: str) -> Path:
    """The source folder setuptools takes ``package`` from, by the longest mapped prefix."""
    mapping = _setuptools()["package-dir"]
    top = max((name for name in mapping if package == name or package.startswith(name + ".")), key=len)
    return ROOT / mapping[top] / Path(*package[len(top):].lstrip(".").split(".") if package != top else ())


@pytest.mark.skipif(not hasattr(os, "fork"), reason="each module is imported in a forked process")
def test_every_module_imports_on_its_own(tmp_path):
    modules = source_modules()
    assert {"xlsync.core.plan", "xlsync.io.mail.transport", "xlsync.schemas.plan", "xlsync.workbook.layout"} <= set(
        modules)  # the walk found the tree, mapped folders included
    child = subprocess.run(
        [sys.executable, "-P", "-c", _CHILD], input=" ".join(modules), capture_output=True, text=True,
        cwd=tmp_path, timeout=300,
    )
    assert child.returncode == 0, child.stderr
    failures = json.loads(child.stdout.strip().splitlines()[-1])
    assert failures == {}, "\n".join(f"{name}:\n{trace}" for name, trace in failures.items())
