"""`xlsync documents`."""

from __future__ import annotations

import click

from xlsync.cli.options import edge, lang_option, plan_option, say
from xlsync.core.messages import current_lang, text

KIND_CHOICES = ("report", "proposal", "decision", "all")


@click.command()
@click.argument("master", type=click.Path(dir_okay=False))
@plan_option
@click.option("--out", "out", default=None, type=click.Path(file_okay=False), metavar="THƯ_MỤC",
              help="Thư mục ghi văn bản (mặc định: thư mục van-ban cạnh sổ tổng hợp). "
              "/ Folder for the documents (default: van-ban beside the master).")
@click.option("--kind", "kind", type=click.Choice(KIND_CHOICES), default="all", show_default=True,
              help="report = Báo cáo, proposal = Tờ trình, decision = Quyết định, all = cả ba. / Which document.")
@click.option("--pdf", is_flag=True, help="Chuyển thêm sang PDF bằng LibreOffice. / Also convert to PDF with LibreOffice.")
@click.option("--templates", "templates", default=None, type=click.Path(file_okay=False), metavar="THƯ_MỤC",
              help="Thư mục mẫu văn bản của cơ quan; lần đầu xlsync chép mẫu gốc vào đó để sửa bằng Word. "
              "/ The office's template folder; the shipped templates are copied there first, to edit in Word.")
@click.option("--allow-warnings", is_flag=True,
              help="Vẫn làm văn bản khi sổ tổng hợp chỉ có cảnh báo. / Make them even if the master has warnings.")
@lang_option
@edge
def documents(master: str, plan_path: str | None, out: str | None, kind: str, pdf: bool, templates: str | None,
              allow_warnings: bool, lang: str | None) -> int:
    """Làm Báo cáo, Tờ trình, Quyết định khen thưởng (.docx) từ sổ tổng hợp MASTER.

    Write the review report (Báo cáo kết quả thực hiện phong trào thi đua),
    the commendation proposal (Tờ trình đề nghị khen thưởng) and the
    chairman's decision (Quyết định khen thưởng) as Word files in the layout
    of Nghị định 30/2020/NĐ-CP, from the master's figures and ranking and
    the plan's issuing body, «Nơi nhận» and signer. The master is checked
    again first, as before sending: errors in the figures of the totals
    refuse it, warnings too unless --allow-warnings.

    \b
    Lời văn nằm trong mẫu Word (docxtpl): --templates THƯ_MỤC chép mẫu gốc
    vào đó lần đầu; sửa lời văn bằng Word, giữ nguyên các chỗ điền dạng
    {{ tên }}; các năm sau dùng lại mẫu đã sửa.
    The wording lives in Word templates: --templates DIR copies the shipped
    ones there the first time; edit them in Word, keep the {{ name }}
    placeholders, and reuse them in later years.

    Exit status: 0 written, 1 refused by the re-check, 2 cannot run (also
    when --pdf is asked and LibreOffice is missing: the .docx are written).
    """
    from pathlib import Path

    from xlsync.cli.render import console, plan_line, records_table
    from xlsync.io.plan_source import resolve_plan
    from xlsync.jobs.documents import DOCUMENTS_FOLDER, outcome_lines, parse_kinds, write_documents

    lang = current_lang(lang)
    loaded = resolve_plan(plan_path)
    say(plan_line(loaded, lang))
    plan = loaded.require_usable()
    folder = Path(out) if out else Path(master).parent / DOCUMENTS_FOLDER
    outcome = write_documents(master, plan, folder, kinds=parse_kinds(kind), pdf=pdf, templates=templates,
                              allow_warnings=allow_warnings)
    if outcome.issues:
        console().print(records_table(outcome.issues, lang))
    if outcome.blocking:
        errors = sum(1 for issue in outcome.blocking if issue.is_error)
        say(text("documents-refused", lang, errors=errors, warnings=len(outcome.blocking) - errors), err=False)
        return outcome.exit_code
    for line in outcome_lines(outcome, lang):
        say(line, err=False)
    if outcome.pdf_problem is not None:
        raise outcome.pdf_problem
    return outcome.exit_code

