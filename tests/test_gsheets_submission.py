"""A Google Sheet's submission time comes from Google Drive: the village's last change, not xlsync's notes.

Deadline of «6 tháng đầu năm 2024» in tests/period_plan.py: 10/06/2024, the whole day counting.  Times are
judged in the office's time zone, Vietnam's (UTC+7) here, as a file's time on the office's disk is.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from openpyxl import load_workbook

from fake_sheets_api import FAST_RETRY, SA_EMAIL, FakeGoogle, client_for
from period_plan import period_plan
from xlsync.core.example_data import example_values
from xlsync.core.sheets import cell_address
from xlsync.core.submission import TimeBasis, Timeliness, submission_of
from xlsync.core.template import report_layout
from xlsync.io.gsheets.push import push_report
from xlsync.io.gsheets.registry import SheetRegistry
from xlsync.io.gsheets.spreadsheet import last_changed, read_spreadsheet, write_feedback
from xlsync.jobs.consolidate import consolidate_files
from xlsync.jobs.validate import load_source

REPORT = "Báo cáo"
ON_TIME = datetime(2024, 6, 10, 16, 59, tzinfo=timezone.utc)  # 23:59 of the deadline day in Vietnam
LATE = datetime(2024, 6, 13, 20, 30, tzinfo=timezone.utc)  # 03:30 of 14/06 in Vietnam: 4 days late (3 by UTC's day)


@pytest.fixture
def vietnam_time(monkeypatch):
    monkeypatch.setenv("TZ", "ICT-7")  # POSIX form: needs no time zone database
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def sheets(fake: FakeGoogle, plan, tmp_path: Path, vietnam_time):
    """T01's and T02's sheets for 2024-6T, filled by the villages, last changed ON_TIME and LATE."""
    loaded = period_plan(plan, tmp_path)
    client = client_for(fake)
    registry = SheetRegistry(tmp_path / "gsheets.csv")
    keys = {}
    for code, changed in (("T01", ON_TIME), ("T02", LATE)):
        unit = loaded.plan.units[code]
        keys[code] = push_report(client, loaded.plan, unit, share=True, registry=registry,
                                 policy=FAST_RETRY).spreadsheet_id
        values = example_values(loaded.plan, unit, seed=3)
        for item in report_layout(loaded.plan, unit).inputs:
            value = values[item.element.code]
            typed = {True: "Đạt", False: "Chưa đạt"}[value] if isinstance(value, bool) else value
            fake.type_value(keys[code], REPORT, cell_address(item.row, item.col), typed)
        fake.edited_at(keys[code], changed)
    return loaded, client, keys


def _checked(client, key: str):
    return load_source(f"gsheet:{key}", reader=lambda source: read_spreadsheet(client, source, policy=FAST_RETRY))


def _submissions(path: Path) -> dict[str, dict[str, object]]:
    """«Tiến độ nộp»: unit code → its row by column label."""
    rows = [r for r in load_workbook(path, data_only=True)["Tiến độ nộp"].iter_rows(values_only=True) if r]
    labels = next(r for r in rows if r[0] == "Mã đơn vị")
    return {r[0]: dict(zip(labels, r)) for r in rows[rows.index(labels) + 1:] if r[0] in ("T01", "T02")}


def test_a_sheet_changed_by_the_deadline_is_on_time_and_one_changed_after_it_is_late_by_its_days(sheets, tmp_path):
    loaded, client, keys = sheets
    checked = [_checked(client, keys[code]) for code in ("T01", "T02")]
    out = tmp_path / "so-ket.xlsx"

    result = consolidate_files(checked, loaded, out)

    assert [c.workbook.metadata["modified"] for c in checked] == ["2024-06-10T23:59:00+07:00",
                                                                  "2024-06-14T03:30:00+07:00"]
    assert {s.unit.code: s.status.value for s in result.statuses if s.unit.code in keys} == {
        "T01": "Đã nộp", "T02": "Đã nộp"}
    rows = _submissions(out)
    found = {code: (row["Thời điểm nộp"], row["Thời điểm theo"], row["Nộp đúng hạn"], row["Số ngày muộn"])
             for code, row in rows.items()}
    assert found == {
        "T01": (datetime(2024, 6, 10, 23, 59), "Sửa trên Google lần cuối", "Đúng hạn", 0),
        "T02": (datetime(2024, 6, 14, 3, 30), "Sửa trên Google lần cuối", "Nộp muộn", 4),
    }
    first_line = load_workbook(out, data_only=True)["Tiến độ nộp"]["A1"].value
    assert "báo cáo trên Google Sheets theo lần sửa cuối của đơn vị mà Google Drive ghi" in first_line


def test_notes_xlsync_writes_later_do_not_move_the_submission_time(fake, sheets):
    _, client, keys = sheets
    key = keys["T01"]
    write_feedback(client, read_spreadsheet(client, key, policy=FAST_RETRY), [], policy=FAST_RETRY)
    assert fake.spreadsheet(key).modified_by == SA_EMAIL  # Drive's modifiedTime is now xlsync's, after the deadline
    before = len(fake.requests)

    again = read_spreadsheet(client, key, policy=FAST_RETRY)

    assert again.metadata["modified"] == "2024-06-10T23:59:00+07:00"  # the village's last revision
    assert [r.kind for r in fake.requests[before:]] == ["spreadsheets.get", "drive.files.get", "drive.revisions.list"]


def test_a_sheet_drive_gives_no_time_for_is_read_and_its_time_unknown(fake, sheets, tmp_path):
    loaded, client, keys = sheets
    fake.fail(keys["T02"], 403, kinds={"drive.files.get"}, reason="accessNotConfigured")  # Drive API off

    checked = _checked(client, keys["T02"])
    result = consolidate_files([checked], loaded, tmp_path / "so-ket.xlsx")

    assert "modified" not in checked.workbook.metadata
    (status,) = [s for s in result.statuses if s.unit.code == "T02"]
    found = submission_of(status, loaded.plan.period("2024-6T").deadline)
    assert (status.status.value, found.basis, found.timeliness) == ("Đã nộp", TimeBasis.NONE, Timeliness.UNKNOWN)



def test_the_village_s_last_revision_is_found_over_pages_of_revisions(fake):
    key = fake.add_spreadsheet("Báo cáo Thôn 1", ("Báo cáo",), owner=SA_EMAIL).spreadsheet_id  # made now, by us
    start = datetime(2024, 6, 1, tzinfo=timezone.utc)
    for minute in range(1500):  # the village and xlsync's notes by turns: 1501 revisions with the first
        fake.edited_at(key, start + timedelta(minutes=minute), by=SA_EMAIL if minute % 2 else "thon1@example.org")

    changed = last_changed(client_for(fake), key, policy=FAST_RETRY)

    assert changed == start + timedelta(minutes=1498)
    assert fake.count("drive.revisions.list", key) == 2  # 1000 a page


def test_a_master_read_back_keeps_the_google_time_and_says_so(sheets, tmp_path):
    from xlsync.io.master.read import read_master_file

    loaded, client, keys = sheets
    out = tmp_path / "so-ket.xlsx"
    consolidate_files([_checked(client, keys[code]) for code in ("T01", "T02")], loaded, out)

    stored = read_master_file(out, loaded.plan).consolidation  # what xlsync score writes the master again from
    (status,) = [s for s in stored.statuses if s.unit.code == "T02"]
    found = submission_of(status, loaded.plan.period("2024-6T").deadline)
    assert (found.time, found.basis, found.timeliness, found.days_late) == (
        datetime(2024, 6, 14, 3, 30, tzinfo=found.time.tzinfo), TimeBasis.GOOGLE_MODIFIED, Timeliness.LATE, 4)
    assert status.sources[0].path == f"gsheet:{keys['T02']}"
