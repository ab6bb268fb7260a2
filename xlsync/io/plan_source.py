"""Where a plan comes from: a plan workbook, a working folder, or the bundled example.

The bundled plan (Kế hoạch 51/KH-UBND of xã Sơn Tây, 2024) is kept as
reviewable CSV tables in ``templates/plan/``; the .xlsx is built from them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from xlsync.core.issues import CannotRun, Issue
from xlsync.core.plan import Plan, Sheets
from xlsync.core.sheets import Sheet, WorkbookData
from xlsync.io.plan_cache import remembered
from xlsync.io.xlsx_read import MAX_FILE_BYTES, read_workbook

PLAN_FILE_NAME = "ke-hoach.xlsx"  # what `xlsync init` writes into a working folder
BUNDLED_NAME = "bundled:ke-hoach-51-KH-UBND-2024"
BUNDLED_FOLDER = "templates/plan"  # where the bundled tables are kept, as messages name them

BUNDLED_TABLES = {
    "thong_tin.csv": Sheets.INFO,
    "chi_tieu.csv": Sheets.INDICATORS,
    "so_lieu.csv": Sheets.ELEMENTS,
    "don_vi.csv": Sheets.UNITS,
    "noi_nhan.csv": Sheets.RECIPIENTS,
    "giao_chi_tieu.csv": Sheets.UNIT_TARGETS,
    "tieu_chi.csv": Sheets.CRITERIA,
    "khen_thuong.csv": Sheets.AWARDS,
}


@dataclass(slots=True)
class LoadedPlan:
    plan: Plan
    issues: list[Issue]
    origin: str  # "option" | "folder" | "bundled"

    @property
    def has_errors(self) -> bool:
        return any(i.is_error for i in self.issues)

    def require_usable(self) -> Plan:
        """Reports checked against a broken plan would be judged wrongly: refuse."""
        errors = sum(1 for i in self.issues if i.is_error)
        if errors:
            raise CannotRun("plan-has-errors", file=self.plan.source, count=errors)
        return self.plan


def bundled_tables() -> WorkbookData:
    return tables_workbook(bundled_texts())


def bundled_texts() -> dict[str, str]:
    """The bundled plan's CSV tables that exist, by file name."""
    folder = resources.files("xlsync.templates") / "plan"
    texts = {}
    for file_name in BUNDLED_TABLES:
        resource = folder / file_name
        if resource.is_file():
            texts[file_name] = resource.read_text(encoding="utf-8")
    return texts


def tables_workbook(texts: dict[str, str]) -> WorkbookData:
    workbook = WorkbookData(source=BUNDLED_NAME)
    for file_name, text in texts.items():
        sheet_name = BUNDLED_TABLES[file_name]
        workbook.sheets[sheet_name] = csv_sheet(text, sheet_name, f"{BUNDLED_FOLDER}/{file_name}")
    return workbook


def csv_sheet(text: str, sheet_name: str, file: str) -> Sheet:
    """A plan table kept as CSV, as a sheet; the first line is its header.

    A row with more fields than the header is refused: it is almost always a comma typed in a
    note without quotes, and reading it would silently cut the note (and shift what follows).
    """
    reader = csv.reader(io.StringIO(text))
    rows: list[list[object]] = []
    for fields in reader:
        if rows and len(fields) > len(rows[0]):
            raise CannotRun("csv-extra-fields", file=file, line=reader.line_num, count=len(fields),
                            expected=len(rows[0]))
        rows.append([value if value != "" else None for value in fields])
    return Sheet(sheet_name, rows)


def read_plan(workbook: WorkbookData) -> tuple[Plan, list[Issue]]:
    """The plan in ``workbook`` and its records.

    The reader (pandas frames checked by pandera) is imported only when a
    plan is read, not when it comes from the cache: a command that checks no
    report (template, push, send) then never loads pandas.
    """
    from xlsync.core.plan_reader import read_plan as read_plan_sheets

    return read_plan_sheets(workbook)


def load_bundled_plan() -> LoadedPlan:
    plan, issues = read_plan(bundled_tables())
    return LoadedPlan(plan, issues, "bundled")


def load_plan_file(path: str | Path) -> LoadedPlan:
    plan, issues = read_plan(read_workbook(path))
    return LoadedPlan(plan, issues, "option")


def find_folder_plan(start: Path | None = None) -> Path | None:
    """The plan of the xlsync working folder we are in (or above), as `init` wrote it."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / PLAN_FILE_NAME
        if candidate.is_file():
            return candidate
    return None


def resolve_plan(option: str | Path | None) -> LoadedPlan:
    """--plan if given, else the working folder's plan, else the bundled example.

    The plan read is kept between runs (:mod:`xlsync.io.plan_cache`): the
    next run over the same plan file, unchanged, does not read it again.
    """
    if option:
        if not Path(option).exists():
            raise CannotRun("file-not-found", file=str(option))
        return remembered_plan_file(option, "option")
    folder_plan = find_folder_plan()
    if folder_plan is not None:
        return remembered_plan_file(folder_plan, "folder")
    return remembered_bundled_plan()


def remembered_bundled_plan() -> LoadedPlan:
    """:func:`load_bundled_plan` through the cache."""
    texts = bundled_texts()
    content = "\0".join(f"{name}\0{text}" for name, text in texts.items()).encode("utf-8", "surrogatepass")
    plan, issues = remembered(BUNDLED_NAME, content, lambda: read_plan(tables_workbook(texts)))
    return LoadedPlan(plan, issues, "bundled")


def remembered_plan_file(path: str | Path, origin: str) -> LoadedPlan:
    """:func:`load_plan_file` through the cache."""
    content = _plan_bytes(path)
    if content is None:
        loaded = load_plan_file(path)
        loaded.origin = origin
        return loaded
    plan, issues = remembered(str(path), content, lambda: read_plan(read_workbook(path)))
    return LoadedPlan(plan, issues, origin)


def _plan_bytes(path: str | Path) -> bytes | None:
    """The bytes that key the cache; None when the reader must see the file (too large, unreadable) to refuse it."""
    try:
        if Path(path).stat().st_size > MAX_FILE_BYTES:
            return None
        return Path(path).read_bytes()
    except OSError:
        return None
