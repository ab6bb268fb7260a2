"""The demo master printed to PDF by LibreOffice reads as a clerk would sign it.

One soffice call prints the whole workbook; the pages' text (pdftotext) shows whether a cell is cut or
spills over its neighbours, whether «Nơi nhận» lists one recipient a line, and where each sheet's pages
start, so that «Tổng hợp» is seen to fit its pages with the chart on a page of its own.
"""

from __future__ import annotations

import pytest

from pdf_text import A4_LANDSCAPE, column_texts, flat, page_sizes, page_texts, page_words, print_to_pdf, \
    require_metric_fonts, squeezed
from xlsync.core.master.contents import CHECK_LABELS
from xlsync.core.master.tables import EXPLANATION, GROUP, NAME, NOTE, SUMMARY_LABELS
from xlsync.io.master.by_unit import TITLE as BY_UNIT_TITLE
from xlsync.core.master.contents import RANK_LABELS
from xlsync.io.master.write import CHECK_WIDTHS, SUMMARY_WIDTHS, recipient_line
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
