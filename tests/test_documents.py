"""`xlsync documents`: the report, the proposal and the decision, read back from the .docx and the PDF.

The figures are compared with the master as openpyxl reads it (not with
xlsync's own reading of it), the ranking with its «Xếp hạng» sheet, the
recipients and signer with the plan the documents were made from.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from libreoffice import soffice
from pdf_text import flat, page_sizes, page_texts, squeezed
from xlsync.core.documents import DocumentKind, place_name, signer_role
from xlsync.core.issues import CannotRun
from xlsync.core.plan import Recipient
from xlsync.io import documents as documents_io
from xlsync.io.documents import write_shipped_templates
from xlsync.io.master.write import write_master
from xlsync.io.plan_source import PLAN_FILE_NAME
from xlsync.jobs.demo import run_demo
from xlsync.jobs.documents import write_documents

A4_PORTRAIT = (595.3, 841.9)  # points
SIGNER, SIGNER_TITLE = "Nguyễn Thị Hồng Nhung", "Phó Chủ tịch UBND xã"
RECIPIENTS = ("Ban Thi đua – Khen thưởng huyện (để báo cáo)", "Các thôn, tổ dân phố", "Lưu: VT, VP")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return run_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def own_plan(demo):
    """The demo's plan with another signer and other recipients: the documents must take these."""
    plan = demo.consolidation.plan
    info = replace(plan.info, signer=SIGNER, signer_title=SIGNER_TITLE)
    return replace(plan, info=info, recipients=[Recipient(name) for name in RECIPIENTS])


@pytest.fixture(scope="module")
def written(demo, own_plan, tmp_path_factory):
    outcome = write_documents(demo.master, own_plan, tmp_path_factory.mktemp("van-ban"), year=2025)
    assert outcome.blocking == [] and outcome.pdf_problem is None
    return {path.name.split("-")[0]: path for path in outcome.documents}


def words(path: Path) -> str:
    """Every word of a .docx as stored (body, tables, headers), placeholders included."""
    with zipfile.ZipFile(path) as archive:
        parts = [archive.read(name).decode("utf-8") for name in archive.namelist()
                 if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", name)]
    return re.sub(r"<[^>]+>", "", "".join(parts))


def table_with(document, label: str):
    return next(t for t in document.tables if label in [c.text for c in t.rows[0].cells])


def cell_lines(cell) -> list[str]:
    return [p.text for p in cell.paragraphs if p.text.strip()]


def master_rows(master: Path, sheet: str, first_label: str) -> list[dict[str, object]]:
    """The rows under the header row that starts with ``first_label``, as openpyxl reads the cached values."""
    rows = list(load_workbook(master, data_only=True)[sheet].iter_rows(values_only=True))
    header_row = next(i for i, row in enumerate(rows) if row and row[0] == first_label)
    labels = rows[header_row]
    return [dict(zip(labels, row)) for row in rows[header_row + 1:] if any(v not in (None, "") for v in row)]


def figure(text: str) -> float | str:
    """A figure as the document shows it: a Vietnamese number (after its comparison sign), or a word."""
    text = re.sub(r"^[<>≤≥=]\s*", "", text.strip())
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})*(,\d+)?", text):  # «1.700», «82,06»: dots group, a comma decimals
        return float(text.replace(".", "").replace(",", "."))
    return text


def shown(value: object) -> float | str:
    """A master cell as its number format «#,##0.##» (or «0.00») shows it."""
    return round(value, 2) if isinstance(value, (int, float)) else ("" if value is None else str(value))


# --- Báo cáo ----------------------------------------------------------------------------------------


def test_every_figure_of_the_attainment_table_is_the_masters(demo, written):
    summary = {row["Mã"]: row for row in master_rows(demo.master, "Tổng hợp", "Mã") if row.get("Chỉ tiêu")}
    table = table_with(Document(written["bao"]), "Chỉ tiêu")
    seen, groups = [], []
    for row in table.rows[1:]:
        cells = [cell.text for cell in row.cells]
        if cells[0] not in summary:
            groups.append(cells[1])  # a group row: its number, then its name across the row
            continue
        stored = summary[cells[0]]
        seen.append(cells[0])
        assert cells[1] == stored["Chỉ tiêu"] and cells[2] == stored["Đơn vị tính"]
        assert figure(cells[3]) == shown(stored["Kế hoạch"]), cells
        assert figure(cells[4]) == shown(stored["Thực hiện"]), cells
        assert (figure(cells[5]) if cells[5] else "") == shown(stored["Tỷ lệ đạt (%)"]), cells
        assert cells[6] == shown(stored["Đánh giá"]), cells
    assert seen == list(summary)  # every indicator, once, in the plan's order
    assert groups == list(dict.fromkeys(row["Nhóm"] for row in summary.values()))


def test_targets_met_and_not_met_are_listed_from_the_verdicts(demo, written):
    summary = master_rows(demo.master, "Tổng hợp", "Mã")
    text = "\n".join(p.text for p in Document(written["bao"]).paragraphs)
    met = re.search(r"1\. Các chỉ tiêu đạt kế hoạch \((\d+)\):\n(.*?)\n2\.", text, re.DOTALL)
    not_met = re.search(r"2\. Các chỉ tiêu chưa đạt kế hoạch \((\d+)\):\n(.*?)\nII\.", text, re.DOTALL)
    for found, verdict in ((met, "Đạt"), (not_met, "Chưa đạt")):
        expected = [row["Mã"] for row in summary if row.get("Đánh giá") == verdict]
        assert int(found.group(1)) == len(expected) > 0
        assert re.findall(r"\((\w+)\);", found.group(2)) == expected


def test_submission_and_ranking_per_block(demo, written):
    document = Document(written["bao"])
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Có 16/17 đơn vị nộp báo cáo (94,1%); 15 đơn vị có báo cáo hợp lệ" in text
    assert "Đơn vị chưa nộp báo cáo: Thôn 7." in text
    assert "(còn lỗi hoặc nộp trùng): Thôn 3." in text
    ranking = master_rows(demo.master, "Xếp hạng", "Khối thi đua")
    ranked = {row["Mã đơn vị"]: row for row in ranking if isinstance(row.get("Hạng"), (int, float))}
    table = table_with(document, "Danh hiệu đề nghị")
    block, rows = "", 0
    for row in table.rows[1:]:
        cells = [cell.text for cell in row.cells]
        if cells[1] not in ranked:
            block = cells[1]
            continue
        stored = ranked[cells[1]]
        rows += 1
        assert (block, int(cells[0]), cells[2]) == (stored["Khối thi đua"], stored["Hạng"], stored["Tên đơn vị"])
        assert figure(cells[3]) == shown(stored["Tổng điểm"]) and cells[4] == (stored["Danh hiệu đề nghị"] or "")
    assert rows == len(ranked) == len(demo.consolidation.plan.units)


# --- Tờ trình and Quyết định ------------------------------------------------------------------------


def proposed(master: Path) -> dict[str, list[dict[str, object]]]:
    """Title → the units «Xếp hạng» proposes for it."""
    by_title: dict[str, list[dict[str, object]]] = {}
    for row in master_rows(master, "Xếp hạng", "Khối thi đua"):
        if isinstance(row.get("Hạng"), (int, float)) and row.get("Danh hiệu đề nghị"):
            by_title.setdefault(row["Danh hiệu đề nghị"], []).append(row)
    return by_title


def test_the_proposal_lists_every_proposed_unit_under_its_title(demo, written):
    by_title = proposed(demo.master)
    assert len(by_title) == 2  # the demo proposes both titles of the bundled plan
    document = Document(written["to"])
    headings = [p.text for p in document.paragraphs if re.match(r"\d+\. ", p.text)]
    assert headings == [f"{n}. {title}: {len(units)} tập thể" for n, (title, units) in
                        enumerate(by_title.items(), start=1)]
    tables = [t for t in document.tables if t.rows[0].cells[0].text == "TT"]
    for table, units in zip(tables, by_title.values(), strict=True):
        listed = {row.cells[1].text: [c.text for c in row.cells] for row in table.rows[1:]}
        assert set(listed) == {unit["Tên đơn vị"] for unit in units}
        for unit in units:
            _, _, block, total, rank = listed[unit["Tên đơn vị"]]
            assert (block, figure(total), int(rank)) == (unit["Khối thi đua"], shown(unit["Tổng điểm"]), unit["Hạng"])


def test_the_decision_awards_exactly_the_proposed_units(demo, written):
    text = [p.text for p in Document(written["quyet"]).paragraphs]
    article = text[text.index(next(t for t in text if t.startswith("Điều 1."))) + 1:
                   text.index(next(t for t in text if t.startswith("Điều 2.")))]
    expected = []
    for n, (title, units) in enumerate(proposed(demo.master).items(), start=1):
        expected.append(f"{n}. {title} ({len(units)} tập thể):")
        expected += [f"- {u['Tên đơn vị']} ({u['Khối thi đua']}): {u['Tổng điểm']:.2f} điểm, xếp thứ {u['Hạng']} "
                     f"trong khối;".replace(".", ",", 1) for u in units]
    assert [line for line in article if line.strip()] == expected
    assert "Điều 1. Khen thưởng 7 tập thể" in "\n".join(text)


# --- from the plan: issuer, «Nơi nhận», signer --------------------------------------------------------


@pytest.mark.parametrize("name, first_lines, authority", [
    ("bao", [], ["TM. ỦY BAN NHÂN DÂN"]),
    ("to", ["- Như trên;"], ["TM. ỦY BAN NHÂN DÂN"]),
    ("quyet", ["- Như Điều 3;"], []),
])
def test_recipients_and_signature_come_from_the_plan(written, name, first_lines, authority):
    document = Document(written[name])
    left, right = document.tables[-1].rows[0].cells
    assert cell_lines(left) == ["Nơi nhận:", *first_lines, f"- {RECIPIENTS[0]};", f"- {RECIPIENTS[1]};",
                                f"- {RECIPIENTS[2]}."]
    assert cell_lines(right) == [*authority, "PHÓ CHỦ TỊCH", SIGNER]
    assert all(run.bold for p in right.paragraphs for run in p.runs if run.text.strip())
    header_left, header_right = document.tables[0].rows[0].cells
    assert cell_lines(header_left)[0] == "UBND XÃ SƠN TÂY"
    assert cell_lines(header_right) == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                                        "Sơn Tây, ngày      tháng      năm 2025"]


@pytest.mark.parametrize("name", ["bao", "to", "quyet"])
def test_no_placeholder_is_left_and_the_page_is_a4_in_times_new_roman(written, name):
    text = words(written[name])
    assert not re.search(r"\{\{|\}\}|\{%|%\}", text)
    document = Document(written[name])
    section = document.sections[0]
    assert (section.page_width.cm, section.page_height.cm) == pytest.approx((21.0, 29.7), abs=0.01)
    assert (section.left_margin.cm, section.right_margin.cm) == pytest.approx((3.0, 1.5), abs=0.01)
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert document.styles["Normal"].font.size.pt == 14


def test_signer_role_and_place_are_read_from_the_plans_words():
    assert signer_role("Chủ tịch UBND xã") == "Chủ tịch"
    assert signer_role("Phó Chủ tịch Ủy ban nhân dân xã") == "Phó Chủ tịch"
    assert signer_role("") == "Chủ tịch"
    assert place_name("UBND xã Sơn Tây") == "Sơn Tây"
    assert place_name("Ủy ban nhân dân phường Hà Huy Tập") == "Hà Huy Tập"
    assert place_name("Văn phòng") == "……………"


# --- the office's templates ---------------------------------------------------------------------------


def edit_template(path: Path, old: str, new: str) -> None:
    """Change a run's text in Word's way (python-docx), as an office edits its template."""
    document = Document(path)
    runs = [run for table in document.tables for row in table.rows for cell in row.cells
            for p in cell.paragraphs for run in p.runs] + [run for p in document.paragraphs for run in p.runs]
    found = [run for run in runs if old in run.text]
    assert found, old
    for run in found:
        run.text = run.text.replace(old, new)
    document.save(path)


def test_the_offices_templates_are_written_once_and_used_after(demo, plan, tmp_path):
    templates = tmp_path / "mau"
    first = write_documents(demo.master, plan, tmp_path / "a", templates=templates, kinds=[DocumentKind.REPORT])
    assert first.templates_written == [templates / "bao-cao.docx"]
    edit_template(templates / "bao-cao.docx", "IV. ĐÁNH GIÁ CHUNG", "IV. NHẬN XÉT CỦA XÃ {{ place }}")

    again = write_documents(demo.master, plan, tmp_path / "b", templates=templates, kinds=[DocumentKind.REPORT])

    assert again.templates_written == []
    assert "IV. NHẬN XÉT CỦA XÃ Sơn Tây VÀ PHƯƠNG HƯỚNG" in words(again.documents[0])


@pytest.mark.parametrize("broken, code, placeholder", [
    ("{{ signer }", "document-placeholder-broken", "{{ signer }"),
    ("{{ signer_name }}", "document-placeholder-unknown", "{{ signer_name }}"),
    ("{{ signer | nosuchfilter }}", "document-placeholder-broken", "{{ signer | nosuchfilter }}"),
])
def test_a_broken_placeholder_is_one_error_naming_it(demo, plan, tmp_path, cli, broken, code, placeholder):
    templates = tmp_path / "mau"
    write_shipped_templates(templates)
    edit_template(templates / "quyet-dinh.docx", "{{ signer }}", broken)
    out = tmp_path / "van-ban"

    with pytest.raises(CannotRun) as raised:
        write_documents(demo.master, plan, out, templates=templates, kinds=[DocumentKind.DECISION])

    assert raised.value.code == code
    assert raised.value.params["placeholder"] == placeholder
    assert raised.value.params["file"] == str(templates / "quyet-dinh.docx")
    assert not list(out.glob("*.docx"))  # no document with a hole in it
    status, stdout, stderr = cli("documents", demo.master, "--plan", demo.folder / PLAN_FILE_NAME, "--out", out,
                                 "--templates", templates, "--kind", "decision")
    assert status == 2
    assert [line for line in stderr.splitlines() if placeholder in line and "quyet-dinh.docx" in line]
    assert "Traceback" not in stderr


# --- what refuses or limits the documents -------------------------------------------------------------


def test_a_master_that_fails_the_recheck_gives_no_document(demo, plan, tmp_path, cli):
    master = tmp_path / "tong-hop.xlsx"
    shutil.copyfile(demo.master, master)
    book = load_workbook(master)
    book["Tổng hợp"]["G9"] = 400  # «Thực hiện» of KT01 typed over
    book.save(master)

    outcome = write_documents(master, plan, tmp_path / "van-ban")

    assert [(i.code, i.cell) for i in outcome.blocking] == [("master-actual-stale", "G9")]
    assert outcome.documents == [] and not (tmp_path / "van-ban").exists()
    status, stdout, _ = cli("documents", master, "--plan", demo.folder / PLAN_FILE_NAME)
    assert status == 1 and "Chưa làm văn bản: sổ tổng hợp có 1 lỗi" in stdout


def test_without_scoring_only_the_report_is_made(demo, plan, tmp_path):
    master = tmp_path / "tong-hop.xlsx"
    write_master(demo.consolidation, master)  # consolidated, never scored: no «Xếp hạng»

    outcome = write_documents(master, plan, tmp_path / "van-ban")

    assert [path.name for path in outcome.documents] == ["bao-cao-ket-qua-thi-dua.docx"]
    assert outcome.without_ranking == [DocumentKind.PROPOSAL, DocumentKind.DECISION]
    assert "Các khối thi đua chưa chấm điểm, xếp hạng." in words(outcome.documents[0])
    with pytest.raises(CannotRun) as raised:
        write_documents(master, plan, tmp_path / "van-ban", kinds=[DocumentKind.PROPOSAL])
    assert raised.value.code == "documents-need-scoring"


def test_pdf_without_libreoffice_keeps_the_documents_and_says_so(demo, plan, tmp_path, cli, monkeypatch):
    monkeypatch.setattr(documents_io, "find_soffice", lambda: None)

    outcome = write_documents(demo.master, plan, tmp_path / "van-ban", pdf=True, kinds=[DocumentKind.REPORT])

    assert outcome.pdf_problem.code == "libreoffice-missing" and outcome.pdfs == []
    assert [path.name for path in outcome.documents] == ["bao-cao-ket-qua-thi-dua.docx"]
    status, stdout, stderr = cli("documents", demo.master, "--plan", demo.folder / PLAN_FILE_NAME, "--pdf",
                                 "--kind", "report", "--out", tmp_path / "cli")
    assert status == 2
    assert "Đã ghi 1 văn bản" in stdout and "Không tìm thấy LibreOffice" in stderr


# --- PDF ------------------------------------------------------------------------------------------------


def test_the_documents_convert_to_pdf_with_every_word_whole(demo, own_plan, tmp_path, monkeypatch):
    soffice()  # fails in CI when LibreOffice is missing, skips elsewhere
    calls = []
    run = documents_io.subprocess.run
    monkeypatch.setattr(documents_io.subprocess, "run", lambda command, **options: calls.append(command) or
                        run(command, **options))

    outcome = write_documents(demo.master, own_plan, tmp_path, pdf=True, year=2025)

    assert len(calls) == 1 and calls[0][-3:] == [str(path) for path in outcome.documents]  # one call for all
    assert [p.name for p in outcome.pdfs] == [d.with_suffix(".pdf").name for d in outcome.documents]
    report, proposal, decision = outcome.pdfs
    for pdf in outcome.pdfs:
        sizes = page_sizes(pdf)
        assert sizes and all(size == pytest.approx(A4_PORTRAIT, abs=1) for size in sizes)
        lines = [line.strip() for page in page_texts(pdf) for line in page.splitlines()]
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines and "Độc lập - Tự do - Hạnh phúc" in lines
        listed = lines[lines.index("Nơi nhận:") + 1:]
        starts = [line for line in listed if line.startswith("- ")]  # each recipient starts its own line
        assert [line.split()[1] for line in starts[-3:]] == [recipient.split()[0] for recipient in RECIPIENTS]
        assert squeezed(" ".join(listed)).count(squeezed(f"- {RECIPIENTS[0]};- {RECIPIENTS[1]};")) == 1
        role, name = lines.index("PHÓ CHỦ TỊCH"), lines.index(SIGNER)
        assert role < name and page_of(pdf, "PHÓ CHỦ TỊCH") == page_of(pdf, SIGNER)
    report_text = squeezed(" ".join(page_texts(report)))
    for result in demo.consolidation.results:  # every indicator name whole, however it wraps in its cell
        assert squeezed(result.indicator.name) in report_text, result.indicator.name
    for pdf in (proposal, decision):
        text = flat(" ".join(page_texts(pdf)))
        for title, units in proposed(demo.master).items():
            assert title in text
            for unit in units:
                assert unit["Tên đơn vị"] in text


def page_of(pdf: Path, line: str) -> int:
    return next(n for n, page in enumerate(page_texts(pdf)) if line in page.splitlines())


def test_the_shipped_templates_are_what_the_script_builds(tmp_path):
    import importlib.util

    script = Path(__file__).resolve().parent.parent / "templates" / "documents" / "build_templates.py"
    spec = importlib.util.spec_from_file_location("build_templates", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for built in module.build(tmp_path):
        shipped = Path(documents_io.shipped_template(next(k for k in DocumentKind if k.template_name == built.name)))
        with zipfile.ZipFile(built) as new, zipfile.ZipFile(shipped) as old:
            assert new.read("word/document.xml") == old.read("word/document.xml"), built.name


def test_the_demo_writes_the_three_documents_beside_its_master(demo):
    outcome = demo.documents

    assert outcome.documents == [demo.folder / "van-ban" / name for name in (
        "bao-cao-ket-qua-thi-dua.docx", "to-trinh-de-nghi-khen-thuong.docx", "quyet-dinh-khen-thuong.docx")]
    if documents_io.find_soffice() is not None:  # LibreOffice is installed (always in CI): the PDFs too
        assert outcome.pdfs == [path.with_suffix(".pdf") for path in outcome.documents]
        assert all(path.read_bytes().startswith(b"%PDF") for path in outcome.pdfs)
    else:
        assert outcome.pdf_skipped and outcome.pdfs == []
    assert all(path.stat().st_size > 10_000 for path in outcome.documents)


def test_the_documents_read_columns_the_ranking_sheet_is_written_with():
    from xlsync.core.documents import RANKING_LABELS
    from xlsync.core.master.contents import RANK_LABELS

    assert set(RANKING_LABELS) <= set(RANK_LABELS)
