"""Records to columns without a Python step per value, when the records allow it.

:func:`~ntm_core.io.observations_from_records` is given dicts, usually made
by a program: every record has the same keys in the same order. Then the
values of a key are one column of the transposed rows (``zip(*rows)``, in
C), and a column of Python numbers (``int``, ``float``, ``None``) or of
``bool`` is read with numpy (:func:`float_scaled`); any other column, and
any other set of records, takes the general path of
:func:`~ntm_core._core.tables.records_table` and the column reader.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ntm_core._core.tables import Table
from ntm_core._core.text import nfc

__all__ = ["float_scaled", "uniform_records_table"]

# 10**15: a decimal of at most 15 significant digits round-trips through a float.
_DIGITS_LIMIT = 1e15
_MAX_PLACES = 15
_POWERS = np.asarray([10.0**k for k in range(_MAX_PLACES + 1)])


def uniform_records_table(records: Sequence[object], *, source: str | None) -> Table | None:
    """The table :func:`~ntm_core._core.tables.records_table` makes, if the records are uniform.

    Uniform: every record a ``dict`` with the same text keys (in any order:
    the columns are in the first record's). Otherwise ``None`` (the general
    path then reads them, and reports what is wrong with them). List values
    become tuples, as there.
    """
    if not records or type(records[0]) is not dict:
        return None
    keys = tuple(records[0])
    width = len(keys)
    if width < 2 or not all(type(key) is str for key in keys):  # code and period at least
        return None
    if not all(type(record) is dict and len(record) == width for record in records):
        return None
    columns: list[Sequence[object]] = []
    types: list[set[type]] = []
    try:  # a record without one of the first record's keys has another key instead
        for key in keys:
            column = [record[key] for record in records]  # type: ignore[index]  # dicts
            kinds = set(map(type, column))
            if list in kinds:
                column = [tuple(v) if isinstance(v, list) else v for v in column]
                kinds = set(map(type, column))
            columns.append(column)
            types.append(kinds)
    except KeyError:
        return None
    return Table(
        header=[nfc(key) for key in keys],
        columns=columns,
        rows=list(range(1, len(records) + 1)),
        header_row=None,
        source=source,
        types=types,
    )


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
