"""The batch evaluator: the same decisions as the scalar path, for many units at once.

Rows are decided by a compiled plan (see ``_plan``) on scaled-integer
columns, exactly: at every threshold the batch path gives the same answers
as the scalar path. Outcomes are kept as boolean masks and turned into
``int8`` codes (see ``CODES``) only when asked for.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, TextIO

import attrs
import numpy as np
import numpy.typing as npt

from ntm_core._core.accessor import Accessor
from ntm_core._core.display import Lang
from ntm_core._core.tables import write_bytes
from ntm_core._core.vocabulary import Outcome, Tier
from ntm_core._core.workbook import workbook_bytes
from ntm_core._version import __version__
from ntm_core.engine import _batch_views as _views
from ntm_core.engine._assessment import Assessment
from ntm_core.engine._batch_views import BatchPlots
from ntm_core.engine._codes import CODES, OUTCOMES
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

__all__ = [
    "BATCH_SCHEMA",
    "CODES",
    "BatchResult",
    "SelectionGroups",
    "evaluate_batch",
    "group_selections",
]
# Re-exported for ntm_core.readiness until it compares with CODES (issue 9); not public.
__all__ += ["MET", "NA", "NOT_MET", "UNKNOWN"]

Codes = npt.NDArray[np.int8]

BATCH_SCHEMA = "ntm_core.assessments/1"
"""The ``schema`` value of :meth:`BatchResult.to_dict` documents."""


_OUTCOMES = OUTCOMES


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
    # The objects' identities, grouped by numpy (no Python per row); the list
    # holds the objects, so an identity cannot be reused while it is grouped.
    ids = np.fromiter(map(id, selections), dtype=np.uintp, count=len(selections))
    _, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
    group_of = np.empty(len(first), dtype=np.intp)
    by_value: dict[Selection, int] = {}
    unique: list[Selection] = []
    for k in np.argsort(first, kind="stable").tolist():  # in order of first appearance
        s = selections[int(first[k])]
        group = by_value.get(s)
        if group is None:
            group = by_value[s] = len(unique)
            unique.append(s)
        group_of[k] = group
    return SelectionGroups(selections=unique, index=group_of[inverse.reshape(-1)])


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


@attrs.frozen(kw_only=True, eq=False, repr=False)
class BatchResult:
    """Tiers and criterion outcomes for every row of an :class:`Observations`.

    Arrays are aligned with ``observations`` rows and read-only; mappings are
    read-only. Full explanations are built lazily, on the scalar path, for the
    units asked about.

    To look at it: ``repr()`` says how many units, which date and rules, and
    the tier counts; a notebook shows a table (``_repr_html_``);
    :meth:`to_frame`, :meth:`to_records`, :meth:`to_dict`, :meth:`to_text`,
    :meth:`to_csv` and :meth:`to_excel` give one row per unit, and
    ``result.plot.criteria_met()`` draws the official criteria-met bands.

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

    plot = Accessor(BatchPlots)
    """Figures (matplotlib): ``result.plot.criteria_met()``."""

    def __len__(self) -> int:
        return len(self.observations)

    def __repr__(self) -> str:
        return _views.repr_text(self)

    def _repr_html_(self) -> str:
        """A compact table for notebooks: the first units, their tiers and criteria.

        A provisional tier is marked ``*``; outcome marks (✓ ✗ ? –) read
        without colour; the rule sets and their sources are in a ``<details>``.
        """
        return _views.html(self)

    def to_html(self, *, lang: Lang = "en", limit: int | None = None) -> str:
        """The HTML table a notebook shows, in ``lang``; ``limit`` rows (default all).

        .. versionadded:: 0.3.0
        """
        return _views.html(self, lang=lang, limit=len(self) if limit is None else limit)

    def to_records(self) -> list[_views.Record]:
        """One JSON-ready mapping per unit: what ``ntm assess --format json`` prints.

        Keys: ``unit``, ``name``, ``period``, ``tier`` (``"unknown"`` when missing
        data could change it), ``tier_at_least``, ``outcome`` (of the lowest rung),
        ``criteria_met``, ``criteria`` (code and outcome of each criterion of the
        lowest rung) and ``missing`` (indicator keys without a value).

        .. versionadded:: 0.3.0
        """
        return _views.records(self)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: the date, level, rules and their hash, and :meth:`to_records` as ``units``.

        .. versionadded:: 0.3.0
        """
        return {
            "schema": BATCH_SCHEMA,
            "version": __version__,
            "on": self.ladder.on.isoformat(),
            "level": self.ladder.level.value,
            "rules": list(self.ladder.ids),
            "rules_hash": self.rules_hash,
            "units": self.to_records(),
        }

    def to_text(self, *, lang: Lang = "en") -> str:
        """The table ``ntm assess`` prints: unit, name, period, tier, criteria met, missing.

        A last line counts the tiers under the rule sets used. With
        ``lang="vi"`` headers and tiers are Vietnamese.

        .. versionadded:: 0.3.0
        """
        return _views.text(self, lang=lang)

    def to_csv(self) -> str:
        """CSV text (``ntm assess --format csv``): one row per unit, one column per criterion.

        .. versionadded:: 0.3.0
        """
        return _views.csv_text(self)

    def write_csv(self, stream: TextIO) -> None:
        """Write :meth:`to_csv`'s text to ``stream``, a chunk of units per ``write``.

        The same bytes as ``stream.write(result.to_csv())``, without holding
        the whole text: ``ntm assess --format csv`` writes this way.

        >>> import io, ntm_core as ntm
        >>> result = ntm.assess(ntm.sample(), on="2024-12-31")
        >>> out = io.StringIO()
        >>> result.write_csv(out)
        >>> out.getvalue() == result.to_csv()
        True

        .. versionadded:: 0.3.0
        """
        _views.write_csv(self, stream)

    def write_json(self, stream: TextIO) -> None:
        """Write :meth:`to_records` to ``stream`` as a JSON list, a chunk of units per ``write``.

        Byte for byte ``json.dump(result.to_records(), stream, ensure_ascii=False,
        indent=2)`` and a newline, without building the records:
        ``ntm assess --format json`` writes this way.

        >>> import io, json, ntm_core as ntm
        >>> result = ntm.assess(ntm.sample(), on="2024-12-31")
        >>> out = io.StringIO()
        >>> result.write_json(out)
        >>> json.loads(out.getvalue()) == result.to_records()
        True

        .. versionadded:: 0.3.0
        """
        _views.write_json(self, stream)

    def to_frame(self) -> Any:  # noqa: ANN401 - a pandas DataFrame; pandas is optional
        """One row per unit, as a pandas DataFrame.

        Columns, in order: ``unit_code``, ``name``, ``level``, ``period``,
        ``tier`` (``"unknown"`` when missing data could change it),
        ``tier_at_least``, ``outcome`` (of the lowest rung), one
        ``criteria_met_<tier>`` count per rung (``criteria_met_standard``…), one
        ``<tier>.<code>`` outcome per criterion of each rung (``standard.10``:
        ``"met"``, ``"not_met"``, ``"unknown"`` or ``"not_applicable"``),
        ``provisional`` (decided with an unverified or illustrative threshold)
        and ``missing`` (how many of the ladder's indicators have no value).

        Raises:
            MissingDependencyError: pandas is not installed (``pip install 'ntm-core[pandas]'``).

        .. versionadded:: 0.3.0
        """
        return _views.frame(self)

    def to_excel(
        self, path: str | os.PathLike[str], *, lang: Lang = "en", force: bool = False
    ) -> None:
        """Write an ``.xlsx`` workbook: the units (:meth:`to_frame`'s columns) and the rules.

        Header rows are frozen, numbers are numbers; with ``lang="vi"`` headers
        and values are Vietnamese.

        Raises:
            OutputError: ``path`` exists and ``force`` is false, or it cannot be written.
            MissingDependencyError: openpyxl is not installed (``pip install 'ntm-core[excel]'``).

        .. versionadded:: 0.3.0
        """
        data = workbook_bytes(_views.sheets(self, lang=lang), feature="BatchResult.to_excel()")
        write_bytes(path, data, force=force)

    def provisional(self) -> npt.NDArray[np.bool_]:
        """Rows decided with an unverified or illustrative threshold (as :meth:`explain` says).

        .. versionadded:: 0.3.0
        """
        return _views.provisional(self)

    def missing_counts(self) -> npt.NDArray[np.int64]:
        """How many of the ladder's indicators each row has no value for.

        .. versionadded:: 0.3.0
        """
        return _views.missing_counts(self)

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
