"""What keeps the province from its target: blocking units, most failed criteria, closest units."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import attrs
import numpy as np

from ntm_core._core.vocabulary import Outcome, RuleLevel, Tier
from ntm_core.admin import AdminUnit
from ntm_core.engine import CODES
from ntm_core.readiness._levels import LevelResult

__all__ = ["ClosestUnit", "CriterionFailures", "blocking", "closest", "criteria_ranking"]

_MET = CODES[Outcome.MET]
_NOT_MET = CODES[Outcome.NOT_MET]
_UNKNOWN = CODES[Outcome.UNKNOWN]


@attrs.frozen(kw_only=True)
class CriterionFailures:
    """How many communes fail one criterion of one rung, and for how many it is unknown.

    .. versionadded:: 0.1.0
    """

    code: str
    name_vi: str
    name_en: str
    not_met: int
    unknown: int


@attrs.frozen(kw_only=True)
class ClosestUnit:
    """A commune close to a tier: criteria still missing and the relative shortfall.

    Attributes:
        unit: The commune.
        criteria_missing: Criteria not met at the tier's rung.
        shortfall: Over the failing numeric checks, the sum of each absolute
            margin divided by its threshold (0.1 is "10% short" on one check).

    .. versionadded:: 0.1.0
    """

    unit: AdminUnit
    criteria_missing: int
    shortfall: float


def blocking(levels: Mapping[RuleLevel, LevelResult]) -> dict[str, list[AdminUnit]]:
    """Districts not at standard, towns without *task completed*, communes not at standard."""
    out: dict[str, list[AdminUnit]] = {}
    for level, tier, name in (
        (RuleLevel.DISTRICT, Tier.STANDARD, "districts"),
        (RuleLevel.TOWN, Tier.TASK_COMPLETED, "towns"),
        (RuleLevel.COMMUNE, Tier.STANDARD, "communes"),
    ):
        result = levels.get(level)
        if result is None or result.batch is None:
            continue
        ok = result.at_least(tier)
        out[name] = [u for u, good in zip(result.units, ok, strict=True) if not good]
    return out


def criteria_ranking(communes: LevelResult, rung: int = 0) -> list[CriterionFailures]:
    """The criteria of ``rung`` ranked by how many communes fail them, then by unknowns."""
    batch = communes.batch
    if batch is None or not batch.criterion_outcomes:
        return []
    edition = batch.ladder.rungs[rung]
    out = []
    for criterion in edition.criteria:
        codes = batch.criterion_outcomes[rung][criterion.code]
        out.append(
            CriterionFailures(
                code=criterion.code,
                name_vi=criterion.name_vi,
                name_en=criterion.name_en,
                not_met=int((codes == _NOT_MET).sum()),
                unknown=int((codes == _UNKNOWN).sum()),
            )
        )
    return sorted(out, key=lambda r: (-r.not_met, -r.unknown, r.code))


def closest(communes: LevelResult, tier: Tier, limit: int) -> list[ClosestUnit]:
    """Communes not yet at ``tier`` (but at the rung below) closest to it."""
    batch = communes.batch
    if batch is None or tier not in batch.ladder.tiers:
        return []
    rung = batch.ladder.tiers.index(tier)
    below = ~communes.at_least(tier)
    if rung > 0:
        below &= communes.at_least(batch.ladder.tiers[rung - 1])
    arrays = list(batch.criterion_outcomes[rung].values())
    if not arrays:
        return []
    missing = (np.stack(arrays) != _MET).sum(axis=0)
    candidates = np.flatnonzero(below)
    if not len(candidates):
        return []
    order = candidates[np.argsort(missing[candidates], kind="stable")]
    # Every unit tied with the limit-th on criteria missing competes on shortfall.
    cutoff = missing[order[min(limit, len(order)) - 1]]
    order = order[missing[order] <= cutoff]
    ranked = []
    for row in order:
        assessment = batch.explain(batch.codes[int(row)], batch.observations.periods[int(row)])
        shortfall = 0.0
        for criterion in assessment.rungs[rung].criteria:
            for check in criterion.checks:
                if check.outcome is Outcome.NOT_MET and check.margin is not None:
                    base = (
                        check.threshold
                        if isinstance(check.threshold, Fraction) and check.threshold
                        else 1
                    )
                    shortfall += float(abs(check.margin) / base)
        ranked.append(
            ClosestUnit(
                unit=communes.units[int(row)],
                criteria_missing=int(missing[row]),
                shortfall=shortfall,
            )
        )
    ranked.sort(key=lambda r: (r.criteria_missing, r.shortfall, r.unit.code))
    return ranked[:limit]
