"""The public readers: observations from files and records, unit lists from files.

Each reads its input through the one table reader (:mod:`ntm_core._core.tables`)
and returns a complete value or raises every problem at once.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from ntm_core._core.tables import Table, read_table, records_table
from ntm_core.engine._catalog import IndicatorCatalog
from ntm_core.engine._observations import ATTRIBUTES, Observations
from ntm_core.exceptions import DataError, InputError, InputErrors
from ntm_core.io._builder import TableBuilder, UnitsTable
from ntm_core.io._cells import CellError, cell_problem, text_value
from ntm_core.io._records import uniform_records_table

__all__ = [
    "observations_from_records",
    "read_observations",
    "read_units",
    "units_table",
]

_UNITS_PARENTS = ("parent_code", "district_code", "province_code")


def units_table(units: str | os.PathLike[str] | UnitsTable | None) -> UnitsTable | None:
    """Unit attributes by code: the mapping given, or read from a units file."""
    if units is None or isinstance(units, Mapping):
        return units
    return read_units(units)


def read_observations(
    path: str | os.PathLike[str],
    *,
    catalog: IndicatorCatalog,
    units: str | os.PathLike[str] | UnitsTable | None = None,
    decimal_comma: bool | None = None,
) -> Observations:
    """Read indicator observations from a CSV, JSON or Excel file.

    The layout is recognised from the columns:

    * **long**: ``unit_code, period, indicator, value[, unit][, source]``,
      one row per value (attribute columns such as ``name`` may be added;
      ``source`` is accepted and not kept);
    * **wide**: ``unit_code`` (or ``code``), ``period`` (or ``year``), the
      optional attributes ``name, level, region, group, commune_kind,
      parent_code``, and one column per indicator, named by its key or legal
      code, optionally with a unit in brackets:
      ``income_per_capita [triệu đồng/người/năm]``.

    A JSON file holds a list of objects in either layout (the keys are the
    columns), or ``{"observations": [...]}``. Excel files (``.xlsx``, first
    sheet) need the ``excel`` extra.

    Values are read as people type them: ``45.5``, ``45,5`` and ``1.234,5``
    with a decimal comma, ``85%``, ``45 triệu đồng/người/năm``, counts
    ``850/1000`` for a ratio (85 percent), and yes/no words (``Đạt``,
    ``Không đạt``, ``có``, ``không``, ``x``, ``yes``, ``no``, ``true``,
    ``false``, ``1``, ``0``, in any case, NFC or NFD). An empty cell is not
    observed (never zero). A bare number is in the column's bracketed unit,
    else in the indicator's canonical unit (percent for ratios). Negative
    values are refused (every NTM indicator is a non-negative amount), and so
    are shares above 100 percent. Numbers are exact: ``45000001 đồng`` is
    ``Fraction(45000001, 1000000)`` million đồng.

    Args:
        path: The file (``.csv``, ``.json`` or ``.xlsx``), UTF-8 with or without BOM.
        catalog: The indicators the columns may name.
        units: A units file (see :func:`read_units`), or the mapping it returns,
            whose attributes fill in those the data leave empty.
        decimal_comma: Whether numbers use a decimal comma. ``None`` decides
            from the file: a cell's last separator (``,`` or ``.``) votes, and
            the file uses a decimal comma when some numeric cell votes comma
            and none votes point.

    Returns:
        The observations, one row per unit and period, in file order.

    Raises:
        DataError: If the file as a whole cannot be read: missing, empty, not
            UTF-8, unreadable JSON, or in neither layout.
        InputErrors: Of :class:`~ntm_core.exceptions.InputError` (with
            :class:`~ntm_core.exceptions.UnknownIndicatorError` for unknown
            columns), one per problem, each naming the file, row (the header
            is row 1; for JSON, the object's 1-based position), column and value.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       ``path`` may be a pandas DataFrame or an Arrow table (see
       :func:`observations_from_frame`).
    """
    from ntm_core.io._frames import is_frame, observations_from_frame  # imports this module

    if is_frame(path):
        return observations_from_frame(
            path, catalog=catalog, units=units, decimal_comma=decimal_comma
        )
    file = Path(path)
    source = os.fspath(path)
    table = read_table(file, source, columnar=True)
    return TableBuilder(
        table, catalog=catalog, decimal_comma=decimal_comma, units=units_table(units)
    ).build()


def observations_from_records(
    records: Iterable[Mapping[str, object]],
    *,
    catalog: IndicatorCatalog,
    source: str | None = None,
    units: str | os.PathLike[str] | UnitsTable | None = None,
    decimal_comma: bool | None = None,
) -> Observations:
    """Build observations from Python mappings in the wide (or long) layout.

    Values may be numbers (``int``, :class:`~fractions.Fraction`,
    :class:`~decimal.Decimal`, ``float`` read by its shortest decimal),
    ``bool``, text as :func:`read_observations` reads it, pint quantities, or
    ``(numerator, denominator)`` counts for a ratio.

    Args:
        records: One mapping per unit and period (or per value, in the long layout).
        catalog: The indicators the keys may name.
        source: A name for the records, used in messages.
        units: Unit attributes by code, or a units file, as for :func:`read_observations`.
        decimal_comma: As for :func:`read_observations`.

    Returns:
        The observations, one row per unit and period, in record order.

    Raises:
        DataError: If there are no records, or they are in neither layout.
        InputErrors: Of :class:`~ntm_core.exceptions.InputError`, one per
            problem; rows are the records' 1-based positions.

    .. versionadded:: 0.1.0
    """
    listed = list(records)
    table = uniform_records_table(listed, source=source) or records_table(listed, source=source)
    return TableBuilder(
        table, catalog=catalog, decimal_comma=decimal_comma, units=units_table(units)
    ).build()


def _units_row(
    table: Table, index_of: Mapping[str, int], position: int, problems: list[InputError]
) -> dict[str, str]:
    """The non-empty code and attributes of one row of a units file."""
    values: dict[str, str] = {}
    row = table.rows[position]
    for role, index in index_of.items():
        cell = table.columns[index][position]
        try:
            text = text_value(cell)
        except CellError as err:
            column = table.header[index]
            problems.append(
                cell_problem(err, source=table.source, row=row, column=column, value=cell)
            )
            continue
        if text is not None:
            values[role] = text
    return values


def read_units(path: str | os.PathLike[str]) -> dict[str, dict[str, str]]:
    """Read unit attributes by code from a units file (CSV, JSON or Excel).

    The file has a ``code`` (or ``unit_code``) column and any of ``name,
    level, region, group, commune_kind, parent_code``; without
    ``parent_code``, the parent is ``district_code`` or else
    ``province_code``. Other columns (coordinates, type names) are ignored,
    and so are rows without a code (the national list has island districts
    without communes).

    Args:
        path: The units file, e.g. ``units-2025-01.csv`` of the shared data.

    Returns:
        Non-empty attributes (NFC text) by unit code.

    Raises:
        DataError: If the file cannot be read or has no code column.
        InputErrors: Of :class:`~ntm_core.exceptions.InputError` for codes
            listed twice (naming both rows) and unreadable cells.

    .. versionadded:: 0.1.0
    """
    source = os.fspath(path)
    table = read_table(Path(path), source)
    problems: list[InputError] = list(table.problems)
    folded = [name.casefold() for name in table.header]
    index_of: dict[str, int] = {}
    for index, fold in enumerate(folded):
        role = "code" if fold in {"code", "unit_code"} else fold
        if role in {"code", *ATTRIBUTES, *_UNITS_PARENTS}:
            index_of.setdefault(role, index)
    if "code" not in index_of:
        found = ", ".join(repr(n) for n in table.header if n) or "none"
        raise DataError(
            "a units file needs a 'code' (or 'unit_code') column and any of "
            f"{', '.join(ATTRIBUTES)}, district_code, province_code; found {found}",
            source=source,
        )
    units: dict[str, dict[str, str]] = {}
    first_row: dict[str, int] = {}
    code_name = table.header[index_of["code"]]
    for position, row in enumerate(table.rows):
        values = _units_row(table, index_of, position, problems)
        code = values.pop("code", None)
        if code is None:
            continue
        earlier = first_row.setdefault(code, row)
        if earlier != row:
            problems.append(
                InputError(
                    f"unit {code!r} is listed twice: rows {earlier} and {row}",
                    source=source,
                    row=row,
                    column=code_name,
                    value=code,
                )
            )
            continue
        for parent in _UNITS_PARENTS:
            candidate = values.pop(parent, None)
            if candidate is not None and candidate != code and "parent_code" not in values:
                values["parent_code"] = candidate
        units[code] = values
    if problems:
        count = len(problems)
        raise InputErrors(
            f"{source}: {count} problem{'s' if count != 1 else ''} in the units file", problems
        )
    return units
