"""Observations from a pandas DataFrame or an Arrow table, column by column.

No per-value Python on the common paths: a numeric column (integers, floats,
booleans, pandas' nullable dtypes, Arrow's numeric types) becomes scaled
integers with array operations; a text column is factorised (each distinct
text read once by the same cell reader as files, then gathered with numpy).
Missing values — ``None``, ``NaN``, ``pd.NA``, Arrow nulls — are not
observed, never zero. Every bad cell is still reported, by 1-based row
position and column name.

A float is read as the shortest decimal that round-trips (``0.1`` is 1/10, as
:func:`~ntm_core.io.observations_from_records` reads it). A float column is
kept as it is (:meth:`Column.from_floats <ntm_core.engine.Column.from_floats>`):
the engine compares it with thresholds exactly, one float comparison each, so
reading it is checking it (no negative, infinite or out-of-range value, no
share over 100 percent) in a few array passes. With pandas 3 (copy-on-write)
the column is not even copied: the observations hold the frame's read-only
view and a pandas object that keeps writes to the frame from reaching it.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from ntm_core._core.optional import require
from ntm_core._core.tables import Table
from ntm_core.engine._catalog import IndicatorCatalog
from ntm_core.engine._observations import (
    ATTRIBUTES,
    SCALED_LIMIT,
    Column,
    Observations,
    flag_column,
    float_bounds,
    float_column,
    float_threshold,
)
from ntm_core.exceptions import DataError, InputError, InputErrors
from ntm_core.io._builder import (
    HEADER_UNIT,
    ID_ALIASES,
    TableBuilder,
    resolve_indicator,
    unknown_indicator,
)
from ntm_core.io._cells import CellError, detect_decimal_comma, text_value, year_value
from ntm_core.io._columns import ColumnReader, exact_column
from ntm_core.io._read import units_table
from ntm_core.rules._model import Indicator, IndicatorKind

__all__ = ["is_frame", "observations_from_frame"]

_TOO_LARGE = 1e31
_TOO_SMALL = 1e-30
"""Magnitudes the one number parser accepts: from 1e-30 (or 0) up to, not including, 1e31."""
_FIRST_YEAR, _LAST_YEAR = 1900, 2100
_LONG = ("indicator", "value")

BoolArray = npt.NDArray[np.bool_]


def is_frame(value: object) -> bool:
    """Whether ``value`` is a pandas DataFrame or an Arrow table / record batch (no import)."""
    module = type(value).__module__
    if module.startswith("pandas"):
        return hasattr(value, "columns") and hasattr(value, "dtypes")
    if module.startswith("pyarrow"):
        return hasattr(value, "column_names") and hasattr(value, "num_rows")
    return False


class _Cells:
    """One column of a frame: numbers (with a missing mask) or factorised text.

    ``kind`` is ``"bool"``, ``"int"``, ``"float"`` or ``"text"``. For text,
    ``codes`` index ``uniques`` (-1 missing); otherwise ``values`` is a numpy
    array and ``missing`` a mask (``None`` when nothing is missing; floats:
    NaN is missing, found on demand). ``owner`` keeps a read-only view of a
    frame's memory from changing (pandas' copy-on-write), or is ``None`` when
    ``values`` is this reader's own array.
    """

    __slots__ = ("codes", "kind", "missing", "owner", "uniques", "values")

    def __init__(
        self,
        kind: str,
        *,
        values: npt.NDArray[Any] | None = None,
        missing: BoolArray | None = None,
        codes: npt.NDArray[np.intp] | None = None,
        uniques: Sequence[object] = (),
        owner: object = None,
    ) -> None:
        self.kind = kind
        self.values = values
        self.missing = missing
        self.codes = codes
        self.uniques = list(uniques)
        self.owner = owner

    def gaps(self) -> BoolArray | None:
        """The missing mask (``None``: nothing is missing)."""
        if self.kind == "float" and self.missing is None:
            assert self.values is not None  # noqa: S101 - numeric columns always have values
            nan = np.isnan(self.values)
            return nan if nan.any() else None
        return self.missing

    def rows_needed(self, indicator: Indicator) -> int:
        """How many kept masks reading this column as ``indicator`` makes."""
        if self.kind == "text":
            return 0
        if indicator.kind is IndicatorKind.BOOLEAN:
            return 2  # presence and values
        return 1 if self.kind == "float" else 0

    def present_into(self, out: BoolArray) -> BoolArray:
        """The presence of a numeric column, written into ``out``."""
        gaps = self.gaps()
        if gaps is None:
            out.fill(True)  # noqa: FBT003 - numpy's fill takes the value positionally
            return out
        return np.logical_not(gaps, out=out)

    def present(self, size: int) -> BoolArray:
        if self.kind == "text":
            assert self.codes is not None  # noqa: S101 - text columns always have codes
            return np.asarray(self.codes >= 0)
        gaps = self.gaps()
        return np.ones(size, dtype=bool) if gaps is None else ~gaps

    def objects(self, size: int) -> list[object]:
        """Python cells, ``None`` where missing (for identifiers, attributes, long tables)."""
        if self.kind == "text":
            assert self.codes is not None  # noqa: S101
            table = np.empty(len(self.uniques) + 1, dtype=object)
            table[:-1] = self.uniques
            table[-1] = None
            return list(table[self.codes].tolist())
        assert self.values is not None  # noqa: S101
        cells: list[object] = self.values.tolist()
        gaps = self.gaps()
        if gaps is not None:
            for index in np.flatnonzero(gaps).tolist():
                cells[index] = None
        return cells


class _Rows:
    """Boolean rows of one allocation, for the masks the columns keep.

    One large allocation costs far less than many of a megabyte each: it is
    mapped in huge pages rather than page by page. The rows are given to
    the columns only, each marked read-only by the column that keeps it.
    """

    def __init__(self, count: int, size: int) -> None:
        self.block = np.empty((count, size), dtype=bool)
        self.size = size
        self.used = 0

    def take(self) -> BoolArray:
        if self.used == len(self.block):  # pragma: no cover - every row is counted first
            return np.empty(self.size, dtype=bool)
        self.used += 1
        row: BoolArray = self.block[self.used - 1]
        return row


# ---------------------------------------------------------------- frame → cells


def _factorised(values: npt.NDArray[Any], missing: BoolArray) -> _Cells:
    """Text cells as codes into their distinct values (pandas' hash table when it is there)."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - the Arrow path without pandas
        index: dict[object, int] = {}
        codes = np.fromiter(
            (
                -1 if gone else index.setdefault(v, len(index))
                for v, gone in zip(values.tolist(), missing.tolist(), strict=True)
            ),
            dtype=np.intp,
            count=len(values),
        )
        return _Cells("text", codes=codes, uniques=list(index))
    codes, uniques = pd.factorize(pd.Series(values, dtype=object).where(~missing, None))
    return _Cells("text", codes=np.asarray(codes, dtype=np.intp), uniques=list(uniques))


def _copy_on_write() -> bool:
    """Whether pandas keeps a frame's memory from changing under a view handed out (pandas ≥ 3)."""
    import pandas as pd

    return int(pd.__version__.split(".", 1)[0]) >= 3


def _own(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """A read-only array of the reader's own: ``values`` if it is fresh, else a copy."""
    if values.base is not None or not values.flags.owndata:
        values = values.copy()
    values.flags.writeable = False
    return values


def _viewed(
    kind: str,
    values: npt.NDArray[Any],
    series: Any,  # noqa: ANN401 - pandas is imported lazily
    missing: BoolArray | None = None,
) -> _Cells:
    """Cells that keep a view of the frame's memory, safe while ``series`` is held.

    With copy-on-write (pandas 3), pandas copies the frame's memory before any
    write to it while another pandas object (``series``) refers to it. Without
    it, the values are copied.
    """
    if _copy_on_write():
        return _Cells(kind, values=values, missing=missing, owner=series)
    return _Cells(kind, values=_own(values), missing=missing)


def _masked_cells(series: Any) -> _Cells:  # noqa: ANN401 - pandas is imported lazily
    """The data and mask of pandas' nullable arrays, without the copies ``to_numpy()`` makes."""
    import pandas as pd

    array = series.array
    data, mask = np.asarray(array._data), np.asarray(array._mask, dtype=bool)
    gaps = mask if mask.any() else None
    if isinstance(array, pd.arrays.BooleanArray):
        # Yes/no values are kept as they are (the mask says which count), like floats.
        return _viewed("bool", data, series, gaps)
    if isinstance(array, pd.arrays.IntegerArray):
        return _Cells("int", values=data.astype(np.int64, copy=False), missing=gaps)
    floats = data.astype(np.float64)  # a copy of our own, NaN where missing
    floats[mask] = np.nan
    floats.flags.writeable = False
    return _Cells("float", values=floats)


def _pandas_cells(series: Any) -> _Cells:  # noqa: ANN401 - pandas is imported lazily
    import pandas as pd

    api = pd.api.types
    dtype = series.dtype
    array = series.array
    if isinstance(array, pd.arrays.BooleanArray | pd.arrays.IntegerArray | pd.arrays.FloatingArray):
        return _masked_cells(series)
    if dtype == np.float64:
        return _viewed("float", series.to_numpy(), series)
    missing = np.asarray(series.isna().to_numpy(), dtype=bool)
    gaps = missing if missing.any() else None
    if api.is_bool_dtype(dtype):
        return _viewed("bool", series.to_numpy(dtype=bool, na_value=False), series, gaps)
    if api.is_integer_dtype(dtype):
        return _Cells("int", values=series.to_numpy(dtype=np.int64, na_value=0), missing=gaps)
    if api.is_float_dtype(dtype):  # float32, float16: their float64 values, as before
        values = np.array(series.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)
        values[missing] = np.nan
        values.flags.writeable = False
        return _Cells("float", values=values)
    return _factorised(series.to_numpy(dtype=object), missing)


def _arrow_cells(column: Any) -> _Cells:  # noqa: ANN401 - pyarrow is imported lazily
    pa = require("pyarrow", feature="reading an Arrow table")
    kind = column.type
    missing = np.asarray(column.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    gaps = missing if missing.any() else None
    if pa.types.is_boolean(kind):
        values = column.fill_null(fill_value=False).to_numpy(zero_copy_only=False)
        return _Cells("bool", values=np.asarray(values, dtype=bool), missing=gaps)
    if pa.types.is_integer(kind):
        values = column.fill_null(0).to_numpy(zero_copy_only=False)
        return _Cells("int", values=np.asarray(values, dtype=np.int64), missing=gaps)
    if pa.types.is_floating(kind):
        values = np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.float64)
        if gaps is not None:
            values = np.where(missing, np.nan, values)
        if values.flags.writeable:
            return _Cells("float", values=_own(values))
        return _Cells("float", values=values, owner=column)  # a view of Arrow's immutable memory
    values = np.asarray(column.to_numpy(zero_copy_only=False), dtype=object)
    return _factorised(values, missing)


def _frame_columns(frame: Any) -> tuple[list[str], list[_Cells], int]:  # noqa: ANN401 - lazy
    """The header (NFC text), the cells of each column, and the number of rows."""
    if type(frame).__module__.startswith("pyarrow"):
        names = [str(n) for n in frame.column_names]
        return names, [_arrow_cells(frame.column(i)) for i in range(len(names))], frame.num_rows
    names = []
    for name in frame.columns:
        if not isinstance(name, str):
            msg = f"column names must be text, got {name!r}"
            raise DataError(msg, column=str(name), value=name)
        names.append(name)
    cells = [_pandas_cells(series) for _, series in frame.items()]
    return names, cells, len(frame)


# ---------------------------------------------------------------- numbers


class _NumberColumn:
    """Turns one numeric frame column into a :class:`Column`, checking every value."""

    def __init__(
        self,
        reader: ColumnReader,
        factor: tuple[int, int],
        problems: list[InputError],
        rows: _Rows,
    ) -> None:
        self.reader = reader
        self.factor = factor
        self.problems = problems
        self.rows = rows

    def bad(self, rows: npt.NDArray[np.intp], values: Sequence[object], reason: str | None) -> None:
        reader = self.reader
        for row, value in zip(rows.tolist(), values, strict=True):
            message = f"expected {reader.expected}, got {value!r}"
            if reason:
                message += f" ({reason})"
            self.problems.append(
                InputError(message, source=reader.source, row=row + 1, column=reader.column,
                           value=value)
            )  # fmt: skip

    def boolean(self, values: npt.NDArray[Any], present: BoolArray, owner: object) -> Column:
        reader = self.reader
        if values.dtype != bool:
            wrong = present & (values != 0) & (values != 1)
            if wrong.any():
                rows = np.flatnonzero(wrong)
                self.bad(rows, values[rows].tolist(), None)
                present = present & ~wrong
            values = values != 0
            values = np.logical_and(values, present, out=self.rows.take())
            owner = None
        # Values where ``present`` is false are not read (a column's contract).
        return flag_column(reader.key, reader.kind, values, present=present,
                           owner=(self.rows, owner))  # fmt: skip

    def floats(self, values: npt.NDArray[np.float64], owner: object) -> Column:
        """A float column kept as it is, once every observed value is checked.

        Two reductions check the whole column (no negative, infinite or
        out-of-range value, no share over 100 percent); a column that fails
        them is read value by value, which names every bad cell.
        """
        reader = self.reader
        factor = Fraction(*self.factor)
        column = float_column(reader.key, reader.kind, values, factor=factor, owner=owner,
                              present=self.rows.take())  # fmt: skip
        low, high = float_bounds(column) or (math.nan, math.nan)
        upper: float | None = math.inf
        if reader.ratio:
            upper = float_threshold(Fraction(*reader._upper) / factor)
        # NaN (nothing observed) passes every check: comparisons with it are false.
        fine = not (low < 0 or high >= _TOO_LARGE or upper is None or high > upper)
        if fine and low < _TOO_SMALL:
            fine = not np.logical_and(values > 0, values < _TOO_SMALL).any()
        if fine:
            return column
        present = ~np.isnan(values)
        infinite = present & np.isinf(values)
        if infinite.any():
            rows = np.flatnonzero(infinite)
            self.bad(rows, values[rows].tolist(), "not a finite number")
            present &= ~infinite
        objects: list[object] = [None] * len(values)
        for index in np.flatnonzero(present).tolist():
            objects[index] = float(values[index])
        return self.cells(objects)

    def scaled(self, integers: npt.NDArray[np.int64], scale: int, present: BoolArray) -> Column:
        """``integers / scale`` in the column's unit, converted and checked."""
        reader = self.reader
        num, den = self.factor
        if num != 1:
            limit = SCALED_LIMIT // num
            if np.abs(np.where(present, integers, 0)).max(initial=0) >= limit:
                return self.exact(integers, scale, present)
            integers = integers * num
        scale *= den
        checks = [(present & (integers < 0), "must not be negative")]
        if reader.ratio:
            top, bottom = reader._upper  # 100 percent in the canonical unit
            if top * scale < SCALED_LIMIT:
                over = present & (integers * bottom > top * scale)
                checks.append((over, "a share cannot exceed 100 percent"))
        for wrong, reason in checks:
            if wrong.any():
                rows = np.flatnonzero(wrong)
                original = (integers[rows] / scale * den / num).tolist()
                self.bad(rows, original, reason)
                present = present & ~wrong
        return Column.from_scaled(reader.key, reader.kind, integers, scale=scale, present=present)

    def exact(self, integers: npt.NDArray[np.int64], scale: int, present: BoolArray) -> Column:
        """Values too large for scaled int64: read one by one, exactly."""
        cells: list[object] = [None] * len(integers)
        for index in np.flatnonzero(present).tolist():
            cells[index] = (int(integers[index]), scale)
        return self.cells(cells)

    def cells(self, cells: Sequence[object]) -> Column:
        """Python cells through the file reader's path (rare: huge or many-digit numbers)."""
        reader = self.reader
        rows = list(range(1, len(cells) + 1))
        converted = [
            None if c is None else (c if not isinstance(c, tuple) else _fraction(c)) for c in cells
        ]
        num, den, present, problems = reader.read(converted, rows, default=self.factor)
        self.problems.extend(problems)
        return exact_column(reader.key, reader.kind, num, den, present)


def _fraction(pair: tuple[int, int]) -> object:
    from fractions import Fraction

    return Fraction(*pair)


def _indicator_column(
    cells: _Cells,
    reader: ColumnReader,
    factor: tuple[int, int],
    size: int,
    problems: list[InputError],
    *,
    masks: _Rows,
) -> Column:
    numbers = _NumberColumn(reader, factor, problems, masks)
    if cells.kind == "text":
        return _text_column(cells, reader, factor, problems)
    values = cells.values
    assert values is not None  # noqa: S101 - numeric columns always have values
    if cells.kind == "float" and reader.kind is not IndicatorKind.BOOLEAN:
        return numbers.floats(values, cells.owner)
    if reader.kind is IndicatorKind.BOOLEAN:
        return numbers.boolean(values, cells.present_into(masks.take()), cells.owner)
    present = cells.present(size)
    if cells.kind == "bool":
        rows = np.flatnonzero(present)
        numbers.bad(rows, values[rows].tolist(), "a yes/no value in a numeric column")
        return Column.from_scaled(reader.key, reader.kind, np.zeros(size, np.int64), scale=1,
                                  present=np.zeros(size, dtype=bool))  # fmt: skip
    if cells.kind == "int":
        return numbers.scaled(values.astype(np.int64, copy=False), 1, present)
    return numbers.floats(values, cells.owner)


def _text_column(
    cells: _Cells, reader: ColumnReader, factor: tuple[int, int], problems: list[InputError]
) -> Column:
    """Each distinct text read once by the file reader, then gathered for every row."""
    assert cells.codes is not None  # noqa: S101
    positions = list(range(len(cells.uniques)))
    num, den, present, found = reader.read(cells.uniques, positions, default=factor)
    for problem in found:  # a bad distinct text: one problem per row that has it
        assert problem.row is not None  # noqa: S101 - positions were given
        problems.extend(
            InputError(problem.message, source=reader.source, row=row + 1,
                       column=reader.column, value=problem.value)
            for row in np.flatnonzero(cells.codes == problem.row).tolist()
        )  # fmt: skip
    if not len(cells.uniques):
        size = len(cells.codes)
        return Column.from_scaled(reader.key, reader.kind, np.zeros(size, np.int64), scale=1,
                                  present=np.zeros(size, dtype=bool))  # fmt: skip
    take = np.where(cells.codes >= 0, cells.codes, 0)
    seen = (cells.codes >= 0) & present[take]
    return exact_column(reader.key, reader.kind, num[take], den[take], seen)


# ---------------------------------------------------------------- the builder


def _unit_codes(code: _Cells, size: int) -> tuple[npt.NDArray[Any], BoolArray]:
    """Unit codes (integers, or text objects) and the rows without a good one.

    No string is made per row: integer codes stay integers (their text is
    made when someone asks for it), and each distinct text code is read once.
    """
    if code.kind == "int":
        assert code.values is not None  # noqa: S101
        bad = code.missing if code.missing is not None else np.zeros(size, dtype=bool)
        return code.values, bad
    distinct = code.uniques if code.kind == "text" else code.objects(size)
    texts: list[str | None] = []
    for cell in distinct:
        try:
            texts.append(text_value(cell))
        except CellError:
            texts.append(None)
    table = np.empty(len(texts) + 1, dtype=object)
    table[:-1] = texts
    table[-1] = None  # code -1: missing
    missing = np.array([text is None for text in texts] + [True], dtype=bool)
    if code.kind != "text":
        return table[:-1], missing[:-1]
    assert code.codes is not None  # noqa: S101
    return table[code.codes], missing[code.codes]


def _years(period: _Cells, size: int) -> tuple[npt.NDArray[np.integer], list[int], list[object]]:
    """The year of every row (0 where bad), and the bad rows with their cells."""
    if period.kind == "int" and period.missing is None:
        assert period.values is not None  # noqa: S101
        years = period.values
        if not len(years) or (years.min() >= _FIRST_YEAR and years.max() <= _LAST_YEAR):
            # Years fit two bytes: a quarter of the memory, and a fresh array of our own.
            own = years.astype(np.int16)
            own.flags.writeable = False
            return own, [], []
        wrong = (years < _FIRST_YEAR) | (years > _LAST_YEAR)
        rows = np.flatnonzero(wrong)
        return np.where(wrong, 0, years), rows.tolist(), years[rows].tolist()
    found: list[int] = []
    bad_rows: list[int] = []
    cells: list[object] = []
    memo: dict[object, int | None] = {}
    for index, cell in enumerate(period.objects(size)):
        key = (type(cell), cell)
        if key not in memo:
            try:
                memo[key] = year_value(cell)
            except CellError:
                memo[key] = None
        year = memo[key]
        if year is None:
            bad_rows.append(index)
            cells.append(cell)
        found.append(year or 0)
    return np.array(found, dtype=np.int16), bad_rows, cells


def _ids(  # noqa: PLR0917 - private, called once
    code: _Cells, period: _Cells, names: tuple[str, str], size: int, source: str | None,
    problems: list[InputError],
) -> tuple[npt.NDArray[Any], npt.NDArray[np.integer]]:  # fmt: skip
    """Unit codes and periods (years) of every row, with a problem per bad cell."""
    codes, bad = _unit_codes(code, size)
    if bad.any():
        raw = code.objects(size)
        problems.extend(
            InputError("missing or bad unit code", source=source, row=index + 1,
                       column=names[0], value=raw[index])
            for index in np.flatnonzero(bad).tolist()
        )  # fmt: skip
    years, rows, cells = _years(period, size)
    expected = f"a year between {_FIRST_YEAR} and {_LAST_YEAR}, such as 2024"
    for row, cell in zip(rows, cells, strict=True):
        problems.append(
            InputError(f"expected {expected}, got {cell!r}", source=source, row=row + 1,
                       column=names[1], value=cell)
        )  # fmt: skip
    return codes, years


def _unique_numbers(codes: npt.NDArray[Any], periods: npt.NDArray[np.integer]) -> bool:
    """Whether integer codes and periods are unique pairs, decided with numpy alone."""
    if codes.dtype == object or not len(codes):
        return False
    if (codes[1:] > codes[:-1]).all():  # rows in order of code: nothing to sort
        return True
    if codes.min() < 0 or codes.max() >= 2**40:
        return False
    keys = np.sort(codes.astype(np.int64) * 1024 + (periods.astype(np.int64) - _FIRST_YEAR))
    return bool((keys[1:] != keys[:-1]).all())


def _duplicates(
    codes: npt.NDArray[Any], periods: npt.NDArray[np.integer], column: str, source: str | None,
    problems: list[InputError],
) -> None:  # fmt: skip
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - the Arrow path without pandas
        if len(set(zip(codes.tolist(), periods.tolist(), strict=True))) == len(codes):
            return
    else:
        if not pd.DataFrame({"c": codes, "p": periods}).duplicated().any():
            return
    texts = [None if c is None else str(c) for c in codes.tolist()]
    keys = list(zip(texts, periods.tolist(), strict=True))
    first: dict[tuple[str | None, int], int] = {}
    for index, key in enumerate(keys):
        if not key[0] or not key[1]:
            continue
        earlier = first.setdefault(key, index)
        if earlier != index:
            problems.append(
                InputError(
                    f"unit {key[0]!r} is listed twice for {key[1]}: "
                    f"rows {earlier + 1} and {index + 1}",
                    source=source, row=index + 1, column=column, value=key[0],
                )
            )  # fmt: skip


def observations_from_frame(
    frame: object,
    *,
    catalog: IndicatorCatalog,
    source: str | None = None,
    units: str | os.PathLike[str] | Mapping[str, Mapping[str, str]] | None = None,
    decimal_comma: bool | None = None,
) -> Observations:
    """Build observations from a pandas DataFrame or an Arrow table, column by column.

    The layouts, values and units are those of :func:`read_observations`;
    ``None``, ``NaN``, ``pd.NA`` and Arrow nulls are not observed. Numeric
    columns (any integer, float, boolean or nullable dtype) are converted
    with array operations; text columns are factorised, so each distinct
    text is read once. A float is read as its shortest decimal (``0.1`` is
    exactly 1/10).

    Args:
        frame: A ``pandas.DataFrame`` or a ``pyarrow.Table`` (or record batch).
        catalog: The indicators the columns may name.
        source: A name for the frame, used in messages.
        units: Unit attributes by code, or a units file, as for :func:`read_observations`.
        decimal_comma: As for :func:`read_observations`, for text columns.

    Returns:
        The observations, one row per unit and period, in frame order.

    Raises:
        DataError: If the frame is in neither layout.
        InputErrors: Of :class:`~ntm_core.exceptions.InputError`, one per
            problem; rows are the 1-based positions in the frame.

    .. versionadded:: 0.2.0
    """
    header, columns, size = _frame_columns(frame)
    folded = [name.casefold() for name in header]
    roles = [ID_ALIASES.get(name) for name in folded]
    if all(name in folded for name in _LONG) or "unit_code" not in roles or "period" not in roles:
        # The long layout (and any error about the layout) goes through the table reader.
        table = Table(
            header=header,
            columns=[c.objects(size) for c in columns],
            rows=list(range(1, size + 1)),
            header_row=None,
            source=source,
        )
        return TableBuilder(
            table, catalog=catalog, decimal_comma=decimal_comma, units=units_table(units)
        ).build()
    return _wide(header, folded, columns, size, catalog, source, units, decimal_comma)


@functools.lru_cache(maxsize=1024)
def _reader(indicator: Indicator, column: str, source: str | None, comma: bool) -> ColumnReader:  # noqa: FBT001 - private, cached by position
    """The column reader of an indicator's column (its units are parsed once, not per frame)."""
    return ColumnReader(indicator, column=column, source=source, decimal_comma=comma)


def _wide(  # noqa: PLR0912, PLR0915, PLR0917 - one branch per column role, as TableBuilder._wide
    header: list[str],
    folded: list[str],
    columns: list[_Cells],
    size: int,
    catalog: IndicatorCatalog,
    source: str | None,
    units: str | os.PathLike[str] | Mapping[str, Mapping[str, str]] | None,
    decimal_comma: bool | None,  # noqa: FBT001 - private, called once
) -> Observations:
    problems: list[InputError] = []
    ids: dict[str, int] = {}
    attributes: dict[str, int] = {}
    indicators: list[tuple[int, Indicator, str]] = []
    seen: dict[str, str] = {}
    for index, (name, fold) in enumerate(zip(header, folded, strict=True)):
        role = ID_ALIASES.get(fold) or (fold if fold in ATTRIBUTES else None)
        bare, unit = name, ""
        indicator = None
        if role is None:
            match = HEADER_UNIT.match(name)
            if match is not None:
                bare, unit = match.group("name").strip(), match.group("unit").strip()
            indicator = resolve_indicator(catalog, bare)
            if indicator is None:
                problems.append(unknown_indicator(bare, catalog, source=source, row=None,
                                                   column=name))  # fmt: skip
                continue
            role = indicator.key
        if role in seen:
            problems.append(InputError(f"column {name!r} repeats column {seen[role]!r}",
                                       source=source, column=name, value=name))  # fmt: skip
            continue
        seen[role] = name
        if indicator is not None:
            indicators.append((index, indicator, unit))
        elif role in ATTRIBUTES:
            attributes[role] = index
        else:
            ids[role] = index
    code_at, period_at = ids["unit_code"], ids["period"]
    codes, periods = _ids(columns[code_at], columns[period_at],
                          (header[code_at], header[period_at]), size, source, problems)  # fmt: skip
    if not _unique_numbers(codes, periods):
        _duplicates(codes, periods, header[code_at], source, problems)

    comma = decimal_comma
    if comma is None:
        comma = detect_decimal_comma(
            columns[i].uniques
            for i, indicator, _ in indicators
            if columns[i].kind == "text" and indicator.kind is not IndicatorKind.BOOLEAN
        )
    out: dict[str, Column] = {}
    masks = _Rows(sum(columns[i].rows_needed(indicator) for i, indicator, _ in indicators), size)
    for index, indicator, unit in indicators:
        reader = _reader(indicator, header[index], source, comma)
        try:
            factor = reader.factor(unit)
        except CellError as err:
            message = f"expected {err.expected}, got {unit!r}" + (
                f" ({err.reason})" if err.reason else ""
            )
            problems.append(InputError(message, source=source, column=header[index], value=unit))
            continue
        out[indicator.key] = _indicator_column(
            columns[index], reader, factor, size, problems, masks=masks
        )

    given: dict[str, list[str | None]] = {}
    for name, index in attributes.items():
        cells = columns[index]
        values: list[str | None] = []
        for row, cell in enumerate(cells.objects(size)):
            try:
                values.append(text_value(cell))
            except CellError:
                message = f"expected text, got {cell!r}"
                problems.append(InputError(message, source=source, row=row + 1,
                                           column=header[index], value=cell))  # fmt: skip
                values.append(None)
        given[name] = values
    if problems:
        problems.sort(key=lambda p: -1 if p.row is None else p.row)
        where = f"{source}: " if source else ""
        count = len(problems)
        raise InputErrors(
            f"{where}{count} problem{'s' if count != 1 else ''} in the observations", problems
        )
    table = units_table(units)
    filled: dict[str, list[str | None]] = {}
    for name in ATTRIBUTES:
        if name not in given and not table:
            continue
        values = given.get(name, [None] * size)
        if table:
            texts = list(map(str, codes.tolist())) if codes.dtype != object else codes.tolist()
            values = [
                value if value is not None else (table.get(code) or {}).get(name)
                for code, value in zip(texts, values, strict=True)
            ]
        if any(v is not None for v in values):
            filled[name] = values
    return Observations(codes=codes, periods=periods, columns=out, attributes=filled, source=source)
