"""What a reading worker sends back, and what reading a report prepares once per plan.

A report travels from a worker as tuples and comes back as the same report: the plan's own unit and
element objects where the worker used the plan's, the worker's own where it did not.  The lookups made
for a plan's element table are made again for another table, so a report is always read against the
plan it is given.
"""

from __future__ import annotations

import pickle
from dataclasses import replace

from helpers import fill_report
from xlsync.core.example_data import example_values
from xlsync.core.numbers import Kind
from xlsync.core.report import read_report
from xlsync.io.plan_source import LoadedPlan
from xlsync.io.xlsx_read import read_workbook
from xlsync.jobs.reading import _packed, _unpacked
from xlsync.jobs.validate import load_source, parse_file


def test_a_report_comes_back_from_a_worker_as_it_was_read(bundled, plan, tmp_path):
    values = {**example_values(plan, plan.units["T01"], seed=5), "DAN_SO": "khoảng 900"}
    path = fill_report(plan, "T01", tmp_path, values, notes={"SO_HO": "tính cả hộ tạm trú"})
    item = parse_file(load_source(path), bundled)
    back = _unpacked(pickle.loads(pickle.dumps(_packed(item, plan))), plan)

    assert back.issues == item.issues and [i.code for i in back.issues] == ["type-error"]
    assert back.report.values == item.report.values and back.report.notes == {"SO_HO": "tính cả hộ tạm trú"}
    assert back.report.unit is plan.units["T01"]
    assert all(value.element is plan.elements[code] for code, value in back.report.values.items())
    assert back.report.values["DAN_SO"].raw == "khoảng 900" and back.report.values["DAN_SO"].value is None
    item.workbook.sheets = {}  # the cells are not sent
    assert repr(back) == repr(item)


def test_a_unit_and_an_element_that_are_not_the_plans_come_back_as_themselves(bundled, plan, tmp_path):
    path = fill_report(plan, "T01", tmp_path, example_values(plan, plan.units["T01"], seed=5))
    item = parse_file(load_source(path), bundled)
    stranger = replace(plan.elements["SO_HO"], name="Tổng số hộ (bản khác)")
    item.report.values["SO_HO"] = replace(item.report.values["SO_HO"], element=stranger)
    item.report.unit = replace(plan.units["T01"], name="Thôn khác")
    back = _unpacked(pickle.loads(pickle.dumps(_packed(item, plan))), plan).report

    assert back.values["SO_HO"].element == stranger and back.values["SO_HO"].element is not plan.elements["SO_HO"]
    assert back.values["DAN_SO"].element == plan.elements["DAN_SO"]
    assert back.unit.name == "Thôn khác"
    assert back.values == item.report.values


def test_a_report_is_read_against_the_element_table_of_the_plan_it_is_given(plan, tmp_path):
    figures = {**example_values(plan, plan.units["T01"], seed=5), "SO_HO": "263,5"}
    workbook = read_workbook(fill_report(plan, "T01", tmp_path, figures))
    other = replace(plan)  # the same element table, for now
    first, _ = read_report(workbook, other)
    assert first.values["SO_HO"].element is plan.elements["SO_HO"]

    # The same plan object given another table: SO_HO becomes a rate, DAN_SO is no longer asked for.
    elements = {code: e for code, e in plan.elements.items() if code != "DAN_SO"}
    elements["SO_HO"] = replace(plan.elements["SO_HO"], kind=Kind.PERCENT)
    other.elements = elements
    report, issues = read_report(read_workbook(workbook.source), other)
    assert report.values["SO_HO"].element is elements["SO_HO"] and report.values["SO_HO"].value == 263.5
    assert "DAN_SO" not in report.values
    assert ("unknown-code", "A11") in {(i.code, i.cell) for i in issues}

    again, _ = read_report(read_workbook(workbook.source), plan)  # and back to the first plan
    assert again.values["SO_HO"].element is plan.elements["SO_HO"] and "DAN_SO" in again.values


def test_an_unpacked_loaded_plan_reads_the_same(bundled, plan, tmp_path):
    """A worker forked early reads with a plan unpickled from the parent: its own objects, the same report."""
    path = fill_report(plan, "T02", tmp_path, example_values(plan, plan.units["T02"], seed=7))
    copy: LoadedPlan = pickle.loads(pickle.dumps(bundled))
    there = parse_file(load_source(path), copy)
    here = parse_file(load_source(path), bundled)
    back = _unpacked(pickle.loads(pickle.dumps(_packed(there, copy.plan))), plan)
    assert back.report.values == here.report.values and back.issues == here.issues
    assert all(value.element is plan.elements[code] for code, value in back.report.values.items())
