"""Records to columns without a Python step per value, when the records allow it.

:func:`~ntm_core.io.observations_from_records` is given dicts, usually made
by a program: every record has the same keys in the same order. Then the
values of a key are one column of the transposed rows (``zip(*rows)``, in
C), and a column of Python numbers (``int``, ``float``, ``None``) or of
``bool`` is read with numpy
(:func:`~ntm_core.engine._observations.float_scaled`); any other column, and
any other set of records, takes the general path of
:func:`~ntm_core._core.tables.records_table` and the column reader.
"""

from __future__ import annotations

from collections.abc import Sequence

from ntm_core._core.tables import Table
from ntm_core._core.text import nfc

__all__ = ["uniform_records_table"]

# 10**15: a decimal of at most 15 significant digits round-trips through a float.


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
