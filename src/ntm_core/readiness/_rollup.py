"""Roll-ups of unit assessments to their parents, as array reductions.

Everything here works on a parent index (each child's parent position, or
-1, taken from the :class:`~ntm_core.admin.AdminSnapshot`'s indexes) and
``np.bincount``: no Python loop over units.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

import attrs
import numpy as np
import numpy.typing as npt

from ntm_core._core.vocabulary import RuleLevel, Tier
from ntm_core.admin import AdminSnapshot, AdminUnit
from ntm_core.engine._bands import band_edges, band_labels, band_of
from ntm_core.readiness._levels import LevelResult, read_only
from ntm_core.rules import RuleSet

__all__ = [
    "TierCounts",
    "aggregates",
    "band_edges",
    "band_labels",
    "band_of",
    "positions",
    "share_column",
    "tier_counts",
]


def positions(
    snapshot: AdminSnapshot, children: Sequence[str], parents: Sequence[str]
) -> npt.NDArray[np.intp]:
    """Each child's position in ``parents``: its nearest ancestor of their levels, or -1.

    Uses the snapshot's parent and ancestor indexes: no walk over the tree in
    Python. A child whose nearest ancestor at the parents' levels is not one of
    ``parents`` (another province's district, say) gets -1.
    """
    if not parents or not children:
        return np.full(len(children), -1, dtype=np.intp)
    parent_rows = snapshot.index_of(parents)
    levels = {snapshot[code].level for code in parents}
    ancestor = snapshot.ancestor_index(level=levels)
    parent = snapshot.parent_index[snapshot.index_of(children)]
    # strict ancestors: start from each child's parent, not from the child itself
    found = np.where(parent >= 0, ancestor[np.maximum(parent, 0)], -1)
    # one extra slot, so that found == -1 looks up -1
    lookup = np.full(len(snapshot) + 1, -1, dtype=np.intp)
    lookup[parent_rows] = np.arange(len(parents), dtype=np.intp)
    out: npt.NDArray[np.intp] = lookup[found]
    return out


def share_column(
    index: npt.NDArray[np.intp], m: int, children: LevelResult, tier: Tier
) -> list[Fraction | None]:
    """Per parent: exact percent of children at ``tier`` or above.

    ``index`` holds each child's parent position (-1 for none), ``m`` the number
    of parents. ``None`` when children of unknown tier could change the share,
    and when the parent has no such children: a share of nothing is not 100%
    (the province's report calls that condition not applicable). All ``None``
    when the children's rules decide no such tier (advanced communes under
    Decision 1980): a count nobody made is unknown, not zero.
    """
    if children.batch is None or tier not in children.batch.ladder.tiers:
        return [None] * m
    keep = index >= 0
    total = np.bincount(index[keep], minlength=m)
    certain = np.bincount(index[keep], weights=children.at_least(tier)[keep], minlength=m)
    maybe = np.bincount(index[keep], weights=children.maybe(tier)[keep], minlength=m)
    out: list[Fraction | None] = []
    for n, k, u in zip(total.tolist(), certain.tolist(), maybe.tolist(), strict=True):
        if n == 0 or u:
            out.append(None)
        else:
            out.append(Fraction(100 * int(k), int(n)))
    return out


def aggregates(
    editions: Sequence[RuleSet],
    parents: Sequence[AdminUnit],
    children: Mapping[RuleLevel, LevelResult],
    snapshot: AdminSnapshot,
) -> dict[str, list[Fraction | None]]:
    """The aggregate indicators of the editions, computed from the children's results."""
    out: dict[str, list[Fraction | None]] = {}
    codes = [p.code for p in parents]
    indexes: dict[RuleLevel, npt.NDArray[np.intp]] = {}
    for edition in editions:
        for _, indicator in edition.indicators():
            agg = indicator.aggregate
            if agg is None or indicator.key in out or agg.of not in children:
                continue
            result = children[agg.of]
            if agg.of not in indexes:
                indexes[agg.of] = positions(snapshot, result.codes, codes)
            out[indicator.key] = share_column(indexes[agg.of], len(codes), result, agg.tier)
    return out


@attrs.frozen(kw_only=True, eq=False)
class TierCounts:
    """Per parent: children counted by tier, by criteria-met band, and on average.

    Attributes:
        parents: The parent codes, in order.
        tiers: The ladder's tiers, lowest first (``NOT_YET`` first).
        children: Number of children per parent.
        at_least: ``at_least[t][p]``, children of ``p`` certainly at ``tiers[t]`` or above.
        unknown: Children whose tier is unknown (missing data could change it).
        bands: ``bands[b][p]`` children whose criteria-met count is in band ``b``.
        criteria_total: How many criteria the bands count.
        criteria_sum: Sum of criteria met per parent (for averages).

    The arrays are read-only.

    .. versionadded:: 0.1.0
    """

    parents: tuple[str, ...]
    tiers: tuple[Tier, ...]
    children: npt.NDArray[np.int64] = attrs.field(converter=read_only)
    at_least: npt.NDArray[np.int64] = attrs.field(converter=read_only)
    unknown: npt.NDArray[np.int64] = attrs.field(converter=read_only)
    bands: npt.NDArray[np.int64] = attrs.field(converter=read_only)
    criteria_total: int
    criteria_sum: npt.NDArray[np.int64] = attrs.field(converter=read_only)

    def share(self, tier: Tier, parent: int) -> Fraction | None:
        """Exact percent of children certainly at ``tier`` or above; ``None`` without children."""
        n = int(self.children[parent])
        if n == 0:
            return None
        return Fraction(100 * int(self.at_least[self.tiers.index(tier)][parent]), n)

    def could_reach(self, tier: Tier, parent: int) -> int:
        """Children at ``tier`` or above if every unknown child reached it."""
        return int(self.at_least[self.tiers.index(tier)][parent]) + int(self.unknown[parent])

    def mean_criteria(self, parent: int) -> float | None:
        """Average criteria met per child."""
        n = int(self.children[parent])
        return None if n == 0 else int(self.criteria_sum[parent]) / n


def tier_counts(
    *,
    parents: Sequence[str],
    index: npt.NDArray[np.intp],
    tier_at_least: npt.NDArray[np.int64],
    tier_unknown: npt.NDArray[np.bool_],
    criteria_met: npt.NDArray[np.int64],
    criteria_total: int,
    ladder: tuple[Tier, ...],
) -> TierCounts:
    """Count children per parent with ``np.bincount``.

    ``tier_at_least`` holds, per child, the index of the certain tier in
    ``ladder`` (0 for ``NOT_YET``); children with ``index`` -1 are ignored.
    """
    keep = index >= 0
    idx = index[keep]
    m = len(parents)
    level = tier_at_least[keep]
    children = np.bincount(idx, minlength=m).astype(np.int64)
    at_least = np.stack(
        [
            np.bincount(idx, weights=(level >= t), minlength=m).astype(np.int64)
            for t in range(len(ladder))
        ]
    )
    unknown = np.bincount(idx, weights=tier_unknown[keep], minlength=m).astype(np.int64)
    band = band_of(criteria_met[keep], criteria_total)
    bands = np.stack(
        [
            np.bincount(idx, weights=(band == b), minlength=m).astype(np.int64)
            for b in range(len(band_edges(criteria_total)))
        ]
    )
    criteria_sum = np.bincount(idx, weights=criteria_met[keep], minlength=m).astype(np.int64)
    return TierCounts(
        parents=tuple(parents),
        tiers=ladder,
        children=children,
        at_least=at_least,
        unknown=unknown,
        bands=bands,
        criteria_total=criteria_total,
        criteria_sum=criteria_sum,
    )
