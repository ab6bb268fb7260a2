"""`xlsync documents`: the report, the proposal and the decision the office signs, from the master.

The master is checked again first, by the rule that decides whether it may
be sent (:mod:`xlsync.core.master.check`): a document quoting figures that
no longer match «Theo đơn vị» must not be signed.  The figures come from the
master's consolidation, recomputed from «Theo đơn vị»; the ranking and the
proposed titles from «Xếp hạng»; the rest from the plan
(:mod:`xlsync.core.documents`).  The wording is in Word templates
(:mod:`xlsync.io.documents`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable

from xlsync.core.documents import ALL_KINDS, OUTPUT_STEMS, RANKING_SHEET, DocumentKind, document_context, \
    read_ranking
from xlsync.core.issues import CannotRun, Issue
from xlsync.core.master.check import blocking_issues
from xlsync.core.messages import text
from xlsync.core.plan import Plan
from xlsync.io.documents import convert_to_pdf, find_soffice, render_document, template_for, \
    write_shipped_templates
from xlsync.io.xlsx_read import read_workbook
from xlsync.jobs.send import check_master_for_sending

DOCUMENTS_FOLDER = "van-ban"  # beside the master, when no folder is named (the Excel button)


@dataclass(slots=True)
class DocumentsOutcome:
    """What ``write_documents`` did: refused by the re-check, or wrote documents (and PDFs)."""

    issues: list[Issue]  # every problem found in the master, as before sending
    blocking: list[Issue]  # those that stopped the writing; empty when it went ahead
    documents: list[Path] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)
    templates_written: list[Path] = field(default_factory=list)  # shipped templates copied to --templates
    without_ranking: list[DocumentKind] = field(default_factory=list)  # left out: the units were not scored
    pdf_problem: CannotRun | None = None  # the documents are written, their PDF could not be made
    pdf_skipped: bool = False  # PDF wanted if LibreOffice is installed, and it is not

    @property
    def exit_code(self) -> int:
        return 1 if self.blocking else 0


def parse_kinds(choice: str) -> tuple[DocumentKind, ...]:
    """``--kind``: one document, or ``all``."""
    return ALL_KINDS if choice == "all" else (DocumentKind(choice),)


def write_documents(
    master_path: str | Path,
    plan: Plan,
    out: str | Path,
    *,
    kinds: Iterable[DocumentKind] = ALL_KINDS,
    pdf: bool | None = False,
    templates: str | Path | None = None,
    allow_warnings: bool = False,
    year: int | None = None,
) -> DocumentsOutcome:
    """Check the master, then write the chosen documents into ``out`` (and their PDFs with ``pdf``).

    ``templates``: the office's template folder; the shipped templates it
    lacks are copied there first, and the documents are made from its
    copies.  A document that needs the ranking is refused when the master
    has none, unless every document was asked for: then it is left out and
    named in the outcome.  ``pdf`` None: PDF too when LibreOffice is
    installed (the demo, the Excel button).  ``year`` is the year of the
    date line (default: this year).
    """
    master_path = Path(master_path)
    if not master_path.is_file():
        raise CannotRun("file-not-found", file=str(master_path))
    kinds = tuple(kinds)
    master, issues = check_master_for_sending(master_path, plan)
    outcome = DocumentsOutcome(issues, blocking_issues(issues, allow_warnings))
    if outcome.blocking:
        return outcome
    ranking, problems = read_ranking(read_workbook(master_path, choose_sheets=_ranking_sheet), plan)
    outcome.issues += problems
    if not ranking:
        outcome.without_ranking = [kind for kind in kinds if kind.needs_ranking]
        if outcome.without_ranking and kinds != ALL_KINDS:
            raise CannotRun("documents-need-scoring", file=str(master_path))
        kinds = tuple(kind for kind in kinds if not kind.needs_ranking)
    if templates is not None:
        outcome.templates_written = write_shipped_templates(templates, kinds)
    context = document_context(master.consolidation, ranking, year or date.today().year)
    out = Path(out)
    for kind in kinds:
        target = out / f"{OUTPUT_STEMS[kind]}.docx"
        outcome.documents.append(render_document(template_for(kind, templates), context, target))
    if pdf is None:
        pdf = find_soffice() is not None
        outcome.pdf_skipped = not pdf
    if pdf and outcome.documents:
        try:
            outcome.pdfs = convert_to_pdf(outcome.documents, out)
        except CannotRun as problem:  # the .docx files stand on their own: say so, keep them
            outcome.pdf_problem = problem
    return outcome


def write_documents_beside(master_path: str | Path, plan: Plan, folder: str | Path | None = None,
                           templates: str | Path | None = None, pdf: bool | None = None) -> DocumentsOutcome:
    """Every document into ``folder`` (default: van-ban beside the master); ``pdf`` as :func:`write_documents`."""
    folder = folder or Path(master_path).parent / DOCUMENTS_FOLDER
    return write_documents(master_path, plan, folder, pdf=pdf, templates=templates)


def _ranking_sheet(names: list[str]) -> list[str]:
    """Only «Xếp hạng» is read again: the rest of the master was read by the check."""
    return [name for name in names if name == RANKING_SHEET]


def outcome_lines(outcome: DocumentsOutcome, lang: str | None = None) -> list[str]:
    """What was written, in the user's words (also the «Văn bản» button's status)."""
    lines = []
    if outcome.templates_written:
        written = outcome.templates_written
        lines.append(text("documents-templates-written", lang, folder=written[0].parent,
                          files=", ".join(path.name for path in written)))
    folder = outcome.documents[0].parent if outcome.documents else ""
    lines.append(text("documents-written", lang, count=len(outcome.documents), folder=folder,
                      files=", ".join(path.name for path in outcome.documents)))
    if outcome.without_ranking:
        lines.append(text("documents-without-ranking", lang))
    if outcome.pdfs:
        lines.append(text("documents-pdf-written", lang, files=", ".join(path.name for path in outcome.pdfs)))
    if outcome.pdf_skipped:
        lines.append(text("documents-no-pdf", lang))
    return lines
