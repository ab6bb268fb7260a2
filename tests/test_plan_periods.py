"""Periods in the plan: sheets «Kỳ báo cáo» and «Chỉ tiêu theo kỳ», read from a real workbook."""

from __future__ import annotations

from datetime import date, datetime

from period_plan import PERIOD_ROWS, period_plan

from xlsync.core.periods import (
    Period,
    code_from_name,
    default_periods,
    period_from_code,
    same_period_previous_year,
    time_order,
)


def _records(loaded) -> list[tuple[str, str, str]]:
    return [(i.code, i.sheet, i.cell) for i in loaded.issues if i.code != "conflicting-targets"]


def test_a_plan_without_the_sheet_has_one_period_its_year(plan):
    assert plan.periods == (Period("2024", "Năm 2024", date(2024, 1, 1), date(2024, 12, 31)),)
    assert plan.current_period.code == "2024"
    assert plan.period("2024").name == "Năm 2024"
    assert plan.period("2024-6T") is None


def test_periods_sheet_read_with_dates_typed_or_excel_dates(plan, tmp_path):
    loaded = period_plan(plan, tmp_path)
    assert _records(loaded) == []
    mid, year = loaded.plan.periods
    assert mid == Period("2024-6T", "6 tháng đầu năm 2024", date(2024, 1, 1), date(2024, 6, 30), date(2024, 6, 10))
    assert year == Period("2024", "Năm 2024", date(2024, 1, 1), date(2024, 12, 31), date(2024, 11, 30))
    assert (mid.kind, year.kind, mid.year, mid.part_of_year, year.part_of_year) == ("half", "year", 2024, True, False)
    # «Thông tin» named the current period by its code: the plan now says it by its name.
    assert loaded.plan.current_period is mid
    assert loaded.plan.info.period == "6 tháng đầu năm 2024"


def test_period_rows_with_bad_dates_are_records_at_their_cells(plan, tmp_path):
    rows = (*PERIOD_ROWS, ("2024-Q3", "Quý III", "30/09/2024", "01/07/2024", None), ("X", "Đợt X", "sớm", None, None))
    loaded = period_plan(plan, tmp_path, periods=rows, current="Quý 9")
    assert _records(loaded) == [
        ("period-dates-inverted", "Kỳ báo cáo", "D4"),
        ("invalid-date", "Kỳ báo cáo", "C5"),
        ("plan-period-not-listed", "Thông tin", "B7"),
    ]
    assert [p.code for p in loaded.plan.periods] == ["2024-6T", "2024"]
    assert loaded.plan.current_period.code == "2024-6T"  # the first listed


def test_period_targets_name_a_listed_period(plan, tmp_path):
    targets = (("KT06", "2024-6T", 800), ("VH03", "2024-6T", "95%"), ("KT06", "2023", 700), ("XX01", "2024", 1))
    loaded = period_plan(plan, tmp_path, period_targets=targets)
    assert _records(loaded) == [("unknown-period", "Chỉ tiêu theo kỳ", "B4"), ("unknown-code", "Chỉ tiêu theo kỳ", "A5")]
    assert loaded.plan.period_target("KT06", "2024-6T").target == 800
    assert loaded.plan.period_target("VH03", "2024-6T").target == 95
    assert loaded.plan.period_target("KT06", "2024") is None


def test_standard_codes_names_and_order():
    assert default_periods("2023", name="Năm 2023")[0].code == "2023"
    assert default_periods(None, name="6 tháng đầu năm 2024")[0].code == "2024-6T"
    assert [code_from_name(n) for n in ("Năm 2024", "6 Tháng đầu năm 2024", "Quý II/2024", "Tháng 3 năm 2024",
                                         "Đợt thi đua 1")] == ["2024", "2024-6T", "2024-Q2", "2024-T03", ""]
    codes = ["2024", "2023", "2024-6T", "2024-Q1"]
    assert [p.code for p in sorted(map(period_from_code, codes), key=time_order)] == ["2023", "2024-Q1", "2024-6T",
                                                                                       "2024"]
    known = [period_from_code("2023-6T"), period_from_code("2023")]
    assert same_period_previous_year(period_from_code("2024-6T"), known).code == "2023-6T"
    assert same_period_previous_year(period_from_code("2024"), known).code == "2023"
    assert same_period_previous_year(period_from_code("2024-Q1"), known) is None
    # A code of no standard form: matched by its dates a year earlier.
    own = Period("DOT1-24", "Đợt 1", date(2024, 1, 1), date(2024, 3, 31))
    earlier = Period("DOT1-23", "Đợt 1", date(2023, 1, 1), date(2023, 3, 31))
    assert same_period_previous_year(own, [earlier]) is earlier
    assert (own.kind, Period("A", "a", date(2024, 1, 1), date(2024, 9, 30)).kind) == ("quarter", "other")
    assert datetime(2024, 1, 1).date() == period_from_code("2024").start


def test_the_plan_workbook_keeps_periods_and_their_targets(plan, tmp_path):
    from xlsync.io.plan_source import load_plan_file
    from xlsync.io.plan_xlsx import write_plan_workbook

    loaded = period_plan(plan, tmp_path, period_targets=(("KT06", "2024-6T", 800),))
    again = load_plan_file(write_plan_workbook(loaded.plan, tmp_path / "lai.xlsx"))
    assert _records(again) == []
    assert again.plan.periods == loaded.plan.periods
    assert again.plan.current_period.code == "2024-6T"
    assert again.plan.period_targets == loaded.plan.period_targets
