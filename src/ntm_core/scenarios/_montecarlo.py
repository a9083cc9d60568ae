"""Monte Carlo draws of future indicator paths, each decided by the batch engine.

Each draw follows the trend of every unit and indicator (:mod:`._trend`) plus
noise made by resampling the unit's own observed years: for every projected
year a draw picks one of the unit's observed year-on-year steps at random
(with replacement) and adds that step's deviation from the trend to every
numeric indicator of the unit, cumulatively (a random walk around the trend
line); yes/no values turn *yes* or *no* when the picked step did. Picking whole
years keeps the indicators of a unit moving together, as they did.

Draw ``i`` uses its own generator, ``numpy.random.Generator(PCG64(s_i))``
with ``s_i = SeedSequence(seed).spawn(draws)[i]``: the result depends on
the seed only — not on how the draws are split into chunks, nor on where the
chunks run (in this process or on Dask workers), bit for bit.

.. versionadded:: 0.2.0
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from ntm_core._core.vocabulary import Outcome, RuleLevel, Tier
from ntm_core.engine import CODES
from ntm_core.exceptions import InputError
from ntm_core.rules import IndicatorKind
from ntm_core.scenarios._model import ProvinceModel

__all__ = ["Chunk", "draw_chunk", "plan_chunks", "seeds_for"]

COMMUNE_TIERS = Tier.ladder(RuleLevel.COMMUNE)[1:]
_MET = CODES[Outcome.MET]
_UNKNOWN = CODES[Outcome.UNKNOWN]


@attrs.frozen(kw_only=True, eq=False)
class Chunk:
    """The decisions of a run of consecutive draws (merged in draw order).

    Attributes:
        reach_in: ``(years, communes, tiers)``: draws where the commune is at
            least at the tier in that year.
        reach_by: Same, in that year or an earlier projected one.
        unknown: ``(years, communes)``: draws where the commune's tier is unknown.
        completed: ``(draws, years)``: the province completes its task.
        undecided: ``(draws, years)``: whether it does is unknown.
        conditions: ``(draws, years, conditions)``: outcome codes.
        values: ``(draws, years, conditions)``: the province's values.
    """

    reach_in: npt.NDArray[np.int64]
    reach_by: npt.NDArray[np.int64]
    unknown: npt.NDArray[np.int64]
    completed: npt.NDArray[np.bool_]
    undecided: npt.NDArray[np.bool_]
    conditions: npt.NDArray[np.int8]
    values: npt.NDArray[np.float64]

    @staticmethod
    def merge(chunks: Sequence[Chunk]) -> Chunk:
        """The chunks as one, in order (sums of counts, draws concatenated)."""
        return Chunk(
            reach_in=np.sum([c.reach_in for c in chunks], axis=0),
            reach_by=np.sum([c.reach_by for c in chunks], axis=0),
            unknown=np.sum([c.unknown for c in chunks], axis=0),
            completed=np.concatenate([c.completed for c in chunks]),
            undecided=np.concatenate([c.undecided for c in chunks]),
            conditions=np.concatenate([c.conditions for c in chunks]),
            values=np.concatenate([c.values for c in chunks]),
        )


def seeds_for(seed: int | None, draws: int) -> list[np.random.SeedSequence]:
    """One seed sequence per draw, spawned from ``SeedSequence(seed)``.

    Raises:
        InputError: If ``draws`` is not positive or ``seed`` is negative.
    """
    if draws < 1:
        raise InputError("draws must be 1 or more", column="draws", value=draws)
    if seed is not None and seed < 0:
        raise InputError("a seed is a whole number ≥ 0", column="seed", value=seed)
    return np.random.SeedSequence(seed).spawn(draws)


def plan_chunks(model: ProvinceModel, draws: int, chunk: int | None) -> list[range]:
    """Split ``draws`` into runs of at most ``chunk`` (default: about 16 million values each)."""
    if chunk is None:
        per_draw = max(1, len(model.trend.codes) * max(1, len(model.trend.keys)))
        chunk = max(1, min(draws, 2**24 // per_draw))
    if chunk < 1:
        raise InputError("chunk must be 1 or more", column="chunk", value=chunk)
    return [range(a, min(a + chunk, draws)) for a in range(0, draws, chunk)]


def _step_picks(
    model: ProvinceModel, seeds: Sequence[np.random.SeedSequence]
) -> npt.NDArray[np.intp]:
    """Per draw, year and unit: the observed step whose deviation the draw adds."""
    trend = model.trend
    years = len(model.years)
    counts = trend.steps.sum(axis=1)
    high = np.maximum(counts, 1)
    # the observed steps of each unit, first, in period order
    order = np.argsort(~trend.steps, axis=1, kind="stable")
    picks = np.stack(
        [
            np.random.Generator(np.random.PCG64(s)).integers(0, high, size=(years, len(high)))
            for s in seeds
        ]
    )
    if not trend.steps.shape[1]:
        return np.zeros_like(picks, dtype=np.intp)
    units = np.arange(len(high))
    return np.asarray(order[units[None, None, :], picks], dtype=np.intp)


def _paths(model: ProvinceModel, picks: npt.NDArray[np.intp]) -> Iterator[npt.NDArray[np.int64]]:
    """Per projected year, the drawn scaled values, indicator-major ``(indicator, draw, unit)``.

    Only the indicators that move between draws (those with observed changes)
    are drawn per draw; the others follow the trend line, computed once per
    year. One array is reused (and yielded) for every year: each indicator's
    values are one contiguous block, which is how the batch engine reads them.
    """
    trend = model.trend
    draws = picks.shape[0]
    n, k = trend.anchor.shape
    has_steps = np.asarray(trend.steps.any(axis=1), dtype=bool)
    active = np.flatnonzero(np.abs(trend.changes).sum(axis=(0, 1)) > 0)
    boolean = np.array([kd is IndicatorKind.BOOLEAN for kd in trend.kinds], dtype=bool)
    numeric_active = active[~boolean[active]]
    boolean_active = active[boolean[active]]
    numeric_changes = np.where(has_steps[:, None, None], trend.changes, 0.0)
    numeric_changes = np.ascontiguousarray(np.moveaxis(numeric_changes[:, :, numeric_active], 2, 0))
    boolean_changes = np.ascontiguousarray(np.moveaxis(trend.changes[:, :, boolean_active], 2, 0))
    lower, upper = trend.bounds()
    lower_a = lower[numeric_active][:, None, None]
    upper_a = upper[numeric_active][:, None, None]
    anchor = np.nan_to_num(trend.anchor)
    walk = np.zeros((len(numeric_active), draws, n))
    state = np.repeat((anchor[:, boolean_active] >= 0.5).T[:, None, :], draws, axis=1)
    scaled = np.empty((k, draws, n), dtype=np.int64)
    units = np.arange(n)[None, :]
    for h, year in enumerate(model.years):
        step = picks[:, h, :]  # (draws, n)
        line = anchor + trend.slope * (year - trend.anchor_period)
        fixed = trend.bounded(line)
        fixed[:, boolean] = anchor[:, boolean] >= 0.5
        scaled[...] = fixed.T[:, None, :]  # broadcast over the draws
        if len(numeric_active):
            walk += numeric_changes[:, units, step]
            moved = line.T[numeric_active][:, None, :] + walk
            np.clip(moved, lower_a, upper_a, out=moved)
            np.rint(moved, out=moved)
            scaled[numeric_active] = moved
        if len(boolean_active):
            turned = boolean_changes[:, units, step]
            state = (state | (turned > 0)) & ~(turned < 0)
            scaled[boolean_active] = state
        yield scaled


def draw_chunk(model: ProvinceModel, seeds: Sequence[np.random.SeedSequence]) -> Chunk:
    """Draw and decide the draws of ``seeds`` for every year of the model."""
    draws = len(seeds)
    picks = _step_picks(model, seeds)
    communes = model.level(RuleLevel.COMMUNE)
    c = len(communes.codes)
    years = len(model.years)
    reach_in = np.zeros((years, c, len(COMMUNE_TIERS)), dtype=np.int64)
    reach_by = np.zeros_like(reach_in)
    unknown = np.zeros((years, c), dtype=np.int64)
    conditions = len(model.conditions)
    completed = np.zeros((draws, years), dtype=bool)
    undecided = np.zeros((draws, years), dtype=bool)
    outcomes = np.zeros((draws, years, conditions), dtype=np.int8)
    values = np.zeros((draws, years, conditions))
    reached = np.zeros((draws, c, len(COMMUNE_TIERS)), dtype=bool)
    for h, scaled in enumerate(_paths(model, picks)):
        decision = model.decide(h, scaled.transpose(1, 2, 0))
        tiers = model.ladder_tiers(RuleLevel.COMMUNE, h)
        at = decision.tiers[RuleLevel.COMMUNE]
        for t, tier in enumerate(COMMUNE_TIERS):
            if tier in tiers:
                now = at >= tiers.index(tier)
                reached[:, :, t] |= now
                reach_in[h, :, t] = now.sum(axis=0)
            reach_by[h, :, t] = reached[:, :, t].sum(axis=0)
        unknown[h] = decision.unknown[RuleLevel.COMMUNE].sum(axis=0)
        completed[:, h] = decision.completed
        undecided[:, h] = decision.undecided
        outcomes[:, h] = decision.conditions
        values[:, h] = decision.values
    return Chunk(
        reach_in=reach_in,
        reach_by=reach_by,
        unknown=unknown,
        completed=completed,
        undecided=undecided,
        conditions=outcomes,
        values=values,
    )


def interactive() -> bool:
    """Whether standard error is a terminal (a progress bar is shown only then)."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # pragma: no cover - stderr replaced or closed
        return False


def progress_bar(items: Sequence[Any], *, total: int, enabled: bool) -> Iterator[Any]:
    """``items`` wrapped in a tqdm bar on standard error when ``enabled``."""
    if not enabled:
        yield from items
        return
    from ntm_core._core.optional import require

    tqdm = require("tqdm", feature="the progress bar (progress=True)")
    yield from tqdm.tqdm(items, total=total, file=sys.stderr, unit="chunk", leave=False)
