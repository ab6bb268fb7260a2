"""Plausible figures for the example units, for `xlsync demo` and benchmarks.

Seeded and deterministic: the same seed gives the same reports.  Figures are
raw counts in proportions a Hà Tĩnh commune might see (households of about
3,6 persons, a few percent poor households...), so the consolidated rates
land near the bundled plan's targets, some above and some below.
"""

from __future__ import annotations

import random

from xlsync.core.numbers import Kind
from xlsync.core.plan import Plan, Unit

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
