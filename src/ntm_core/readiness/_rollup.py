"""Roll-ups of unit assessments to their parents, as array reductions.

Everything here works on a parent index (each child's parent position, or
-1) and ``np.bincount``: no Python loop over units.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

import attrs
import numpy as np
import numpy.typing as npt

from ntm_core._core.vocabulary import Tier

__all__ = [
    "TierCounts",
    "band_edges",
    "band_labels",
    "band_of",
    "parent_index",
    "tier_counts",
]


def band_edges(total: int) -> tuple[tuple[int, int], ...]:
    """The report bands for a set of ``total`` criteria (19 → the official bands).

    The top band is "all criteria"; the others keep the official lower edges
    15, 10, 5 and 0, so a 20-criterion provincial set (Hà Tĩnh) reads
    20; 15–19; 10–14; 5–9; under 5.
    """
    if total < 16:
        return ((total, total), (0, total - 1))
    return ((total, total), (15, total - 1), (10, 14), (5, 9), (0, 4))


def band_labels(total: int) -> tuple[str, ...]:
    """Labels of :func:`band_edges`: ``"19"``, ``"15–18"``, … ``"<5"``."""
    out = []
    for low, high in band_edges(total):
        if low == high:
            out.append(str(low))
        elif low == 0:
            out.append(f"<{high + 1}")
        else:
            out.append(f"{low}–{high}")
    return tuple(out)


def band_of(met: npt.NDArray[np.int64], total: int) -> npt.NDArray[np.intp]:
    """The band index of each count of criteria met."""
    lows = np.array([low for low, _ in band_edges(total)])
    # bands are ordered high to low: the first band whose lower edge is <= met
    bands: npt.NDArray[np.intp] = np.argmax(met[:, None] >= lows[None, :], axis=1).astype(np.intp)
    return bands


def parent_index(
    child_codes: Sequence[str], parent_of: Mapping[str, str | None], parents: Sequence[str]
) -> npt.NDArray[np.intp]:
    """Each child's position in ``parents`` (-1 when its parent is not there)."""
    position = {code: i for i, code in enumerate(parents)}
    return np.fromiter(
        (position.get(parent_of.get(c) or "", -1) for c in child_codes),
        dtype=np.intp,
        count=len(child_codes),
    )


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

    .. versionadded:: 0.1.0
    """

    parents: tuple[str, ...]
    tiers: tuple[Tier, ...]
    children: npt.NDArray[np.int64]
    at_least: npt.NDArray[np.int64]
    unknown: npt.NDArray[np.int64]
    bands: npt.NDArray[np.int64]
    criteria_total: int
    criteria_sum: npt.NDArray[np.int64]

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
