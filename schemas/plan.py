"""Schemas of the plan workbook's sheets (see docs/plan-workbook.md).

Frames reach these schemas with canonical header labels as columns, text
normalised (NFC, trimmed; blank → missing) and numbers already parsed.
Cross-sheet rules (a Tử số must name a data element...) are in
:mod:`xlsync.core.plan_reader`, because they need more than one sheet.
"""

from __future__ import annotations

import pandera.pandas as pa

from xlsync.core.numbers import Kind
from xlsync.core.plan import Comparison, Method
from xlsync.core.scoring.model import CriterionKind, QuantRule, QuotaBase

COMPARISONS = tuple(c.value for c in Comparison)
METHODS = tuple(m.value for m in Method)
KINDS = tuple(k.value for k in Kind)


def _text(*, required: bool = True, unique: bool = False, checks: list | None = None) -> pa.Column:
    # No dtype: pandas 3 infers "str" where older versions said "object"; the text is ours anyway.
    return pa.Column(None, nullable=not required, unique=unique, checks=checks or [], required=False)


def _number(*, required: bool = False) -> pa.Column:
    return pa.Column(float, nullable=not required, required=False)


INDICATORS = pa.DataFrameSchema(
    {
        "Mã": _text(unique=True),
        "Nhóm": _text(),
        "Chỉ tiêu": _text(),
        "Đơn vị tính": _text(required=False),
        "So sánh": _text(checks=[pa.Check.one_of(choices=COMPARISONS)]),
        "Kế hoạch": _number(),
        "Cách tính": _text(checks=[pa.Check.one_of(choices=METHODS)]),
        "Tử số": _text(),
        "Mẫu số": _text(required=False),
        "Hệ số": _number(),
        "Ghi chú": _text(required=False),
    },
    name="Chỉ tiêu",
)

ELEMENTS = pa.DataFrameSchema(
    {
        "Mã": _text(unique=True),
        "Tên": _text(),
        "Đơn vị tính": _text(required=False),
        "Kiểu": _text(checks=[pa.Check.one_of(choices=KINDS)]),
        "Cấp báo cáo": _text(),
        "Ghi chú": _text(required=False),
    },
    name="Số liệu",
)

UNITS = pa.DataFrameSchema(
    {
        "Mã": _text(unique=True),
        "Tên": _text(),
        "Loại": _text(),
        "Khối thi đua": _text(required=False),
        "Email": _text(required=False),  # one or several addresses, each checked by the plan reader
        "Ghi chú": _text(required=False),
    },
    name="Đơn vị",
)

RECIPIENTS = pa.DataFrameSchema(
    {
        "Tên": _text(),
        "Email": _text(required=False, checks=[pa.Check.email_address()]),
        "Ghi chú": _text(required=False),
    },
    name="Nơi nhận",
)

UNIT_TARGETS = pa.DataFrameSchema(
    {
        "Mã đơn vị": _text(),
        "Mã chỉ tiêu": _text(),
        "Kế hoạch": _number(),  # a number, or «Đạt» for a pass/fail indicator (checked by the reader)
        "Ghi chú": _text(required=False),
    },
    name="Giao chỉ tiêu",
)

# Dates are read by the reader (xlsync.core.plan_periods): typed text or an Excel date.
PERIODS = pa.DataFrameSchema(
    {
        "Mã kỳ": _text(unique=True),
        "Tên kỳ": _text(),
        "Từ ngày": _text(required=False),
        "Đến ngày": _text(required=False),
        "Hạn nộp": _text(required=False),
        "Ghi chú": _text(required=False),
    },
    name="Kỳ báo cáo",
)

PERIOD_TARGETS = pa.DataFrameSchema(
    {
        "Mã chỉ tiêu": _text(),
        "Mã kỳ": _text(),
        "Kế hoạch": _number(),  # a number, or «Đạt» for a pass/fail indicator (checked by the reader)
        "Ghi chú": _text(required=False),
    },
    name="Chỉ tiêu theo kỳ",
)

# «Đổi mã đơn vị»: a code joins one unit only; «Từ kỳ» is checked against the periods by the reader.
UNIT_CODE_CHANGES = pa.DataFrameSchema(
    {
        "Mã cũ": _text(unique=True),
        "Mã mới": _text(),
        "Từ kỳ": _text(),
        "Ghi chú": _text(required=False),
    },
    name="Đổi mã đơn vị",
)

CRITERION_KINDS = tuple(k.value for k in CriterionKind)
QUANT_RULES = tuple(r.value for r in QuantRule)
QUOTA_BASES = tuple(b.value for b in QuotaBase)

# Signs and cross-sheet rules (a Mã chỉ tiêu must be an indicator, a block must exist...)
# are checked by the plan reader: a penalty's sizes may be typed with either sign.
CRITERIA = pa.DataFrameSchema(
    {
        "Mã": _text(unique=True),
        "Khối thi đua": _text(required=False),
        "Nhóm": _text(required=False),
        "Tiêu chí": _text(),
        "Điểm tối đa": _number(required=True),
        "Loại": _text(checks=[pa.Check.one_of(choices=CRITERION_KINDS)]),
        "Mã chỉ tiêu": _text(required=False),
        "Quy tắc": _text(required=False, checks=[pa.Check.one_of(choices=QUANT_RULES)]),
        "Điểm mỗi lần": _number(),
        "Mức trần": _number(),
        "Mức sàn": _number(),
        "Ghi chú": _text(required=False),
    },
    name="Tiêu chí chấm điểm",
)

AWARD_RULES = pa.DataFrameSchema(
    {
        "Danh hiệu": _text(),
        "Điểm tối thiểu": pa.Column(float, nullable=True, required=False, checks=[pa.Check.non_negative()]),
        "Số đơn vị dẫn đầu mỗi khối": pa.Column(
            float, nullable=True, required=False, checks=[pa.Check.non_negative(), pa.Check.whole_number()]
        ),
        "Tỷ lệ tối đa (%)": pa.Column(float, nullable=True, required=False, checks=[pa.Check.percent_range()]),
        "Tính trên": _text(required=False, checks=[pa.Check.one_of(choices=QUOTA_BASES)]),
        "Khối thi đua": _text(required=False),
        "Ghi chú": _text(required=False),
    },
    name="Khen thưởng",
)
