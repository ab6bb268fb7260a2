"""Problems found in the data are records in a report; exceptions mean "cannot run".

Modelled on frictionless: every record has a stable ``code``, a position
(file, sheet, cell) and a message.  The messages themselves come from
:mod:`xlsync.core.messages`, so Vietnamese and English never drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator, Literal

from xlsync.core.messages import RECORDS, render, text
from xlsync.core.numbers import format_number

Severity = Literal["error", "warning", "info"]
RECORD_FIELDS = ("code", "severity", "file", "sheet", "cell", "value", "message_vi", "message_en")
LANGS = ("vi", "en")


@dataclass(frozen=True, slots=True)
class Issue:
    code: str
    severity: Severity
    message_vi: str
    message_en: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    value: str = ""

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" else self.message_vi

    def to_dict(self) -> dict[str, str]:
        """The record as JSON consumers read it: position first, then the messages."""
        return {name: getattr(self, name) for name in RECORD_FIELDS}

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def is_warning(self) -> bool:
        return self.severity == "warning"


def make_issue(
    code: str,
    /,
    *,
    file: str = "",
    sheet: str = "",
    cell: str = "",
    value: object = "",
    severity: Severity | None = None,
    **params: object,
) -> Issue:
    """Build a record from the catalogue entry ``code``.

    ``params`` fill the message templates; ``value`` (the raw cell text) and
    the position are available to the templates too.
    """
    entry = RECORDS[code]
    text = display_value(value)
    fields = {"file": file, "sheet": sheet, "cell": cell, "value": text, **params}
    return Issue(
        code=code,
        severity=severity or entry.severity,
        message_vi=render(entry.vi, fields),
        message_en=render(entry.en, fields),
        file=file,
        sheet=sheet,
        cell=cell,
        value=text,
    )


def marking_severity(issues: Iterable[Issue]) -> Severity | None:
    """How a cell holding these records is coloured in every front end: by its worst error or warning;
    information alone (a %-formatted rate read as such) gets a note and keeps the cell's colour."""
    severities = {i.severity for i in issues}
    return "error" if "error" in severities else "warning" if "warning" in severities else None


def column_fields(column: str) -> dict[str, str]:
    """Fields naming a labelled column after the cell («Ô E22 (cột «Kế hoạch»): …»), for tables whose
    columns mean different things (the plan's sheets), where the address alone says little."""
    return {"column_vi": f" (cột «{column}»)", "column_en": f" (column '{column}')"}


def severity_word(issue: Issue, lang: str = "vi") -> str:
    """«Lỗi» / «Cảnh báo» / «Thông tin» (or English) for tables and annotated copies."""
    return text(f"severity-{issue.severity}", lang)


def display_value(value: object) -> str:
    """A cell value as the user would read it ("1.234,5", not "1234.5")."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(value)
    return str(value)


@dataclass(slots=True)
class Report:
    """An ordered collection of records; its exit code follows its content."""

    issues: list[Issue] = field(default_factory=list)

    def add(self, issue: Issue) -> None:
        self.issues.append(issue)

    def extend(self, issues: Iterable[Issue]) -> None:
        self.issues.extend(issues)

    def __iter__(self) -> Iterator[Issue]:
        return iter(self.issues)

    def __len__(self) -> int:
        return len(self.issues)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def infos(self) -> list[Issue]:
        """What xlsync read in a way worth saying (a %-formatted rate), neither error nor warning."""
        return [i for i in self.issues if i.severity == "info"]

    @property
    def exit_code(self) -> int:
        """0 when there is no error (warnings allowed), 1 otherwise."""
        return 1 if self.errors else 0

    def to_dicts(self) -> list[dict[str, str]]:
        return [i.to_dict() for i in self.issues]


class CannotRun(Exception):
    """xlsync cannot do what was asked (missing file, bad option, locked output...).

    Carries a catalogue code so the edge (CLI, Excel button) can show a
    one-line message in the user's language instead of a traceback.
    """

    def __init__(self, code: str, /, **params: object) -> None:
        self.code = code
        self.params = params
        entry = RECORDS[code]
        self.message_vi = render(entry.vi, params)
        self.message_en = render(entry.en, params)
        super().__init__(self.message_en)

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" else self.message_vi

    def as_issue(self, file: str = "") -> Issue:
        """The same problem as an error record for one file of a batch.

        The record's file is the one named by the batch; a sheet or cell the
        problem carries (e.g. the far corner of an oversized sheet) is kept.
        """
        params = dict(self.params)
        params.pop("file", None)
        position = {key: str(params.pop(key)) for key in ("sheet", "cell", "value") if key in params}
        return make_issue(self.code, file=file or str(self.params.get("file", "")), **position, **params)
