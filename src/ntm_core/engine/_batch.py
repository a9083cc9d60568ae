"""The batch evaluator: the same decisions as the scalar path, for many units at once.

Rows are decided by a compiled plan (see ``_plan``) on scaled-integer
columns, exactly: at every threshold the batch path gives the same answers
as the scalar path. Outcomes are kept as boolean masks and turned into
``int8`` codes (see ``CODES``) only when asked for.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType

import attrs
import numpy as np
import numpy.typing as npt

from ntm_core._core.vocabulary import Outcome, Tier
from ntm_core.engine._assessment import Assessment
from ntm_core.engine._ladder import Ladder
from ntm_core.engine._observations import Observations, frozen, read_only
from ntm_core.engine._plan import (  # MET...UNKNOWN: readiness reads them until it uses CODES
    MET,
    NA,
    NOT_MET,
    UNKNOWN,
    Masks,
    compile_plan,
)
from ntm_core.engine._scalar import assess_row
from ntm_core.rules._model import Selection

__all__ = ["CODES", "BatchResult", "SelectionGroups", "evaluate_batch", "group_selections"]
# Re-exported for ntm_core.readiness until it compares with CODES (issue 9); not public.
__all__ += ["MET", "NA", "NOT_MET", "UNKNOWN"]

Codes = npt.NDArray[np.int8]


class _OutcomeCodes(Mapping[Outcome, int]):
    """The ``int8`` code of each outcome in batch arrays (a read-only mapping).

    Compare arrays with ``CODES[Outcome.MET]`` and so on; the numbers are stable:
    NOT_MET 0, MET 1, UNKNOWN 2, NOT_APPLICABLE 3.
    """

    __slots__ = ()
    _CODES = MappingProxyType(
        {Outcome.NOT_MET: 0, Outcome.MET: 1, Outcome.UNKNOWN: 2, Outcome.NOT_APPLICABLE: 3}
    )

    def __getitem__(self, outcome: Outcome) -> int:
        return self._CODES[outcome]

    def __iter__(self) -> Iterator[Outcome]:
        return iter(self._CODES)

    def __len__(self) -> int:
        return len(self._CODES)

    def __repr__(self) -> str:
        return f"CODES({dict(self._CODES)!r})"


CODES: Mapping[Outcome, int] = _OutcomeCodes()
"""The ``int8`` code of each outcome in batch arrays (read-only)."""
_OUTCOMES = {v: k for k, v in CODES.items()}


def _selection_tuple(value: Iterable[Selection]) -> tuple[Selection, ...]:
    return tuple(value)


def _row_index(value: npt.ArrayLike) -> npt.NDArray[np.intp]:
    return read_only(np.asarray(value, dtype=np.intp).reshape(-1))


@attrs.frozen(kw_only=True, eq=False)
class SelectionGroups:
    """The threshold selection of every row, as distinct selections and a row index.

    Attributes:
        selections: The distinct selections.
        index: For each row, the position of its selection (read-only).

    .. versionadded:: 0.2.0
    """

    selections: tuple[Selection, ...] = attrs.field(converter=_selection_tuple)
    index: npt.NDArray[np.intp] = attrs.field(converter=_row_index)

    def __len__(self) -> int:
        return len(self.index)

    def rows(self) -> tuple[Selection, ...]:
        """The selection of each row."""
        return tuple(self.selections[i] for i in self.index.tolist())


def group_selections(selections: Sequence[Selection] | SelectionGroups) -> SelectionGroups:
    """Distinct selections and a row index (rows passed as one list of selections).

    ``selections()`` hands out one object per distinct selection, so rows are
    grouped by identity first, then equal selections merged.
    """
    if isinstance(selections, SelectionGroups):
        return selections
    by_id: dict[int, int] = {}
    by_value: dict[Selection, int] = {}
    unique: list[Selection] = []
    index: list[int] = []
    for s in selections:
        group = by_id.get(id(s))
        if group is None:
            group = by_value.get(s)
            if group is None:
                group = by_value[s] = len(unique)
                unique.append(s)
            by_id[id(s)] = group
        index.append(group)
    return SelectionGroups(selections=unique, index=np.asarray(index, dtype=np.intp))


def _read_only_masks(masks: Masks) -> Masks:
    return Masks(
        known=frozen(masks.known),
        met=frozen(masks.met),
        na=None if masks.na is None else frozen(masks.na),
    )


def _take(masks: Masks, index: npt.NDArray[np.intp]) -> Masks:
    return Masks(
        known=masks.known[index],
        met=masks.met[index],
        na=None if masks.na is None else masks.na[index],
    )


@attrs.frozen(kw_only=True, eq=False)
class BatchResult:
    """Tiers and criterion outcomes for every row of an :class:`Observations`.

    Arrays are aligned with ``observations`` rows and read-only; mappings are
    read-only. Full explanations are built lazily, on the scalar path, for the
    units asked about.

    Attributes:
        ladder: The editions applied.
        observations: The rows assessed.
        groups: The threshold selection of each row.
        tier_index: Index into ``ladder.tiers`` of the tier reached, -1 for
            *not yet*, -2 when unknown.
        tier_at_least_index: Like ``tier_index`` but never unknown.
        rules_hash: Content hash of the rules applied.

    .. versionadded:: 0.1.0
    """

    ladder: Ladder
    observations: Observations
    groups: SelectionGroups
    _rungs: tuple[Masks, ...] = attrs.field(alias="rungs", repr=False)
    _criteria: tuple[Mapping[str, Masks], ...] = attrs.field(alias="criteria", repr=False)
    tier_index: npt.NDArray[np.int64] = attrs.field(converter=frozen)
    tier_at_least_index: npt.NDArray[np.int64] = attrs.field(converter=frozen)
    rules_hash: str = ""
    # Codes derived from the (read-only) masks on first use; they cannot go stale.
    _codes: dict[tuple[int, str | None], Codes] = attrs.field(factory=dict, init=False, repr=False)

    def __len__(self) -> int:
        return len(self.observations)

    @property
    def codes(self) -> tuple[str, ...]:
        """The unit code of each row."""
        return self.observations.codes

    @property
    def selections(self) -> tuple[Selection, ...]:
        """The threshold selection of each row."""
        return self.groups.rows()

    def _code_array(self, rung: int, criterion: str | None) -> Codes:
        key = (rung, criterion)
        found = self._codes.get(key)
        if found is None:
            masks = self._rungs[rung] if criterion is None else self._criteria[rung][criterion]
            found = self._codes[key] = masks.codes()
        return found

    @property
    def rung_outcomes(self) -> tuple[Codes, ...]:
        """Per rung, the chained outcome codes (see ``CODES``), read-only."""
        return tuple(self._code_array(r, None) for r in range(len(self._rungs)))

    @property
    def criterion_outcomes(self) -> tuple[Mapping[str, Codes], ...]:
        """Per rung, criterion code → outcome codes (read-only mappings of read-only arrays)."""
        return tuple(
            MappingProxyType({code: self._code_array(r, code) for code in criteria})
            for r, criteria in enumerate(self._criteria)
        )

    def met(self, rung: int = 0, criterion: str | None = None) -> npt.NDArray[np.bool_]:
        """Rows whose rung (or one of its criteria) is MET (read-only)."""
        masks = self._rungs[rung] if criterion is None else self._criteria[rung][criterion]
        return masks.met

    def known(self, rung: int = 0, criterion: str | None = None) -> npt.NDArray[np.bool_]:
        """Rows whose rung (or criterion) outcome is MET or NOT_MET (read-only)."""
        masks = self._rungs[rung] if criterion is None else self._criteria[rung][criterion]
        return masks.known

    def tiers(self) -> list[Tier | None]:
        """The tier of each row (``None`` when unknown)."""
        tiers = self.ladder.tiers
        return [
            None if i == -2 else (Tier.NOT_YET if i == -1 else tiers[i])
            for i in self.tier_index.tolist()
        ]

    def tiers_at_least(self) -> list[Tier]:
        """The tier each row certainly reaches."""
        tiers = self.ladder.tiers
        return [Tier.NOT_YET if i < 0 else tiers[i] for i in self.tier_at_least_index.tolist()]

    def outcomes(self, rung: int = 0) -> list[Outcome]:
        """Outcome of each row at a rung (0: the lowest, the NTM standard)."""
        return [_OUTCOMES[c] for c in self._code_array(rung, None).tolist()]

    def criterion_outcomes_of(self, row: int, rung: int = 0) -> dict[str, Outcome]:
        """Criterion code → outcome of one row at a rung."""
        return {
            code: _OUTCOMES[int(self._code_array(rung, code)[row])] for code in self._criteria[rung]
        }

    def criteria_met(self, rung: int = 0) -> npt.NDArray[np.int64]:
        """How many criteria of a rung each row meets."""
        counts = np.zeros(len(self), dtype=np.int64)
        for masks in self._criteria[rung].values():
            counts += masks.met
        return counts

    def take(self, rows: Sequence[int] | npt.NDArray[np.intp]) -> BatchResult:
        """The result for the given rows only (same ladder and rules)."""
        index = np.asarray(rows, dtype=np.intp)
        return BatchResult(
            ladder=self.ladder,
            observations=self.observations.select(index),
            groups=SelectionGroups(
                selections=self.groups.selections, index=self.groups.index[index]
            ),
            rungs=tuple(_read_only_masks(_take(m, index)) for m in self._rungs),
            criteria=tuple(
                MappingProxyType({k: _read_only_masks(_take(m, index)) for k, m in c.items()})
                for c in self._criteria
            ),
            tier_index=self.tier_index[index],
            tier_at_least_index=self.tier_at_least_index[index],
            rules_hash=self.rules_hash,
        )

    def explain_row(self, row: int) -> Assessment:
        """The full assessment of one row (built now, on the scalar path)."""
        selection = self.groups.selections[int(self.groups.index[row])]
        return assess_row(
            self.ladder, self.observations, row, selection, rules_hash=self.rules_hash
        )

    def explain(self, code: str, period: int | None = None) -> Assessment:
        """The full assessment of one unit (built now, on the scalar path).

        Raises:
            KeyError: If the unit is not among the rows.
        """
        return self.explain_row(self.observations.row_of(code, period))

    def assessments(self) -> list[Assessment]:
        """Every row's full assessment (slow: one scalar evaluation per row)."""
        return [self.explain_row(row) for row in range(len(self))]


def evaluate_batch(
    ladder: Ladder,
    observations: Observations,
    selections: Sequence[Selection] | SelectionGroups,
    *,
    rules_hash: str = "",
) -> BatchResult:
    """Decide every row's tier on the batch path.

    ``selections`` is the selection of each row, or (faster for many rows)
    a :class:`SelectionGroups`.
    """
    n = len(observations)
    groups = group_selections(selections)
    if len(groups) != n:
        msg = f"{len(groups)} selections for {n} rows"
        raise ValueError(msg)
    plan = compile_plan(ladder, groups.selections)
    rungs, criteria = plan.run(observations, groups.index)
    still = np.ones(n, dtype=bool)
    met_count = np.zeros(n, dtype=np.int64)
    unknown_next = np.zeros(n, dtype=bool)
    for masks in rungs:
        unknown_next |= still & ~masks.known
        still &= masks.met
        met_count += still
    at_least = met_count - 1
    tier_index = np.where(unknown_next, -2, at_least)
    return BatchResult(
        ladder=ladder,
        observations=observations,
        groups=groups,
        rungs=tuple(_read_only_masks(m) for m in rungs),
        criteria=tuple(
            MappingProxyType({k: _read_only_masks(m) for k, m in c.items()}) for c in criteria
        ),
        tier_index=tier_index,
        tier_at_least_index=at_least,
        rules_hash=rules_hash,
    )
