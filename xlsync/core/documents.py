"""The office's documents from the master: what each one says, as plain data.

The commune office signs three documents once the round is over: the
review report (Báo cáo kết quả thực hiện phong trào thi đua), the proposal
to the emulation council (Tờ trình đề nghị khen thưởng) and the chairman's
decision (Quyết định khen thưởng).  Their wording lives in editable Word
templates (:mod:`xlsync.io.documents`); this module gives the templates
their *context*: the figures of the master's consolidation (recomputed from
«Theo đơn vị», checked as before sending), the ranking and proposed titles
of «Xếp hạng», and the plan's issuing body, «Nơi nhận» and signer.

Figures are written as the master shows them (its number formats): Vietnamese
numbers to at most two decimals, «Tỷ lệ đạt (%)» and points to two.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum

from xlsync.core.attainment import IndicatorResult
from xlsync.core.consolidate import Consolidation, Status
from xlsync.core.issues import Issue
from xlsync.core.master.contents import MasterSheets
from xlsync.core.numbers import FAIL, PASS, format_number, format_value, parse_number
from xlsync.core.plan import Comparison, Plan
from xlsync.core.sheets import WorkbookData
from xlsync.core.tables import locate_table
from xlsync.core.text import label_key, normalize_text


class DocumentKind(StrEnum):
    REPORT = "report"
    PROPOSAL = "proposal"
    DECISION = "decision"

    @property
    def template_name(self) -> str:
        """The shipped (and editable) template of this document."""
        return TEMPLATE_NAMES[self]

    @property
    def needs_ranking(self) -> bool:
        """Tờ trình and Quyết định list the proposed units: they need «Xếp hạng»."""
        return self is not DocumentKind.REPORT


TEMPLATE_NAMES = {
    DocumentKind.REPORT: "bao-cao.docx",
    DocumentKind.PROPOSAL: "to-trinh.docx",
    DocumentKind.DECISION: "quyet-dinh.docx",
}
OUTPUT_STEMS = {
    DocumentKind.REPORT: "bao-cao-ket-qua-thi-dua",
    DocumentKind.PROPOSAL: "to-trinh-de-nghi-khen-thuong",
    DocumentKind.DECISION: "quyet-dinh-khen-thuong",
}
ALL_KINDS = tuple(DocumentKind)

# The columns of «Xếp hạng» the documents need: some of core.master.contents.RANK_LABELS.
RANKING_SHEET = MasterSheets.RANKING
RANK_BLOCK, RANK, RANK_UNIT, RANK_NAME, RANK_TOTAL, RANK_TITLE = RANKING_LABELS = (
    "Khối thi đua", "Hạng", "Mã đơn vị", "Tên đơn vị", "Tổng điểm", "Danh hiệu đề nghị")

SIGNER_ROLE = "Chủ tịch"  # when the plan names no «Chức vụ người ký»
BLANK_PLACE = "……………"  # a place the office writes by hand
FIGURE_DECIMALS = 2  # the master's number format «#,##0.##»
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
# «Chức vụ người ký» names the role, then the body («Chủ tịch UBND xã»): the body is in the header already.
_BODY_WORDS = re.compile(r"\s+(?:UBND|Ủy ban|Uỷ ban|HĐND|Hội đồng)\b.*$", re.IGNORECASE)
_PLACE = re.compile(r"\b(?:xã|phường|thị trấn|huyện|thị xã|thành phố|tỉnh)\s+(.+)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class RankedUnit:
    """One row of «Xếp hạng»: a unit's rank in its block and the title proposed for it."""

    block: str
    rank: int
    code: str
    name: str
    total: float
    title: str = ""


def read_ranking(workbook: WorkbookData, plan: Plan) -> tuple[list[RankedUnit], list[Issue]]:
    """The ranking of the master's «Xếp hạng» sheet; none when the units were not scored.

    Rows are those of the plan's units with a rank (the sheet goes on with
    the commendation rules and records, which are not ranked units).
    """
    sheet = workbook.sheet(RANKING_SHEET)
    if sheet is None:
        return [], []
    table, found = locate_table(sheet, RANKING_LABELS, file=workbook.source)
    issues = [issue for issue in found if issue.code != "blank-row"]
    if table is None or issues:
        return [], issues
    ranked = []
    for line in table:
        unit = plan.unit_by_code(normalize_text(line.get(RANK_UNIT)))
        rank, total = parse_number(line.get(RANK)), parse_number(line.get(RANK_TOTAL))
        if unit is None or rank.status != "ok" or total.status != "ok":
            continue
        ranked.append(RankedUnit(normalize_text(line.get(RANK_BLOCK)) or unit.block, int(rank.value), unit.code,
                                 normalize_text(line.get(RANK_NAME)) or unit.name, float(total.value),
                                 normalize_text(line.get(RANK_TITLE))))
    return ranked, []


# --- the context the templates are rendered with ---------------------------------------------


def document_context(consolidation: Consolidation, ranking: list[RankedUnit], year: int) -> dict[str, object]:
    """Everything the three templates may name: one dictionary for all of them.

    ``year`` is the year the document is issued (its date line: the day and
    month are left blank for the office to fill when it is signed).
    """
    plan = consolidation.plan
    return {
        **plan_context(plan),
        "period": consolidation.period,
        "issue_year": str(year),
        **attainment_context(consolidation),
        **submission_context(consolidation),
        **ranking_context(ranking, plan),
    }


def plan_context(plan: Plan) -> dict[str, object]:
    """Issuing body, place, plan reference, signer and «Nơi nhận», as the plan gives them."""
    info = plan.info
    role = signer_role(info.signer_title)
    return {
        "issuer": info.issuer,
        "issuer_upper": info.issuer.upper(),
        "place": place_name(info.issuer),
        "year": info.year,
        "plan_id": info.plan_id,
        "plan_title": info.title,
        "plan_issued": info.issued,
        "plan_label": plan.label,
        "signer": info.signer,
        "signer_title": info.signer_title,
        "signer_role": role,
        "signer_role_upper": role.upper(),
        "recipients": [recipient.name for recipient in plan.recipients if recipient.name.strip()],
    }


def signer_role(signer_title: str) -> str:
    """«Chủ tịch UBND xã» → «Chủ tịch»: the role the signature block names."""
    role = _BODY_WORDS.sub("", " ".join(signer_title.split()))
    return role or SIGNER_ROLE


def place_name(issuer: str) -> str:
    """«UBND xã Sơn Tây» → «Sơn Tây», the place of the date line; blanks when the name gives none."""
    found = _PLACE.search(" ".join(issuer.split()))
    return found.group(1) if found else BLANK_PLACE


def attainment_context(consolidation: Consolidation) -> dict[str, object]:
    """The attainment table grouped as the plan groups the indicators, and what was met or not."""
    groups: dict[str, list[dict[str, str]]] = {}
    for result in consolidation.results:
        groups.setdefault(result.indicator.group or "—", []).append(attainment_row(result))
    verdicts = {True: [], False: [], None: []}
    for result in consolidation.results:
        verdicts[result.achieved].append({"code": result.indicator.code, "name": result.indicator.name})
    return {
        "groups": [{"number": _roman(i), "name": name, "rows": rows} for i, (name, rows) in enumerate(groups.items())],
        "indicator_count": len(consolidation.results),
        "met": verdicts[True],
        "not_met": verdicts[False],
        "unassessed": verdicts[None],
    }


def attainment_row(result: IndicatorResult) -> dict[str, str]:
    """One indicator as the table shows it: target with its comparison, actual, ratio, verdict."""
    indicator = result.indicator
    if indicator.comparison is Comparison.PASS:
        target = PASS
    else:
        figure = shown_figure(result.target)
        sign = "" if indicator.comparison is Comparison.GE or not figure else f"{indicator.comparison.value} "
        target = f"{sign}{figure}"
    ratio = result.ratio
    achieved = result.achieved
    return {
        "code": indicator.code,
        "name": indicator.name,
        "unit": indicator.unit,
        "target": target,
        "actual": shown_figure(result.actual),
        "ratio": "" if ratio is None or not math.isfinite(ratio) else format_number(ratio, 2),
        "verdict": "" if achieved is None else (PASS if achieved else FAIL),
    }


def shown_figure(value: float | bool | None) -> str:
    """A figure as the master's «#,##0.##» shows it: at most two decimals; Đạt/Chưa đạt; blank."""
    if isinstance(value, float) and math.isfinite(value):
        return format_number(round(value, FIGURE_DECIMALS))
    return format_value(value)


def submission_context(consolidation: Consolidation) -> dict[str, object]:
    """How complete the round was: reports expected, submitted, counted; who is missing."""
    statuses = consolidation.statuses
    rate = consolidation.reporting_rate
    return {
        "expected": consolidation.expected,
        "submitted": consolidation.submitted,
        "included": consolidation.included_count,
        "submission_rate": "" if rate is None else format_number(rate, 1),
        "not_submitted": [s.unit.name for s in statuses if s.status is Status.NOT_SUBMITTED],
        "left_out": [s.unit.name for s in statuses if s.status in (Status.HAS_ERRORS, Status.DUPLICATE)],
    }


def ranking_context(ranking: list[RankedUnit], plan: Plan) -> dict[str, object]:
    """The ranking per block, and the proposed units per title in the order of the plan's rules."""
    blocks: dict[str, list[dict[str, str]]] = {}
    for unit in sorted(ranking, key=lambda u: (_block_order(plan, u.block), u.rank, u.code)):
        blocks.setdefault(unit.block, []).append(_ranked_row(unit))
    titles = [rule.title for rule in plan.award_rules]
    titles += sorted({u.title for u in ranking if u.title and label_key(u.title) not in map(label_key, titles)})
    awards = []
    for title in titles:
        units = [u for u in ranking if u.title and label_key(u.title) == label_key(title)]
        if units:
            units.sort(key=lambda u: (_block_order(plan, u.block), u.rank, u.code))
            awards.append({"title": title, "count": len(units), "units": [_ranked_row(u) for u in units]})
    return {
        "has_ranking": bool(ranking),
        "blocks": [{"name": name, "rows": rows} for name, rows in blocks.items()],
        "awards": awards,
        "award_count": sum(award["count"] for award in awards),
    }


def _ranked_row(unit: RankedUnit) -> dict[str, str]:
    return {"block": unit.block, "rank": str(unit.rank), "code": unit.code, "name": unit.name,
            "total": format_number(unit.total, 2), "title": unit.title}


def _block_order(plan: Plan, block: str) -> int:
    keys = [label_key(b) for b in plan.blocks]
    key = label_key(block)
    return keys.index(key) if key in keys else len(keys)


def _roman(index: int) -> str:
    return ROMAN[index] if index < len(ROMAN) else str(index + 1)
