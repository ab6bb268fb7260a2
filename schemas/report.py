"""The schema of unit reports, derived from the plan.

A frame of reports has one row per report and one column per data element
(values parsed; Đạt/Chưa đạt as 1/0).  Validating all reports of a run as
one frame is far cheaper than one call per report.
"""

from __future__ import annotations

import pandera.pandas as pa

from xlsync.core.numbers import Kind
from xlsync.core.plan import Plan

_KIND_CHECKS = {
    Kind.INTEGER: lambda: [pa.Check.non_negative(), pa.Check.whole_number()],
    Kind.DECIMAL: lambda: [pa.Check.non_negative()],
    Kind.PERCENT: lambda: [pa.Check.percent_range()],
    Kind.PASS_FAIL: lambda: [pa.Check.pass_fail_flag()],
}


def report_schema(plan: Plan) -> pa.DataFrameSchema:
    columns = {
        code: pa.Column(float, nullable=True, required=False, checks=_KIND_CHECKS[element.kind]())
        for code, element in plan.elements.items()
    }
    checks = [
        pa.Check.numerator_le_denominator(numerator=numerator, denominator=denominator)
        for numerator, denominator in plan.ratio_pairs()
    ]
    return pa.DataFrameSchema(columns, checks=checks, name="Báo cáo", coerce=False)
