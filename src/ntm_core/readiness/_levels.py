"""Every unit of one level assessed on the batch path: :class:`LevelResult` and how it is made."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

import attrs
import numpy as np
import numpy.typing as npt

from ntm_core._core.vocabulary import RuleLevel, Tier
from ntm_core.admin import AdminUnit
from ntm_core.engine import BatchResult, Column, Ladder, Observations, evaluate_batch, selections
from ntm_core.exceptions import RuleNotInForceError
from ntm_core.rules import IndicatorKind, Rulebook

__all__ = ["LevelResult", "assess_level", "read_only"]


def read_only(array: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The array itself, made read-only (a copy first when it is a view of another array)."""
    out = array if array.base is None else array.copy()
    out.flags.writeable = False
    return out


def _read_only_bools(value: object) -> npt.NDArray[np.bool_]:
    out = np.array(value, dtype=bool)  # a copy: nobody else holds it
    out.flags.writeable = False
    return out


def _unit_tuple(value: Iterable[AdminUnit]) -> tuple[AdminUnit, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True, eq=False)
class LevelResult:
    """The batch assessment of every unit of one level in the province.

    Attributes:
        level: The rule level.
        units: The administrative units assessed, aligned with the batch rows.
        batch: The batch result (``None`` when no edition is in force for the level).
        provisional: Per unit, whether a deciding threshold is unverified or
            illustrative (a read-only array).

    .. versionadded:: 0.1.0
    """

    level: RuleLevel
    units: tuple[AdminUnit, ...] = attrs.field(converter=_unit_tuple)
    batch: BatchResult | None
    provisional: npt.NDArray[np.bool_] = attrs.field(converter=_read_only_bools)

    @property
    def codes(self) -> tuple[str, ...]:
        """The unit codes, in row order."""
        return tuple(u.code for u in self.units)

    def tier_position(self, tier: Tier) -> int:
        """Index of ``tier`` in the batch's ``tier_at_least_index`` scale (-1 is *not yet*)."""
        if self.batch is None:
            return 0
        return self.batch.ladder.tiers.index(tier)

    def at_least(self, tier: Tier) -> npt.NDArray[np.bool_]:
        """Per unit: certainly at ``tier`` or above."""
        if self.batch is None or tier not in self.batch.ladder.tiers:
            return np.zeros(len(self.units), dtype=bool)
        return np.asarray(self.batch.tier_at_least_index >= self.tier_position(tier), dtype=bool)

    def maybe(self, tier: Tier) -> npt.NDArray[np.bool_]:
        """Per unit: not certainly at ``tier``, but missing data could put it there."""
        if self.batch is None or tier not in self.batch.ladder.tiers:
            return np.zeros(len(self.units), dtype=bool)
        unknown = self.batch.tier_index == -2
        return np.asarray(
            unknown & (self.batch.tier_at_least_index < self.tier_position(tier)), dtype=bool
        )

    def take(self, rows: Sequence[int]) -> LevelResult:
        """The result for the given rows only."""
        index = np.asarray(rows, dtype=np.intp)
        return LevelResult(
            level=self.level,
            units=tuple(self.units[i] for i in index.tolist()),
            batch=self.batch.take(index) if self.batch is not None else None,
            provisional=self.provisional[index],
        )

    def tiers(self) -> list[Tier | None]:
        """Tier per unit (``None`` when unknown)."""
        return self.batch.tiers() if self.batch is not None else [None] * len(self.units)


def _observations_for(
    observations: Observations, units: Sequence[AdminUnit], period: int
) -> Observations:
    """Rows of ``units`` in ``period`` (units without data get no values).

    A unit that did not exist yet in ``period`` (created by a later reform,
    even under an old code) gets no data: the figures describe another unit.
    """
    rows: dict[str, int] = {}
    for i, (code, p) in enumerate(zip(observations.codes, observations.periods, strict=True)):
        if p == period:
            rows[code] = i
    codes = [u.code for u in units]
    index = np.array(
        [
            rows.get(u.code, -1) if u.valid_from is None or u.valid_from.year <= period else -1
            for u in units
        ],
        dtype=np.intp,
    )
    has = index >= 0
    safe = np.where(has, index, 0)
    columns = {}
    for key, column in observations.columns.items():
        if not len(observations):
            continue
        taken = column.take(safe)
        columns[key] = attrs.evolve(taken, present=taken.present & has)
    attributes = {
        k: [v[int(i)] if i >= 0 else None for i in index]
        for k, v in observations.attributes.items()
    }
    return Observations(
        codes=codes,
        periods=[period] * len(codes),
        columns=columns,
        attributes=attributes,
        source=observations.source,
    )


def _with_attributes(observations: Observations, units: Sequence[AdminUnit]) -> Observations:
    """Fill name, region, group and commune_kind from the units where the data lacks them."""
    attributes = {k: list(v) for k, v in observations.attributes.items()}
    for name in ("name", "region", "group", "commune_kind"):
        values = attributes.setdefault(name, [None] * len(units))
        for i, unit in enumerate(units):
            if values[i] is None:
                values[i] = unit.name if name == "name" else unit.attributes.get(name)
    return attrs.evolve(observations, attributes=attributes)


def _provisional(batch: BatchResult) -> npt.NDArray[np.bool_]:
    """Per row: whether a threshold of a deciding rung is unverified or illustrative."""
    n = len(batch)
    out = np.zeros(n, dtype=bool)
    ladder = batch.ladder
    distinct: dict[int, list[int]] = {}
    for row, selection in enumerate(batch.selections):
        distinct.setdefault(id(selection), []).append(row)
    next_rung = np.minimum(batch.tier_at_least_index + 1, len(ladder.rungs) - 1)
    for rows in distinct.values():
        selection = batch.selections[rows[0]]
        shaky = [
            any(
                t is not None and not t.provenance.reliable
                for t in ladder.thresholds(e, selection).values()
            )
            for e in ladder.rungs
        ]
        cumulative = np.cumsum(shaky) > 0
        idx = np.asarray(rows, dtype=np.intp)
        out[idx] = cumulative[next_rung[idx]]
    return out


def assess_level(
    book: Rulebook,
    *,
    level: RuleLevel,
    units: Sequence[AdminUnit],
    observations: Observations,
    period: int,
    on: dt.date,
    scope: str,
    aggregates: Mapping[str, list[Fraction | None]] | None = None,
) -> LevelResult:
    """Assess ``units`` of ``level`` in ``period``, with aggregate indicators filled from children.

    A value the data gives for an aggregate indicator wins over the computed one.
    """
    try:
        ladder = Ladder.for_level(book, level=level, on=on, scope=scope)
    except RuleNotInForceError:
        return LevelResult(
            level=level,
            units=tuple(units),
            batch=None,
            provisional=np.zeros(len(units), dtype=bool),
        )
    rows = _with_attributes(_observations_for(observations, units, period), units)
    if aggregates:
        columns = dict(rows.columns)
        for key, values in aggregates.items():
            observed = columns.get(key)
            merged: list[Fraction | bool | None] = []
            for i, value in enumerate(values):
                given = observed.value(i) if observed is not None else None
                merged.append(given if given is not None else value)
            columns[key] = Column.from_values(key, IndicatorKind.RATIO, merged)
        rows = attrs.evolve(rows, columns=columns)
    batch = evaluate_batch(ladder, rows, selections(rows), rules_hash=book.content_hash(ladder.ids))
    return LevelResult(
        level=level, units=tuple(units), batch=batch, provisional=_provisional(batch)
    )
