"""Reading many files at once: in worker processes (started before or after the plan is loaded) the
records, reports and file facts are exactly those of reading the files one by one; a report is read from
its report sheets only, and whole again when it turns out to need more; a worker that fails is an error,
never a wait."""

from __future__ import annotations

import gc
import os
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bad_files import write_ods
from helpers import fill_report, value_cells
from village_corpus import to_tcvn3
from xlsync.core.example_data import example_values
from xlsync.core.template import META_SHEET, REPORT_SHEET, MetaKeys
from xlsync.io.plan_xlsx import write_plan_workbook
from xlsync.io.xlsx_read import read_workbook
from xlsync.jobs.gsheets import gather_sources, validate_sources
from xlsync.jobs.read_workers import ReadWorkers
from xlsync.jobs.reading import inputs_other_than, read_files, start_reading, start_reading_named
from xlsync.jobs.validate import load_source, report_sheets

UNITS = ["T01", "T02", "T03", "UBND", "TYT"]


@pytest.fixture
def folder(plan, tmp_path) -> Path:
    """Clean and faulty reports, a plan workbook, an .ods, a file that is no workbook at all."""
    folder = tmp_path / "bao-cao"
    for code in UNITS:
        fill_report(plan, code, folder, example_values(plan, plan.units[code], seed=3))
    fill_report(plan, "T04", folder, {**example_values(plan, plan.units["T04"], seed=3), "DAN_SO": "khoảng 900"})
    write_plan_workbook(plan, folder / "ke-hoach-cu.xlsx")
    write_ods(folder / "bang-tinh.ods", {"Trang 1": "<table:table-row><table:table-cell/></table:table-row>"})
    (folder / "hong.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    return folder


def paths_in(folder: Path) -> list[Path]:
    return sorted(folder.iterdir())


def summary(files, plan) -> list[tuple]:
    """Everything a run takes from each file; the plan's own element and unit objects, not copies."""
    found = []
    for item in files:
        report = item.report
        values = None
        if report is not None:
            assert report.unit is None or report.unit is plan.units[report.unit.code]
            assert all(value.element is plan.elements[value.element.code] for value in report.values.values())
            values = {code: (v.raw, v.value, v.cell) for code, v in report.values.items()}
            values = (report.unit.code if report.unit else None, report.period, report.metadata, report.notes, values)
        workbook = item.workbook
        facts = None if workbook is None else (workbook.source, workbook.metadata, workbook.file_format)
        found.append((item.path, item.kind, item.parsed, [i.to_dict() for i in item.issues], facts, values))
    return found


def test_workers_read_what_one_process_reads_whether_started_before_or_after_the_plan(
    bundled, folder, monkeypatch
):
    paths = paths_in(folder)
    monkeypatch.setenv("XLSYNC_WORKERS", "1")
    one = summary(read_files(paths, bundled), bundled.plan)
    monkeypatch.setenv("XLSYNC_WORKERS", "2")
    early = summary(start_reading(paths).finish(bundled), bundled.plan)
    late = summary(start_reading(paths, bundled).finish(bundled), bundled.plan)
    assert early == one and late == one
    formats = {Path(path).name: facts[2] for path, _, _, _, facts, _ in one if facts}
    assert formats["bang-tinh.ods"] == "ods"  # was lost on the way back from a worker
    kinds = {Path(path).name: kind for path, kind, *_ in one}
    assert kinds["ke-hoach-cu.xlsx"] == "plan" and kinds["hong.xlsx"] == "unreadable"
    codes = {i["code"] for _, _, _, issues, *_ in one for i in issues}
    assert "type-error" in codes


def test_progress_names_every_file_once(bundled, folder, monkeypatch):
    monkeypatch.setenv("XLSYNC_WORKERS", "2")
    seen: list[str] = []
    start_reading(paths_in(folder)).finish(bundled, seen.append)
    assert sorted(seen) == sorted(str(path) for path in paths_in(folder))


def test_a_report_is_read_from_its_report_sheets_only(plan, tmp_path):
    path = fill_report(plan, "T01", tmp_path, example_values(plan, plan.units["T01"]))
    assert list(read_workbook(path).sheets) == [REPORT_SHEET, "Hướng dẫn", META_SHEET]
    item = load_source(path)
    assert item.kind == "report" and item.issues == []
    assert list(item.workbook.sheets) == [REPORT_SHEET, META_SHEET]
    assert report_sheets(["Hướng dẫn", "báo cáo ", "_XLSYNC"]) == ["báo cáo ", "_XLSYNC"]
    assert report_sheets(["Hướng dẫn", "Số liệu"]) is None  # no report sheet: every sheet
    assert report_sheets(["Báo cáo", "Chỉ tiêu", "Số liệu"]) is None  # a plan's sheets
    assert report_sheets(["Báo cáo", to_tcvn3("Hướng dẫn")]) is None  # a name in a legacy encoding


def test_a_report_holding_legacy_text_is_read_whole(plan, tmp_path):
    path = fill_report(plan, "T01", tmp_path, example_values(plan, plan.units["T01"]))
    book = load_workbook(path)
    book[REPORT_SHEET][value_cells(plan, "T01")["DAN_SO"].replace("D", "E", 1)] = to_tcvn3("Đã rà soát")
    book["Hướng dẫn"]["A20"] = to_tcvn3("Ghi chú của thôn")
    book.save(path)
    item = load_source(path)
    assert list(item.workbook.sheets) == [REPORT_SHEET, "Hướng dẫn", META_SHEET]
    assert [(i.code, i.sheet) for i in item.issues] == [
        ("legacy-encoding-converted", REPORT_SHEET), ("legacy-encoding-converted", "Hướng dẫn")]


def test_a_master_with_a_report_sheet_is_read_whole(plan, tmp_path):
    path = fill_report(plan, "T01", tmp_path, example_values(plan, plan.units["T01"]))
    book = load_workbook(path)
    meta = book[META_SHEET]
    kind_row = next(row for row in meta.iter_rows() if row[0].value == MetaKeys.KIND)
    kind_row[1].value = "master"
    book.save(path)
    item = load_source(path)
    assert item.kind == "master"
    assert list(item.workbook.sheets) == [REPORT_SHEET, "Hướng dẫn", META_SHEET]


def test_the_master_being_written_is_not_read_whatever_path_names_it(tmp_path):
    reports = tmp_path / "bao-cao"
    reports.mkdir()
    master = tmp_path / "tong-hop.xlsx"
    kept = [reports / "a.xlsx", reports / "b.xlsx"]
    for path in kept:
        path.write_bytes(b"x")
    link = reports / "lien-ket.xlsx"
    link.symlink_to(master)
    assert inputs_other_than([*kept, link], master) == [*kept, link]  # no master yet: nothing is it
    master.write_bytes(b"master")
    assert inputs_other_than([*kept, link, master], master) == kept
    assert inputs_other_than([*kept, tmp_path / "missing.xlsx"], master) == [*kept, tmp_path / "missing.xlsx"]


def test_a_reading_started_from_the_names_is_taken_over_by_the_run(bundled, folder, tmp_path, monkeypatch):
    monkeypatch.setenv("XLSYNC_WORKERS", "2")
    out = folder / "tong-hop.xlsx"
    out.write_bytes(b"an earlier master")
    args = [str(folder), "https://docs.google.com/spreadsheets/d/abcdefghijkl/edit"]
    reading = start_reading_named(args, out)
    assert str(out) not in map(str, reading.paths) and len(reading.paths) == len(paths_in(folder)) - 1
    sources = gather_sources(args[:1], bundled, reading=reading)
    assert sources.files == reading.scanned.files
    with_reading = validate_sources(sources, bundled, None, reading=reading)
    without = validate_sources(gather_sources(args[:1], bundled), bundled, None)
    assert [i.to_dict() for i in with_reading.report.issues] == [i.to_dict() for i in without.report.issues]
    assert start_reading_named([str(tmp_path / "khong-co")]) is None  # the run says why, when it searches


@pytest.mark.parametrize("command", ["validate", "consolidate"])
def test_the_commands_start_reading_before_the_plan_is_resolved(command, bundled, folder, cli, monkeypatch):
    """Workers forked first read while the plan (and then pandas) loads."""
    import multiprocessing

    import xlsync.io.plan_source as plan_source

    monkeypatch.setenv("XLSYNC_WORKERS", "2")
    resolve_plan = plan_source.resolve_plan
    seen: dict[str, object] = {}

    def resolving(path):
        seen["workers"] = len(multiprocessing.active_children())
        return resolve_plan(path)

    monkeypatch.setattr(plan_source, "resolve_plan", resolving)
    args = ["--out", str(folder / "tong-hop.xlsx")] if command == "consolidate" else []

    status, _, _ = cli(command, str(folder), *args)

    assert status == 1  # T04's «khoảng 900», the unreadable file: the run went on to the end
    assert seen["workers"] == 2


def _dies_on_b(path: str) -> str:
    if path == "b":
        os._exit(3)
    return path


def _fails_on_b(path: str) -> str:
    if path == "b":
        raise ValueError("hỏng")
    return path


def _kept(item: str, plan: object) -> str:
    return item


def test_a_worker_that_found_nothing_to_read_needs_no_plan():
    workers = ReadWorkers(["a"], 3, str.upper, _kept, 1)  # two of them claim nothing and end
    while sum(worker.process.is_alive() for worker in workers._workers) > 1:
        time.sleep(0.01)
    found = []
    workers.finish("plan", lambda index, packed: found.append((index, packed)))
    assert found == [(0, "A")]


def test_a_worker_that_dies_is_an_error_not_a_wait():
    workers = ReadWorkers(["a", "b", "c", "d"], 2, _dies_on_b, _kept, 1, plan="plan")
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="ended unexpectedly"):
        workers.finish("plan", lambda index, packed: None)
    assert time.monotonic() - started < 30


def test_a_worker_error_is_raised_with_its_traceback():
    workers = ReadWorkers(["a", "b", "c"], 2, _fails_on_b, _kept, 1)
    with pytest.raises(RuntimeError, match="ValueError: hỏng"):
        workers.finish("plan", lambda index, packed: None)


def test_workers_of_a_reading_never_finished_are_stopped(folder, monkeypatch):
    monkeypatch.setenv("XLSYNC_WORKERS", "2")
    closed = start_reading(paths_in(folder))
    processes = [worker.process for worker in closed._workers._workers]
    assert len(processes) == 2 and all(process.is_alive() for process in processes)
    closed.close()
    assert not any(process.is_alive() for process in processes)

    dropped = start_reading(paths_in(folder))
    processes = [worker.process for worker in dropped._workers._workers]
    del dropped
    gc.collect()
    assert not any(process.is_alive() for process in processes)
