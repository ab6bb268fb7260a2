"""The workbooks villages really send back: read where the meaning is certain, said where it is not.

The corpus (tests/village_corpus.py) is built once for this module: known
figures typed into real templates, then changed as people change reports,
and copied by LibreOffice to .xls, .ods and .xlsx.  Each case is checked
for the value read per code, every record (code and cell) and the exit
status of `xlsync validate`; then one folder mixing them all goes through
`xlsync consolidate`.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile

import pytest
from openpyxl import load_workbook

from village_corpus import ANY, VNI_PASS, build_corpus, excel_lock_file, shown, to_tcvn3, word_document
from xlsync.core.messages import RECORDS
from xlsync.jobs.reading import validate_paths

CASES = (
    "clean-T01", "clean-T02", "clean-T03", "clean-T06", "clean-T09", "clean-T10", "clean-TYT", "clean-HTX1",
    "resent-T06", "last-year-T09", "text-in-number-T03",
    "percent-typed", "percent-unformatted",
    "year-columns", "year-subheaders", "estimate-column",
    "column-numbers-signature", "column-digits", "signature-under-template", "stt-column", "content-two-columns",
    "hidden-stale-duplicate",
    "tcvn3-form", "tcvn3-pass-cell", "vni-pass-cell",
    "formula-without-value", "formula-error",
    "clean-T02.xls", "clean-T02.ods", "clean-T02.lo.xlsx", "clean-T03.ods",
    "percent-typed.xls", "percent-typed.ods", "percent-typed.lo.xlsx",
)

LOCK_FILE = "~$bao-cao-t01-thon-1.xlsx"
WORD_FILE = "bao-cao-t08-thon-8.xlsx"

@pytest.fixture(scope="module")
def corpus(tmp_path_factory, plan):
    return build_corpus(plan, tmp_path_factory.mktemp("corpus"))


def match(found: list[tuple], expected: list[tuple]) -> tuple[list[tuple], list[tuple]]:
    """(expected but not found, found but not expected); ANY in an expected tuple matches anything."""
    left = list(found)
    missing = []
    for want in sorted(expected, key=lambda item: item.count(ANY)):  # exact expectations take their match first
        hit = next((got for got in left if all(w in (ANY, g) for w, g in zip(want, got))), None)
        if hit is None:
            missing.append(want)
        else:
            left.remove(hit)
    return missing, left


def values_read(path, loaded) -> dict[str, object]:
    (checked,) = validate_paths([path], loaded).files
    return {code: item.value for code, item in checked.report.values.items()} if checked.report else {}


def run_json(cli, command: str, *args) -> tuple[int, list[dict]]:
    """`xlsync <command> ... --json`: the exit status and the records."""
    status, out, err = cli(command, *args, "--json")
    assert "Traceback" not in out + err
    return status, json.loads(out) if out.strip() else []


def test_every_case_of_the_corpus_is_checked(corpus):
    assert sorted(corpus) == sorted(CASES)


@pytest.mark.parametrize("name", CASES)
def test_a_village_report_reads_as_expected(name, corpus, bundled, cli):
    case = corpus[name]
    status, records = run_json(cli, "validate", case.path)
    missing, unexpected = match([(r["code"], r["cell"]) for r in records],
                                [(r.code, r.cell) for r in case.outcome.records])
    read = values_read(case.path, bundled) if case.outcome.values is not None else {}
    wrong = {code: (read.get(code, "not read"), want) for code, want in (case.outcome.values or {}).items()
             if code not in read or read[code] != want}
    assert {"missing records": missing, "unexpected records": unexpected, "exit": status,
            "values read ≠ typed": wrong} == {"missing records": [], "unexpected records": [],
                                               "exit": case.outcome.exit_code, "values read ≠ typed": {}}
    for record in records:
        assert os.path.basename(record["file"]) == case.path.name
        assert record["severity"] == RECORDS[record["code"]].severity
    for expected in case.outcome.records:
        messages = [r["message_vi"] for r in records if r["code"] == expected.code]
        assert all(word in message for word in expected.mentions for message in messages), (expected, messages)


# --- the folder around the reports -----------------------------------------------------------------


def test_an_excel_lock_file_is_named_and_the_report_beside_it_is_read(corpus, cli, tmp_path):
    folder = tmp_path / "bao-cao"
    folder.mkdir()
    shutil.copy(corpus["clean-T01"].path, folder)
    lock = excel_lock_file(folder / LOCK_FILE)
    assert lock.stat().st_size == 165  # as Excel writes it
    status, records = run_json(cli, "validate", folder)
    assert [(os.path.basename(r["file"]), r["code"], r["severity"]) for r in records] == \
        [(LOCK_FILE, "lock-file", "warning")]
    assert status == 0


@pytest.mark.parametrize("named", ["folder", "files"])
def test_a_word_document_renamed_xlsx_is_called_a_word_document(corpus, cli, tmp_path, named):
    folder = tmp_path / "bao-cao"
    folder.mkdir()
    report = shutil.copy(corpus["clean-T01"].path, folder)  # beside it: a run that reads nothing is exit 2
    word = word_document(folder / WORD_FILE)
    status, records = run_json(cli, "validate", *([folder] if named == "folder" else [word, report]))
    assert [(os.path.basename(r["file"]), r["code"]) for r in records] == [(WORD_FILE, "not-a-workbook")]
    assert "Word" in records[0]["message_vi"] and "Word" in records[0]["message_en"]
    assert status == 1


@pytest.mark.parametrize("command", ["validate", "consolidate"])
def test_validate_judges_a_folder_as_consolidate_does(corpus, cli, tmp_path, command):
    """Two reports for one unit, last year's report: the clerk's pre-check says so, as consolidation does."""
    folder = tmp_path / "bao-cao"
    folder.mkdir()
    for name in ("clean-T01", "clean-T06", "resent-T06", "last-year-T09"):
        shutil.copy(corpus[name].path, folder)
    extra = ("--out", tmp_path / "tong-hop.xlsx") if command == "consolidate" else ()
    status, records = run_json(cli, command, folder, *extra)
    found = {(os.path.basename(r["file"]), r["code"], r["cell"]) for r in records}
    assert ("bao-cao-t09-thon-9.xlsx", "other-period", "B7") in found
    duplicates = [r["message_vi"] for r in records if r["code"] == "duplicate-unit"]
    assert len(duplicates) == 1
    assert "bao-cao-t06-thon-6.xlsx" in duplicates[0] and "thon-6-gui-lai.xlsx" in duplicates[0]
    assert status == 1


def master_rows(book, sheet: str, first_label: str) -> list[dict]:
    """The rows under the header row whose first cell is ``first_label``, keyed by the header labels."""
    rows = list(book[sheet].iter_rows(values_only=True))
    at = next(i for i, row in enumerate(rows) if row and row[0] == first_label)
    return [dict(zip(rows[at], row)) for row in rows[at + 1:] if row and row[0]]


def unit_figures(book) -> dict[str, dict]:
    """«Theo đơn vị»: unit code → {data element code: figure}, from the rows under «Toàn xã»."""
    rows = list(book["Theo đơn vị"].iter_rows(values_only=True))
    at = next(i for i, row in enumerate(rows) if row and row[0] == "Mã số liệu")
    codes = rows[at][2:]
    figures = {}
    for row in rows[at + 2:]:
        if not row or not row[0]:
            break  # the table of targets assigned to units follows
        figures[row[0]] = dict(zip(codes, row[2:]))
    return figures


def test_xls_and_ods_files_in_a_folder_are_read_like_xlsx(corpus, cli, tmp_path):
    folder = tmp_path / "bao-cao"
    folder.mkdir()
    shutil.copy(corpus["clean-T02.xls"].path, folder)
    shutil.copy(corpus["clean-T03.ods"].path, folder)
    status, records = run_json(cli, "consolidate", folder, "--out", tmp_path / "tong-hop.xlsx")
    assert status == 0, records
    book = load_workbook(tmp_path / "tong-hop.xlsx")
    progress = {row["Mã đơn vị"]: row["Tình trạng"] for row in master_rows(book, "Tiến độ nộp", "Mã đơn vị")}
    assert (progress["T02"], progress["T03"]) == ("Đã nộp", "Đã nộp")
    figures = unit_figures(book)
    for unit in ("T02", "T03"):
        typed = corpus[f"clean-{unit}"].typed
        assert {code: figures[unit][code] for code in typed} == {code: shown(value) for code, value in typed.items()}


# --- the corpus itself is what it claims -------------------------------------------------------------


def test_the_corpus_writes_tcvn3_and_vni_as_the_old_fonts_show_them():
    """Known word pairs (Unikey's tables): the legacy text in the corpus is the real thing."""
    words = ("Báo cáo", "Đạt", "Chưa đạt", "Thôn 7", "Năm 2024", "Số liệu", "Mã đơn vị:")
    assert [to_tcvn3(w) for w in words] == ["B¸o c¸o", "§¹t", "Ch\u00ada ®¹t", "Th«n 7", "N¨m 2024", "Sè liÖu",
                                            "M· ®¬n vÞ:"]
    assert VNI_PASS == "\u00d1a\u00eft"


def test_the_corpus_files_are_what_they_claim(corpus):
    typed = load_workbook(corpus["percent-typed"].path)["Báo cáo"]["D13"]
    assert (typed.value, typed.number_format) == (0.648, "0.0%")
    assert load_workbook(corpus["formula-without-value"].path)["Báo cáo"]["D15"].value == "=D11*56"
    assert load_workbook(corpus["formula-error"].path, data_only=True)["Báo cáo"]["D23"].value == "#DIV/0!"
    assert corpus["clean-T02.xls"].path.read_bytes()[:8] == bytes.fromhex("D0CF11E0A1B11AE1")  # OLE2: real .xls
    with zipfile.ZipFile(corpus["clean-T02.ods"].path) as ods:
        assert ods.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
    assert load_workbook(corpus["tcvn3-form"].path).sheetnames == ["B¸o c¸o"]


# --- must show: one folder with everything, consolidated ----------------------------------------------

MIXED_FOLDER = {  # file name in the reports folder → corpus case
    "bao-cao-t01-thon-1.xlsx": "clean-T01",
    "bao-cao-t02-thon-2.xls": "clean-T02.xls",
    "bao-cao-t03-thon-3.ods": "clean-T03.ods",
    "bao-cao-ubnd.xlsx": "percent-typed",
    "thon-4.xlsx": "column-numbers-signature",
    "thon-5-nam-2024.xlsx": "year-columns",
    "bao-cao-t06-thon-6.xlsx": "clean-T06",
    "thon-6-gui-lai.xlsx": "resent-T06",
    "thon-7.xlsx": "tcvn3-form",
    "bao-cao-t09-thon-9.xlsx": "clean-T09",
    "bao-cao-t10-thon-10.xlsx": "clean-T10",
    "tram-y-te.xlsx": "clean-TYT",
    "htx-nong-nghiep.xlsx": "clean-HTX1",
}  # and beside them an Excel lock file and a Word document named like T08's report
DUPLICATED = "T06"  # two reports: counted in neither
NOT_SUBMITTED = {"T08", "MN", "TH", "THCS", "HTX2"}
PROBLEMS = (  # (file name, code, cell) of every error and warning
    (LOCK_FILE, "lock-file", ""),
    (WORD_FILE, "not-a-workbook", ""),
    (ANY, "duplicate-unit", ""),
    ("thon-7.xlsx", "legacy-sheet-name", ""),
    ("thon-7.xlsx", "legacy-encoding-converted", ANY),
    *[("", "not-submitted", "")] * len(NOT_SUBMITTED),
)
NOTES = (  # (file name, code, cell) of the info records that must be there
    ("bao-cao-ubnd.xlsx", "percent-format-read", "D13"),
    ("thon-5-nam-2024.xlsx", "value-column-chosen", ANY),
)


def test_consolidate_over_a_folder_of_everything_villages_send_back(corpus, cli, tmp_path, plan):
    folder = tmp_path / "bao-cao"
    folder.mkdir()
    for name, case in MIXED_FOLDER.items():
        shutil.copy(corpus[case].path, folder / name)
    excel_lock_file(folder / LOCK_FILE)
    word_document(folder / WORD_FILE)
    typed = {corpus[case].unit: corpus[case].typed for case in MIXED_FOLDER.values()
             if corpus[case].unit != DUPLICATED}

    master = tmp_path / "tong-hop.xlsx"
    status, records = run_json(cli, "consolidate", folder, "--out", master)

    def where(record: dict) -> tuple[str, str, str]:
        return os.path.basename(record["file"]), record["code"], record["cell"]

    missing, unexpected = match([where(r) for r in records if r["severity"] != "info"], list(PROBLEMS))
    missing_notes, _ = match([where(r) for r in records if r["severity"] == "info"], list(NOTES))
    assert {"missing": missing + missing_notes, "unexpected": unexpected} == {"missing": [], "unexpected": []}
    (duplicate,) = [r["message_vi"] for r in records if r["code"] == "duplicate-unit"]
    assert "bao-cao-t06-thon-6.xlsx" in duplicate and "thon-6-gui-lai.xlsx" in duplicate
    assert status == 1

    book = load_workbook(master)
    figures = unit_figures(book)
    consolidated = {unit: {code: figures[unit][code] for code in plan.elements} for unit in plan.units}
    assert {unit: {code: consolidated[unit][code] for code in values} for unit, values in typed.items()} == \
        {unit: {code: shown(value) for code, value in values.items()} for unit, values in typed.items()}
    for unit in (DUPLICATED, *NOT_SUBMITTED):
        assert set(consolidated[unit].values()) == {None}, unit

    progress = {row["Mã đơn vị"]: (row["Tình trạng"], row["Được tổng hợp"])
                for row in master_rows(book, "Tiến độ nộp", "Mã đơn vị") if row["Mã đơn vị"] in plan.units}
    expected = {unit: ("Đã nộp", "Có") for unit in typed}
    expected |= {unit: ("Chưa nộp", "Không") for unit in NOT_SUBMITTED}
    expected[DUPLICATED] = ("Trùng báo cáo", "Không")
    assert progress == expected  # no unit that sent a readable report is «Chưa nộp»

    summary = {row["Mã"]: row for row in master_rows(book, "Tổng hợp", "Mã")}
    assert summary["VH12"]["Thực hiện"] == 64.8  # the rate typed «64,8%», not 0,648
