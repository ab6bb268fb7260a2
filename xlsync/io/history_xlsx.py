"""The history workbook (sổ diễn biến), written with XlsxWriter.

Sheets: «Diễn biến» (one row per indicator, one column per period in time
order), «So với cùng kỳ» (each period against the same period a year
earlier: both figures, the change and the change in %), «So với kế hoạch
năm» (each period against the year's target), the same three for the targets
assigned to units, «Biểu đồ» (a chart per indicator group), «Nguồn» (the
masters read, units added up, every record) and the hidden «_xlsync».

Figures are stored as numbers; a change or a ratio is a live formula with the
value xlsync computed stored beside it, written only where both figures are
numbers (a test recalculates them in LibreOffice).  Text from the masters
(names, groups, files) is written as text, quote-prefixed when it looks like
a formula.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from xlsxwriter.utility import xl_rowcol_to_cell

from xlsync import __version__
from xlsync.core.history.build import History, HistoryRow, Point, comparable, difference, is_pass_fail, \
    percent_change, plan_ratio
from xlsync.core.issues import Issue, severity_word
from xlsync.core.messages import text
from xlsync.core.progress import ProgressRule
from xlsync.core.row_height import row_height
from xlsync.io.master.cells import Columns, number_cell, print_setup, ratio_formula
from xlsync.io.xlsx_rows import Cell, Formula, RowSheet, user_text
from xlsync.io.xlsx_sheets import new_workbook, write_meta_sheet
from xlsync.io.xlsx_style import FONT, WARNING_FILL, Formats

HISTORY_KIND = "history"


class HistorySheets:
    TREND = "Diễn biến"
    SAME_PERIOD = "So với cùng kỳ"
    PLAN = "So với kế hoạch năm"
    UNIT_TREND = "Diễn biến theo đơn vị"
    UNIT_SAME_PERIOD = "Cùng kỳ theo đơn vị"
    UNIT_PLAN = "Kế hoạch năm theo đơn vị"
    CHARTS = "Biểu đồ"
    SOURCES = "Nguồn"


COMMUNE_LEAD = ("Mã", "Nhóm", "Chỉ tiêu", "Đơn vị tính")
UNIT_LEAD = ("Mã đơn vị", "Tên đơn vị", "Mã", "Chỉ tiêu", "Đơn vị tính")
LEAD_WIDTHS = {"Mã": 8, "Nhóm": 17, "Chỉ tiêu": 44, "Đơn vị tính": 16, "Mã đơn vị": 10, "Tên đơn vị": 20,
               "So sánh": 8, "Cách so sánh": 26}
NOTE = "Ghi chú"
SAME_PERIOD_LABELS = ("Kỳ này", "Cùng kỳ", "Tăng/giảm", "Tăng/giảm (%)")
PLAN_LEAD = ("So sánh", "Cách so sánh")
PLAN_LABELS = ("Kế hoạch năm", "Thực hiện", "So với KH năm (%)")
HEADER_ROW = 4  # 0-based: title, sources, note, blank, then the header
FIGURE_WIDTH, NOTE_WIDTH = 13, 60
SOURCE_LABELS = ("Kỳ", "Mã kỳ", "Tệp")
RECORD_LABELS = ("Mức", "Mã lỗi", "Tệp", "Trang", "Ô", "Nội dung")


def write_history(history: History, path: str | Path, *, created: datetime | None = None) -> Path:
    created = created or datetime.now().astimezone()
    target = Path(path)
    meta = {"kind": HISTORY_KIND, "periods": ", ".join(p.code for p in history.periods),
            "created": created.isoformat(timespec="seconds"), "xlsync_version": __version__}
    with new_workbook(target, title=text("history-title", "vi"), comments=f"Tạo bởi xlsync {__version__}",
                      metadata=meta) as (workbook, formats):
        book = _Book(workbook, formats, history)
        book.trend(HistorySheets.TREND, history.rows, COMMUNE_LEAD)
        book.same_period(HistorySheets.SAME_PERIOD, history.rows, COMMUNE_LEAD)
        plan_rows = book.plan(HistorySheets.PLAN, history.rows, COMMUNE_LEAD)
        if history.unit_rows:
            book.trend(HistorySheets.UNIT_TREND, history.unit_rows, UNIT_LEAD)
            book.same_period(HistorySheets.UNIT_SAME_PERIOD, history.unit_rows, UNIT_LEAD)
            book.plan(HistorySheets.UNIT_PLAN, history.unit_rows, UNIT_LEAD)
        book.charts(plan_rows)
        book.sources()
        write_meta_sheet(workbook, meta)
    return target


class _Book:
    def __init__(self, workbook, formats: Formats, history: History) -> None:
        self.workbook, self.formats, self.history = workbook, formats, history
        self.flag = workbook.add_format({"font_name": FONT, "font_size": 12, "valign": "vcenter", "border": 1,
                                         "text_wrap": True, "bg_color": WARNING_FILL})

    # --- the three tables -------------------------------------------------

    def trend(self, name: str, rows: list[HistoryRow], lead: tuple[str, ...]) -> None:
        periods = [p.name for p in self.history.periods]
        sheet = self._sheet(name, "history-title", len(lead) + len(periods))
        self._header(sheet, lead, [(label, (label,)) for label in periods], single=True)
        for row, item in enumerate(rows, start=HEADER_ROW + 1):
            cells = [*self._lead(item, lead), *(self._figure(p.actual if p else None) for p in item.points)]
            sheet.write_cells(row, [*cells, self._note(item.flags)], height=self._height(item, lead))
        self._finish(sheet, len(lead), len(lead) + len(periods), len(rows), rows_in_header=1)

    def same_period(self, name: str, rows: list[HistoryRow], lead: tuple[str, ...]) -> None:
        pairs = self.history.pairs
        sheet = self._sheet(name, "history-same-period-title", len(lead) + 4 * len(pairs))
        periods = self.history.periods
        blocks = [(text("history-table-caption", "vi", current=periods[now].name, previous=periods[then].name),
                   SAME_PERIOD_LABELS) for now, then in pairs]
        self._header(sheet, lead, blocks)
        if not pairs:
            sheet.write_string(HEADER_ROW + 2, 0, text("history-no-pairs", "vi"), self.formats["italic"])
        for row, item in enumerate(rows, start=HEADER_ROW + 2):
            cells = list(self._lead(item, lead))
            for now, then in pairs:
                cells += self._change_cells(row, len(cells), item, now, then)
            sheet.write_cells(row, [*cells, self._note(item.flags)], height=self._height(item, lead))
        self._finish(sheet, len(lead), len(lead) + 4 * len(pairs), len(rows), rows_in_header=2)

    def plan(self, name: str, rows: list[HistoryRow], lead: tuple[str, ...]) -> list[tuple[HistoryRow, int, list[int]]]:
        """The table against the year's target; returns (row, sheet row, ratio columns) for the charts."""
        periods = self.history.periods
        first = len(lead) + len(PLAN_LEAD)
        sheet = self._sheet(name, "history-plan-title", first + 3 * len(periods))
        sheet.write_string(2, 0, text("history-plan-note", "vi"), self.formats["italic"])
        self._header(sheet, (*lead, *PLAN_LEAD), [(p.name, PLAN_LABELS) for p in periods])
        comparison_col = len(lead)
        placed = []
        for row, item in enumerate(rows, start=HEADER_ROW + 2):
            cells = [*self._lead(item, lead), (item.comparison, self.formats["text"]),
                     (item.rule.value, self.formats["text"])]
            ratio_cols = []
            for point in item.points:
                target_col = len(cells)
                cells += [self._figure(point.annual_target if point else None),
                          self._figure(point.actual if point else None),
                          self._ratio(row, item, point, comparison_col, target_col)]
                ratio_cols.append(target_col + 2)
            sheet.write_cells(row, cells, height=self._height(item, lead, notes=False))
            placed.append((item, row, ratio_cols))
        self._finish(sheet, first, first + 3 * len(periods), len(rows), rows_in_header=2, note=False)
        return placed

    # --- cells ------------------------------------------------------------

    def _lead(self, item: HistoryRow, lead: tuple[str, ...]) -> list[Cell]:
        formats = self.formats
        renamed = any(f.code == "history-indicator-renamed" for f in item.flags)
        moved = any(f.code == "history-measure-changed" for f in item.flags)
        values = {"Mã": (item.code, False), "Nhóm": (item.group, False), "Chỉ tiêu": (item.name, renamed),
                  "Đơn vị tính": (item.measure, moved), "Mã đơn vị": (item.unit, False),
                  "Tên đơn vị": (item.unit_name, False)}
        cells = []
        for label in lead:
            value, flagged = values[label]
            cells.append(user_text(value, self.flag if flagged else formats["text"], formats["safe_text"]))
        return cells

    @staticmethod
    def _height(item: HistoryRow, lead: tuple[str, ...], *, notes: bool = True) -> float | None:
        """Tall enough for the wrapped name, group, unit name and (with ``notes``) the flags."""
        texts = {"Nhóm": item.group, "Chỉ tiêu": item.name, "Tên đơn vị": item.unit_name}
        cells = [(texts[label], LEAD_WIDTHS[label]) for label in lead if label in texts]
        if notes:
            cells.append(("\n".join(f.message_vi for f in item.flags), NOTE_WIDTH))
        return row_height(cells)

    def _figure(self, value) -> Cell:
        return number_cell(self.formats, value)

    def _note(self, flags: tuple[Issue, ...]) -> Cell:
        if not flags:
            return None, self.formats["text"]
        return "\n".join(f.message_vi for f in flags), self.flag

    def _change_cells(self, row: int, col: int, item: HistoryRow, now: int, then: int) -> list[Cell]:
        current, previous = item.points[now], item.points[then]
        cells = [self._figure(current.actual if current else None), self._figure(previous.actual if previous else None)]
        change = difference(current, previous) if comparable(item, now, then) else None
        if change is None:
            return [*cells, (None, self.formats["cell"]), (None, self.formats["cell"])]
        a, b = xl_rowcol_to_cell(row, col), xl_rowcol_to_cell(row, col + 1)
        percent = percent_change(current, previous)
        return [*cells, (Formula(f"={a}-{b}", change), self.formats["number"]),
                (Formula(f'=IF({b}=0,"",100*({a}-{b})/{b})', "" if percent is None else percent),
                 self.formats["percent"])]

    def _ratio(self, row: int, item: HistoryRow, point: Point | None, comparison_col: int, target_col: int) -> Cell:
        ratio = plan_ratio(item.rule, item.comparison, point)
        if ratio is None:
            return None, self.formats["cell"]
        if item.rule is ProgressRule.SHARE_OF_YEAR:
            target, actual = xl_rowcol_to_cell(row, target_col), xl_rowcol_to_cell(row, target_col + 1)
            formula = f'=IF({target}=0,"",100*{actual}/{target})'
        else:
            formula = ratio_formula(row, Columns(comparison=comparison_col, target=target_col, actual=target_col + 1))
        return Formula(formula, ratio), self.formats["percent"]

    # --- sheets -----------------------------------------------------------

    def _sheet(self, name: str, title: str, last_col: int) -> RowSheet:
        sheet = self.workbook.add_worksheet(name, worksheet_class=RowSheet)
        sheet.merge_range(0, 0, 0, max(last_col, 3), text(title, "vi"), self.formats["title"])
        files = ", ".join(Path(f).name for f in self.history.files)
        sheet.write_string(1, 0, text("history-sources", "vi", count=len(self.history.files), files=files),
                           self.formats["italic"])
        return sheet

    def _header(self, sheet: RowSheet, lead: tuple[str, ...], blocks: list[tuple[str, tuple[str, ...]]],
                *, single: bool = False) -> None:
        """The lead labels, then a block of columns per period (one title over its labels), then «Ghi chú»."""
        head = self.formats["header"]
        rows = 0 if single else 1
        for col, label in enumerate(lead):
            self._span(sheet, col, rows, label, head)
            sheet.set_column(col, col, LEAD_WIDTHS.get(label, FIGURE_WIDTH))
        col = len(lead)
        for title, labels in blocks:
            if single:
                sheet.write_string(HEADER_ROW, col, title, head)
            elif len(labels) > 1:
                sheet.merge_range(HEADER_ROW, col, HEADER_ROW, col + len(labels) - 1, title, head)
            if not single:
                for offset, label in enumerate(labels):
                    sheet.write_string(HEADER_ROW + 1, col + offset, label, head)
            sheet.set_column(col, col + len(labels) - 1, FIGURE_WIDTH)
            col += len(labels)
        self._span(sheet, col, rows, NOTE, head)
        sheet.set_column(col, col, NOTE_WIDTH)
        # The period names (single row) or the labels under them wrap: rows tall enough to show them.
        wrapped = [(title, FIGURE_WIDTH) for title, _ in blocks] if single else \
            [(label, FIGURE_WIDTH) for _, labels in blocks for label in labels]
        height = row_height(wrapped)
        if height is not None:
            sheet.set_row(HEADER_ROW + rows, height)

    @staticmethod
    def _span(sheet: RowSheet, col: int, extra_rows: int, label: str, fmt) -> None:
        if extra_rows:
            sheet.merge_range(HEADER_ROW, col, HEADER_ROW + extra_rows, col, label, fmt)
        else:
            sheet.write_string(HEADER_ROW, col, label, fmt)

    def _finish(self, sheet: RowSheet, frozen_cols: int, last_col: int, count: int, *, rows_in_header: int,
                note: bool = True) -> None:
        last_header = HEADER_ROW + rows_in_header - 1
        sheet.freeze_panes(last_header + 1, frozen_cols)
        if count:
            sheet.autofilter(last_header, 0, last_header + count, last_col if note else last_col - 1)
        print_setup(sheet, (HEADER_ROW, last_header))

    def charts(self, placed: list[tuple[HistoryRow, int, list[int]]]) -> None:
        """One bar chart per indicator group: each indicator's figure against the year's target, per period."""
        sheet = self.workbook.add_worksheet(HistorySheets.CHARTS)
        sheet.write_string(0, 0, text("history-plan-title", "vi"), self.formats["title"])
        groups: dict[str, list[tuple[int, list[int]]]] = {}
        for item, row, ratio_cols in placed:
            if not is_pass_fail(item.comparison):
                groups.setdefault(item.group, []).append((row, ratio_cols))
        top = 2
        name_col = COMMUNE_LEAD.index("Chỉ tiêu")
        for group, rows in groups.items():
            first, last = rows[0][0], rows[-1][0]
            chart = self.workbook.add_chart({"type": "bar"})
            for position, period in enumerate(self.history.periods):
                col = rows[0][1][position]
                chart.add_series({"name": period.name,
                                  "categories": [HistorySheets.PLAN, first, name_col, last, name_col],
                                  "values": [HistorySheets.PLAN, first, col, last, col]})
            chart.set_title({"name": f"{group}: % so với kế hoạch năm", "name_font": {"name": FONT, "size": 12}})
            chart.set_y_axis({"reverse": True})
            chart.set_x_axis({"min": 0, "name": "%"})
            chart.set_legend({"position": "bottom"})
            height = max(320, 30 * (last - first + 1) * max(1, len(self.history.periods)) // 2)
            chart.set_size({"width": 820, "height": height})
            sheet.insert_chart(top, 0, chart)
            top += height // 20 + 2

    def sources(self) -> None:
        sheet = self.workbook.add_worksheet(HistorySheets.SOURCES, worksheet_class=RowSheet)
        formats, history = self.formats, self.history
        text_fmt, safe = formats["text"], formats["safe_text"]
        for col, (label, width) in enumerate(zip(SOURCE_LABELS, (28, 12, 70))):
            sheet.write_string(0, col, label, formats["header"])
            sheet.set_column(col, col, width)
        for row, (period, file) in enumerate(zip(history.periods, history.files), start=1):
            sheet.write_cells(row, [user_text(v, text_fmt, safe) for v in (period.name, period.code, file)])
        row = len(history.files) + 2
        sheet.write_string(row, 0, "Đổi mã đơn vị", formats["bold"])
        merges = [m.message_vi for m in history.merges] or [text("history-merges-none", "vi")]
        for offset, line in enumerate(merges, start=1):
            sheet.write_cells(row + offset, [user_text(line, formats["plain"], formats["safe_text"])])
        row += len(merges) + 2
        for col, label in enumerate(RECORD_LABELS):
            sheet.write_string(row, col, label, formats["header"])
        for offset, issue in enumerate(history.issues, start=1):
            values = (severity_word(issue), issue.code, issue.file, issue.sheet, issue.cell, issue.message_vi)
            sheet.write_cells(row + offset, [user_text(v, text_fmt, safe) for v in values])
        print_setup(sheet, (0, 0))
