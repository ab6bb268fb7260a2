"""Reading and rewriting a VBA project (``vbaProject.bin``, [MS-OVBA]).

XlsxWriter embeds a VBA project but cannot write VBA code.  The control
workbook needs xlwings' standalone VBA (``RunPython``) plus one module of
its own whose procedures the buttons call.  So the project shipped in the
installed xlwings is read here, modules are added or dropped, and the
project is written back:

* modules that are kept stay byte for byte as xlwings shipped them
  (their ``dir`` records and streams);
* new modules are stored as compressed source text only (MODULEOFFSET 0),
  the form xlwings itself uses for its ``xlwings`` module;
* ``_VBA_PROJECT`` carries version 0xFFFF, so Office ignores every
  compiled cache and compiles the project from source on first use
  ([MS-OVBA] 1.6, 2.3.4.1).
"""

from __future__ import annotations

import io
import re
import struct
from dataclasses import dataclass, field, replace
from typing import Literal

import olefile

from xlsync.io.compound_file import build_compound_file
from xlsync.io.ovba_compression import compress, decompress

ModuleKind = Literal["standard", "class", "document"]

# dir stream record ids ([MS-OVBA] 2.3.4.2)
_CODEPAGE = 0x0003
_PROJECTVERSION = 0x0009
_MODULES = 0x000F
_COOKIE = 0x0013
_DIR_END = 0x0010
_MODULE_NAME = 0x0019
_MODULE_NAME_UNICODE = 0x0047
_MODULE_STREAM_NAME = 0x001A
_MODULE_STREAM_NAME_UNICODE = 0x0032
_MODULE_DOCSTRING = 0x001C
_MODULE_DOCSTRING_UNICODE = 0x0048
_MODULE_OFFSET = 0x0031
_MODULE_HELP_CONTEXT = 0x001E
_MODULE_COOKIE = 0x002C
_MODULE_TYPE_PROCEDURAL = 0x0021
_MODULE_TYPE_OTHER = 0x0022
_MODULE_END = 0x002B

# Version 0xFFFF: "compile from source, ignore the performance caches".
_VBA_PROJECT_STREAM = struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0001)
# The class every worksheet's document module is based on.
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"

Record = tuple[int, bytes]


class VbaProjectError(ValueError):
    """The bytes are not a VBA project this module understands."""


@dataclass(frozen=True)
class VbaModule:
    name: str
    kind: ModuleKind
    source: str
    # As read from an existing project; None for modules added here.
    records: tuple[Record, ...] | None = None
    stream: bytes | None = None

    @property
    def procedures(self) -> list[str]:
        return procedure_names(self.source)


@dataclass(frozen=True)
class VbaProject:
    codepage: str
    information: tuple[Record, ...]  # PROJECTINFORMATION and PROJECTREFERENCES, untouched
    cookie: bytes
    properties: tuple[str, ...]  # PROJECT stream lines other than the module list
    host_extenders: tuple[str, ...]
    modules: tuple[VbaModule, ...] = field(default_factory=tuple)

    # --- reading ---------------------------------------------------------

    @classmethod
    def from_bytes(cls, data: bytes) -> "VbaProject":
        try:
            ole = olefile.OleFileIO(io.BytesIO(data))
        except OSError as exc:
            raise VbaProjectError(f"not a compound file: {exc}") from exc
        with ole:
            root = _vba_root(ole)
            records = _parse_records(decompress(ole.openstream(root + "VBA/dir").read()))
            codepage = _codepage(records)
            project_text = ole.openstream(root + "PROJECT").read().decode(codepage)
            information, cookie, module_records = _split_dir(records)
            kinds, properties, host_extenders = _parse_project_text(project_text)
            modules = tuple(
                _read_module(ole, root, recs, codepage, kinds) for recs in module_records
            )
        return cls(codepage, information, cookie, properties, host_extenders, modules)

    def module(self, name: str) -> VbaModule:
        for module in self.modules:
            if module.name.casefold() == name.casefold():
                return module
        raise KeyError(name)

    # --- editing ---------------------------------------------------------

    def without_module(self, name: str) -> "VbaProject":
        self.module(name)  # KeyError if absent: dropping a module that is not there is a bug
        kept = tuple(m for m in self.modules if m.name.casefold() != name.casefold())
        return replace(self, modules=kept)

    def with_module(self, module: VbaModule) -> "VbaProject":
        """The project with ``module`` added, or replacing one of the same name."""
        _check_name(module.name)
        module.source.encode(self.codepage)  # UnicodeEncodeError now rather than garbage later
        kept = [m for m in self.modules if m.name.casefold() != module.name.casefold()]
        return replace(self, modules=(*kept, module))

    def with_worksheet_modules(self, codenames: list[str]) -> "VbaProject":
        """Ensure a worksheet document module exists for each sheet code name.

        Excel binds a sheet to the document module named by its ``codeName``;
        a sheet without one gets a duplicate object in the VBA editor.
        """
        project = self
        existing = {m.name.casefold() for m in self.modules}
        for codename in codenames:
            if codename.casefold() not in existing:
                project = project.with_module(
                    VbaModule(codename, "document", worksheet_module_source(codename))
                )
        return project

    # --- writing ---------------------------------------------------------

    def to_bytes(self) -> bytes:
        streams = {
            "PROJECT": self._project_text().encode(self.codepage),
            "PROJECTwm": self._name_map(),
            "VBA/_VBA_PROJECT": _VBA_PROJECT_STREAM,
            "VBA/dir": compress(self._dir_stream()),
        }
        for module in self.modules:
            streams["VBA/" + module.name] = (
                module.stream
                if module.stream is not None
                else compress(_crlf(module.source).encode(self.codepage))
            )
        return build_compound_file(streams)

    def _dir_stream(self) -> bytes:
        records: list[Record] = list(self.information)
        records.append((_MODULES, struct.pack("<H", len(self.modules))))
        records.append((_COOKIE, self.cookie))
        for module in self.modules:
            records.extend(module.records or self._new_module_records(module))
        records.append((_DIR_END, b""))
        out = bytearray()
        for rid, payload in records:
            out += _record_bytes(rid, payload)
        return bytes(out)  # the terminator's 4-byte Reserved is its zero size field

    def _new_module_records(self, module: VbaModule) -> list[Record]:
        name = module.name.encode(self.codepage)
        unicode_name = module.name.encode("utf-16-le")
        kind = _MODULE_TYPE_PROCEDURAL if module.kind == "standard" else _MODULE_TYPE_OTHER
        return [
            (_MODULE_NAME, name),
            (_MODULE_NAME_UNICODE, unicode_name),
            (_MODULE_STREAM_NAME, name),
            (_MODULE_STREAM_NAME_UNICODE, unicode_name),
            (_MODULE_DOCSTRING, b""),
            (_MODULE_DOCSTRING_UNICODE, b""),
            (_MODULE_OFFSET, struct.pack("<I", 0)),
            (_MODULE_HELP_CONTEXT, struct.pack("<I", 0)),
            (_MODULE_COOKIE, struct.pack("<H", 0xFFFF)),
            (kind, b""),
            (_MODULE_END, b""),
        ]

    def _project_text(self) -> str:
        identity, rest = self.properties[0], self.properties[1:]
        lines = [identity, *(_module_declaration(m) for m in self.modules), *rest, ""]
        lines += [*self.host_extenders, "", "[Workspace]"]
        lines += [f"{m.name}=0, 0, 0, 0, C" for m in self.modules]
        return "\r\n".join(lines) + "\r\n"

    def _name_map(self) -> bytes:
        out = bytearray()
        for module in self.modules:
            out += module.name.encode(self.codepage) + b"\x00"
            out += module.name.encode("utf-16-le") + b"\x00\x00"
        return bytes(out) + b"\x00\x00"


def procedure_names(source: str) -> list[str]:
    """Names of the Sub and Function procedures declared in VBA ``source``."""
    names = []
    for line in source.splitlines():
        words = line.split("'", 1)[0].split()
        while words and words[0].lower() in ("public", "private", "friend", "static"):
            words = words[1:]
        if len(words) >= 2 and words[0].lower() in ("sub", "function"):
            names.append(words[1].split("(", 1)[0])
    return names


def worksheet_module_source(codename: str) -> str:
    """The source of an empty worksheet document module, as Excel writes it."""
    return _crlf(
        f'Attribute VB_Name = "{codename}"\n'
        f'Attribute VB_Base = "{WORKSHEET_BASE}"\n'
        "Attribute VB_GlobalNameSpace = False\n"
        "Attribute VB_Creatable = False\n"
        "Attribute VB_PredeclaredId = True\n"
        "Attribute VB_Exposed = True\n"
        "Attribute VB_TemplateDerived = False\n"
        "Attribute VB_Customizable = True\n"
    )


def _crlf(text: str) -> str:
    return "\r\n".join(text.replace("\r\n", "\n").split("\n"))


_MODULE_NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}")


def _check_name(name: str) -> None:
    """VBA identifiers: an ASCII letter, then letters, digits or "_"; 31 characters at most."""
    if not _MODULE_NAME_PATTERN.fullmatch(name):
        raise VbaProjectError(f"invalid VBA module name {name!r}")


def _vba_root(ole: olefile.OleFileIO) -> str:
    """Storage prefix holding PROJECT and VBA/ (the root in an .xlsm's part)."""
    if ole.exists("VBA/dir") and ole.exists("PROJECT"):
        return ""
    if ole.exists("_VBA_PROJECT_CUR/VBA/dir"):
        return "_VBA_PROJECT_CUR/"
    raise VbaProjectError("no VBA/dir stream")


def _parse_records(data: bytes) -> list[Record]:
    records: list[Record] = []
    pos = 0
    while pos + 6 <= len(data):
        rid, size = struct.unpack_from("<HI", data, pos)
        if rid == _PROJECTVERSION:
            size = 6  # its size field says 4 but two more bytes follow ([MS-OVBA] 2.3.4.2.1.11)
        records.append((rid, data[pos + 6 : pos + 6 + size]))
        pos += 6 + size
        if rid == _DIR_END:
            break
    return records


def _record_bytes(rid: int, payload: bytes) -> bytes:
    size = 4 if rid == _PROJECTVERSION else len(payload)
    return struct.pack("<HI", rid, size) + payload


def _codepage(records: list[Record]) -> str:
    for rid, payload in records:
        if rid == _CODEPAGE:
            return f"cp{struct.unpack('<H', payload)[0]}"
    raise VbaProjectError("dir stream without PROJECTCODEPAGE")


def _split_dir(records: list[Record]) -> tuple[tuple[Record, ...], bytes, list[tuple[Record, ...]]]:
    ids = [rid for rid, _ in records]
    if _MODULES not in ids:
        raise VbaProjectError("dir stream without PROJECTMODULES")
    start = ids.index(_MODULES)
    information = tuple(records[:start])
    cookie = records[start + 1][1] if ids[start + 1] == _COOKIE else struct.pack("<H", 0xFFFF)
    modules: list[tuple[Record, ...]] = []
    current: list[Record] = []
    for record in records[start + 2 :]:
        if record[0] == _DIR_END:
            break
        current.append(record)
        if record[0] == _MODULE_END:
            modules.append(tuple(current))
            current = []
    return information, cookie, modules


def _parse_project_text(text: str) -> tuple[dict[str, ModuleKind], tuple[str, ...], tuple[str, ...]]:
    """Module kinds, other properties and the host extender section of PROJECT."""
    kinds: dict[str, ModuleKind] = {}
    properties: list[str] = []
    host_extenders: list[str] = []
    section = "properties"
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.startswith("["):
            section = line
        if section == "properties":
            key, _, value = line.partition("=")
            if key in ("Document", "Module", "Class"):
                name = value.split("/", 1)[0]
                kinds[name.casefold()] = {"Document": "document", "Module": "standard"}.get(
                    key, "class"
                )
            elif line:
                properties.append(line)
        elif section == "[Host Extender Info]" and line:
            host_extenders.append(line)
    if not properties or not properties[0].startswith("ID="):
        raise VbaProjectError("PROJECT stream does not start with ID=")
    return kinds, tuple(properties), tuple(host_extenders)


def _read_module(
    ole: olefile.OleFileIO,
    root: str,
    records: tuple[Record, ...],
    codepage: str,
    kinds: dict[str, ModuleKind],
) -> VbaModule:
    fields = dict(records)
    name = fields[_MODULE_NAME].decode(codepage)
    stream_name = fields.get(_MODULE_STREAM_NAME, fields[_MODULE_NAME]).decode(codepage)
    (offset,) = struct.unpack("<I", fields[_MODULE_OFFSET])
    stream = ole.openstream(root + "VBA/" + stream_name).read()
    source = decompress(stream[offset:]).decode(codepage)
    default: ModuleKind = "standard" if _MODULE_TYPE_PROCEDURAL in fields else "class"
    return VbaModule(name, kinds.get(name.casefold(), default), source, records, stream)


def _module_declaration(module: VbaModule) -> str:
    if module.kind == "document":
        return f"Document={module.name}/&H00000000"
    return f"{'Module' if module.kind == 'standard' else 'Class'}={module.name}"
