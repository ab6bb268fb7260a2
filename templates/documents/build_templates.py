"""Writes the three document templates shipped with xlsync (run: python templates/documents/build_templates.py).

The templates are Word files with docxtpl (Jinja) placeholders; an office
edits the wording in Word and keeps it across years (`xlsync documents
--templates DIR`).  This script is how the shipped ones are made, so a
change of wording here is reviewed as text; the .docx files it writes are
committed beside it.

Layout per Nghị định 30/2020/NĐ-CP (Phụ lục I): A4, margins 20 mm top and
bottom, 30 mm left, 15 mm right; Times New Roman; the header table with the
issuing body and number on the left, Quốc hiệu, Tiêu ngữ, place and date on
the right; the name of the document in bold capitals; «Nơi nhận» in bold
italics at 12 pt with its lines at 11 pt; the signer's authority and title
in bold capitals.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

FONT = "Times New Roman"
BODY_SIZE = 14
TABLE_SIZE = 12
FIXED_DATE = datetime(2024, 1, 1)  # the files' own dates: the same script writes the same templates
CENTER, JUSTIFY, LEFT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.LEFT
HERE = Path(__file__).resolve().parent

Run = tuple[str, str]  # (text, style letters: b bold, i italic, u underline)


# --- building blocks ------------------------------------------------------------------------------


def new_document(title: str) -> Document:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_SIZE)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    normal.paragraph_format.space_after = Pt(0)
    properties = document.core_properties
    properties.title, properties.author = title, "xlsync"
    properties.created = properties.modified = FIXED_DATE
    properties.last_modified_by, properties.revision = "xlsync", 1
    return document


def paragraph(container, runs: list[Run] | str, *, align=JUSTIFY, size: int = BODY_SIZE, indent: bool = False,
              before: int = 0, after: int = 6):
    """One paragraph of runs; a Jinja placeholder must sit whole inside one run."""
    para = container.add_paragraph()
    para.alignment = align
    fmt = para.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent:
        fmt.first_line_indent = Cm(1.27)
    for text, style in ([(runs, "")] if isinstance(runs, str) else runs):
        run = para.add_run(text)
        run.font.size = Pt(size)
        run.bold, run.italic, run.underline = "b" in style or None, "i" in style or None, "u" in style or None
    return para


def tag(container, statement: str):
    """A paragraph holding only a docxtpl paragraph tag ({%p ... %}): it disappears when rendered."""
    return paragraph(container, statement, align=LEFT, after=0)


def body(container, text: str, style: str = "", **options):
    return paragraph(container, [(text, style)], indent=True, **options)


def heading(container, text: str):
    return paragraph(container, [(text, "b")], before=6)


def bottom_border(para) -> None:
    """The short rule under the motto (Tiêu ngữ) and under the issuing body."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    para._p.get_or_add_pPr().append(borders)


def no_borders(table) -> None:
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.append(borders)


def keep_on_one_page(row) -> None:
    """The signature must not be parted from its title by a page break."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def widths(table, centimetres: tuple[float, ...]) -> None:
    """Column widths, in the grid too: LibreOffice lays a table out from its grid, Word from its cells."""
    table.autofit = False
    for column, width in zip(table.columns, centimetres):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, centimetres):
            cell.width = Cm(width)


def cell_text(cell, runs: list[Run] | str, *, align=CENTER, size: int = TABLE_SIZE, first: bool = True):
    """Text in a table cell: its first (empty) paragraph, or a new one."""
    if first:
        para = cell.paragraphs[0]
        para.alignment = align
        for text, style in ([(runs, "")] if isinstance(runs, str) else runs):
            run = para.add_run(text)
            run.font.size = Pt(size)
            run.bold, run.italic = "b" in style or None, "i" in style or None
        return para
    return paragraph(cell, runs, align=align, size=size, after=0)


def header_table(document, symbol: str) -> None:
    """Issuing body and number | Quốc hiệu, Tiêu ngữ, place and date."""
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    no_borders(table)
    widths(table, (6.0, 10.5))
    left, right = table.rows[0].cells
    issuer = cell_text(left, [("{{ issuer_upper }}", "b")], size=13)
    bottom_border(issuer)
    cell_text(left, f"Số:        /{symbol}", size=13, first=False).paragraph_format.space_before = Pt(6)
    cell_text(right, [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "b")], size=13)
    bottom_border(cell_text(right, [("Độc lập - Tự do - Hạnh phúc", "b")], size=14, first=False))
    date = cell_text(right, [("{{ place }}, ngày      tháng      năm {{ issue_year }}", "i")], size=14, first=False)
    date.paragraph_format.space_before = Pt(6)
    paragraph(document, "", after=6)


def title(document, name: str, subject: str) -> None:
    paragraph(document, [(name, "b")], align=CENTER, after=0, before=6)
    paragraph(document, [(subject, "b")], align=CENTER, after=12)


def grid(document, labels: tuple[str, ...], centimetres: tuple[float, ...], loop: str,
         cells: tuple[str, ...], group: tuple[str, str, str] | None = None):
    """A bordered table: header row, then one row per item of ``loop`` (docxtpl {%tr %} rows).

    ``group`` = (outer loop, number, name): a bold row per group, the items of each group under it.
    """
    rows = 4 + (3 if group else 0)  # header, {%tr for %}, the item, {%tr endfor %}; a group adds three
    table = document.add_table(rows=rows, cols=len(labels))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, label in zip(table.rows[0].cells, labels):
        cell_text(cell, [(label, "b")])
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeated on every page
    row = 1
    if group:
        outer, number, name = group
        cell_text(table.rows[row].cells[0], f"{{%tr for {outer} %}}")
        cell_text(table.rows[row + 1].cells[0], [(number, "b")])
        merged = table.rows[row + 1].cells[1].merge(table.rows[row + 1].cells[-1])
        cell_text(merged, [(name, "b")], align=LEFT)
        row += 2
    cell_text(table.rows[row].cells[0], f"{{%tr for {loop} %}}")
    for col, text in enumerate(cells):
        cell_text(table.rows[row + 1].cells[col], text, align=LEFT if col == loop_name_column(labels) else CENTER)
    cell_text(table.rows[row + 2].cells[0], "{%tr endfor %}")
    if group:
        cell_text(table.rows[row + 3].cells[0], "{%tr endfor %}")
    widths(table, centimetres)
    paragraph(document, "", after=6)
    return table


def loop_name_column(labels: tuple[str, ...]) -> int:
    """The column of names, written from the left; the others are centred."""
    return next((i for i, label in enumerate(labels) if label in ("Chỉ tiêu", "Tên đơn vị")), 1)


def listing(document, loop: str, line: str, empty: str) -> None:
    """One paragraph per item, or ``empty`` when there is none."""
    collection = loop.split(" in ", 1)[1]
    tag(document, f"{{%p for {loop} %}}")
    body(document, line, after=0)
    tag(document, "{%p endfor %}")
    tag(document, f"{{%p if not {collection} %}}")
    body(document, empty, "i", after=0)
    tag(document, "{%p endif %}")


def recipients_and_signature(document, first_lines: tuple[str, ...], authority: str) -> None:
    """«Nơi nhận» (the plan's recipients) beside the signature block (the plan's signer)."""
    table = document.add_table(rows=1, cols=2)
    no_borders(table)
    widths(table, (7.5, 9.0))
    keep_on_one_page(table.rows[0])
    left, right = table.rows[0].cells
    cell_text(left, [("Nơi nhận:", "bi")], align=LEFT, size=12)
    for line in first_lines:
        cell_text(left, line, align=LEFT, size=11, first=False)
    cell_text(left, "{%p for r in recipients %}", align=LEFT, size=11, first=False)
    cell_text(left, "- {{ r }}{{ '.' if loop.last else ';' }}", align=LEFT, size=11, first=False)
    cell_text(left, "{%p endfor %}", align=LEFT, size=11, first=False)
    if authority:
        cell_text(right, [(authority, "b")], size=14)
        cell_text(right, [("{{ signer_role_upper }}", "b")], size=14, first=False)
    else:
        cell_text(right, [("{{ signer_role_upper }}", "b")], size=14)
    for _ in range(4):
        cell_text(right, "", size=14, first=False)
    cell_text(right, [("{{ signer }}", "b")], size=14, first=False)


# --- the three documents ----------------------------------------------------------------------------


ATTAINMENT_LABELS = ("Mã", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch", "Thực hiện", "Tỷ lệ đạt (%)", "Đánh giá")
RANKING_LABELS = ("Hạng", "Mã", "Tên đơn vị", "Tổng điểm", "Danh hiệu đề nghị")
AWARD_LABELS = ("TT", "Tên đơn vị", "Khối thi đua", "Tổng điểm", "Xếp hạng trong khối")
LEGAL_BASES = (
    "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
    "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết thi hành "
    "một số điều của Luật Thi đua, khen thưởng;",
    "Căn cứ {{ plan_title }} (số {{ plan_id }} ngày {{ plan_issued }}) của {{ issuer }};",
)


def report() -> Document:
    document = new_document("Báo cáo kết quả thực hiện phong trào thi đua")
    header_table(document, "BC-UBND")
    title(document, "BÁO CÁO", "Kết quả thực hiện phong trào thi đua yêu nước {{ period|lower }}")
    body(document, "Thực hiện {{ plan_title }} (số {{ plan_id }} ngày {{ plan_issued }}) của {{ issuer }}, "
                   "{{ issuer }} báo cáo kết quả thực hiện phong trào thi đua {{ period|lower }} như sau:")
    heading(document, "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU THI ĐUA")
    body(document, "Tổng số {{ indicator_count }} chỉ tiêu: đạt {{ met|length }}, chưa đạt {{ not_met|length }}"
                   "{% if unassessed %}, chưa đánh giá được {{ unassessed|length }}{% endif %}. "
                   "Kết quả từng chỉ tiêu theo số liệu tổng hợp của các đơn vị:")
    grid(document, ATTAINMENT_LABELS, (1.5, 5.2, 2.0, 2.0, 2.0, 1.6, 2.0), "r in g.rows",
         ("{{ r.code }}", "{{ r.name }}", "{{ r.unit }}", "{{ r.target }}", "{{ r.actual }}", "{{ r.ratio }}",
          "{{ r.verdict }}"), group=("g in groups", "{{ g.number }}", "{{ g.name }}"))
    body(document, "1. Các chỉ tiêu đạt kế hoạch ({{ met|length }}):", "b")
    listing(document, "m in met", "- {{ m.name }} ({{ m.code }});", "Không có chỉ tiêu nào.")
    body(document, "2. Các chỉ tiêu chưa đạt kế hoạch ({{ not_met|length }}):", "b")
    listing(document, "m in not_met", "- {{ m.name }} ({{ m.code }});", "Không có chỉ tiêu nào.")
    heading(document, "II. TÌNH HÌNH NỘP BÁO CÁO CỦA CÁC ĐƠN VỊ")
    body(document, "Có {{ submitted }}/{{ expected }} đơn vị nộp báo cáo ({{ submission_rate }}%); "
                   "{{ included }} đơn vị có báo cáo hợp lệ được đưa vào tổng hợp.")
    tag(document, "{%p if not_submitted %}")
    body(document, "Đơn vị chưa nộp báo cáo: {{ not_submitted|join(', ') }}.")
    tag(document, "{%p endif %}")
    tag(document, "{%p if left_out %}")
    body(document, "Đơn vị có báo cáo chưa được tổng hợp (còn lỗi hoặc nộp trùng): {{ left_out|join(', ') }}.")
    tag(document, "{%p endif %}")
    heading(document, "III. KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG THI ĐUA")
    tag(document, "{%p if has_ranking %}")
    grid(document, RANKING_LABELS, (1.6, 1.8, 6.0, 2.2, 4.9), "u in b.rows",
         ("{{ u.rank }}", "{{ u.code }}", "{{ u.name }}", "{{ u.total }}", "{{ u.title }}"),
         group=("b in blocks", "", "{{ b.name }}"))
    tag(document, "{%p else %}")
    body(document, "Các khối thi đua chưa chấm điểm, xếp hạng.", "i")
    tag(document, "{%p endif %}")
    heading(document, "IV. ĐÁNH GIÁ CHUNG VÀ PHƯƠNG HƯỚNG, NHIỆM VỤ")
    body(document, "(Nêu ưu điểm, tồn tại, hạn chế, nguyên nhân và phương hướng, nhiệm vụ của phong trào thi đua "
                   "năm tới.)", "i")
    body(document, "Trên đây là báo cáo kết quả thực hiện phong trào thi đua {{ period|lower }} của {{ issuer }}./.")
    recipients_and_signature(document, (), "TM. ỦY BAN NHÂN DÂN")
    return document


def proposal() -> Document:
    document = new_document("Tờ trình đề nghị khen thưởng")
    header_table(document, "TTr-UBND")
    title(document, "TỜ TRÌNH", "Về việc đề nghị khen thưởng phong trào thi đua {{ period|lower }}")
    paragraph(document, "Kính gửi: Hội đồng Thi đua - Khen thưởng xã {{ place }}.", align=CENTER, after=12)
    for basis in (*LEGAL_BASES, "Căn cứ kết quả chấm điểm, xếp hạng thi đua của các khối thi đua,"):
        body(document, basis, after=3)
    body(document, "{{ issuer }} kính trình Hội đồng Thi đua - Khen thưởng xã xem xét, đề nghị khen thưởng "
                   "{{ award_count }} tập thể có thành tích xuất sắc trong phong trào thi đua {{ period|lower }}, "
                   "cụ thể như sau:")
    tag(document, "{%p for a in awards %}")
    body(document, "{{ loop.index }}. {{ a.title }}: {{ a.count }} tập thể", "b")
    grid(document, AWARD_LABELS, (1.2, 5.8, 4.5, 2.3, 2.7), "u in a.units",
         ("{{ loop.index }}", "{{ u.name }}", "{{ u.block }}", "{{ u.total }}", "{{ u.rank }}"))
    tag(document, "{%p endfor %}")
    tag(document, "{%p if not awards %}")
    body(document, "Không có tập thể nào đủ điều kiện đề nghị khen thưởng.", "i")
    tag(document, "{%p endif %}")
    body(document, "Kính trình Hội đồng Thi đua - Khen thưởng xã xem xét, quyết định./.")
    recipients_and_signature(document, ("- Như trên;",), "TM. ỦY BAN NHÂN DÂN")
    return document


def decision() -> Document:
    document = new_document("Quyết định khen thưởng")
    header_table(document, "QĐ-UBND")
    title(document, "QUYẾT ĐỊNH", "Về việc khen thưởng các tập thể có thành tích xuất sắc trong phong trào thi đua "
                                  "{{ period|lower }}")
    paragraph(document, [("CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ {{ place|upper }}", "b")], align=CENTER, after=12)
    bases = ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số "
             "điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;",
             *LEGAL_BASES, "Theo đề nghị của Hội đồng Thi đua - Khen thưởng xã.")
    for basis in bases:
        body(document, basis, "i", after=3)
    paragraph(document, [("QUYẾT ĐỊNH:", "b")], align=CENTER, before=6, after=6)
    paragraph(document, [("Điều 1. ", "b"), ("Khen thưởng {{ award_count }} tập thể có thành tích xuất sắc trong "
                                               "phong trào thi đua {{ period|lower }}, gồm:", "")], indent=True)
    tag(document, "{%p for a in awards %}")
    body(document, "{{ loop.index }}. {{ a.title }} ({{ a.count }} tập thể):", "b", after=0)
    tag(document, "{%p for u in a.units %}")
    body(document, "- {{ u.name }} ({{ u.block }}): {{ u.total }} điểm, xếp thứ {{ u.rank }} trong khối;",
         after=0)
    tag(document, "{%p endfor %}")
    tag(document, "{%p endfor %}")
    paragraph(document, [("Điều 2. ", "b"), ("Quyết định này có hiệu lực kể từ ngày ký.", "")], indent=True,
              before=6)
    paragraph(document, [("Điều 3. ", "b"), ("Văn phòng {{ issuer }}, Hội đồng Thi đua - Khen thưởng xã và các tập "
                                               "thể có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.",
                                               "")], indent=True)
    recipients_and_signature(document, ("- Như Điều 3;",), "")
    return document


BUILDERS = {"bao-cao.docx": report, "to-trinh.docx": proposal, "quyet-dinh.docx": decision}


def build(folder: Path = HERE) -> list[Path]:
    written = []
    for name, builder in BUILDERS.items():
        builder().save(folder / name)
        written.append(folder / name)
    return written


if __name__ == "__main__":
    for path in build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(path)
