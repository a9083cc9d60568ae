"""Observations: exact, columnar indicator values for many units.

Every numeric value is kept as an exact fraction split into two integer
arrays, ``num`` and ``den`` (``den > 0``), so both evaluators compare at
thresholds without rounding: ``45000001 đồng`` stays one đồng above
``45 triệu``. Yes/no values are ``num`` 1 or 0 with ``den`` 1. A value that
was not observed has ``present`` False and is never a default zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from types import MappingProxyType
from typing import Any, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from ntm_core.rules._model import IndicatorKind

__all__ = ["ATTRIBUTES", "Column", "Observations", "Value"]

IntArray: TypeAlias = npt.NDArray[np.int64] | npt.NDArray[np.object_]
"""Integer numerators or denominators: int64, or Python ints (object dtype) when too large."""

Value = Fraction | bool
"""An observed value: an exact number in the indicator's canonical unit, or yes/no."""

ATTRIBUTES = ("name", "level", "region", "group", "commune_kind", "parent_code")
"""Unit attributes the rules read, beside the observations."""

_INT64_SAFE = 2**62


def _as_int_array(values: Sequence[int]) -> IntArray:
    """int64 when every value fits comfortably, else exact Python ints (object dtype)."""
    if all(-_INT64_SAFE < v < _INT64_SAFE for v in values):
        return np.asarray(values, dtype=np.int64).reshape(len(values))
    return np.asarray(values, dtype=object).reshape(len(values))


@attrs.frozen(kw_only=True, eq=False)
class Column:
    """The values of one indicator for every row of an :class:`Observations`.

    Attributes:
        key: The indicator key.
        kind: Numeric, ratio (percent) or yes/no.
        num: Numerators (int64, or object for values too large for int64).
        den: Positive denominators, same dtype rules as ``num``.
        present: Whether the value was observed.

    .. versionadded:: 0.1.0
    """

    key: str
    kind: IndicatorKind
    num: IntArray
    den: IntArray
    present: npt.NDArray[np.bool_]
    # Python-list views of the arrays, built on first scalar access (indexing a
    # list is much cheaper than converting numpy scalars one at a time).
    _lists: list[list[Any]] = attrs.field(factory=list, init=False, eq=False, repr=False)

    @classmethod
    def from_values(cls, key: str, kind: IndicatorKind, values: Sequence[Value | None]) -> Column:
        """Build a column from exact values (``None`` for not observed)."""
        nums: list[int] = []
        dens: list[int] = []
        present: list[bool] = []
        for value in values:
            if value is None:
                nums.append(0)
                dens.append(1)
                present.append(False)
            elif isinstance(value, bool):
                nums.append(int(value))
                dens.append(1)
                present.append(True)
            else:
                nums.append(value.numerator)
                dens.append(value.denominator)
                present.append(True)
        return cls(
            key=key,
            kind=kind,
            num=_as_int_array(nums),
            den=_as_int_array(dens),
            present=np.asarray(present, dtype=bool).reshape(len(present)),
        )

    def __len__(self) -> int:
        return len(self.present)

    def value(self, row: int) -> Value | None:
        """The exact value in ``row``, or ``None`` if it was not observed."""
        if not self._lists:
            self._lists.extend((self.num.tolist(), self.den.tolist(), self.present.tolist()))
        num, den, present = self._lists
        if not present[row]:
            return None
        if self.kind is IndicatorKind.BOOLEAN:
            return bool(num[row])
        return Fraction(num[row], den[row])

    def take(self, rows: npt.NDArray[np.intp]) -> Column:
        """A column of the given rows only."""
        return attrs.evolve(
            self, num=self.num[rows], den=self.den[rows], present=self.present[rows]
        )


def _frozen_columns(value: Mapping[str, Column]) -> Mapping[str, Column]:
    return MappingProxyType(dict(value))


def _frozen_attributes(
    value: Mapping[str, Sequence[str | None]],
) -> Mapping[str, tuple[str | None, ...]]:
    return MappingProxyType({k: tuple(v) for k, v in value.items()})


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _ints(value: Iterable[int]) -> tuple[int, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True, eq=False)
class Observations:
    """Indicator values for units and periods, one row per unit and period.

    Attributes:
        codes: The unit code of each row.
        periods: The assessment year of each row.
        columns: One :class:`Column` per observed indicator key.
        attributes: Unit attributes per row (``name``, ``level``, ``region``,
            ``group``, ``commune_kind``, ``parent_code``), ``None`` where unknown.
        source: Where the observations came from (a file name), for messages.

    Build one with ``observations_from_records`` or the readers of :mod:`ntm_core.io`.

    .. versionadded:: 0.1.0
    """

    codes: tuple[str, ...] = attrs.field(converter=_strings)
    periods: tuple[int, ...] = attrs.field(converter=_ints)
    columns: Mapping[str, Column] = attrs.field(converter=_frozen_columns)
    attributes: Mapping[str, tuple[str | None, ...]] = attrs.field(
        factory=dict, converter=_frozen_attributes
    )
    source: str | None = None

    def __attrs_post_init__(self) -> None:
        n = len(self.codes)
        if len(self.periods) != n:
            msg = f"{len(self.periods)} periods for {n} rows"
            raise ValueError(msg)
        for key, column in self.columns.items():
            if len(column) != n:
                msg = f"column {key!r} has {len(column)} values for {n} rows"
                raise ValueError(msg)
        for name, values in self.attributes.items():
            if len(values) != n:
                msg = f"attribute {name!r} has {len(values)} values for {n} rows"
                raise ValueError(msg)

    def __len__(self) -> int:
        return len(self.codes)

    def attribute(self, name: str, row: int) -> str | None:
        """A unit attribute of ``row``, or ``None`` if not given."""
        values = self.attributes.get(name)
        return None if values is None else values[row]

    def row_of(self, code: str, period: int | None = None) -> int:
        """The row of unit ``code`` (in ``period``, if several).

        Raises:
            KeyError: If there is no such row, or several and no period.
        """
        rows = [
            i for i, c in enumerate(self.codes) if c == code and period in (None, self.periods[i])
        ]
        if len(rows) == 1:
            return rows[0]
        if not rows:
            msg = f"no observations for unit {code!r}" + (f" in {period}" if period else "")
            raise KeyError(msg)
        msg = f"unit {code!r} has observations for several periods; give one"
        raise KeyError(msg)

    def select(self, rows: Sequence[int] | npt.NDArray[np.intp]) -> Observations:
        """The observations of the given rows only."""
        index = np.asarray(rows, dtype=np.intp)
        return Observations(
            codes=[self.codes[i] for i in index],
            periods=[self.periods[i] for i in index],
            columns={k: c.take(index) for k, c in self.columns.items()},
            attributes={k: [v[i] for i in index] for k, v in self.attributes.items()},
            source=self.source,
        )

    def for_period(self, period: int) -> Observations:
        """The rows of one assessment year."""
        return self.select([i for i, p in enumerate(self.periods) if p == period])

    def value(self, key: str, row: int) -> Value | None:
        """The exact value of indicator ``key`` in ``row``, or ``None`` if not observed."""
        column = self.columns.get(key)
        return None if column is None else column.value(row)
