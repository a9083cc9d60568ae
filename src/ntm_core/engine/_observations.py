"""Observations: exact, columnar indicator values for many units.

Every numeric column is kept as *scaled integers*: one integer numerator per
row over a common denominator for the column (``45000001 đồng`` is
45000001/1 million VND; ``85.5 %`` is 855/10), so both evaluators compare at
thresholds without rounding. A column whose values share no denominator
small enough keeps exact per-row fractions instead. Yes/no values are
booleans. A value that was not observed has ``present`` False and is never a
default zero. Arrays are read-only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from types import MappingProxyType
from typing import Any, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from ntm_core._core.display import html_table, short_repr
from ntm_core._core.numbers import number_text
from ntm_core._core.optional import require
from ntm_core.exceptions import InputError
from ntm_core.rules._model import IndicatorKind

__all__ = ["ATTRIBUTES", "Column", "Observations", "Value"]

IntArray: TypeAlias = npt.NDArray[np.int64] | npt.NDArray[np.object_]
"""Integer numerators or denominators: int64, or Python ints (object dtype) when too large."""

Value = Fraction | bool
"""An observed value: an exact number in the indicator's canonical unit, or yes/no."""

ATTRIBUTES = ("name", "level", "region", "group", "commune_kind", "parent_code")
"""Unit attributes the rules read, beside the observations."""

SCALED_LIMIT = 2**62

_HTML_ROWS = 10
_HTML_COLUMNS = 12
"""Scaled numerators stay strictly inside ``±SCALED_LIMIT`` (bounds derived from them fit int64)."""

_INT32 = np.iinfo(np.int32)


def read_only(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """``array`` made read-only, copied first unless it already owns its memory alone.

    A view or an array someone else may hold is copied, so no outside write
    can reach the value that keeps it.
    """
    if array.flags.writeable or array.base is not None:
        array = np.array(array, copy=True)
    array.flags.writeable = False
    return array


def frozen(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """A fresh array this library just made, marked read-only in place (no copy)."""
    if array.base is not None:
        return read_only(array)
    array.flags.writeable = False
    return array


def _as_int_array(values: Sequence[int]) -> IntArray:
    """int64 when every value fits comfortably, else exact Python ints (object dtype)."""
    if all(-SCALED_LIMIT < v < SCALED_LIMIT for v in values):
        return np.asarray(values, dtype=np.int64).reshape(len(values))
    return np.asarray(values, dtype=object).reshape(len(values))


def _narrow(values: npt.NDArray[np.int64]) -> npt.NDArray[np.int32] | npt.NDArray[np.int64]:
    """int32 when every value fits (half the memory and bandwidth), else int64."""
    if not len(values) or (_INT32.min < values.min() and values.max() < _INT32.max):
        return values.astype(np.int32)
    return values


def _common_scale(
    num: IntArray, den: IntArray, present: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.int64] | None, int]:
    """``(scaled, scale)`` with ``num/den == scaled/scale`` on present rows, or ``(None, 0)``.

    ``scale`` is the least common multiple of the present denominators; the
    scaled numerators must stay inside ``±SCALED_LIMIT``.
    """
    if num.dtype != np.int64 or den.dtype != np.int64:
        return None, 0
    dens = np.unique(den[present]).tolist() if len(den) else []
    scale = 1
    for d in dens:
        scale = scale * d // math.gcd(scale, d)
        if scale >= SCALED_LIMIT:
            return None, 0
    factor = np.where(present, scale // np.where(present, den, 1), 0)
    limit = (SCALED_LIMIT - 1) // np.maximum(factor, 1)
    if (np.abs(num) > limit).any():
        return None, 0
    scaled: npt.NDArray[np.int64] = num * factor
    return scaled, scale


@attrs.frozen(kw_only=True, eq=False, init=False, repr=False)
class Column:
    """The values of one indicator for every row of an :class:`Observations`.

    Numbers are stored as *scaled integers*: one int64 (int32 when it fits)
    numerator per row over one common denominator, ``scale``, for the whole
    column, so comparing a row with a threshold is one integer comparison.
    Yes/no values are a boolean array with ``scale`` 1. A column whose values
    have no common denominator small enough keeps exact per-row fractions
    (``num``/``den``, Python ints where needed) and is compared exactly.

    Every array is read-only, and the column owns it: writing into
    ``column.present`` or ``column.scaled`` raises ``ValueError``.

    Build one with :meth:`from_scaled` (vectorised readers: an integer array,
    one denominator, a presence mask, no per-value Python), :meth:`from_values`
    (exact values) or ``Column(key=, kind=, num=, den=, present=)`` (per-row
    numerators and denominators, any common denominator chosen here).

    >>> import numpy as np
    >>> from ntm_core.rules import IndicatorKind
    >>> c = Column.from_scaled("clean_water_share", IndicatorKind.RATIO,
    ...     np.array([855, 900, 0]), scale=10, present=np.array([True, True, False]))
    >>> c.value(0), c.value(2), c.scale
    (Fraction(171, 2), None, 10)
    >>> c.scaled[0] = 1
    Traceback (most recent call last):
    ...
    ValueError: assignment destination is read-only

    Attributes:
        key: The indicator key.
        kind: Numeric, ratio (percent) or yes/no.
        present: Whether the value was observed.
        scaled: Numerators over ``scale`` (bool for yes/no), or ``None`` for a
            column kept as exact fractions.
        scale: The common denominator (0 when ``scaled`` is ``None``).

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       Scaled-integer storage; arrays are read-only.
    """

    key: str
    kind: IndicatorKind
    present: npt.NDArray[np.bool_]
    scaled: npt.NDArray[Any] | None
    scale: int
    _exact: tuple[IntArray, IntArray] | None = attrs.field(alias="exact", repr=False)

    def __init__(
        self,
        *,
        key: str,
        kind: IndicatorKind,
        present: npt.NDArray[np.bool_],
        num: IntArray | None = None,
        den: IntArray | None = None,
        scaled: npt.NDArray[Any] | None = None,
        scale: int = 0,
        exact: tuple[IntArray, IntArray] | None = None,
    ) -> None:
        present = read_only(np.asarray(present, dtype=bool).reshape(-1))
        n = len(present)
        if scaled is None and exact is None:
            if num is None or den is None:
                msg = f"column {key!r}: give num and den, or scaled and scale"
                raise TypeError(msg)
            nums: IntArray = num
            dens: IntArray = den
            if len(nums) != n or len(dens) != n:
                msg = f"column {key!r}: {len(nums)} numerators, {len(dens)} denominators, {n} rows"
                raise ValueError(msg)
            if kind is IndicatorKind.BOOLEAN and nums.dtype != object:
                scaled, scale = (nums != 0) & present, 1
            else:
                scaled, scale = _common_scale(nums, dens, present)
                if scaled is None:
                    exact = (read_only(nums), read_only(dens))
                else:
                    scaled = _narrow(scaled)
        if scaled is not None:
            scaled = read_only(np.asarray(scaled).reshape(-1))
            if len(scaled) != n:
                msg = f"column {key!r}: {len(scaled)} values for {n} rows"
                raise ValueError(msg)
            exact = None
        elif exact is not None:
            exact, scale = (read_only(np.asarray(exact[0])), read_only(np.asarray(exact[1]))), 0
        self.__attrs_init__(
            key=key, kind=kind, present=present, scaled=scaled, scale=scale, exact=exact
        )

    @classmethod
    def from_scaled(
        cls,
        key: str,
        kind: IndicatorKind,
        numerators: npt.ArrayLike,
        *,
        scale: int,
        present: npt.ArrayLike,
    ) -> Column:
        """A column of ``numerators / scale`` (one denominator for every row).

        This is the constructor for vectorised readers: ``85.5`` and ``90``
        read as decimals with one digit are ``[855, 900]`` over ``scale=10``.
        Values of absent rows are ignored. Yes/no columns take 0/1 (or bool)
        with ``scale=1``. Nothing is done per value in Python.

        Raises:
            ValueError: If ``scale`` is not positive, the arrays differ in
                length, or a numerator is outside ``±2**62`` (use the
                ``num``/``den`` constructor, which keeps such values exact).
        """
        values = np.asarray(numerators)
        if scale <= 0:
            msg = f"column {key!r}: scale must be positive, got {scale!r}"
            raise ValueError(msg)
        mask = np.asarray(present, dtype=bool).reshape(-1)
        if kind is IndicatorKind.BOOLEAN:
            return cls(key=key, kind=kind, present=mask, scaled=(values != 0) & mask, scale=1)
        values = np.where(mask, values, 0).astype(np.int64)
        if len(values) and not (values.min() > -SCALED_LIMIT and values.max() < SCALED_LIMIT):
            msg = f"column {key!r}: numerators must stay inside ±2**62"
            raise ValueError(msg)
        return cls(key=key, kind=kind, present=mask, scaled=_narrow(values), scale=scale)

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

    def __repr__(self) -> str:
        return short_repr(
            "Column",
            ("key", self.key),
            ("kind", self.kind.value),
            ("rows", len(self)),
            ("present", int(self.present.sum())),
            ("scale", self.scale),
        )

    def floats(self) -> npt.NDArray[np.float64]:
        """The values as float64 (1.0/0.0 for yes/no), NaN where not observed.

        For display and plotting; decisions use the exact values.

        .. versionadded:: 0.3.0
        """
        if self.scaled is not None:
            values = self.scaled.astype(np.float64)
            if self.kind is not IndicatorKind.BOOLEAN:
                values /= self.scale
        else:
            values = np.array(
                [
                    float(Fraction(int(n), int(d)))
                    for n, d in zip(*self._exact or ((), ()), strict=True)
                ],
                dtype=np.float64,
            )
        values[~self.present] = np.nan
        return values

    @property
    def num(self) -> IntArray:
        """Numerators in lowest terms (int64, or Python ints when too large); 0 where absent."""
        if self._exact is not None:
            return self._exact[0]
        assert self.scaled is not None  # noqa: S101 - one of the two is always set
        values = self.scaled.astype(np.int64)
        if self.kind is IndicatorKind.BOOLEAN:
            return read_only(values)
        return read_only(values // np.gcd(values, self.scale))

    @property
    def den(self) -> IntArray:
        """Positive denominators in lowest terms, aligned with :attr:`num`."""
        if self._exact is not None:
            return self._exact[1]
        assert self.scaled is not None  # noqa: S101 - one of the two is always set
        if self.kind is IndicatorKind.BOOLEAN:
            return read_only(np.ones(len(self), dtype=np.int64))
        return read_only(self.scale // np.gcd(self.scaled.astype(np.int64), self.scale))

    def value(self, row: int) -> Value | None:
        """The exact value in ``row``, or ``None`` if it was not observed."""
        if not self.present[row]:
            return None
        if self._exact is not None:
            return Fraction(int(self._exact[0][row]), int(self._exact[1][row]))
        assert self.scaled is not None  # noqa: S101 - one of the two is always set
        if self.kind is IndicatorKind.BOOLEAN:
            return bool(self.scaled[row])
        return Fraction(int(self.scaled[row]), self.scale)

    def take(self, rows: npt.NDArray[np.intp]) -> Column:
        """A column of the given rows only."""
        if self._exact is not None:
            num, den = self._exact
            return Column(
                key=self.key,
                kind=self.kind,
                present=self.present[rows],
                exact=(num[rows], den[rows]),
            )
        assert self.scaled is not None  # noqa: S101 - one of the two is always set
        return Column(
            key=self.key,
            kind=self.kind,
            present=self.present[rows],
            scaled=self.scaled[rows],
            scale=self.scale,
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


@attrs.frozen(kw_only=True, eq=False, repr=False)
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

    def __repr__(self) -> str:
        periods = sorted(set(self.periods))
        span = f"{periods[0]}–{periods[-1]}" if len(periods) > 1 else "".join(map(str, periods))
        return short_repr(
            "Observations",
            ("rows", len(self)),
            ("units", len(set(self.codes))),
            ("periods", span or "none"),
            ("indicators", len(self.columns)),
            ("attributes", ",".join(self.attributes) or "none"),
            ("source", self.source),
        )

    def _repr_html_(self) -> str:
        """The first rows: unit, period, attributes and the first indicators' values."""
        keys = list(self.columns)[:_HTML_COLUMNS]
        names = list(self.attributes)
        header = ["unit_code", "period", *names, *keys]
        more = len(self.columns) - len(keys)
        # Rows past the limit are only counted by html_table: don't format them.
        rows = (
            [
                self.codes[row],
                self.periods[row],
                *(self.attributes[name][row] for name in names),
                *(_display(self.value(key, row)) for key in keys),
            ]
            if row < _HTML_ROWS
            else ()
            for row in range(len(self))
        )
        caption = f"{len(self)} rows, {len(self.columns)} indicators" + (
            f" (first {len(keys)} shown)" if more else ""
        )
        return html_table(header, rows, caption=caption, limit=_HTML_ROWS)

    def to_frame(self, *, exact: bool = False) -> Any:  # noqa: ANN401 - pandas is optional
        """A wide pandas DataFrame: one row per unit and period.

        Columns: ``unit_code``, ``period``, the attributes (``name``, ``region``…),
        then one column per indicator key. Numbers are ``float64`` with NaN
        where not observed and yes/no values pandas' nullable ``boolean`` — what
        a pandas user computes and plots with. The decisions never use these
        floats: with ``exact=True`` the indicator columns hold the exact
        ``Fraction`` (or ``bool``) values, ``None`` where not observed (object dtype).

        Raises:
            MissingDependencyError: pandas is not installed (``pip install 'ntm-core[pandas]'``).

        .. versionadded:: 0.3.0
        """
        pd = require("pandas", feature="Observations.to_frame()")
        data: dict[str, Any] = {"unit_code": list(self.codes), "period": list(self.periods)}
        for name, values in self.attributes.items():
            data[name] = list(values)
        for key, column in self.columns.items():
            if exact:
                data[key] = pd.Series([column.value(r) for r in range(len(self))], dtype=object)
            elif column.kind is IndicatorKind.BOOLEAN:
                data[key] = pd.array(
                    [None if v is None else bool(v) for v in map(column.value, range(len(self)))],
                    dtype="boolean",
                )
            else:
                data[key] = column.floats()
        return pd.DataFrame(data)

    def attribute(self, name: str, row: int) -> str | None:
        """A unit attribute of ``row``, or ``None`` if not given."""
        values = self.attributes.get(name)
        return None if values is None else values[row]

    def row_of(self, code: str, period: int | None = None) -> int:
        """The row of unit ``code`` (in ``period``, if several).

        Raises:
            UnknownUnitError: If there is no such row (a :class:`KeyError` too, naming the source).
            InputError: If the unit has several periods and none is given.
        """
        from ntm_core.admin import UnknownUnitError

        rows = [
            i for i, c in enumerate(self.codes) if c == code and period in (None, self.periods[i])
        ]
        if len(rows) == 1:
            return rows[0]
        if not rows:
            msg = f"no observations for unit {code!r}" + (f" in {period}" if period else "")
            raise UnknownUnitError(msg, source=self.source, column="unit_code", value=code)
        msg = f"unit {code!r} has observations for several periods; give one (period=)"
        raise InputError(msg, source=self.source, column="period", value=code)

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


def _display(value: Value | None) -> str | None:
    if value is None or isinstance(value, bool):
        return None if value is None else ("yes" if value else "no")
    return number_text(value, significant=6)
