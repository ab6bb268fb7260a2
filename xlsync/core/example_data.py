"""Plausible figures for the example units, for `xlsync demo` and benchmarks.

Seeded and deterministic: the same seed gives the same reports.  Figures are
raw counts in proportions a Hà Tĩnh commune might see (households of about
3,6 persons, a few percent poor households...), so the consolidated rates
land near the bundled plan's targets, some above and some below.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from xlsync.core.numbers import Kind
from xlsync.core.plan import Plan, Unit

if TYPE_CHECKING:  # built only by example_consolidation, which imports what it needs
    from xlsync.core.consolidate import Consolidation

Value = float | int | bool


def _village(rng: random.Random) -> dict[str, Value]:
    households = rng.randint(180, 330)
    people = round(households * rng.uniform(3.3, 3.9))
    workers = round(people * rng.uniform(0.55, 0.62))
    children = round(people * rng.uniform(0.06, 0.08))
    cattle = rng.randint(60, 200)
    waste = round(people * 0.4 * 365 / 1000, 1)
    return {
        "DAN_SO": people,
        "SO_HO": households,
        "HO_NGHEO": round(households * rng.uniform(0.012, 0.045)),
        "HO_VAN_HOA": round(households * rng.uniform(0.955, 0.995)),
        "THU_NHAP": round(people * rng.uniform(50, 60), 1),
        "LAO_DONG": workers,
        "LD_DAO_TAO": round(workers * rng.uniform(0.70, 0.82)),
        "LD_BHXH": round(workers * rng.uniform(0.15, 0.25)),
        "BHYT": round(people * rng.uniform(0.94, 0.99)),
        "TRE_DUOI_5": children,
        "SDD_CAN_NANG": round(children * rng.uniform(0.02, 0.07)),
        "SDD_CHIEU_CAO": round(children * rng.uniform(0.03, 0.08)),
        "DAN_HUOU": rng.randint(120, 230),
        "CAY_AN_QUA": round(rng.uniform(0.2, 0.6), 1),
        "TRAU_BO": cattle,
        "TRAU_BO_TIEM": round(cattle * rng.uniform(0.75, 0.92)),
        "GTNT_CUNG_HOA": round(rng.uniform(0.1, 0.5), 2),
        "CTR_PHAT_SINH": waste,
        "CTR_THU_GOM": round(waste * rng.uniform(0.85, 0.97), 1),
        "KDC_KIEU_MAU": rng.random() < 0.3,
        "THON_VAN_HOA": rng.random() < 0.9,
    }


def _generic(plan: Plan, unit: Unit, rng: random.Random) -> dict[str, Value]:
    values: dict[str, Value] = {}
    for element in plan.elements_for(unit):
        match element.kind:
            case Kind.PASS_FAIL:
                values[element.code] = rng.random() < 0.7
            case Kind.PERCENT:
                values[element.code] = round(rng.uniform(60, 95), 1)
            case Kind.INTEGER:
                values[element.code] = rng.randint(0, 500)
            case Kind.DECIMAL:
                values[element.code] = round(rng.uniform(1, 100), 2)
    return values


_SPECIFIC = {
    "TICH_TU": lambda rng: round(rng.uniform(3, 7), 1),
    "DIEM_CHUAN_YT": lambda rng: round(rng.uniform(85, 93), 1),
    "THU_NGAN_SACH": lambda rng: round(rng.uniform(6.5, 7.6), 2),
    "TL_HO_SO_TRUC_TUYEN": lambda rng: round(rng.uniform(64, 82), 1),
    "NTM_NANG_CAO": lambda rng: True,
    "AN_TOAN_LAM_CHU": lambda rng: True,
}


def example_values(plan: Plan, unit: Unit, seed: int = 2024) -> dict[str, Value]:
    """Figures for every data element the unit reports."""
    rng = random.Random(f"{seed}:{unit.code}")
    values = _generic(plan, unit, rng)
    village = _village(rng)
    for code in values:
        if code in village:
            values[code] = village[code]
        elif code in _SPECIFIC:
            values[code] = _SPECIFIC[code](rng)
    if "TRUONG_CHUAN" in values:
        values["TRUONG_CHUAN"] = unit.code.upper() == "TH"
    return values


# --- other periods, for `xlsync demo`'s history -------------------------------

# Figures that accumulate over the year (income, area planted, km of road…): about half by mid-year.
FLOWS = frozenset({"THU_NHAP", "THU_NGAN_SACH", "CAY_AN_QUA", "GTNT_CUNG_HOA", "TICH_TU", "CTR_PHAT_SINH",
                   "CTR_THU_GOM"})
# Recognitions given at the year-end review: not yet at mid-year.
YEAR_END_TITLES = frozenset({"KDC_KIEU_MAU", "NTM_NANG_CAO", "TRUONG_CHUAN"})
# (part, whole): a part scaled on its own must stay within its whole.
PARTS = (("HO_NGHEO", "SO_HO"), ("HO_VAN_HOA", "SO_HO"), ("BHYT", "DAN_SO"), ("LD_BHXH", "LAO_DONG"),
         ("LD_DAO_TAO", "LAO_DONG"), ("TRE_DUOI_5", "DAN_SO"), ("TRAU_BO_TIEM", "TRAU_BO"),
         ("CTR_THU_GOM", "CTR_PHAT_SINH"))


def _scaled(plan: Plan, values: dict[str, Value], factors: dict[str, float]) -> dict[str, Value]:
    """Each figure times its factor (1 when not given), whole numbers kept whole, parts within wholes."""
    scaled: dict[str, Value] = {}
    for code, value in values.items():
        factor = factors.get(code, 1.0)
        if isinstance(value, bool) or factor == 1.0:
            scaled[code] = value
            continue
        element = plan.elements.get(code)
        whole = element is not None and element.kind is Kind.INTEGER
        scaled[code] = round(value * factor) if whole else round(value * factor, 2)
    for part, whole in PARTS:
        if part in scaled and whole in scaled and not isinstance(scaled[part], bool):
            scaled[part] = min(scaled[part], scaled[whole])
    return scaled


def mid_year_values(plan: Plan, unit: Unit, values: dict[str, Value], seed: int = 2024) -> dict[str, Value]:
    """A unit's figures at mid-year, from its year-end ones: flows about half, year-end titles not yet."""
    rng = random.Random(f"{seed}:6T:{unit.code}")
    factors = {code: rng.uniform(0.42, 0.55) for code in values if code in FLOWS}
    factors.update({"DAN_HUOU": rng.uniform(0.88, 0.95), "TRAU_BO_TIEM": rng.uniform(0.6, 0.75),
                    "DIEM_CHUAN_YT": rng.uniform(0.96, 0.99), "TL_HO_SO_TRUC_TUYEN": rng.uniform(0.9, 0.97)})
    mid = _scaled(plan, values, factors)
    for code in YEAR_END_TITLES & mid.keys():
        mid[code] = False
    return mid


def previous_year_values(plan: Plan, unit: Unit, values: dict[str, Value], seed: int = 2024
                         ) -> dict[str, Value]:
    """A unit's figures a year earlier: a little smaller, more poor households, fewer insured."""
    rng = random.Random(f"{seed}:previous:{unit.code}")
    size = rng.uniform(0.93, 0.99)
    factors = {code: size for code, value in values.items() if not isinstance(value, bool)}
    factors.update({"HO_NGHEO": size * rng.uniform(1.1, 1.3), "BHYT": size * rng.uniform(0.96, 0.99),
                    "LD_DAO_TAO": size * rng.uniform(0.93, 0.98), "DAN_HUOU": rng.uniform(0.8, 0.92),
                    "DIEM_CHUAN_YT": rng.uniform(0.95, 0.99), "TL_HO_SO_TRUC_TUYEN": rng.uniform(0.8, 0.9)})
    return _scaled(plan, values, factors)


def split_values(plan: Plan, values: dict[str, Value], share: float) -> tuple[dict[str, Value], dict[str, Value]]:
    """One unit's figures as two units' (``share`` and the rest): a village before two merged into it."""
    first = _scaled(plan, values, {code: share for code, v in values.items() if not isinstance(v, bool)})
    second: dict[str, Value] = {}
    for code, value in values.items():
        second[code] = value if isinstance(value, bool) else round(value - first[code], 2)
    return first, second


def example_consolidation(plan: Plan, period: str, figures: dict[str, dict[str, Value]]) -> Consolidation:
    """A consolidation made straight from figures (no report files): every unit given is included."""
    import pandas as pd

    from xlsync.core.attainment import evaluate_plan, evaluate_units
    from xlsync.core.consolidate import Consolidation, Status, UnitStatus, expected_units
    from xlsync.core.periods import resolve_period

    rows = {unit: {code: float(value) for code, value in values.items()} for unit, values in figures.items()}
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(plan.elements), dtype=float)
    frame.index.name = "unit"
    statuses = [UnitStatus(unit, Status.INCLUDED if unit.code in figures else Status.NOT_SUBMITTED)
                for unit in expected_units(plan)]
    chosen = resolve_period(plan.periods, period, plan.current_period)
    return Consolidation(plan=plan, period=period, sources=[], statuses=statuses, values=frame,
                         results=evaluate_plan(plan, frame), unit_results=evaluate_units(plan, frame), issues=[],
                         reporting_period=chosen)


# The example commune a year earlier: Thôn 11 still on its own (it joined Thôn 10 in 2024), one indicator
# under another name, other targets.
MERGED_VILLAGE = ("T11", "Thôn 11", "T10")  # old code, its name, the unit it joined
EARLIER_NAMES = {"KT06": "Phát triển đàn hươu sao"}
EARLIER_TARGETS = {"KT01": 420.0, "KT06": 1600.0, "VH03": 95.5, "VH07": 3.5, "MT01": 88.0}


def previous_year_plan(plan: Plan) -> Plan:
    """The example plan of the year before ``plan``'s, marked «Ví dụ» (see MERGED_VILLAGE, EARLIER_*)."""
    from dataclasses import replace

    year = int(plan.info.year) - 1
    info = replace(plan.info, plan_id="45/KH-UBND", year=str(year), period=f"Năm {year}", issued=f"10/04/{year}",
                   title=f"Kế hoạch phát động phong trào thi đua yêu nước năm {year} (Ví dụ)",
                   note=f"Ví dụ: kế hoạch và số liệu năm {year} do xlsync demo tạo ra, không phải số liệu thật.")
    old, name, joined = MERGED_VILLAGE
    units: dict[str, Unit] = {}
    for code, unit in plan.units.items():
        units[code] = unit
        if code == joined:
            units[old] = replace(unit, code=old, name=name, email="", note="Ví dụ", row=-1)
    indicators = [replace(i, name=EARLIER_NAMES.get(i.code, i.name), target=EARLIER_TARGETS.get(i.code, i.target))
                  for i in plan.indicators]
    targets = [*plan.unit_targets, *(replace(t, unit=old) for t in plan.unit_targets if t.unit == joined)]
    return replace(plan, info=info, units=units, indicators=indicators, unit_targets=targets,
                   criteria=[], award_rules=[], period_table=(), period_targets=[], unit_code_changes=[],
                   source=f"{plan.source} ({year}, ví dụ)")
