"""The scoring sheets of the master workbook: «Chấm điểm» and «Xếp hạng».

«Chấm điểm» has one row per criterion × unit with the score typed by the
unit and by the block, the points counted and how they were computed (the
inputs, the rule and the arithmetic, as the engine explains them), and
where each typed score came from (file and cell).

«Xếp hạng» ranks the units within each block.  Totals, the quantitative
subtotal, penalty points, the rank and the tie flag are live formulas over
«Chấm điểm» (with xlsync's values stored), so clicking a total shows that
it adds the unit's rows; the rank formula is the documented tie-break.
Proposed titles and their reasons are values: the rules behind them are
listed below the table.  One bar chart of totals per block.
"""

from __future__ import annotations

from pathlib import Path

from xlsxwriter.utility import xl_rowcol_to_cell

from xlsync.core.issues import Issue, severity_word
from xlsync.core.master.contents import RANK_LABELS, SCORE_LABELS, MasterSheets
from xlsync.core.numbers import format_number
from xlsync.core.row_height import LINE_HEIGHT, row_height
from xlsync.core.scoring.model import (
    AwardRule,
    CriterionKind,
    CriterionScore,
    QuotaBase,
    ScoreEntry,
    ScoreSource,
    UnitTotal,
)
from xlsync.core.scoring.run import ScoringResult
from xlsync.io.master.cells import header, print_setup
from xlsync.io.master.pages import chart_room, column_pixels
from xlsync.io.xlsx_rows import Cell, Formula, RowSheet, user_text
from xlsync.io.xlsx_style import FONT, PASS_FILL, PASS_FONT, WARNING_FILL, Formats, write_text


# Narrow columns with wrapped text, so that the columns printed (all but the last: the cell addresses and the
# English, kept on screen) fit one A4 landscape page wide at a readable scale (io/master/pages.fit_width_scale).
SCORE_WIDTHS = (14, 8, 16, 8, 14, 32, 10, 8, 8, 8, 8, 8, 12, 20, 48, 34, 70)
RANK_WIDTHS = (14, 7, 10, 18, 10, 11, 9, 9, 32, 20, 56, 60)
SCORE_PRINTED = SCORE_LABELS.index("Cách tính") + 1  # columns printed: not «Ô nguồn», not the English
RANK_PRINTED = len(RANK_LABELS) - 1  # not the English
CHECK_LABELS = ("Mức", "Mã lỗi", "Tệp", "Trang", "Ô", "Giá trị", "Nội dung", "Message")
SOURCE_LABELS = ("Tệp", "Khối thi đua", "Kỳ chấm điểm", "Sửa lần cuối", "SHA-256")
HEADER_ROW = 4  # 0-based row of both tables' headers, below the title
TIED = "Có"
POINTS_FORMAT = "0.00"
DATA_SOURCE = "Sổ tổng hợp, trang «Theo đơn vị» (chỉ tiêu giao cho đơn vị)"
CHART_GAP = 10  # pixels
CHART_WIDTH = sum(column_pixels(width) for width in RANK_WIDTHS[1:RANK_PRINTED]) - 20  # the printed width, from B
# The lists below the ranking spread their columns over the ranking's printed ones, each (first, last).
RECORD_SPANS = ((0, 0), (1, 2), (3, 3), (4, 4), (5, 5), (6, 7), (8, 8), (9, 10))  # CHECK_LABELS
SOURCE_SPANS = ((0, 2), (3, 3), (4, 5), (6, 8), (9, 10))  # SOURCE_LABELS

# Column positions the formulas use (0-based), named after the labels above.
S_UNIT, S_KIND, S_POINTS, S_SELF, S_REVIEW = (SCORE_LABELS.index(x) for x in
                                               ("Mã đơn vị", "Loại", "Điểm", "Tự chấm", "Khối chấm"))
R_BLOCK, R_RANK, R_UNIT, R_NAME, R_TOTAL, R_QUANT, R_PENALTY, R_TIED, R_TITLE = (
    RANK_LABELS.index(x) for x in ("Khối thi đua", "Hạng", "Mã đơn vị", "Tên đơn vị", "Tổng điểm",
                                   "Điểm định lượng", "Điểm trừ", "Đồng hạng", "Danh hiệu đề nghị"))


def write_scoring_sheets(workbook, formats: Formats, scoring: ScoringResult) -> None:
    points = workbook.add_format({"font_name": FONT, "font_size": 12, "valign": "vcenter", "border": 1,
                                  "num_format": POINTS_FORMAT})
    last_score_row = _scores_sheet(workbook, formats, points, scoring)
    _ranking_sheet(workbook, formats, points, scoring, last_score_row)


def _title(sheet, formats: Formats, scoring: ScoringResult, heading: str, note: str, last_col: int) -> None:
    sheet.merge_range(0, 0, 0, last_col, f"{heading} – {scoring.period.upper()}", formats["title"])
    sheet.merge_range(1, 0, 1, last_col, f"(Kèm theo {scoring.plan.label})", formats["center_italic"])
    sheet.merge_range(2, 0, 2, last_col, note, formats["wrap"])
    sheet.set_row(2, 48)


def _number(formats: Formats, fmt, value: float | None) -> Cell:
    return (None, formats["cell"]) if value is None else (value, fmt)


def scoring_extents(scoring: ScoringResult) -> dict[str, tuple[int, int]]:
    """Rows and columns each scoring sheet needs (at most: the lists below the ranking counted in full)."""
    below_ranking = len(scoring.plan.award_rules) + len(scoring.issues) + len(scoring.files) + 10
    return {
        MasterSheets.SCORES: (HEADER_ROW + 1 + len(scoring.scores), len(SCORE_LABELS)),
        MasterSheets.RANKING: (HEADER_ROW + 1 + len(scoring.totals) + below_ranking, len(RANK_LABELS)),
    }


# --- «Chấm điểm» -------------------------------------------------------------------


def _scores_sheet(workbook, formats: Formats, points, scoring: ScoringResult) -> int:
    """Write the sheet; return its last data row (0-based), for the ranking's formulas."""
    sheet = workbook.add_worksheet(MasterSheets.SCORES, worksheet_class=RowSheet)
    note = ("Mỗi dòng là điểm của một đơn vị ở một tiêu chí. «Điểm» là điểm được tính: điểm «Khối chấm» nếu có, "
            "nếu không là điểm «Tự chấm»; tiêu chí định lượng tính từ số liệu. «Cách tính» ghi số liệu, quy tắc "
            "và phép tính; «Ô nguồn» (trên màn hình, không in) là ô đã nhập điểm.")
    _title(sheet, formats, scoring, "KẾT QUẢ CHẤM ĐIỂM THI ĐUA", note, SCORE_PRINTED - 1)
    header(sheet, formats, HEADER_ROW, SCORE_LABELS, SCORE_WIDTHS)
    row = HEADER_ROW
    for row, score in enumerate(scoring.scores, start=HEADER_ROW + 1):
        _score_row(sheet, formats, points, row, score, scoring)
    if scoring.scores:
        sheet.autofilter(HEADER_ROW, 0, row, len(SCORE_LABELS) - 1)
    sheet.freeze_panes(HEADER_ROW + 1, 4)
    print_setup(sheet, (HEADER_ROW, HEADER_ROW))
    sheet.print_area(0, 0, row, SCORE_PRINTED - 1)
    return row


def _score_row(sheet: RowSheet, formats: Formats, points, row: int, score: CriterionScore,
               scoring: ScoringResult) -> None:
    criterion = scoring.criterion(score.criterion)
    unit = scoring.plan.units[score.unit]
    entry = scoring.entries.get((score.unit, score.criterion))
    texts = {0: score.block, 1: unit.code, 2: unit.name, 3: criterion.code, 4: criterion.group, 5: criterion.name,
             6: criterion.kind.value, 12: score.source.value, 13: entry.evidence if entry else "",
             14: score.explanation_vi, 15: _source_cell(score, entry), 16: score.explanation_en}
    cells: dict[int, Cell] = {col: user_text(value, formats["text"], formats["safe_text"])
                              for col, value in texts.items()}
    cells[7] = _number(formats, formats["number"], criterion.max_points)
    cells[S_SELF] = _number(formats, points, score.self_score)
    cells[S_REVIEW] = _number(formats, points, score.block_score)
    self_cell, review_cell = xl_rowcol_to_cell(row, S_SELF), xl_rowcol_to_cell(row, S_REVIEW)
    cells[10] = (Formula(f'=IF(OR({self_cell}="",{review_cell}=""),"",{review_cell}-{self_cell})',
                         "" if score.difference is None else score.difference), points)
    cells[S_POINTS] = (score.points, points)
    sheet.write_cells(row, [cells[col] for col in range(len(SCORE_LABELS))], height=_row_height(texts, SCORE_WIDTHS))


def _row_height(texts: dict[int, str], widths: tuple[int, ...]) -> float | None:
    """Tall enough for its wrapped texts: spreadsheets do not size rows of a written file."""
    return row_height((value, widths[col]) for col, value in texts.items())


def _source_cell(score: CriterionScore, entry: ScoreEntry | None) -> str:
    """Where the counted score was typed: file › sheet!cell (or the master's data)."""
    if score.source is ScoreSource.DATA and score.kind is CriterionKind.QUANTITATIVE:
        return DATA_SOURCE
    if entry is None:
        return ""
    cell = entry.cells.block_score if score.source is ScoreSource.BLOCK else entry.cells.self_score
    return f"{Path(entry.file).name} › {entry.sheet}!{cell}" if cell else Path(entry.file).name


# --- «Xếp hạng» -------------------------------------------------------------------


def _ranking_sheet(workbook, formats: Formats, points, scoring: ScoringResult, last_score_row: int) -> None:
    sheet = workbook.add_worksheet(MasterSheets.RANKING, worksheet_class=RowSheet)
    note = ("Xếp hạng trong từng khối theo tổng điểm; bằng tổng điểm thì đơn vị có điểm định lượng cao hơn xếp "
            "trên, rồi đơn vị bị trừ ít điểm hơn. Bằng cả ba thì đồng hạng (không xếp theo tên). "
            "Đề nghị khen thưởng theo trang «Khen thưởng» của kế hoạch (xem dưới bảng).")
    _title(sheet, formats, scoring, "XẾP HẠNG THI ĐUA VÀ ĐỀ NGHỊ KHEN THƯỞNG", note, RANK_PRINTED - 1)
    header(sheet, formats, HEADER_ROW, RANK_LABELS, RANK_WIDTHS)
    first = HEADER_ROW + 1
    last = HEADER_ROW + max(len(scoring.totals), 1)
    sums = _SumRanges(HEADER_ROW + 1, max(last_score_row, HEADER_ROW + 1))
    for row, total in enumerate(scoring.totals, start=first):
        _ranking_row(sheet, formats, points, row, total, scoring, sums, (first, last))
    if scoring.totals:
        sheet.autofilter(HEADER_ROW, 0, last, len(RANK_LABELS) - 1)
        _highlights(workbook, sheet, first, last)
    row = last + 2
    row = _award_rules(sheet, formats, scoring.plan.award_rules, row)
    row = _records(sheet, formats, scoring.issues, row + 1)
    row = _score_files(sheet, formats, scoring, row + 1)
    if scoring.totals:
        breaks, row = _charts(workbook, sheet, scoring.totals, first, row + 1)
        sheet.set_h_pagebreaks(breaks)
    sheet.freeze_panes(HEADER_ROW + 1, 4)
    print_setup(sheet, (HEADER_ROW, HEADER_ROW))
    sheet.print_area(0, 0, row, RANK_PRINTED - 1)


class _SumRanges:
    """Absolute ranges of «Chấm điểm» that the totals add up."""

    def __init__(self, first: int, last: int) -> None:
        name = f"'{MasterSheets.SCORES}'!"

        def column(col: int) -> str:
            top = xl_rowcol_to_cell(first, col, row_abs=True, col_abs=True)
            bottom = xl_rowcol_to_cell(last, col, row_abs=True, col_abs=True)
            return f"{name}{top}:{bottom}"

        self.points, self.unit, self.kind = column(S_POINTS), column(S_UNIT), column(S_KIND)

    def total(self, unit_cell: str, kind: CriterionKind | None = None, sign: str = "") -> str:
        condition = f',{self.kind},"{kind.value}"' if kind else ""
        return f"=ROUND({sign}SUMIFS({self.points},{self.unit},{unit_cell}{condition}),2)"


def _ranking_row(sheet: RowSheet, formats: Formats, points, row: int, total: UnitTotal, scoring: ScoringResult,
                 sums: _SumRanges, span: tuple[int, int]) -> None:
    unit = scoring.plan.units[total.unit]
    unit_cell = xl_rowcol_to_cell(row, R_UNIT)
    texts = {R_BLOCK: total.block, R_UNIT: unit.code, R_NAME: unit.name, 8: total.rank_note_vi,
             R_TITLE: total.title, 10: total.reason_vi, 11: _english(total)}
    cells: dict[int, Cell] = {col: user_text(value, formats["text"], formats["safe_text"])
                              for col, value in texts.items()}
    cells[R_TOTAL] = (Formula(sums.total(unit_cell), total.total), points)
    cells[R_QUANT] = (Formula(sums.total(unit_cell, CriterionKind.QUANTITATIVE), total.quantitative), points)
    cells[R_PENALTY] = (Formula(sums.total(unit_cell, CriterionKind.PENALTY, "-"), total.penalty), points)
    cells[R_RANK] = (Formula(_rank_formula(row, span), total.rank), formats["integer"])
    cells[R_TIED] = (Formula(_tied_formula(row, span), TIED if total.tied else ""), formats["cell"])
    sheet.write_cells(row, [cells[col] for col in range(len(RANK_LABELS))], height=_row_height(texts, RANK_WIDTHS))


def _column(col: int, span: tuple[int, int]) -> str:
    first, last = span
    return f"{xl_rowcol_to_cell(first, col, row_abs=True, col_abs=True)}:" \
           f"{xl_rowcol_to_cell(last, col, row_abs=True, col_abs=True)}"


def _rank_formula(row: int, span: tuple[int, int]) -> str:
    """1 + the units of the block ahead on total, then on quantitative points, then on fewer penalty points."""
    block, total, quant, penalty = (_column(c, span) for c in (R_BLOCK, R_TOTAL, R_QUANT, R_PENALTY))
    b, t, q, p = (xl_rowcol_to_cell(row, c) for c in (R_BLOCK, R_TOTAL, R_QUANT, R_PENALTY))
    return (f'=1+COUNTIFS({block},{b},{total},">"&{t})'
            f'+COUNTIFS({block},{b},{total},{t},{quant},">"&{q})'
            f'+COUNTIFS({block},{b},{total},{t},{quant},{q},{penalty},"<"&{p})')


def _tied_formula(row: int, span: tuple[int, int]) -> str:
    block, total, quant, penalty = (_column(c, span) for c in (R_BLOCK, R_TOTAL, R_QUANT, R_PENALTY))
    b, t, q, p = (xl_rowcol_to_cell(row, c) for c in (R_BLOCK, R_TOTAL, R_QUANT, R_PENALTY))
    return f'=IF(COUNTIFS({block},{b},{total},{t},{quant},{q},{penalty},{p})>1,"{TIED}","")'


def _english(total: UnitTotal) -> str:
    return " ".join(part for part in (total.rank_note_en, total.reason_en) if part)


def _highlights(workbook, sheet, first: int, last: int) -> None:
    """Tied units stand out (a tie is shown, never hidden); so do proposed titles."""
    tied_flag = xl_rowcol_to_cell(first, R_TIED, col_abs=True)
    sheet.conditional_format(first, 0, last, R_TIED, {
        "type": "formula", "criteria": f'={tied_flag}="{TIED}"',
        "format": workbook.add_format({"bg_color": WARNING_FILL})})
    sheet.conditional_format(first, R_TITLE, last, R_TITLE, {
        "type": "no_blanks", "format": workbook.add_format({"bg_color": PASS_FILL, "font_color": PASS_FONT})})


def _charts(workbook, sheet, totals: list[UnitTotal], first: int, at_row: int) -> tuple[list[int], int]:
    """One bar chart of totals per block, stacked below the tables from ``at_row`` on pages of their own (none
    split across two); returns the rows to break the pages above, and the row below the last chart."""
    blocks: dict[str, list[int]] = {}
    for row, total in enumerate(totals, start=first):
        blocks.setdefault(total.block, []).append(row)
    # What a page holds below the repeated header, in pixels of the sheet (XlsxWriter's rows are 20 pixels).
    page = chart_room(RANK_WIDTHS[:RANK_PRINTED], 2 * LINE_HEIGHT)
    row, used, breaks = at_row, 0.0, [at_row]
    for block, rows in blocks.items():
        chart = workbook.add_chart({"type": "bar"})
        chart.add_series({
            "name": f"Tổng điểm – {block}",
            "categories": [MasterSheets.RANKING, rows[0], R_NAME, rows[-1], R_NAME],
            "values": [MasterSheets.RANKING, rows[0], R_TOTAL, rows[-1], R_TOTAL],
            "fill": {"color": "#4472C4"},
            "data_labels": {"value": True, "num_format": POINTS_FORMAT, "font": {"name": FONT}},
        })
        chart.set_title({"name": f"Tổng điểm – {block}", "name_font": {"name": FONT, "size": 12}})
        chart.set_legend({"none": True})
        chart.set_x_axis({"num_font": {"name": FONT}})
        chart.set_y_axis({"reverse": True, "num_font": {"name": FONT}})
        height = min(max(220, 40 * len(rows) + 90), page - CHART_GAP)  # thinner bars beyond a page
        chart.set_size({"width": CHART_WIDTH, "height": height})
        span = -(-(height + CHART_GAP) // 20) + 1  # the rows it covers, and one between charts
        if used and used + span * 20 > page:
            breaks.append(row)
            used = 0.0
        # Below the row's top: a chart starting on a page break has a sliver printed on the page above.
        sheet.insert_chart(row, 1, chart, {"y_offset": CHART_GAP})
        row, used = row + span, used + span * 20
    return breaks, row


def _award_rules(sheet, formats: Formats, rules: list[AwardRule], row: int) -> int:
    sheet.write_string(row, 0, "Tiêu chuẩn đề nghị khen thưởng (xét theo thứ tự; mỗi đơn vị nhận danh hiệu "
                       "đầu tiên đủ điều kiện)", formats["bold"])
    if not rules:
        sheet.write_string(row + 1, 0, "Kế hoạch chưa có trang «Khen thưởng»: không đề nghị.", formats["plain"])
        return row + 2
    for row, rule in enumerate(rules, start=row + 1):
        write_text(sheet, row, 0, rule.title, formats["plain"], formats["safe_text"])
        sheet.write_string(row, 3, _rule_text(rule), formats["plain"])
    return row + 1


def _rule_text(rule: AwardRule) -> str:
    parts = []
    if rule.block:
        parts.append(f"khối {rule.block}")
    if rule.min_total is not None:
        parts.append(f"từ {format_number(rule.min_total)} điểm")
    if rule.top_k is not None:
        parts.append(f"{rule.top_k} đơn vị dẫn đầu mỗi khối")
    if rule.quota_percent is not None:
        parts.append(f"không quá {format_number(rule.quota_percent)}% số đơn vị "
                     f"{'toàn xã' if rule.quota_base is QuotaBase.ALL else 'của khối'} (làm tròn xuống)")
    return "; ".join(parts) or "mọi đơn vị còn lại"


def _records(sheet, formats: Formats, issues: list[Issue], row: int) -> int:
    sheet.write_string(row, 0, "Kết quả kiểm tra bảng chấm điểm", formats["bold"])
    if not issues:
        sheet.write_string(row + 1, 0, "Không có lỗi.", formats["plain"])
        return row + 2
    _spread_row(sheet, row + 1, CHECK_LABELS, RECORD_SPANS, formats["header"])
    for row, issue in enumerate(issues, start=row + 2):
        values = (severity_word(issue), issue.code, issue.file, issue.sheet, issue.cell,
                  issue.value, issue.message_vi, issue.message_en)
        _spread_row(sheet, row, values, RECORD_SPANS, formats["text"], formats["safe_text"])
    return row + 1


def _spread_row(sheet, row: int, values: tuple[object, ...], spans: tuple[tuple[int, int], ...], fmt,
                safe_fmt=None) -> None:
    """A row of a list below the ranking, each value over its span of the ranking's columns (merged), the row
    as tall as its wrapped text: the ranking's narrow columns alone would cut a message or a checksum."""
    for value, (first, last) in zip(values, spans):
        if last > first:
            sheet.merge_range(row, first, row, last, "", fmt)
        write_text(sheet, row, first, value, fmt, safe_fmt)
    height = row_height((value, sum(RANK_WIDTHS[first:last + 1])) for value, (first, last) in zip(values, spans))
    if height is not None:
        sheet.set_row(row, height)


def _score_files(sheet, formats: Formats, scoring: ScoringResult, row: int) -> int:
    """The score workbooks read, from ``row``; returns the first row below them."""
    below = row + 2 + len(scoring.files)
    sheet.write_string(row, 0, "Bảng chấm điểm đã dùng", formats["bold"])
    _spread_row(sheet, row + 1, SOURCE_LABELS, SOURCE_SPANS, formats["header"])
    for row, item in enumerate(scoring.files, start=row + 2):
        block = item.sheet.block if item.sheet else ""
        period = item.sheet.period if item.sheet else ""
        values = (Path(item.path).name, block, period, item.metadata.get("modified", ""),
                  item.metadata.get("sha256", ""))
        _spread_row(sheet, row, values, SOURCE_SPANS, formats["text"], formats["safe_text"])
    return below
