"""Printing workbooks to PDF with LibreOffice and reading the pages' text back (pdftotext, poppler-utils).

:func:`page_texts` reads each page as pdftotext's default mode does (following the page's columns).
:func:`column_texts` reads the words of a table one column at a time, line by line from the top, so a
cell's wrapped lines come out one after the other, while text spilling out of a row too short for it is
read interleaved with the lines of the next row's cell: a cut or overlapping cell does not read back whole.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from libreoffice import missing, required_program, soffice

A4_LANDSCAPE = (841.89, 595.28)  # points, as pdfinfo prints them


def pdftotext() -> str:
    return required_program("pdftotext", package="poppler-utils")


# The fonts a Windows office prints the master with, and the Linux fonts with the same metrics.
METRIC_FONTS = {"Times New Roman": ("Times New Roman", "Liberation Serif", "fonts-liberation"),
                "Calibri": ("Calibri", "Carlito", "fonts-crosextra-carlito")}


def require_metric_fonts() -> None:
    """Fail in CI (skip elsewhere) unless the fonts print as on Windows: else every line wraps elsewhere."""
    fc_match = required_program("fc-match", package="fontconfig (with LibreOffice)")
    for font, (same, compatible, package) in METRIC_FONTS.items():
        done = subprocess.run([fc_match, "-f", "%{family}", font], capture_output=True, text=True, timeout=30)
        if not {same, compatible} & set(done.stdout.split(",")):
            missing(f"the font {compatible} (printing {font}, now {done.stdout or 'nothing'})", package)


def print_to_pdf(paths: list[Path], out_dir: Path, profile_dir: Path) -> list[Path]:
    """Every workbook to PDF in one LibreOffice call, with a private profile; return the PDFs."""
    out_dir.mkdir(parents=True, exist_ok=True)
    command = [soffice(), "--headless", "--norestore", "--nolockcheck",
               f"-env:UserInstallation={profile_dir.resolve().as_uri()}",
               "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, paths)]
    subprocess.run(command, check=True, capture_output=True, timeout=240)
    return [out_dir / f"{p.stem}.pdf" for p in paths]


def page_texts(pdf: Path) -> list[str]:
    """The text of each page, in reading order."""
    done = subprocess.run([pdftotext(), "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          timeout=60)
    pages = done.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    """Width and height of each page in points."""
    pdfinfo = str(Path(pdftotext()).with_name("pdfinfo"))
    done = subprocess.run([pdfinfo, "-f", "1", "-l", "100000", str(pdf)], check=True, capture_output=True,
                          text=True, timeout=60)
    return [(float(w), float(h)) for w, h in re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", done.stdout,
                                                       re.MULTILINE)]


def flat(text: str) -> str:
    """Runs of white space (line ends included) as one space: a wrapped cell reads as one line."""
    return " ".join(text.split())


def squeezed(text: str) -> str:
    """Without any white space: pdftotext guesses spaces from the glyphs' gaps («Σ = 9» may read «Σ=9»), but
    text read out of order or interleaved with a neighbour's still does not match."""
    return "".join(text.split())


@dataclass(frozen=True, slots=True)
class Word:
    """A run of glyphs as pdftotext -bbox reports it (points from the page's top left)."""

    text: str
    left: float
    top: float
    right: float

    @property
    def centre(self) -> float:
        return (self.left + self.right) / 2


WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</word>')


def page_words(pdf: Path) -> list[list[Word]]:
    """The words of each page, with their boxes."""
    done = subprocess.run([pdftotext(), "-enc", "UTF-8", "-bbox", str(pdf), "-"], check=True, capture_output=True,
                          timeout=60)
    pages = done.stdout.decode("utf-8").split("<page ")[1:]
    return [[Word(unescape(text), float(left), float(top), float(right))
             for left, top, right, text in WORD.findall(page)] for page in pages]


def column_pixels(widths: tuple[float, ...]) -> list[int]:
    """Column widths in pixels as XlsxWriter stores them (7 a character, 5 of padding)."""
    return [int(width * 7 + 0.5) + 5 for width in widths]


def label_centre(words: list[Word], label: str) -> float:
    """Where on the page the (one-line) ``label`` is centred: the first run of words on a line spelling it."""
    wanted = squeezed(label)
    lines: dict[float, list[Word]] = {}
    for word in words:
        lines.setdefault(word.top, []).append(word)
    for top in sorted(lines):
        line = sorted(lines[top], key=lambda w: w.left)
        for start in range(len(line)):
            text = ""
            for end in range(start, len(line)):
                text += line[end].text
                if text == wanted:
                    return (line[start].left + line[end].right) / 2
                if not wanted.startswith(text):
                    break
    raise LookupError(f"«{label}» is not on the page")


def column_texts(words: list[Word], labels: tuple[str, ...], widths: tuple[float, ...]) -> list[str]:
    """The text under each header label of a table, white space dropped, read a line at a time.

    The page's scale and left edge come from where the first and last labels are centred; the
    columns are then cut as the workbook sizes them.
    """
    pixels = column_pixels(widths)
    starts = [sum(pixels[:i]) for i in range(len(pixels) + 1)]
    first, last = label_centre(words, labels[0]), label_centre(words, labels[-1])
    scale = (last - first) / ((starts[-1] - pixels[-1] / 2) - pixels[0] / 2)
    origin = first - scale * pixels[0] / 2
    texts = []
    for left, right in zip(starts, starts[1:]):
        inside = [w for w in words if origin + scale * left <= w.centre < origin + scale * right]
        inside.sort(key=lambda w: (w.top, w.left))  # pdftotext gives a line's words one top (the font's ascent)
        texts.append("".join(w.text for w in inside))
    return texts
