"""Word documents from templates (docxtpl), and their PDF through LibreOffice.

The templates shipped with xlsync are in ``templates/documents``; an office
may keep its own copies (``xlsync documents --templates DIR`` writes the
shipped ones there first) and change the wording in Word.  A placeholder
broken while editing (``{{ signer }`` , an unknown name) is one "cannot
run" error naming the placeholder and the template, never a document with
a hole in it.  Documents are written atomically.

PDF: one ``soffice --headless --convert-to pdf`` call for every document,
with a private profile (a LibreOffice window the user has open, or its
first-start dialogs, must not interfere).
"""

from __future__ import annotations

import html
import io
import importlib.resources
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from importlib.resources.abc import Traversable
from pathlib import Path

from xlsync.core.documents import DocumentKind
from xlsync.core.issues import CannotRun
from xlsync.io.atomic import atomic_path

TEMPLATE_PACKAGE = "xlsync.templates"
TEMPLATE_FOLDER = "documents"
PDF_TIMEOUT_SECONDS = 300
# Where LibreOffice installs itself on Windows, which does not put it on PATH.
WINDOWS_SOFFICE = ("LibreOffice/program/soffice.exe",)
_PLACEHOLDER = re.compile(r"\{[{%].*?(?:[}%]\}|(?=\{[{%])|$)", re.DOTALL)
_XML_TAG = re.compile(r"<[^>]+>")
_UNDEFINED = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'")
_DOCXTPL_PREFIX = re.compile(r"^\{%\s*(?:p|tr|tc|r)\s+")
_HALF_CLOSED = re.compile(r"\{[{%][^{}%]*[}%]")
_BLOCKS = ("for", "if", "with", "filter", "macro", "call")


# --- templates -------------------------------------------------------------------------------------


def shipped_template(kind: DocumentKind) -> Traversable:
    """The template xlsync ships for ``kind`` (a resource inside the installed package)."""
    return importlib.resources.files(TEMPLATE_PACKAGE).joinpath(TEMPLATE_FOLDER, kind.template_name)


def write_shipped_templates(folder: str | Path, kinds: tuple[DocumentKind, ...] = tuple(DocumentKind)) -> list[Path]:
    """Copy the shipped templates an office does not have yet into ``folder``; its own are kept."""
    folder = Path(folder)
    written = []
    for kind in kinds:
        target = folder / kind.template_name
        if target.exists():
            continue
        with atomic_path(target) as tmp:
            tmp.write_bytes(shipped_template(kind).read_bytes())
        written.append(target)
    return written


def template_for(kind: DocumentKind, folder: str | Path | None) -> Traversable | Path:
    """The office's template in ``folder`` when given, else the shipped one."""
    if folder is None:
        return shipped_template(kind)
    path = Path(folder) / kind.template_name
    if not path.is_file():
        raise CannotRun("file-not-found", file=str(path))
    return path


# --- rendering -------------------------------------------------------------------------------------


def render_document(template: Traversable | Path, context: dict[str, object], out: str | Path) -> Path:
    """``template`` filled with ``context``, written to ``out`` in one step."""
    import jinja2
    from docxtpl import DocxTemplate

    name = str(template)
    try:
        document = DocxTemplate(io.BytesIO(template.read_bytes()))
        document.init_docx()
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise CannotRun("document-template-unreadable", file=name, detail=str(error)) from error
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    try:
        document.render(context, jinja_env=environment)
    except jinja2.UndefinedError as error:
        placeholder = _undefined_placeholder(str(error), _template_words(document))
        raise CannotRun("document-placeholder-unknown", file=name, placeholder=placeholder) from error
    except jinja2.TemplateSyntaxError as error:
        placeholder = broken_placeholder(_words(error.source or ""), environment) or f"… {error.message} …"
        raise CannotRun("document-placeholder-broken", file=name, placeholder=placeholder,
                        detail=error.message or "") from error
    except jinja2.TemplateError as error:
        raise CannotRun("document-placeholder-broken", file=name, placeholder=str(error), detail=str(error)) from error
    out = Path(out)
    with atomic_path(out) as tmp:
        document.save(tmp)
    return out


def _template_words(document) -> str:
    """The template's text with its placeholders, as docxtpl hands it to Jinja."""
    try:
        return _words(document.get_xml())
    except Exception:  # only for naming the placeholder: the error is raised either way
        return ""


def _words(xml: str) -> str:
    return html.unescape(_XML_TAG.sub("", xml))


def broken_placeholder(words: str, environment) -> str:
    """The first placeholder of ``words`` that is wrong on its own: unclosed, or not valid Jinja.

    A block's opening tag is tried with its end tag added; end tags and
    ``else`` are not tried alone (a block that is never closed is left to
    Jinja's own message).
    """
    import jinja2

    for found in _PLACEHOLDER.finditer(words):
        fragment = found.group(0)
        closer = "}}" if fragment.startswith("{{") else "%}"
        if not fragment.endswith(closer):  # «{{ name }»: up to its half closer, if it has one
            half = _HALF_CLOSED.match(fragment)
            return (half.group(0) if half else fragment).strip()
        source = _DOCXTPL_PREFIX.sub("{% ", fragment)
        keyword = source[2:-2].split()[0] if closer == "%}" and source[2:-2].split() else ""
        if keyword.startswith("end") or keyword in ("else", "elif"):
            continue
        if keyword in _BLOCKS:
            source += f"{{% end{keyword} %}}"
        try:
            environment.from_string(source)  # compiled, so an unknown filter is found too
        except jinja2.TemplateSyntaxError:
            return fragment
    return ""


def _undefined_placeholder(message: str, words: str) -> str:
    """The placeholder that names something the context lacks, as written in the template."""
    found = _UNDEFINED.search(message)
    if not found:
        return message
    name = found.group(1) or found.group(2)
    pattern = re.compile(rf"\{{[{{%][^{{}}]*\b{re.escape(name)}\b[^{{}}]*[}}%]\}}")
    written = pattern.search(words)
    return written.group(0) if written else name


# --- PDF -------------------------------------------------------------------------------------------


def find_soffice() -> str | None:
    """LibreOffice's command: on PATH, or where its Windows installer puts it."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    for root in (os.environ.get("PROGRAMFILES"), os.environ.get("PROGRAMFILES(X86)")):
        for relative in WINDOWS_SOFFICE if root else ():
            candidate = Path(root) / relative
            if candidate.is_file():
                return str(candidate)
    return None


def convert_to_pdf(paths: list[Path], out_dir: str | Path) -> list[Path]:
    """PDF copies of ``paths`` in ``out_dir``, from one LibreOffice call; CannotRun when it is absent."""
    soffice = find_soffice()
    if soffice is None:
        raise CannotRun("libreoffice-missing")
    out_dir = Path(out_dir)
    with tempfile.TemporaryDirectory(prefix="xlsync-pdf-") as work:
        profile, staging = Path(work) / "profile", Path(work) / "pdf"
        command = [
            soffice, "--headless", "--norestore", "--nolockcheck", "--nodefault",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(staging), *map(str, paths),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=PDF_TIMEOUT_SECONDS)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise CannotRun("pdf-failed", file=str(paths[0]), detail=str(error)) from error
        written = []
        for path in paths:
            staged = staging / f"{path.stem}.pdf"
            if not staged.is_file():
                detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or [f"exit {done.returncode}"]
                raise CannotRun("pdf-failed", file=str(path), detail=detail[0])
            target = out_dir / staged.name
            with atomic_path(target) as tmp:
                shutil.copyfile(staged, tmp)
            written.append(target)
    return written
