"""Trends of indicators over the observed periods: the base of projections and Monte Carlo draws.

The method, per unit and indicator (documented for users in
``docs/explanation/projections.md``):

* **Numbers and ratios** follow a Theil–Sen line: the slope is the median of
  the slopes between every pair of observed periods (robust to one odd year),
  and the line is anchored on the unit's last observed value, so a projection
  continues from where the unit stands. Ratios are kept within 0–100, other
  numbers at or above 0 (no indicator of the rules is negative).
* **Yes/no values** follow the unit's observed transitions: of the unit's
  observed year-on-year steps, the share that turned the value *yes* and the
  share that turned it *no* are its yearly chances of each; the projected
  value is *yes* when the chance of *yes* reaches one half.
* **Exactness**: values are computed in float64 on the column's own scale (the
  scaled integers of :class:`~ntm_core.engine.Column`) and rounded half to
  even to an integer on that scale, so a projected value has the precision of
  the data and its comparison with a threshold is exact.

.. versionadded:: 0.2.0
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt

from ntm_core.engine import Observations
from ntm_core.exceptions import InputError
from ntm_core.rules import IndicatorKind

__all__ = ["Trend", "fit_trend"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Columns kept as exact per-row fractions (no small common denominator) are
# projected on this scale: six decimals.
EXACT_SCALE = 10**6


def _frozen(value: npt.ArrayLike) -> npt.NDArray[np.generic]:
    out = np.array(value)  # a copy that nobody else holds
    out.flags.writeable = False
    return out


@attrs.frozen(kw_only=True, eq=False)
class Trend:
    """Per unit and indicator: where it stands, its yearly slope and its observed changes.

    Arrays are read-only; rows are units (``codes``), columns indicators (``keys``).
    Values are on each column's scale (``scales``): a value ``v`` is ``v / scale``.

    Attributes:
        codes: The units, in order.
        keys: The indicators, in order.
        kinds: The kind of each indicator.
        scales: The scale of each indicator's projected integers.
        periods: The observed periods (the years with data), ascending.
        anchor: The last observed value (scaled; NaN when never observed).
        anchor_period: The period of that value.
        slope: The Theil–Sen slope per year (scaled; 0 for yes/no values).
        changes: ``changes[u, s, k]``: the deviation from the slope of the change
            over step ``s`` (from ``periods[s]`` to ``periods[s]+1``); for yes/no
            values +1 (became yes), -1 (became no) or 0.
        steps: ``steps[u, s]``: whether unit ``u`` has data in both years of step ``s``.
        attributes: Unit attributes (name, level, region, …) of its last observed row.

    .. versionadded:: 0.2.0
    """

    codes: tuple[str, ...]
    keys: tuple[str, ...]
    kinds: tuple[IndicatorKind, ...]
    scales: tuple[int, ...]
    periods: tuple[int, ...]
    anchor: FloatArray = attrs.field(converter=_frozen)
    anchor_period: IntArray = attrs.field(converter=_frozen)
    slope: FloatArray = attrs.field(converter=_frozen)
    changes: FloatArray = attrs.field(converter=_frozen)
    steps: npt.NDArray[np.bool_] = attrs.field(converter=_frozen)
    attributes: dict[str, tuple[str | None, ...]] = attrs.field(factory=dict)

    def __repr__(self) -> str:
        span = f"{self.periods[0]}–{self.periods[-1]}" if self.periods else "none"
        return f"<Trend units={len(self.codes)} indicators={len(self.keys)} periods={span}>"

    @property
    def last_period(self) -> int:
        """The last observed period."""
        return self.periods[-1]

    @property
    def present(self) -> npt.NDArray[np.bool_]:
        """Whether each unit's indicator was ever observed (and so is projected)."""
        return ~np.isnan(self.anchor)

    def bounds(self) -> tuple[FloatArray, FloatArray]:
        """Per indicator, the lowest and highest scaled value (ratios 0–100, numbers ≥ 0)."""
        scales = np.asarray(self.scales, dtype=np.float64)
        ratio = np.array([k is IndicatorKind.RATIO for k in self.kinds])
        upper = np.where(ratio, 100.0 * scales, np.inf)
        return np.zeros(len(self.keys)), upper

    def bounded(self, values: FloatArray) -> IntArray:
        """Scaled values kept in range (ratios 0–100, numbers ≥ 0), rounded half to even."""
        lower, upper = self.bounds()
        return np.rint(np.clip(np.nan_to_num(values), lower, upper)).astype(np.int64)

    def boolean_rates(self) -> tuple[FloatArray, FloatArray]:
        """Per unit and indicator, the yearly chance of turning yes, and of turning no."""
        taken = np.maximum(self.steps.sum(axis=1), 1).astype(np.float64)[:, None]
        up = (self.changes > 0).sum(axis=1) / taken
        down = (self.changes < 0).sum(axis=1) / taken
        return up, down

    def project(self, year: int) -> IntArray:
        """The projected scaled values of ``year`` (the trend, without noise).

        Raises:
            InputError: If ``year`` is not after the last observed period.
        """
        if year <= self.last_period:
            msg = f"project to a year after the last observed period {self.last_period}"
            raise InputError(msg, column="year", value=year)
        horizon = (year - self.anchor_period).astype(np.float64)
        numbers = self.anchor + self.slope * horizon
        out = self.bounded(numbers)
        boolean = np.array([k is IndicatorKind.BOOLEAN for k in self.kinds])
        if boolean.any():
            up, down = self.boolean_rates()
            chance = np.nan_to_num(self.anchor)
            for step in range(int(horizon.max())):
                moving = step < horizon
                chance = np.where(moving, chance * (1 - down) + (1 - chance) * up, chance)
            out[:, boolean] = (chance >= 0.5)[:, boolean]
        return out


def fit_trend(  # noqa: PLR0915 - one vectorised pass, step by step
    observations: Observations, *, keys: Sequence[str] | None = None
) -> Trend:
    """Fit the trend of every unit and indicator of ``observations`` (several periods).

    Args:
        observations: Values of several periods (one row per unit and period).
        keys: The indicators to fit (default: every column).

    Raises:
        InputError: If the observations have fewer than two periods.

    .. versionadded:: 0.2.0
    """
    periods = sorted(set(observations.periods))
    if len(periods) < 2:
        msg = f"a trend needs observations of two periods or more; got {periods}"
        raise InputError(msg, source=observations.source, column="period")
    wanted = (
        list(observations.columns)
        if keys is None
        else [k for k in keys if k in observations.columns]
    )
    codes = list(dict.fromkeys(observations.codes))
    unit = {c: i for i, c in enumerate(codes)}
    slot = {p: i for i, p in enumerate(periods)}
    rows_u = np.array([unit[c] for c in observations.codes], dtype=np.intp)
    rows_p = np.array([slot[p] for p in observations.periods], dtype=np.intp)
    n, t, k = len(codes), len(periods), len(wanted)
    grid = np.full((n, t, k), np.nan)
    kinds, scales = [], []
    for j, key in enumerate(wanted):
        column = observations.columns[key]
        kinds.append(column.kind)
        if column.scaled is not None:
            scale = column.scale
            values = column.scaled.astype(np.float64)
        else:
            scale = EXACT_SCALE
            num = np.asarray(column.num, dtype=np.float64)
            den = np.asarray(column.den, dtype=np.float64)
            values = np.rint(num / den * scale)
        scales.append(scale)
        grid[rows_u[column.present], rows_p[column.present], j] = values[column.present]
    years = np.asarray(periods, dtype=np.float64)
    seen = ~np.isnan(grid)
    # the anchor: the last observed value of each unit and indicator
    last = np.where(seen, np.arange(t)[None, :, None], -1).max(axis=1)
    anchor = np.take_along_axis(grid, np.maximum(last, 0)[:, None, :], axis=1)[:, 0, :]
    anchor = np.where(last >= 0, anchor, np.nan)
    anchor_period = np.where(last >= 0, years[np.maximum(last, 0)], years[-1]).astype(np.int64)
    # Theil–Sen: the median of the pairwise slopes
    pairs = [(a, b) for a in range(t) for b in range(a + 1, t)]
    slopes = np.stack([(grid[:, b] - grid[:, a]) / (years[b] - years[a]) for a, b in pairs], axis=1)
    by_cell = np.moveaxis(slopes, 1, 2)  # (unit, indicator, pair)
    usable = ~np.isnan(by_cell).all(axis=2)
    slope = np.zeros((n, k))
    if usable.any():
        slope[usable] = np.nanmedian(by_cell[usable], axis=1)
    boolean = np.array([kd is IndicatorKind.BOOLEAN for kd in kinds], dtype=bool)
    slope[:, boolean] = 0.0
    # year-on-year steps between consecutive calendar years both observed
    step_from = [i for i in range(t - 1) if periods[i + 1] == periods[i] + 1]
    has_row = np.zeros((n, t), dtype=bool)
    has_row[rows_u, rows_p] = True
    if step_from:
        steps = np.stack([has_row[:, i] & has_row[:, i + 1] for i in step_from], axis=1)
        raw = np.stack([grid[:, i + 1] - grid[:, i] for i in step_from], axis=1)
    else:
        steps = np.zeros((n, 0), dtype=bool)
        raw = np.zeros((n, 0, k))
    changes = np.where(boolean, np.sign(raw), raw - slope[:, None, :])
    changes = np.where(np.isnan(changes) | ~steps[:, :, None], 0.0, changes)
    attributes: dict[str, tuple[str | None, ...]] = {}
    last_row = np.full(n, -1, dtype=np.intp)
    order = np.lexsort((rows_p, rows_u))
    last_row[rows_u[order]] = order
    for name, texts in observations.attributes.items():
        attributes[name] = tuple(texts[int(r)] for r in last_row)
    return Trend(
        codes=tuple(codes),
        keys=tuple(wanted),
        kinds=tuple(kinds),
        scales=tuple(scales),
        periods=tuple(periods),
        anchor=anchor,
        anchor_period=anchor_period,
        slope=slope,
        changes=changes,
        steps=steps,
        attributes=attributes,
    )
