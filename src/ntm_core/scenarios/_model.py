"""A province decided many times at once: every level on the batch path, for stacked draws.

:class:`ProvinceModel` holds what does not change between draws — the units
of each level on the base date, their rows in the :class:`Trend`, the ladders
in force in each projected year, the threshold selections, the parent
indexes of the roll-ups — so that deciding a stack of ``D`` draws of one
year is one batch evaluation per level (``D × units`` rows), with the shares
of children computed by ``np.bincount`` per draw and parent, exactly as
:func:`ntm_core.readiness.assess_province` computes them for one.

The model is plain data (it pickles with cloudpickle), so Dask workers can
run it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import attrs
import numpy as np
import numpy.typing as npt

from ntm_core._core.vocabulary import Outcome, RuleLevel, Tier
from ntm_core.admin import AdminLevel, AdminSnapshot
from ntm_core.engine import (
    CODES,
    BatchResult,
    Column,
    Ladder,
    Observations,
    SelectionGroups,
    evaluate_batch,
    group_selections,
    selections,
)
from ntm_core.exceptions import InputError, RuleNotInForceError
from ntm_core.readiness._rollup import positions
from ntm_core.rules import IndicatorKind, Rulebook
from ntm_core.scenarios._trend import Trend

__all__ = ["LEVELS", "Decision", "ProvinceModel", "keys_in_force", "year_end"]

IntArray = npt.NDArray[np.int64]

# Levels in the order they are decided: children before parents.
LEVELS = (RuleLevel.COMMUNE, RuleLevel.DISTRICT, RuleLevel.TOWN, RuleLevel.PROVINCE)
_ADMIN = {
    RuleLevel.COMMUNE: (AdminLevel.COMMUNE,),
    RuleLevel.DISTRICT: (AdminLevel.DISTRICT,),
    RuleLevel.TOWN: (AdminLevel.CITY, AdminLevel.TOWN),
    RuleLevel.PROVINCE: (AdminLevel.PROVINCE,),
}
_UNKNOWN = CODES[Outcome.UNKNOWN]


def year_end(year: int) -> dt.date:
    """The date a year's data and rules are taken on: its last day."""
    return dt.date(year, 12, 31)


def keys_in_force(rulebook: Rulebook, years: Sequence[int], *, scope: str) -> list[str]:
    """The indicators of every level's rules in force at the end of ``years``, in legal order.

    Only these are projected: a file of several periods also holds the columns
    of earlier rule sets, which no projected year uses.
    """
    keys: dict[str, None] = {}
    for year in years:
        for level in LEVELS:
            try:
                ladder = Ladder.for_level(rulebook, level=level, on=year_end(year), scope=scope)
            except RuleNotInForceError:
                continue
            for edition in ladder.rungs:
                keys.update((indicator.key, None) for _, indicator in edition.indicators())
    return list(keys)


@attrs.frozen(kw_only=True, eq=False)
class _Level:
    level: RuleLevel
    codes: tuple[str, ...]
    rows: npt.NDArray[np.intp]  # row of each unit in the trend, -1 when absent
    ladders: tuple[Ladder | None, ...]  # per year
    groups: tuple[SelectionGroups | None, ...]  # per year
    hashes: tuple[str, ...]
    parents: Mapping[RuleLevel, npt.NDArray[np.intp]]  # child level -> position of parent


@attrs.frozen(kw_only=True, eq=False)
class Decision:
    """One year's decisions for a stack of draws.

    Attributes:
        tiers: Per level, ``tier_at_least_index`` per draw and unit (``(D, n)``;
            -1 *not yet*), on the level's ladder of the year.
        unknown: Per level, whether the unit's tier is unknown (``(D, n)``).
        conditions: The outcome codes of the province's conditions (``(D, C)``).
        values: The province's value of each condition (``(D, C)``, percent or
            the indicator's unit; NaN when unknown).
        completed: Per draw, whether the province completes its task.
        undecided: Per draw, whether that is unknown (no rules in force, a
            condition whose content or thresholds are unknown, data missing).
    """

    tiers: Mapping[RuleLevel, IntArray]
    unknown: Mapping[RuleLevel, npt.NDArray[np.bool_]]
    conditions: npt.NDArray[np.int8]
    values: npt.NDArray[np.float64]
    completed: npt.NDArray[np.bool_]
    undecided: npt.NDArray[np.bool_]


@attrs.frozen(kw_only=True, eq=False)
class ProvinceModel:
    """What deciding a province's projected years needs, prepared once.

    Attributes:
        province: The province code.
        on: The base date: the administrative tree of this day is kept for every year.
        years: The years decided.
        trend: The trend the values come from.
        conditions: ``(code, indicator key, name_en, name_vi)`` of each condition
            of the province's lowest rung in any year, in order of first appearance
            (a code of the 2026–2030 rules is another condition than the same code
            of the 2021–2025 rules when it measures another indicator).
        in_force: Per year, per condition: whether that year's rules have it.
        rules: Per year, the ids of the rule editions applied.
    """

    province: str
    on: dt.date
    years: tuple[int, ...]
    trend: Trend
    levels: tuple[_Level, ...]
    conditions: tuple[tuple[str, str, str, str], ...]
    in_force: tuple[tuple[bool, ...], ...]
    rules: tuple[tuple[str, ...], ...]

    @classmethod
    def build(
        cls,
        trend: Trend,
        *,
        tree: AdminSnapshot,
        province: str,
        years: Sequence[int],
        rulebook: Rulebook,
        scope: str,
    ) -> ProvinceModel:
        """Prepare the model of ``province`` on ``tree`` for ``years``.

        Raises:
            InputError: If the province is not in the tree.
        """
        if province not in tree:
            msg = (
                f"province {province!r} is not in the administrative tree on {tree.on.isoformat()}"
            )
            raise InputError(msg, column="province", value=province)
        inside = [tree[province], *tree.descendants(province)]
        where = {c: i for i, c in enumerate(trend.codes)}
        levels: list[_Level] = []
        for level in LEVELS:
            units = [u for u in inside if u.level in _ADMIN[level]]
            codes = tuple(u.code for u in units)
            rows = np.array([where.get(c, -1) for c in codes], dtype=np.intp)
            ladders: list[Ladder | None] = []
            groups: list[SelectionGroups | None] = []
            hashes: list[str] = []
            pairs = list(zip(units, rows.tolist(), strict=True))
            for year in years:
                try:
                    ladder = Ladder.for_level(rulebook, level=level, on=year_end(year), scope=scope)
                except RuleNotInForceError:
                    ladders.append(None)
                    groups.append(None)
                    hashes.append("")
                    continue
                attributes = {
                    name: [_attribute(trend, r, name, u.attributes.get(name)) for u, r in pairs]
                    for name in ("region", "group", "commune_kind")
                }
                one = Observations(
                    codes=codes, periods=[year] * len(codes), columns={}, attributes=attributes
                )
                ladders.append(ladder)
                groups.append(group_selections(selections(one)))
                hashes.append(rulebook.content_hash(ladder.ids))
            parents = {
                child.level: positions(tree, child.codes, codes) for child in levels if codes
            }
            levels.append(
                _Level(
                    level=level,
                    codes=codes,
                    rows=rows,
                    ladders=tuple(ladders),
                    groups=tuple(groups),
                    hashes=tuple(hashes),
                    parents=parents,
                )
            )
        province_level = levels[-1]
        found: dict[tuple[str, str], tuple[str, str, str, str]] = {}
        per_year: list[set[tuple[str, str]]] = []
        for year_ladder in province_level.ladders:
            keys: set[tuple[str, str]] = set()
            for c in year_ladder.rungs[0].criteria if year_ladder is not None else ():
                pair = (c.code, c.indicators[0].key)
                found.setdefault(pair, (*pair, c.name_en, c.name_vi))
                keys.add(pair)
            per_year.append(keys)
        conditions = tuple(found.values())
        in_force = tuple(tuple((c[0], c[1]) in keys for c in conditions) for keys in per_year)
        rules = tuple(
            tuple(dict.fromkeys(i for lv in levels if lv.ladders[y] for i in lv.ladders[y].ids))  # type: ignore[union-attr]
            for y in range(len(years))
        )
        return cls(
            province=province,
            on=tree.on,
            years=tuple(years),
            trend=trend,
            levels=tuple(levels),
            conditions=conditions,
            in_force=in_force,
            rules=rules,
        )

    def level(self, level: RuleLevel) -> _Level:
        """The prepared units of one level."""
        return next(lv for lv in self.levels if lv.level is level)

    def ladder_tiers(self, level: RuleLevel, year_index: int) -> tuple[Tier, ...]:
        """The tiers of a level's ladder in a year (empty when no rules are in force)."""
        ladder = self.level(level).ladders[year_index]
        return () if ladder is None else ladder.tiers

    def decide(self, year_index: int, values: IntArray) -> Decision:
        """Decide every level of the province for a stack of draws of one year.

        Args:
            year_index: Position of the year in :attr:`years`.
            values: Scaled values, ``(D, units of the trend, indicators)``.
        """
        draws = values.shape[0]
        trend = self.trend
        present = trend.present
        year = self.years[year_index]
        results: dict[RuleLevel, BatchResult | None] = {}
        tiers: dict[RuleLevel, IntArray] = {}
        unknown: dict[RuleLevel, npt.NDArray[np.bool_]] = {}
        for lv in self.levels:
            n = len(lv.codes)
            ladder = lv.ladders[year_index]
            groups = lv.groups[year_index]
            if ladder is None or groups is None or n == 0:
                results[lv.level] = None
                tiers[lv.level] = np.full((draws, n), -1, dtype=np.int64)
                unknown[lv.level] = np.ones((draws, n), dtype=bool)
                continue
            has = lv.rows >= 0
            safe = np.where(has, lv.rows, 0)
            columns: dict[str, Column] = {}
            for j, key in enumerate(trend.keys):
                mask = has & present[safe, j]
                if not mask.any():
                    continue
                columns[key] = Column.from_scaled(
                    key,
                    trend.kinds[j],
                    values[:, safe, j].reshape(-1),
                    scale=trend.scales[j],
                    present=np.tile(mask, draws),
                )
            for key, column in self._aggregates(lv, ladder, results, draws).items():
                observed = columns.get(key)
                columns[key] = column if observed is None else _prefer(observed, column)
            rows = Observations(
                codes=lv.codes * draws, periods=[year] * (n * draws), columns=columns
            )
            index = SelectionGroups(
                selections=groups.selections, index=np.tile(groups.index, draws)
            )
            batch = evaluate_batch(ladder, rows, index)
            results[lv.level] = batch
            tiers[lv.level] = batch.tier_at_least_index.reshape(draws, n)
            unknown[lv.level] = (batch.tier_index == -2).reshape(draws, n)
        return self._province(year_index, results, tiers, unknown, draws)

    def _aggregates(
        self,
        lv: _Level,
        ladder: Ladder,
        results: Mapping[RuleLevel, BatchResult | None],
        draws: int,
    ) -> dict[str, Column]:
        """Shares of children at a tier, per draw and parent (exact; unknown if it could change)."""
        out: dict[str, Column] = {}
        m = len(lv.codes)
        for edition in ladder.rungs:
            for _, indicator in edition.indicators():
                agg = indicator.aggregate
                if agg is None or indicator.key in out or agg.of not in lv.parents:
                    continue
                child = results.get(agg.of)
                parent = lv.parents[agg.of]
                nc = len(parent)
                if child is None or agg.tier not in child.ladder.tiers:
                    at_least = np.zeros(nc * draws, dtype=bool)
                    maybe = (
                        np.zeros(nc * draws, dtype=bool)
                        if child is None
                        else child.tier_index == -2
                    )
                else:
                    position = child.ladder.tiers.index(agg.tier)
                    at_least = child.tier_at_least_index >= position
                    maybe = (child.tier_index == -2) & ~at_least
                index = np.tile(parent, draws) + np.repeat(np.arange(draws) * m, nc)
                keep = np.tile(parent >= 0, draws)
                total = np.bincount(index[keep], minlength=m * draws)
                certain = np.bincount(index[keep], weights=at_least[keep], minlength=m * draws)
                open_ = np.bincount(index[keep], weights=maybe[keep], minlength=m * draws)
                out[indicator.key] = Column(
                    key=indicator.key,
                    kind=IndicatorKind.RATIO,
                    num=(100 * certain).astype(np.int64),
                    den=np.maximum(total, 1).astype(np.int64),
                    present=(total > 0) & (open_ == 0),
                )
        return out

    def _province(
        self,
        year_index: int,
        results: Mapping[RuleLevel, BatchResult | None],
        tiers: dict[RuleLevel, IntArray],
        unknown: dict[RuleLevel, npt.NDArray[np.bool_]],
        draws: int,
    ) -> Decision:
        """The province's conditions: those in force in the year; UNKNOWN for the others."""
        batch = results.get(RuleLevel.PROVINCE)
        c = len(self.conditions)
        codes = np.full((draws, c), _UNKNOWN, dtype=np.int8)
        values = np.full((draws, c), np.nan)
        completed = np.zeros(draws, dtype=bool)
        undecided = np.ones(draws, dtype=bool)
        if batch is not None:
            outcomes = batch.criterion_outcomes[0]
            for i, (code, key, _, _) in enumerate(self.conditions):
                if not self.in_force[year_index][i]:
                    continue
                codes[:, i] = outcomes[code]
                column = batch.observations.columns.get(key)
                if column is not None:
                    values[:, i] = _floats(column)
            completed = np.asarray(batch.met(0), dtype=bool).copy()
            undecided = ~np.asarray(batch.known(0), dtype=bool)
        return Decision(
            tiers=tiers,
            unknown=unknown,
            conditions=codes,
            values=values,
            completed=completed,
            undecided=undecided,
        )


def _attribute(trend: Trend, row: int, name: str, fallback: str | None) -> str | None:
    """A unit's attribute from its data, else from the administrative tree (as readiness does)."""
    values = trend.attributes.get(name)
    given = values[row] if values is not None and row >= 0 else None
    return given if given is not None else fallback


def _floats(column: Column) -> npt.NDArray[np.float64]:
    """A column's values as floats (for charts only; NaN where absent)."""
    num = np.asarray(column.num, dtype=np.float64)
    den = np.asarray(column.den, dtype=np.float64)
    return np.where(column.present, num / den, np.nan)


def _prefer(observed: Column, computed: Column) -> Column:
    """A value the data gives wins over the one computed from the children (as in readiness)."""
    num = np.where(observed.present, observed.num, computed.num).astype(np.int64)
    den = np.where(observed.present, observed.den, computed.den).astype(np.int64)
    return Column(
        key=observed.key,
        kind=IndicatorKind.RATIO,
        num=num,
        den=den,
        present=observed.present | computed.present,
    )
