"""The province's own conditions: where it stands on each, and the gap a planner must close."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from fractions import Fraction

import attrs

from ntm_core._core.display import unit_text
from ntm_core._core.vocabulary import Citation, Outcome, Provenance, RuleLevel
from ntm_core.engine import Assessment, CheckResult, Ladder, Value
from ntm_core.readiness._levels import LevelResult
from ntm_core.rules import Aggregate

__all__ = ["ConditionStatus", "children_of", "condition_statuses", "status_of"]


@attrs.frozen(kw_only=True)
class ConditionStatus:
    """One condition of the target tier: where the unit stands and the gap to close.

    .. versionadded:: 0.1.0
    """

    code: str
    name_vi: str
    name_en: str
    outcome: Outcome
    observed: Value | None
    threshold: Value | None
    unit: str | None
    gap: str | None
    gap_units: int | None
    citation: Citation | None
    provenance: Provenance | None
    reason: str | None = None
    """Why the outcome is what it is, when the check alone does not say (not applicable)."""
    gap_vi: str | None = None
    """:attr:`gap` in Vietnamese (*cần thêm 2 xã đạt chuẩn NTM nâng cao*)."""
    reason_vi: str | None = None
    """:attr:`reason` in Vietnamese."""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready data; an exact whole number stays an ``int``, another fraction a float.

        .. versionadded:: 0.3.0
        """
        return {
            "code": self.code,
            "name_vi": self.name_vi,
            "name_en": self.name_en,
            "outcome": self.outcome.value,
            "observed": _json_number(self.observed),
            "threshold": _json_number(self.threshold),
            "unit": self.unit,
            "gap": self.gap,
            "gap_units": self.gap_units,
            "citation": self.citation.to_dict() if self.citation else None,
            "provenance": self.provenance.value if self.provenance else None,
            "reason": self.reason,
        }


def _json_number(value: object) -> object:
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else float(value)
    return value


# The district level was abolished nationwide on 2025-07-01 (NQ 1665/NQ-UBTVQH15;
# shared/domain/ntm-facts.md, 9.3 Administrative reforms).
_NO_DISTRICTS = dt.date(2025, 7, 1)

_KIND_NAMES = {
    RuleLevel.COMMUNE: "communes",
    RuleLevel.DISTRICT: "districts",
    RuleLevel.TOWN: "towns and cities",
}
_KIND_NAMES_VI = {
    RuleLevel.COMMUNE: "xã",
    RuleLevel.DISTRICT: "huyện",
    RuleLevel.TOWN: "thị xã, thành phố",
}


def condition_statuses(
    assessment: Assessment,
    ladder: Ladder,
    levels: Mapping[RuleLevel, LevelResult],
    on: dt.date,
) -> list[ConditionStatus]:
    """Every check of the lowest rung of the province's assessment, with its gap.

    A share over zero units (no districts after the 2025 reform, say) is
    ``NOT_APPLICABLE`` with the reason: it is never counted as met.
    """
    edition = ladder.rungs[0]
    aggregates = {i.key: i.aggregate for _, i in edition.indicators() if i.aggregate is not None}
    return [
        status_of(
            check,
            code=criterion.code,
            name_vi=criterion.name_vi,
            name_en=criterion.name_en,
            aggregate=aggregates.get(check.key),
            levels=levels,
            on=on,
        )
        for criterion in assessment.rungs[0].criteria
        for check in criterion.checks
    ]


def children_of(aggregate: Aggregate, levels: Mapping[RuleLevel, LevelResult]) -> int | None:
    """How many units an aggregate's share is over (``None`` when no level of it was assessed)."""
    found = [levels[of] for of, _ in aggregate.parts() if of in levels]
    return sum(len(r.units) for r in found) if found else None


def _kinds(aggregate: Aggregate, names: Mapping[RuleLevel, str], fallback: str, lang: str) -> str:
    """``"districts"``, or ``"districts and towns and cities"`` for a share of several levels."""
    joiner = " và " if lang == "vi" else " and "
    return joiner.join(names.get(of, fallback) for of, _ in aggregate.parts())


def _at_tiers(aggregate: Aggregate, lang: str) -> str:
    """``"communes at advanced"`` (``"xã NTM nâng cao"``), every part of the share joined."""
    if lang == "vi":
        return " hoặc ".join(
            f"{_KIND_NAMES_VI.get(of, 'đơn vị')} {tier.label('vi')}"
            for of, tier in aggregate.parts()
        )
    return " or ".join(
        f"{_KIND_NAMES.get(of, 'units')} at {tier.label('en')}" for of, tier in aggregate.parts()
    )


def status_of(
    check: CheckResult,
    *,
    code: str,
    name_vi: str,
    name_en: str,
    aggregate: Aggregate | None,
    levels: Mapping[RuleLevel, LevelResult],
    on: dt.date,
) -> ConditionStatus:
    """One check as a :class:`ConditionStatus`: its gap, or why it does not apply.

    A share over zero units is ``NOT_APPLICABLE`` with the reason (in both
    languages), whatever the check's own outcome.
    """
    children = children_of(aggregate, levels) if aggregate is not None else None
    name = _at_tiers(aggregate, "en") if aggregate else ""
    gap, gap_units = _gap(check, children, name)
    vi_name = _at_tiers(aggregate, "vi") if aggregate else ""
    gap_vi = _gap_vi(check, gap_units, vi_name) if gap is not None else None
    outcome, reason, reason_vi = check.outcome, None, None
    if aggregate is not None and children == 0:
        kind = _kinds(aggregate, _KIND_NAMES, "units", "en")
        kind_vi = _kinds(aggregate, _KIND_NAMES_VI, "đơn vị", "vi")
        outcome, gap, gap_vi, gap_units = Outcome.NOT_APPLICABLE, None, None, None
        reason = (
            f"a share of {kind}, and there are no {kind} in the administrative tree "
            f"on {on.isoformat()}"
        )
        reason_vi = (
            f"là tỷ lệ {kind_vi}, nhưng cây đơn vị hành chính ngày {on.isoformat()} "
            f"không có {kind_vi} nào"
        )
        if {RuleLevel.DISTRICT, RuleLevel.TOWN} & {of for of, _ in aggregate.parts()} and (
            on >= _NO_DISTRICTS
        ):
            reason += " (district level abolished on 2025-07-01, NQ 1665/NQ-UBTVQH15)"
            reason_vi += " (cấp huyện kết thúc hoạt động từ 2025-07-01, NQ 1665/NQ-UBTVQH15)"
    return ConditionStatus(
        code=code,
        name_vi=name_vi,
        name_en=name_en,
        outcome=outcome,
        observed=check.observed,
        threshold=check.threshold,
        unit=check.unit,
        gap=gap,
        gap_units=gap_units,
        citation=check.citation,
        provenance=check.provenance,
        reason=reason,
        gap_vi=gap_vi,
        reason_vi=reason_vi,
    )


def _gap(check: CheckResult, children: int | None, kind_name: str) -> tuple[str | None, int | None]:
    """A planner's gap: ``"31 more communes at advanced"`` or the shortfall in units."""
    if check.outcome is Outcome.MET or check.threshold is None or isinstance(check.threshold, bool):
        if check.outcome is Outcome.NOT_MET and isinstance(check.threshold, bool):
            return "not yet achieved", None
        return None, None
    if check.observed is None or isinstance(check.observed, bool):
        return None, None
    if children:
        needed = math.ceil(Fraction(check.threshold) * children / 100)
        have = math.floor(Fraction(check.observed) * children / 100 + Fraction(1, 10**9))
        more = max(needed - have, 0)
        return f"{more} more {kind_name}", more
    if check.margin is not None and check.margin < 0:
        return f"short by {float(-check.margin):g} {check.unit or ''}".rstrip(), None
    return None, None


def _gap_vi(check: CheckResult, gap_units: int | None, kind_name: str) -> str:
    """The gap of :func:`_gap` in Vietnamese (called only when there is one)."""
    if gap_units is not None:
        return f"cần thêm {gap_units} {kind_name}"
    if isinstance(check.threshold, bool):
        return "chưa đạt"
    margin = float(-check.margin) if check.margin is not None else 0.0
    return f"còn thiếu {margin:g} {unit_text(check.unit, lang='vi')}".rstrip()
