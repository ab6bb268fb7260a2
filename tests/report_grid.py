"""A report sheet as a grid of cells, built from the real template layout and then edited as a clerk would."""

from __future__ import annotations

from dataclasses import dataclass, field

from xlsync.core.numbers import FAIL, PASS
from xlsync.core.plan import Plan
from xlsync.core.sheets import Cell, Sheet, WorkbookData, cell_address, parse_address
from xlsync.core.template import META_SHEET, REPORT_SHEET, report_layout

HEADER = 10  # the template's header row, as Excel numbers it


def typed(value: object) -> Cell:
    """A value as it sits in a sheet: Đạt/Chưa đạt are text, numbers are floats."""
    if isinstance(value, bool):
        return PASS if value else FAIL
    return float(value) if isinstance(value, int) else value


@dataclass
class Grid:
    """A report sheet being edited: cells by (row, col), merges and the reader's facts move with them."""

    rows: list[list[Cell]]
    metadata: dict[str, str]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    percent: set[tuple[int, int]] = field(default_factory=set)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)

    def __getitem__(self, address: str) -> Cell:
        row, col = parse_address(address)
        line = self.rows[row] if row < len(self.rows) else []
        return line[col] if col < len(line) else None

    def __setitem__(self, address: str, value: Cell) -> None:
        row, col = parse_address(address)
        while len(self.rows) <= row:
            self.rows.append([])
        line = self.rows[row]
        line.extend([None] * (col + 1 - len(line)))
        line[col] = value

    def insert_row(self, row: int, cells: dict[str, Cell] | None = None) -> None:
        """A new row ``row`` (Excel number), rows below move down; ``cells`` by column letter."""
        at = row - 1
        self.rows.insert(at, [])
        self.merged = [(r0 + (r0 >= at), c0, r1 + (r1 >= at), c1) for r0, c0, r1, c1 in self.merged]
        for letter, value in (cells or {}).items():
            self[f"{letter}{row}"] = value

    def insert_column(self, letter: str) -> None:
        """A new blank column ``letter``; columns from it move right."""
        at = parse_address(f"{letter}1")[1]
        for line in self.rows:
            if len(line) > at:
                line.insert(at, None)
        self.merged = [(r0, c0 + (c0 >= at), r1, c1 + (c1 >= at)) for r0, c0, r1, c1 in self.merged]

    def merge(self, span: str) -> None:
        first, last = span.split(":")
        self.merged.append((*parse_address(first), *parse_address(last)))

    def workbook(self, *, merge_facts: bool = True) -> WorkbookData:
        sheet = Sheet(REPORT_SHEET, [list(line) for line in self.rows], frozenset(self.percent), dict(self.formulas),
                      dict(self.errors), tuple(self.merged) if merge_facts else ())
        meta = Sheet(META_SHEET, [[key, value] for key, value in self.metadata.items()])
        return WorkbookData("bao-cao.xlsx", {REPORT_SHEET: sheet, META_SHEET: meta})


def template_grid(plan: Plan, unit_code: str, values: dict[str, object]) -> Grid:
    """The unit's template as shipped, with ``values`` typed in the «Số liệu» cells."""
    layout = report_layout(plan, plan.units[unit_code])
    grid = Grid([], layout.metadata, list(layout.merges))
    for cell in layout.cells:
        grid[cell_address(cell.row, cell.col)] = cell.value
    for item in layout.inputs:
        grid[cell_address(item.row, item.col)] = typed(values.get(item.element.code))
    return grid
