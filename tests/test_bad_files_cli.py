"""Bad files in one `xlsync validate` run: each is reported, none stops the others, no traceback."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile

import msoffcrypto.format.ooxml
import pytest

from bad_files import (
    BILLION_LAUGHS, FILLER_ROW, SHEET_HEAD, convert_with_libreoffice, ods_parts, package_parts, sheet_xml, write_xlsx,
    write_zip_with_filler,
)
from helpers import fill_report, value_cells
from xlsync.core.example_data import example_values
from xlsync.io.compound_file import build_compound_file


# xlsync runs under a small wrapper that writes down what its children used. Asking here would measure
# the wrong process: RUSAGE_CHILDREN is the peak of every child this test process ever waited for, and
# Linux carries a process's high-water RSS across execve, so even xlsync's own ru_maxrss (from wait4)
# starts at the size of this pytest process. The wrapper is small; its RUSAGE_CHILDREN covers xlsync
# and any worker xlsync waits for. CPU time, not wall time: a busy machine does not inflate it.
MEASURED_RUN = (
    "import json, resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[2:]).returncode\n"
    "used = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "with open(sys.argv[1], 'w') as out:\n"
    "    json.dump({'peak_mb': used.ru_maxrss / 1024, 'cpu_seconds': used.ru_utime + used.ru_stime}, out)\n"
    "sys.exit(code)\n"
)


def _bad_files(folder, good):
    folder.mkdir()
    (folder / "rong.xlsx").write_bytes(b"")
    (folder / "ngau-nhien.xlsx").write_bytes(os.urandom(4096))
    (folder / "bang.xlsx").write_text("Mã,Số liệu\nDAN_SO,1.234\n", encoding="utf-8")
    (folder / "hong.xls").write_bytes(build_compound_file({"Workbook": b"\x09\x08" + b"\x00" * 600}))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    (folder / "libre.ods").write_bytes(buffer.getvalue())  # no META-INF/manifest.xml: damaged
    parts = ods_parts({"S": ""})
    chunk = b'<table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row>' * 4096
    write_zip_with_filler(folder / "bom.ods", parts, "content.xml", parts.pop("content.xml").split(b"</table:table>")[0],
                          chunk, (1 << 30) // len(chunk))
    with open(good, "rb") as plain, open(folder / "mat-khau.xlsx", "wb") as locked:
        office = msoffcrypto.format.ooxml.OOXMLFile(plain)
        office.encrypt("bi-mat", locked)
    write_xlsx(folder / "cuoi.xlsx", {"S": sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')}, BILLION_LAUGHS)
    parts = package_parts({"S": sheet_xml("")})
    del parts["xl/worksheets/sheet1.xml"]
    chunk = FILLER_ROW * ((1 << 20) // len(FILLER_ROW))
    write_zip_with_filler(folder / "bom.xlsx", parts, "xl/worksheets/sheet1.xml", SHEET_HEAD, chunk, 1024)
    write_xlsx(folder / "xa.xlsx", {"S": sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'
                                                   '<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>')})


@pytest.mark.libreoffice
def test_every_bad_file_is_a_record_and_the_good_reports_are_still_checked(plan, tmp_path):
    good = {unit: fill_report(plan, unit, tmp_path / "goc", {**example_values(plan, plan.units[unit]), "DAN_HUOU": "abc"},
                              name=f"{unit}.xlsx") for unit in ("T01", "T02", "T03")}
    converted = convert_with_libreoffice([good["T02"], good["T03"]], tmp_path / "doi", tmp_path / "profile")
    folder = tmp_path / "hon-hop"
    _bad_files(folder, good["T01"])
    shutil.copy(good["T01"], folder / "thon-1.xlsx")
    shutil.copy(converted[good["T02"]]["xls"], folder / "thon-2.xls")  # Excel 97–2003, read like .xlsx
    shutil.copy(converted[good["T03"]]["ods"], folder / "thon-3.ods")  # LibreOffice
    xlsync = shutil.which("xlsync") or os.path.join(os.path.dirname(sys.executable), "xlsync")

    usage = tmp_path / "usage.json"
    done = subprocess.run([sys.executable, "-I", "-c", MEASURED_RUN, str(usage), xlsync, "validate", str(folder),
                           "--json"], capture_output=True, text=True, timeout=300)
    used = json.loads(usage.read_text())

    assert "Traceback" not in done.stdout + done.stderr
    assert done.returncode == 1
    assert used["cpu_seconds"] < 60  # about 2 s; a bomb read without its check takes minutes, or never ends
    assert used["peak_mb"] < 1024
    records = json.loads(done.stdout)
    by_file = {os.path.basename(r["file"]): r["code"] for r in records}
    assert by_file == {
        "rong.xlsx": "empty-file",
        "ngau-nhien.xlsx": "not-a-workbook",
        "bang.xlsx": "not-a-workbook",
        "hong.xls": "corrupt-workbook",
        "libre.ods": "corrupt-workbook",
        "bom.ods": "workbook-too-large",
        "mat-khau.xlsx": "password-protected-workbook",
        "cuoi.xlsx": "unsafe-xml",
        "bom.xlsx": "workbook-too-large",
        "xa.xlsx": "sheet-too-large",
        "thon-1.xlsx": "type-error",
        "thon-2.xls": "type-error",
        "thon-3.ods": "type-error",
    }
    for name, unit in (("thon-1.xlsx", "T01"), ("thon-2.xls", "T02"), ("thon-3.ods", "T03")):
        (bad_cell,) = [r for r in records if r["file"].endswith(name)]
        assert bad_cell["cell"] == value_cells(plan, unit)["DAN_HUOU"]
    assert all(r["message_vi"] and r["message_en"] for r in records)


@pytest.mark.parametrize("args", [["validate"], ["validate", "x.xlsx", "--lang", "fr"], ["consolidate", "x.xlsx"]])
def test_usage_errors_exit_2(cli, args):
    status, out, err = cli(*args)
    assert status == 2
    assert "Traceback" not in out + err
