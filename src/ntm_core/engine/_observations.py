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
import sys
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

__all__ = ["ATTRIBUTES", "Column", "Observations", "Value", "decimal_scale", "float_scaled"]

IntArray: TypeAlias = npt.NDArray[np.int64] | npt.NDArray[np.object_]
"""Integer numerators or denominators: int64, or Python ints (object dtype) when too large."""

Value = Fraction | bool
"""An observed value: an exact number in the indicator's canonical unit, or yes/no."""

ATTRIBUTES = ("name", "level", "region", "group", "commune_kind", "parent_code")
"""Unit attributes the rules read, beside the observations."""

SCALED_LIMIT = 2**62
"""Scaled numerators stay strictly inside ``±SCALED_LIMIT`` (bounds derived from them fit int64)."""

_HTML_ROWS = 10
_HTML_COLUMNS = 12

_INT32 = np.iinfo(np.int32)

Bools: TypeAlias = npt.NDArray[np.bool_]
Floats: TypeAlias = npt.NDArray[np.float64]

_MAX_DECIMALS = 9
"""The most decimals a float column is scaled by (beyond, its values are read one by one)."""
_SHORT_DIGITS = 10**15
_DIGITS_LIMIT = 1e15
_MAX_PLACES = 15
_POWERS = np.asarray([10.0**k for k in range(_MAX_PLACES + 1)])
"""Decimals below this many digits (15) are distinct floats: the shortest is the one found."""
_NORMAL = Fraction(sys.float_info.min)
_LARGEST = Fraction(sys.float_info.max)


def read_only(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """``array`` made read-only, copied first unless it already owns its memory alone.

    A view or an array someone else may hold is copied, so no outside write
    can reach the value that keeps it.
    """
    if array.flags.writeable or array.base is not None:
        array = np.array(array, copy=True)
    array.flags.writeable = False
    return array


def _vector(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """``array`` as one dimension; itself (not a view, which would be copied) when it is."""
    return array if array.ndim == 1 else array.reshape(-1)


def frozen(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """An array this library just made, marked read-only in place (no copy).

    It may be a view of a larger array the library made and gives to no one
    (many masks in one allocation, which costs less than many small ones).
    """
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


def _kept(values: npt.NDArray[Any], owner: object) -> npt.NDArray[Any]:
    """``values`` read-only: not copied when ``owner`` keeps its memory from changing."""
    if owner is None:
        return read_only(values)
    if values.flags.writeable:
        values = values.view()
        values.flags.writeable = False
    return values


def shortest(value: float) -> Fraction:
    """The decimal a float denotes: its shortest round-trip text (``0.1`` is 1/10), exactly."""
    return Fraction(repr(float(value)))


def float_threshold(value: Fraction) -> float | None:
    """``float(value)`` when comparing with it decides for every float's shortest decimal.

    For a finite float ``x`` whose shortest decimal is ``d`` and a decimal ``t``
    of at most 15 significant digits whose float ``fl(t)`` is normal (or zero):
    ``d >= t`` exactly when ``x >= fl(t)``, and ``d == t`` exactly when
    ``x == fl(t)``. Rounding to the nearest float is monotone, which gives one
    direction; and decimals of at most 15 significant digits are distinct
    floats, so the shortest decimal of ``fl(t)`` is ``t`` itself, which gives
    the other. ``None`` for any other ``value`` (a third, or 16 digits): then
    a column of floats is compared exactly instead.
    """
    if not value:
        return 0.0
    num, den = abs(value.numerator), value.denominator
    twos = (den & -den).bit_length() - 1
    rest, fives = den >> twos, 0
    while rest % 5 == 0:
        rest, fives = rest // 5, fives + 1
    if rest != 1:
        return None  # not a terminating decimal
    digits = num * 10 ** max(twos, fives) // den  # the decimal's digits, as an integer
    while digits % 10 == 0:
        digits //= 10
    if digits >= _SHORT_DIGITS or not _NORMAL <= abs(value) <= _LARGEST:
        return None
    return float(value)


def float_scaled(
    values: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Floats as exact decimals ``m / 10**k``, the value of their shortest repr.

    For each finite float ``x`` the least ``k <= 15`` is sought with
    ``m = rint(x * 10**k)``, ``|m| < 10**15`` and ``m / 10**k == x`` in
    floating point. Why that is ``Fraction(repr(x))``, exactly:

    * ``m`` and ``10**k`` are exact floats, and IEEE division is correctly
      rounded, so ``m / 10**k == x`` says the decimal ``m/10**k`` (at most
      15 significant digits) rounds to ``x``.
    * Two different decimals of at most 15 significant digits never round to
      the same double (15 = DBL_DIG: such decimals survive the round trip
      through a double), and ``repr(x)`` is the shortest decimal that rounds
      to ``x``, which has at most 15 digits since ``m/10**k`` is one; so the
      two are the same number.
    * If such an ``m`` exists, ``rint`` finds it: ``x * 10**k`` is within
      ``m * 2.3e-16 < 0.23`` of ``m``.

    Returns:
        ``m``, ``10**k`` (1 where not found) and ``found``; ``found`` is False
        for NaN, infinities, values of 10**15 or more, and floats whose
        shortest decimal has more than 15 digits or 15 places (``0.1 + 0.2``):
        the caller reads those one by one.
    """
    size = len(values)
    num = np.zeros(size, dtype=np.int64)
    places = np.zeros(size, dtype=np.int64)
    found = np.zeros(size, dtype=bool)
    todo = np.flatnonzero(np.isfinite(values) & (np.abs(values) < _DIGITS_LIMIT))
    for k in range(_MAX_PLACES + 1):
        if not len(todo):
            break
        x = values[todo]
        scaled = np.rint(x * _POWERS[k])
        ok = (np.abs(scaled) < _DIGITS_LIMIT) & (scaled / _POWERS[k] == x)
        hit = todo[ok]
        num[hit] = scaled[ok].astype(np.int64)
        places[hit] = k
        found[hit] = True
        todo = todo[~ok]
    den = (10**places).astype(np.int64)
    return num, den, found


def decimal_scale(values: Floats, present: Bools) -> tuple[npt.NDArray[np.int64], int] | None:
    """``(integers, 10**k)``: ``integers / 10**k`` is the shortest decimal of each present value.

    ``k`` is the least number of decimals (at most 9) that reads every value
    back, over the per-value decimals of :func:`float_scaled`. ``None`` when a
    value has no such decimal of at most 15 significant digits, or the common
    scale would need 15 digits or more: the values are then read one by one.
    """
    num, den, found = float_scaled(np.where(present, values, 0.0))
    if not found.all():
        return None
    scale = int(den.max(initial=1))
    if scale > 10**_MAX_DECIMALS:
        return None
    multiple = scale // den
    if (np.abs(num) >= _SHORT_DIGITS // multiple).any():
        return None
    integers: npt.NDArray[np.int64] = num * multiple
    return integers, scale


def _scaled_floats(
    values: Floats, present: Bools, factor: Fraction
) -> tuple[npt.NDArray[Any] | None, int]:
    """A float column's scaled integers (shortest decimals times ``factor``), or ``(None, 0)``."""
    found = decimal_scale(values, present)
    if found is None:
        return None, 0
    integers, scale = found
    if factor.numerator != 1:
        if np.abs(integers).max(initial=0) >= SCALED_LIMIT // factor.numerator:
            return None, 0
        integers = integers * factor.numerator
    scale *= factor.denominator
    if scale >= SCALED_LIMIT:
        return None, 0
    return frozen(_narrow(integers)), scale


def _exact_floats(values: Floats, present: Bools, factor: Fraction) -> tuple[IntArray, IntArray]:
    """Per-row numerators and denominators of a float column, one value at a time (rare)."""
    nums = [0] * len(values)
    dens = [1] * len(values)
    numbers = values.tolist()
    for row in np.flatnonzero(present).tolist():
        value = shortest(numbers[row]) * factor
        nums[row], dens[row] = value.numerator, value.denominator
    return frozen(_as_int_array(nums)), frozen(_as_int_array(dens))


@attrs.frozen(kw_only=True, eq=False, init=False, repr=False)
class Column:
    """The values of one indicator for every row of an :class:`Observations`.

    Numbers are stored as *scaled integers*: one int64 (int32 when it fits)
    numerator per row over one common denominator, ``scale``, for the whole
    column, so comparing a row with a threshold is one integer comparison.
    Yes/no values are a boolean array with ``scale`` 1. A column whose values
    have no common denominator small enough keeps exact per-row fractions
    (``num``/``den``, Python ints where needed) and is compared exactly.

    A column read from floats (a DataFrame's or an Arrow table's ``float64``)
    keeps them as they are, NaN where not observed: each float stands for
    its shortest decimal (``0.1`` is 1/10), times the column's unit
    :attr:`factor`. Comparing with a threshold of at most 15 significant
    digits is then one float comparison, and exact: decimals of at most 15
    significant digits are distinct floats and rounding is monotone, so the
    float of such a threshold orders every float as their decimals are
    ordered. Any other threshold is compared on the exact
    values. ``scaled`` and ``num``/``den`` of such a column are computed on
    first use.

    Every array is read-only, and the column owns it: writing into
    ``column.present`` or ``column.scaled`` raises ``ValueError``.

    Build one with :meth:`from_scaled` (vectorised readers: an integer array,
    one denominator, a presence mask, no per-value Python), :meth:`from_floats`
    (floats, NaN where not observed), :meth:`from_values` (exact values) or
    ``Column(key=, kind=, num=, den=, present=)`` (per-row numerators and
    denominators, any common denominator chosen here).

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
    >>> f = Column.from_floats("clean_water_share", IndicatorKind.RATIO,
    ...     np.array([85.5, 0.1 + 0.2, np.nan]))
    >>> f.value(0), f.value(1), f.value(2)  # 0.1 + 0.2 is 0.30000000000000004
    (Fraction(171, 2), Fraction(7500000000000001, 25000000000000000), None)

    Attributes:
        key: The indicator key.
        kind: Numeric, ratio (percent) or yes/no.
        present: Whether the value was observed.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       Scaled-integer storage; arrays are read-only.
    .. versionchanged:: 0.3.0
       Columns of floats, kept as read (:meth:`from_floats`).
    """

    key: str
    kind: IndicatorKind
    present: npt.NDArray[np.bool_]
    _scaled: npt.NDArray[Any] | None = attrs.field(alias="scaled")
    _scale: int = attrs.field(alias="scale")
    _exact: tuple[IntArray, IntArray] | None = attrs.field(alias="exact")
    _float64: npt.NDArray[np.float64] | None = attrs.field(alias="float64")
    _factor: Fraction = attrs.field(alias="factor")
    # A pandas object whose copy-on-write keeps ``float64``'s memory unchanged.
    _owner: object = attrs.field(alias="owner")
    # Representations derived on first use (scaled integers, exact fractions).
    _derived: dict[str, Any] = attrs.field(init=False, factory=dict)

    def __init__(
        self,
        *,
        key: str,
        kind: IndicatorKind,
        present: npt.NDArray[np.bool_] | None = None,
        num: IntArray | None = None,
        den: IntArray | None = None,
        scaled: npt.NDArray[Any] | None = None,
        scale: int = 0,
        exact: tuple[IntArray, IntArray] | None = None,
        float64: npt.NDArray[np.float64] | None = None,
        factor: Fraction | int = 1,
        owner: object = None,
    ) -> None:
        if float64 is not None:
            self._init_floats(key, kind, present, float64, Fraction(factor), owner)
            return
        if present is None:
            msg = f"column {key!r}: give present (which rows were observed)"
            raise TypeError(msg)
        present = read_only(_vector(np.asarray(present, dtype=bool)))
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
            scaled = read_only(_vector(np.asarray(scaled)))
            if len(scaled) != n:
                msg = f"column {key!r}: {len(scaled)} values for {n} rows"
                raise ValueError(msg)
            exact = None
        elif exact is not None:
            exact, scale = (read_only(np.asarray(exact[0])), read_only(np.asarray(exact[1]))), 0
        self.__attrs_init__(
            key=key, kind=kind, present=present, scaled=scaled, scale=scale, exact=exact,
            float64=None, factor=Fraction(1), owner=owner,
        )  # fmt: skip

    def _init_floats(  # noqa: PLR0917 - the float branch of __init__
        self,
        key: str,
        kind: IndicatorKind,
        present: npt.NDArray[np.bool_] | None,
        float64: npt.NDArray[np.float64],
        factor: Fraction,
        owner: object,
        into: npt.NDArray[np.bool_] | None = None,
    ) -> None:
        values = _vector(np.asarray(float64))
        if values.dtype != np.float64:
            msg = f"column {key!r}: float64 values expected, got {values.dtype}"
            raise TypeError(msg)
        if kind is IndicatorKind.BOOLEAN or factor <= 0:
            msg = f"column {key!r}: floats are for numbers, with a positive factor"
            raise ValueError(msg)
        values = _kept(values, owner)
        bounds = None
        if present is None:  # NaN: not observed
            mask, bounds = _scan(
                values, np.empty(len(values), dtype=bool) if into is None else into
            )
        else:
            mask = read_only(_vector(np.asarray(present, dtype=bool)))
            if len(mask) != len(values):
                msg = f"column {key!r}: {len(values)} values for {len(mask)} rows"
                raise ValueError(msg)
            if np.isnan(values[mask]).any():
                msg = f"column {key!r}: an observed value is NaN"
                raise ValueError(msg)
        self.__attrs_init__(
            key=key, kind=kind, present=mask, scaled=None, scale=0, exact=None,
            float64=values, factor=factor, owner=owner,
        )  # fmt: skip
        if bounds is not None:
            self._derived["nan_absent"] = True
            self._derived["bounds"] = bounds

    def __reduce__(self) -> tuple[Any, ...]:
        # The owner (a pandas object) does not travel: unpickled arrays are the column's own.
        fields = (self.key, self.kind, self.present, self._scaled, self._scale, self._exact)
        return _restore_column, (*fields, self._float64, self._factor)

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
            flags = frozen(np.logical_and(values != 0, mask))
            return cls(key=key, kind=kind, present=mask, scaled=flags, scale=1)
        values = np.where(mask, values, 0).astype(np.int64, copy=False)
        if len(values) and not (values.min() > -SCALED_LIMIT and values.max() < SCALED_LIMIT):
            msg = f"column {key!r}: numerators must stay inside ±2**62"
            raise ValueError(msg)
        return cls(key=key, kind=kind, present=mask, scaled=frozen(_narrow(values)), scale=scale)

    @classmethod
    def from_floats(
        cls,
        key: str,
        kind: IndicatorKind,
        values: npt.ArrayLike,
        *,
        factor: Fraction | int = 1,
        owner: object = None,
    ) -> Column:
        """A column of floats, each its shortest decimal times ``factor``; NaN is not observed.

        ``0.1`` is exactly 1/10, as :func:`~ntm_core.io.observations_from_records`
        reads it; ``factor`` converts the column's unit to the indicator's
        (1/1,000,000 for đồng into million VND). The floats are kept, not
        converted: no per-value Python. They are copied unless ``owner``
        guarantees they never change (a pandas object under copy-on-write
        that owns them; an Arrow array), or they are already read-only and
        nobody else's.

        Raises:
            ValueError: If a value is infinite, ``factor`` is not positive, or
                ``kind`` is yes/no.
        """
        column = cls(
            key=key,
            kind=kind,
            float64=np.asarray(values, dtype=np.float64),
            factor=factor,
            owner=owner,
        )
        low, high = float_bounds(column) or (0.0, 0.0)
        if math.isinf(low) or math.isinf(high):
            msg = f"column {key!r}: values must be finite (NaN for not observed)"
            raise ValueError(msg)
        return column

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
        stored: tuple[str, object] = ("scale", self._scale)
        if self._float64 is not None:
            stored = ("stored", "float64" + (f"×{self._factor}" if self._factor != 1 else ""))
        return short_repr(
            "Column",
            ("key", self.key),
            ("kind", self.kind.value),
            ("rows", len(self)),
            ("present", int(self.present.sum())),
            stored,
        )

    @property
    def scaled(self) -> npt.NDArray[Any] | None:
        """Numerators over :attr:`scale` (bool for yes/no), or ``None`` for exact fractions."""
        if self._float64 is None:
            return self._scaled
        return self._decimals()[0]

    @property
    def scale(self) -> int:
        """The common denominator of :attr:`scaled` (0 when it is ``None``)."""
        if self._float64 is None:
            return self._scale
        return self._decimals()[1]

    @property
    def float64(self) -> npt.NDArray[np.float64] | None:
        """The floats of a column read from floats (NaN where not observed), else ``None``.

        Each stands for its shortest decimal times :attr:`factor`.

        .. versionadded:: 0.3.0
        """
        return self._float64

    @property
    def factor(self) -> Fraction:
        """What :attr:`float64` values are multiplied by to be in the indicator's unit (else 1).

        .. versionadded:: 0.3.0
        """
        return self._factor

    def _decimals(self) -> tuple[npt.NDArray[Any] | None, int]:
        found: tuple[npt.NDArray[Any] | None, int] | None = self._derived.get("scaled")
        if found is None:
            assert self._float64 is not None  # noqa: S101 - only float columns derive it
            found = self._derived["scaled"] = _scaled_floats(
                self._float64, self.present, self._factor
            )
        return found

    def _fractions(self) -> tuple[IntArray, IntArray] | None:
        """Per-row exact numerators and denominators, when there is no common scale."""
        if self._exact is not None:
            return self._exact
        if self._float64 is None or self.scaled is not None:
            return None
        found: tuple[IntArray, IntArray] | None = self._derived.get("exact")
        if found is None:
            found = self._derived["exact"] = _exact_floats(
                self._float64, self.present, self._factor
            )
        return found

    def floats(self) -> npt.NDArray[np.float64]:
        """The values as float64 (1.0/0.0 for yes/no), NaN where not observed.

        For display and plotting; decisions use the exact values.

        .. versionadded:: 0.3.0
        """
        if self._float64 is not None:
            values = self._float64 * self._factor.numerator
            if self._factor.denominator != 1:
                values /= self._factor.denominator
        elif self._exact is not None:
            values = np.array(
                [float(Fraction(int(n), int(d))) for n, d in zip(*self._exact, strict=True)],
                dtype=np.float64,
            )
        else:
            assert self._scaled is not None  # noqa: S101 - one of the three is always set
            values = self._scaled.astype(np.float64)
            if self.kind is not IndicatorKind.BOOLEAN:
                values /= self._scale
        values[~self.present] = np.nan
        return values

    @property
    def num(self) -> IntArray:
        """Numerators in lowest terms (int64, or Python ints when too large); 0 where absent."""
        exact = self._fractions()
        if exact is not None:
            return exact[0]
        scaled = self.scaled
        assert scaled is not None  # noqa: S101 - one of the two is always set
        if self.kind is IndicatorKind.BOOLEAN:  # absent rows may hold anything: 0 there
            return frozen(np.logical_and(scaled, self.present).astype(np.int64))
        values = scaled.astype(np.int64)
        return read_only(values // np.gcd(values, self.scale))

    @property
    def den(self) -> IntArray:
        """Positive denominators in lowest terms, aligned with :attr:`num`."""
        exact = self._fractions()
        if exact is not None:
            return exact[1]
        scaled = self.scaled
        assert scaled is not None  # noqa: S101 - one of the two is always set
        if self.kind is IndicatorKind.BOOLEAN:
            return read_only(np.ones(len(self), dtype=np.int64))
        return read_only(self.scale // np.gcd(scaled.astype(np.int64), self.scale))

    def value(self, row: int) -> Value | None:
        """The exact value in ``row``, or ``None`` if it was not observed."""
        if not self.present[row]:
            return None
        if self._float64 is not None:
            found = shortest(self._float64[row])
            return found if self._factor == 1 else found * self._factor
        if self._exact is not None:
            return Fraction(int(self._exact[0][row]), int(self._exact[1][row]))
        assert self._scaled is not None  # noqa: S101 - one of the three is always set
        if self.kind is IndicatorKind.BOOLEAN:
            return bool(self._scaled[row])
        return Fraction(int(self._scaled[row]), self._scale)

    def take(self, rows: npt.NDArray[np.intp]) -> Column:
        """A column of the given rows only."""
        if self._float64 is not None:
            return Column(
                key=self.key,
                kind=self.kind,
                present=self.present[rows],
                float64=self._float64[rows],
                factor=self._factor,
            )
        if self._exact is not None:
            num, den = self._exact
            return Column(
                key=self.key,
                kind=self.kind,
                present=self.present[rows],
                exact=(num[rows], den[rows]),
            )
        assert self._scaled is not None  # noqa: S101 - one of the three is always set
        return Column(
            key=self.key,
            kind=self.kind,
            present=self.present[rows],
            scaled=self._scaled[rows],
            scale=self._scale,
        )


_BLOCK = 1 << 15
"""Rows per block of a pass over floats: 256 KB, which stays in the cache between operations."""


def _scan(
    values: npt.NDArray[np.float64], present: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.bool_], tuple[float, float]]:
    """Into ``present``: the rows that are not NaN; and the least and greatest value (NaN if none).

    Block by block, so each block is read from memory once for the three operations.
    """
    size = len(values)
    count = -(-size // _BLOCK)
    lows, highs = np.empty(count), np.empty(count)
    for k, start in enumerate(range(0, size, _BLOCK)):
        block = values[start : start + _BLOCK]
        np.equal(block, block, out=present[start : start + _BLOCK])
        lows[k] = np.fmin.reduce(block)
        highs[k] = np.fmax.reduce(block)
    present.flags.writeable = False
    if not count:
        return present, (math.nan, math.nan)
    return present, (float(np.fmin.reduce(lows)), float(np.fmax.reduce(highs)))


def flag_column(
    key: str, kind: IndicatorKind, flags: Bools, *, present: Bools, owner: object
) -> Column:
    """A yes/no column of arrays a reader keeps without copying (``owner`` keeps them unchanged).

    ``flags`` may be a pandas array's own data (copy-on-write keeps it while
    ``owner`` refers to it); ``present`` a row of an array the reader made and
    gives to no one else.
    """
    column = Column.__new__(Column)
    column.__attrs_init__(
        key=key, kind=kind, present=_kept(present, owner), scaled=_kept(flags, owner), scale=1,
        exact=None, float64=None, factor=Fraction(1), owner=owner,
    )  # fmt: skip
    return column


def float_column(
    key: str,
    kind: IndicatorKind,
    values: npt.NDArray[np.float64],
    *,
    factor: Fraction,
    owner: object,
    present: npt.NDArray[np.bool_],
) -> Column:
    """A column of floats whose presence (not NaN) is written into ``present``, the caller's.

    For readers that give the masks of many columns one allocation: ``present``
    is a row of an array the caller made and gives to no one else.
    """
    column = Column.__new__(Column)
    column._init_floats(key, kind, None, values, factor, owner, present)
    return column


def float_bounds(column: Column) -> tuple[float, float] | None:
    """The least and greatest observed float of a column read from floats (NaN: none observed).

    ``None`` unless the column found them when it was built (its presence from NaN).
    """
    found: tuple[float, float] | None = column._derived.get("bounds")
    return found


def nan_absent(column: Column) -> bool:
    """Whether a column of floats is observed exactly where its value is not NaN.

    Then a comparison that NaN fails (``>=``, ``<``…) needs no presence mask.
    """
    return bool(column._derived.get("nan_absent"))


def _restore_column(  # noqa: PLR0917 - Column's fields, for pickle
    key: str,
    kind: IndicatorKind,
    present: Bools,
    scaled: npt.NDArray[Any] | None,
    scale: int,
    exact: tuple[IntArray, IntArray] | None,
    float64: Floats | None,
    factor: Fraction,
) -> Column:
    if float64 is not None:
        return Column(key=key, kind=kind, present=present, float64=float64, factor=factor)
    return Column(key=key, kind=kind, present=present, scaled=scaled, scale=scale, exact=exact)


def _frozen_columns(value: Mapping[str, Column]) -> Mapping[str, Column]:
    return MappingProxyType(dict(value))


def _frozen_attributes(
    value: Mapping[str, Sequence[str | None]],
) -> Mapping[str, tuple[str | None, ...]]:
    return MappingProxyType({k: tuple(v) for k, v in value.items()})


Codes: TypeAlias = tuple[str, ...] | npt.NDArray[np.integer] | npt.NDArray[np.object_]
Periods: TypeAlias = tuple[int, ...] | npt.NDArray[np.integer]


def _code_values(value: Iterable[str] | npt.NDArray[Any]) -> Codes:
    """Codes as given (a tuple), or a read-only array: integers, or text objects."""
    if isinstance(value, np.ndarray):
        array = value.reshape(-1)
        if array.dtype.kind in "iu":
            return read_only(array)
        return read_only(array.astype(object, copy=False))
    return tuple(value)


def _period_values(value: Iterable[int] | npt.NDArray[Any]) -> Periods:
    """Periods as given (a tuple), or a read-only integer array (years fit two bytes)."""
    if isinstance(value, np.ndarray) and value.dtype.kind in "iu":
        return read_only(_vector(value))
    return tuple(value)


def _distinct(values: Sequence[object] | npt.NDArray[Any]) -> list[Any]:
    """The distinct values, sorted (numbers by sorting an array, not hashing a million)."""
    if isinstance(values, np.ndarray) and values.dtype != object:
        ordered = np.sort(values)
        keep = np.ones(len(ordered), dtype=bool)
        np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
        return list(ordered[keep].tolist())
    return sorted(set(values.tolist() if isinstance(values, np.ndarray) else values))


@attrs.frozen(kw_only=True, eq=False, repr=False, init=False)
class Observations:
    """Indicator values for units and periods, one row per unit and period.

    Attributes:
        columns: One :class:`Column` per observed indicator key.
        attributes: Unit attributes per row (``name``, ``level``, ``region``,
            ``group``, ``commune_kind``, ``parent_code``), ``None`` where unknown.
        source: Where the observations came from (a file name), for messages.

    ``codes`` and ``periods`` may be given as sequences, or as numpy arrays
    (integer codes, text objects; integer years), which are kept as they are:
    the tuples of :attr:`codes` and :attr:`periods` are then made on first use,
    so deciding a million rows never builds a million strings.

    Build one with ``observations_from_records`` or the readers of :mod:`ntm_core.io`.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.3.0
       Codes and periods may be numpy arrays.
    """

    _codes: Codes = attrs.field(alias="codes")
    _periods: Periods = attrs.field(alias="periods")
    columns: Mapping[str, Column]
    attributes: Mapping[str, tuple[str | None, ...]]
    source: str | None
    # The tuples of codes and periods, when they were given as arrays (made on first use).
    _lazy: dict[str, tuple[Any, ...]] = attrs.field(init=False, factory=dict)

    def __init__(
        self,
        *,
        codes: Iterable[str] | npt.NDArray[Any],
        periods: Iterable[int] | npt.NDArray[Any],
        columns: Mapping[str, Column],
        attributes: Mapping[str, Sequence[str | None]] | None = None,
        source: str | None = None,
    ) -> None:
        self.__attrs_init__(
            codes=_code_values(codes),
            periods=_period_values(periods),
            columns=_frozen_columns(columns),
            attributes=_frozen_attributes(attributes or {}),
            source=source,
        )
        n = len(self._codes)
        if len(self._periods) != n:
            msg = f"{len(self._periods)} periods for {n} rows"
            raise ValueError(msg)
        for key, column in self.columns.items():
            if len(column) != n:
                msg = f"column {key!r} has {len(column)} values for {n} rows"
                raise ValueError(msg)
        for name, values in self.attributes.items():
            if len(values) != n:
                msg = f"attribute {name!r} has {len(values)} values for {n} rows"
                raise ValueError(msg)

    @property
    def codes(self) -> tuple[str, ...]:
        """The unit code of each row."""
        codes = self._codes
        if isinstance(codes, tuple):
            return codes
        found = self._lazy.get("codes")
        if found is None:
            listed = codes.tolist()
            found = self._lazy["codes"] = tuple(
                map(str, listed) if codes.dtype != object else listed
            )
        return found

    @property
    def periods(self) -> tuple[int, ...]:
        """The assessment year of each row."""
        periods = self._periods
        if isinstance(periods, tuple):
            return periods
        found = self._lazy.get("periods")
        if found is None:
            found = self._lazy["periods"] = tuple(periods.tolist())
        return found

    def code(self, row: int) -> str:
        """The unit code of one row (without making every row's).

        .. versionadded:: 0.3.0
        """
        code = self._codes[row]
        return code if isinstance(code, str) else str(code)

    def period(self, row: int) -> int:
        """The assessment year of one row.

        .. versionadded:: 0.3.0
        """
        return int(self._periods[row])

    def __len__(self) -> int:
        return len(self._codes)

    def __repr__(self) -> str:
        periods = _distinct(self._periods)
        span = f"{periods[0]}–{periods[-1]}" if len(periods) > 1 else "".join(map(str, periods))
        return short_repr(
            "Observations",
            ("rows", len(self)),
            ("units", len(_distinct(self._codes))),
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
                self.code(row),
                self.period(row),
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

        rows = self._rows_of(code, period)
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
        codes, periods = self._codes, self._periods
        return Observations(
            codes=codes[index] if isinstance(codes, np.ndarray) else [codes[i] for i in index],
            periods=(
                periods[index] if isinstance(periods, np.ndarray) else [periods[i] for i in index]
            ),
            columns={k: c.take(index) for k, c in self.columns.items()},
            attributes={k: [v[i] for i in index] for k, v in self.attributes.items()},
            source=self.source,
        )

    def for_period(self, period: int) -> Observations:
        """The rows of one assessment year."""
        if isinstance(self._periods, np.ndarray):
            return self.select(np.flatnonzero(self._periods == period))
        return self.select([i for i, p in enumerate(self._periods) if p == period])

    def _rows_of(self, code: str, period: int | None) -> list[int]:
        codes = self._codes
        if isinstance(codes, tuple):
            return [
                i for i, c in enumerate(codes) if c == code and period in (None, self._periods[i])
            ]
        if codes.dtype == object:
            hits = codes == code
        else:
            number = _integer_code(code)
            hits = codes == number if number is not None else np.zeros(len(codes), dtype=bool)
        rows: list[int] = np.flatnonzero(hits).tolist()
        return [i for i in rows if period in (None, self._periods[i])]

    def value(self, key: str, row: int) -> Value | None:
        """The exact value of indicator ``key`` in ``row``, or ``None`` if not observed."""
        column = self.columns.get(key)
        return None if column is None else column.value(row)


def _integer_code(code: str) -> int | None:
    """The integer a code of an integer array must equal (``"42"``), or ``None`` (``"042"``)."""
    try:
        number = int(code)
    except (TypeError, ValueError):
        return None
    return number if str(number) == code and abs(number) < 2**63 else None


def _display(value: Value | None) -> str | None:
    if value is None or isinstance(value, bool):
        return None if value is None else ("yes" if value else "no")
    return number_text(value, significant=6)
