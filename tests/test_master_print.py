"""The demo master printed to PDF by LibreOffice reads as a clerk would sign it.

One soffice call prints the whole workbook; the pages' text (pdftotext) shows whether a cell is cut or
spills over its neighbours, whether «Nơi nhận» lists one recipient a line, and where each sheet's pages
start, so that «Tổng hợp» is seen to fit its pages with the chart on a page of its own.
"""

from __future__ import annotations

import openpyxl
import pytest
from openpyxl.utils import column_index_from_string

from pdf_text import A4_LANDSCAPE, column_pixels, column_texts, flat, label_centre, page_sizes, page_texts, \
    page_words, print_to_pdf, require_metric_fonts, squeezed
from xlsync.core.master.contents import CHECK_LABELS, PERIOD_PROGRESS_LABELS, PROGRESS_LABELS, SCORE_LABELS, \
    MasterSheets
from xlsync.core.submission import SUBMISSION_LABELS, submission_of
from xlsync.core.master.tables import EXPLANATION, GROUP, NAME, NOTE, SUMMARY_LABELS
from xlsync.io.master.by_unit import TITLE as BY_UNIT_TITLE
from xlsync.core.master.contents import RANK_LABELS
from xlsync.io.master.pages import fit_width_scale
from xlsync.io.master.periods import PROGRESS_HEADER_ROW, SUBMISSION_WIDTHS, PROGRESS_WIDTHS as PERIOD_WIDTHS
from xlsync.io.master.scoring import RANK_WIDTHS, RECORD_SPANS, SCORE_WIDTHS
from xlsync.io.master.write import CHECK_WIDTHS, PROGRESS_WIDTHS, SUMMARY_WIDTHS, recipient_line
from xlsync.jobs.demo import run_demo

pytestmark = pytest.mark.libreoffice

CHART_TITLE = "Tỷ lệ đạt kế hoạch theo chỉ tiêu (%)"
SCORE_FILES_TITLE = "Bảng chấm điểm đã dùng"  # the last list below the ranking
# The demo's 24 indicators fill the first page, one page wide; «Nơi nhận» and the signature, kept together,
# go to the second.
TABLE_PAGES = 2


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    require_metric_fonts()
    folder = tmp_path_factory.mktemp("print")
    demo = run_demo(folder / "demo")
    (pdf,) = print_to_pdf([demo.master], folder / "pdf", folder / "profile")
    return demo, pdf, page_texts(pdf)


@pytest.fixture(scope="module")
def summary_words(printed, summary_pages):
    """The words of the table's pages of «Tổng hợp» (all but the chart's)."""
    _, pdf, _ = printed
    return page_words(pdf)[:len(summary_pages) - 1]


@pytest.fixture(scope="module")
def summary_pages(printed):
    """The pages of «Tổng hợp»: those before the first page of «Theo đơn vị»."""
    _, _, pages = printed
    first_by_unit = next(i for i, text in enumerate(pages) if BY_UNIT_TITLE in flat(text))
    return pages[:first_by_unit]


def test_every_page_is_a4_landscape(printed):
    _, pdf, pages = printed
    sizes = page_sizes(pdf)
    assert len(sizes) == len(pages)
    assert {(round(w), round(h)) for w, h in sizes} == {tuple(round(x) for x in A4_LANDSCAPE)}


def test_every_indicator_name_and_note_reads_whole(printed, summary_pages, summary_words):
    """Read column by column, each cell's text is whole: not cut, not spilling over the next row's."""
    demo, _, _ = printed
    columns = ["".join(page) for page in zip(*(column_texts(words, SUMMARY_LABELS, SUMMARY_WIDTHS)
                                               for words in summary_words))]
    wanted = {label: [] for label in (GROUP, NAME, EXPLANATION, NOTE)}
    for result in demo.consolidation.results:
        indicator = result.indicator
        for label, text in ((GROUP, indicator.group), (NAME, indicator.name), (EXPLANATION, result.explanation),
                            (NOTE, indicator.note)):
            if text:
                wanted[label].append(text)
    assert len(wanted[NOTE]) >= 10 and len(wanted[NAME]) == len(demo.consolidation.results)
    cut = {label: [text for text in texts if squeezed(text) not in columns[SUMMARY_LABELS.index(label)]]
           for label, texts in wanted.items()}
    assert {label: texts for label, texts in cut.items() if texts} == {}


def test_recipients_one_per_line(printed, summary_pages):
    demo, _, _ = printed
    lines = [line.strip() for line in "\n".join(summary_pages).splitlines() if line.strip()]
    names = [r.name for r in demo.consolidation.plan.recipients]
    recipients = [recipient_line(name, last=i == len(names) - 1) for i, name in enumerate(names)]
    assert len(recipients) >= 5 and recipients[0] == f"- {names[0]};" and recipients[-1].endswith(".")
    assert "Nơi nhận:" in lines
    assert recipients[0] in lines
    first = lines.index(recipients[0])
    assert lines[first:first + len(recipients)] == recipients


def test_signature_block_reads_whole_on_the_last_table_page(printed, summary_pages):
    info = printed[0].consolidation.plan.info
    last_table_page = [line.strip() for line in summary_pages[-2].splitlines()]
    for line in (f"TM. {info.issuer.upper()}", info.signer_title.upper(), info.signer, "Nơi nhận:"):
        assert line in last_table_page
    # Not the signature alone: the table's last rows go with it.
    last_codes = [result.indicator.code for result in printed[0].consolidation.results[-2:]]
    assert [code for code in last_codes if code not in last_table_page] == []


def test_summary_fits_its_pages_with_the_chart_on_its_own(printed, summary_pages, summary_words):
    demo, _, _ = printed
    codes = [r.indicator.code for r in demo.consolidation.results]
    *tables, chart = summary_pages
    assert len(tables) == TABLE_PAGES
    for page, words in zip(tables, summary_words):  # the header row on every page, all of its columns
        columns = column_texts(words, SUMMARY_LABELS, SUMMARY_WIDTHS)
        assert [label for label, text in zip(SUMMARY_LABELS, columns) if squeezed(label) not in text] == []
        assert squeezed(CHART_TITLE) not in squeezed(page)
    assert squeezed(CHART_TITLE) in squeezed(chart)
    chart_words = chart.split()
    assert [code for code in codes if code not in chart_words] == []  # every bar on this one page
    assert [r.indicator.name for r in demo.consolidation.results if r.indicator.name in flat(chart)] == []


def test_ranking_charts_each_whole_on_a_page_after_the_tables(printed):
    """«Xếp hạng»: each block's chart on one page (all its bars), below the ranking and its lists."""
    demo, _, pages = printed
    texts = [squeezed(page) for page in pages]
    last_list = max(i for i, text in enumerate(texts) if squeezed(SCORE_FILES_TITLE) in text)
    blocks: dict[str, list[str]] = {}
    for total in demo.scoring.totals:
        blocks.setdefault(total.block, []).append(demo.consolidation.plan.units[total.unit].name)
    assert len(blocks) >= 3
    for block, names in blocks.items():
        (page,) = [i for i, text in enumerate(texts) if squeezed(f"Tổng điểm – {block}") in text]
        assert page > last_list
        assert [name for name in names if squeezed(name) not in texts[page]] == []


def test_every_check_message_reads_whole(printed):
    """«Kiểm tra»: each record's Vietnamese and English message whole in its column, rows as tall as they need."""
    demo, pdf, pages = printed
    labels = [squeezed(label) for label in CHECK_LABELS]
    sheet_pages = [i for i, text in enumerate(pages) if all(label in squeezed(text) for label in labels)
                   and squeezed(RANK_LABELS[0]) not in squeezed(text)]  # not «Xếp hạng»'s list of records
    assert sheet_pages
    words = page_words(pdf)
    columns = ["".join(page) for page in zip(*(column_texts(words[i], CHECK_LABELS, CHECK_WIDTHS)
                                               for i in sheet_pages))]
    issues = demo.consolidation.issues
    assert len(issues) >= 4
    vi, en = columns[CHECK_LABELS.index("Nội dung")], columns[CHECK_LABELS.index("Message")]
    assert [i.message_vi for i in issues if squeezed(i.message_vi) not in vi] == []
    assert [i.message_en for i in issues if squeezed(i.message_en) not in en] == []


# --- The wide tables: one A4 landscape page wide at a readable scale ------------------------------------

READABLE = 0.55  # below this a 12-point table prints smaller than 6.6 points: not for signing
WIDE_TABLES = {  # sheet: (its Vietnamese title, a label only its header has, its labels, its column widths)
    MasterSheets.PROGRESS: ("Tiến độ nộp báo cáo –", "Nộp đúng hạn", PROGRESS_LABELS + SUBMISSION_LABELS,
                            PROGRESS_WIDTHS + SUBMISSION_WIDTHS),
    MasterSheets.SCORES: ("KẾT QUẢ CHẤM ĐIỂM THI ĐUA", "Mã tiêu chí", SCORE_LABELS, SCORE_WIDTHS),
    MasterSheets.RANKING: ("XẾP HẠNG THI ĐUA VÀ ĐỀ NGHỊ KHEN THƯỞNG", "Đồng hạng", RANK_LABELS, RANK_WIDTHS),
}
NOT_PRINTED = {MasterSheets.PROGRESS: set(), MasterSheets.SCORES: {"Ô nguồn", "How it was computed"},
               MasterSheets.RANKING: {"Ranking and proposal (English)"}}


def printed_columns(sheet) -> int:
    """How many columns from A the sheet prints: those of its print area, else all it has."""
    if not sheet.print_area:
        return sheet.max_column
    last = sheet.print_area.split(",")[0].split(":")[-1]  # openpyxl gives "'Sheet'!$A$1:$O$151"
    return column_index_from_string("".join(c for c in last if c.isalpha()))


def stored_widths(sheet, columns: int) -> list[float]:
    """The widths in characters of the first ``columns`` columns, as the writer gave them (the file keeps
    pixels / 7, which XlsxWriter sizes as 7 a character and 5 of padding)."""
    stored = {col: dimension.width for dimension in sheet.column_dimensions.values()  # one may span columns
              for col in range(dimension.min, dimension.max + 1)}
    return [(round(stored[col] * 7) - 5) / 7 for col in range(1, columns + 1)]


def sheet_pages(pages: list[str], title: str, label: str) -> list[int]:
    """The pages of a sheet: from the one with its title, while each repeats its header (``label``)."""
    texts = [squeezed(page) for page in pages]
    first = next(i for i, text in enumerate(texts) if squeezed(title) in text)
    found = [first]
    while found[-1] + 1 < len(texts) and squeezed(label) in texts[found[-1] + 1]:
        found.append(found[-1] + 1)
    return found


def printed_scale(words, labels: tuple[str, ...], widths: tuple[float, ...]) -> float:
    """The scale LibreOffice printed a table at, from where two of its one-line header labels are centred."""
    pixels = column_pixels(widths)
    centres = {}
    for col, label in enumerate(labels):
        try:
            centres[col] = label_centre(words, label)
        except LookupError:  # a label wrapped over two lines
            continue
    first, last = min(centres), max(centres)
    between = sum(pixels[first:last]) + pixels[last] / 2 - pixels[first] / 2
    return (centres[last] - centres[first]) / between / 0.75  # 0.75 point a pixel at 100 %


@pytest.fixture(scope="module")
def wide_tables(printed):
    """Each wide table: its printed labels and widths, the scale its page setup gives, its pages' words."""
    demo, pdf, pages = printed
    book = openpyxl.load_workbook(demo.master)
    words = page_words(pdf)
    tables = {}
    for name, (title, label, labels, widths) in WIDE_TABLES.items():
        sheet = book[name]
        columns = printed_columns(sheet)
        assert stored_widths(sheet, len(labels)) == pytest.approx(widths, abs=0.01)  # the widths the test cuts by
        assert (sheet.page_setup.orientation, sheet.page_setup.paperSize) == ("landscape", 9)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) in ((1, 0), (None, 0))  # None: 1
        header_row = next(row for row in sheet.iter_rows(max_col=1) if row[0].value == labels[0])[0].row
        assert sheet.print_title_rows == f"${header_row}:${header_row}"
        found = sheet_pages(pages, title, label)
        tables[name] = (labels[:columns], widths[:columns], fit_width_scale(widths[:columns]),
                        [words[i] for i in found], [pages[i] for i in found])
    return tables


@pytest.mark.parametrize("name", list(WIDE_TABLES))
def test_wide_tables_print_one_page_wide_at_a_readable_scale(wide_tables, name):
    labels, widths, scale, words, pages = wide_tables[name]
    _, _, all_labels, _ = WIDE_TABLES[name]
    assert scale >= READABLE
    assert set(all_labels) - set(labels) == NOT_PRINTED[name]  # only English and cell addresses left off paper
    for page_words_, page in zip(words, pages):  # every printed column's label on every page, none other
        columns = column_texts(page_words_, labels, widths)
        assert [label for label, text in zip(labels, columns) if squeezed(label) not in text] == []
        assert [label for label in NOT_PRINTED[name] if label.isascii() and squeezed(label) in squeezed(page)] == []
        assert printed_scale(page_words_, labels, widths) == pytest.approx(scale, abs=0.02)


def wanted_texts(demo, name: str) -> dict[str, list[str]]:
    """The wrapped texts of a wide table, by the label of their column."""
    scoring, plan = demo.scoring, demo.consolidation.plan
    if name == MasterSheets.SCORES:
        criteria = {(s.unit, s.criterion): scoring.criterion(s.criterion) for s in scoring.scores}
        return {"Tên đơn vị": [plan.units[s.unit].name for s in scoring.scores],
                "Tiêu chí": [criteria[s.unit, s.criterion].name for s in scoring.scores],
                "Nhóm": [criteria[s.unit, s.criterion].group for s in scoring.scores],
                "Cách tính": [s.explanation_vi for s in scoring.scores],
                "Loại": [s.kind.value for s in scoring.scores], "Nguồn điểm": [s.source.value for s in scoring.scores],
                "Minh chứng": [e.evidence for e in scoring.entries.values() if e.evidence]}
    if name == MasterSheets.RANKING:
        return {"Tên đơn vị": [plan.units[t.unit].name for t in scoring.totals],
                "Ghi chú xếp hạng": [t.rank_note_vi for t in scoring.totals if t.rank_note_vi],
                "Lý do": [t.reason_vi for t in scoring.totals if t.reason_vi],
                "Danh hiệu đề nghị": [t.title for t in scoring.totals if t.title],
                "Khối thi đua": [t.block for t in scoring.totals]}
    statuses = demo.consolidation.statuses
    period = demo.consolidation.reporting_period
    submissions = [submission_of(s, period.deadline if period else None) for s in statuses]
    return {"Tên đơn vị": [s.unit.name for s in statuses],
            "Thời điểm theo": [found.basis.value for found in submissions if found.basis],
            "Tệp nguồn": ["; ".join(source.path for source in s.sources) for s in statuses if s.sources],
            "Nộp đúng hạn": [found.timeliness.value for found in submissions]}


@pytest.mark.parametrize("name", list(WIDE_TABLES))
def test_wide_tables_cells_read_whole(printed, wide_tables, name):
    demo = printed[0]
    labels, widths, _, words, _ = wide_tables[name]
    columns = ["".join(page) for page in zip(*(column_texts(w, labels, widths) for w in words))]
    wanted = {label: texts for label, texts in wanted_texts(demo, name).items() if texts}  # no tie: no rank note
    assert len(wanted) >= 3
    cut = {label: sorted({t for t in texts if squeezed(t) not in columns[labels.index(label)]})
           for label, texts in wanted.items()}
    assert {label: texts for label, texts in cut.items() if texts} == {}


def test_ranking_records_read_whole(printed, wide_tables):
    """The records found in the score workbooks, listed below the ranking: each message whole."""
    demo = printed[0]
    labels, widths, _, words, _ = wide_tables[MasterSheets.RANKING]
    assert demo.scoring.issues
    columns = ["".join(page) for page in zip(*(column_texts(w, labels, widths) for w in words))]
    first, last = RECORD_SPANS[CHECK_LABELS.index("Nội dung")]
    assert first == last  # one of the ranking's columns, read as such
    assert [i.message_vi for i in demo.scoring.issues if squeezed(i.message_vi) not in columns[first]] == []


def test_period_progress_prints_one_page_wide_at_a_readable_scale(printed):
    """«Tiến độ thực hiện» (the demo's six-month example master): one page wide, its header on every page."""
    (path,) = printed[0].folder.glob("vi-du-tong-hop-6-thang-*.xlsx")
    sheet = openpyxl.load_workbook(path)[MasterSheets.PERIOD_PROGRESS]
    assert printed_columns(sheet) == len(PERIOD_PROGRESS_LABELS)
    assert stored_widths(sheet, len(PERIOD_PROGRESS_LABELS)) == pytest.approx(PERIOD_WIDTHS, abs=0.01)
    assert fit_width_scale(PERIOD_WIDTHS) >= READABLE
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == f"${PROGRESS_HEADER_ROW + 1}:${PROGRESS_HEADER_ROW + 1}"
