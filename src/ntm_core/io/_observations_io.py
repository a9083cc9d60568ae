"""Read observations from CSV, JSON, Excel and Python records into exact columns.

The readers accept the two documented layouts and values as people type
them, convert every value once into the indicator's canonical unit as an
exact fraction, and either return a complete :class:`Observations` or raise
every problem of the input at once. Nothing is returned partially.

Work is done column by column: a column's unit (from the header, or each
distinct string of a long file's ``unit`` column) is parsed by pint once and
turned into an exact integer factor. Each distinct cell text is parsed once
per file (a plain decimal by splitting its digits, anything else through
:class:`~decimal.Decimal`, never ``float``); a repeated text costs a dict lookup.
"""

from __future__ import annotations

import contextlib
import enum
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ntm_core._core.numbers import (
    BOUNDS,
    INT64_SAFE,
    MAX_DIGITS,
    NumberError,
    exact,
    parse_number,
)
from ntm_core._core.tables import Table, read_table, records_table
from ntm_core._core.text import nfc as _nfc
from ntm_core.engine._catalog import IndicatorCatalog
from ntm_core.engine._observations import ATTRIBUTES, Column, Observations
from ntm_core.exceptions import (
    DataError,
    InputError,
    InputErrors,
    UnitMismatchError,
    UnknownIndicatorError,
)
from ntm_core.rules._model import Indicator, IndicatorKind
from ntm_core.units import parse_unit, to_canonical

__all__ = ["observations_from_records", "read_observations", "read_units"]

UnitsTable = Mapping[str, Mapping[str, str]]
"""Unit attributes by unit code, as :func:`read_units` returns them."""

_CODE = "unit_code"
_PERIOD = "period"
_ID_ALIASES = {"unit_code": _CODE, "code": _CODE, "period": _PERIOD, "year": _PERIOD}
_LONG_ONLY = ("indicator", "value", "unit", "source")
_UNITS_PARENTS = ("parent_code", "district_code", "province_code")

_WIDE_EXPECTED = "unit_code (or code), period (or year) and one column per indicator"
_LONG_EXPECTED = "unit_code, period, indicator, value[, unit][, source]"

# Years outside this range are typing errors, not assessment periods.
_FIRST_YEAR, _LAST_YEAR = 1900, 2100
# Longer cells go to the careful parser, which bounds every number's size.
_FAST_LENGTH = MAX_DIGITS
IntArray = npt.NDArray[np.int64] | npt.NDArray[np.object_]
_POWERS_OF_TEN = tuple(10**k for k in range(31))

_YES = ("đạt", "dat", "x", "có", "co", "yes", "true", "1")
_NO = ("không đạt", "khong dat", "chưa đạt", "chua dat", "không", "khong", "no", "false", "0")
_YES_NO_EXPECTED = "yes or no (Đạt/Không đạt, có/không, x, yes/no, true/false, 1/0)"


def _yes_no_table() -> dict[str, bool]:
    """Yes/no words, casefolded NFC, plus the spellings people usually type."""
    table: dict[str, bool] = {}
    for words, meaning in ((_YES, True), (_NO, False)):
        for word in words:
            for variant in (word, word.upper(), word.capitalize(), word.title()):
                table[unicodedata.normalize("NFC", variant)] = meaning
    return table


_YES_NO = _yes_no_table()
# Slot per spelling for the column-wise reader: 0 empty, 1 yes, 2 no.
_YES_NO_SLOTS: dict[object, int] = {"": 0}
_YES_NO_SLOTS.update((word, 1 if yes else 2) for word, yes in _YES_NO.items())

_HEADER_UNIT = re.compile(r"^(?P<name>.*?)\s*\[(?P<unit>[^\[\]]*)\]$", re.DOTALL)
_YEAR = re.compile(r"^\d{4}$")
_COUNTS = re.compile(r"^([-+]?\d+)\s*/\s*([-+]?\d+)$")
_NUMBER_AND_UNIT = re.compile(r"^([-+]?[\d.,]*\d(?:[eE][-+]?\d+)?)\s*(.*)$", re.DOTALL)


# ---------------------------------------------------------------- cells


def _missing(value: object) -> bool:
    """``None``, a float NaN (pandas writes one for a blank), ``pd.NA`` or ``NaT``: not observed."""
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    return type(value).__name__ in {"NAType", "NaTType"}


class _CellError(Exception):
    """A cell cannot be read: what was expected and why not."""

    def __init__(self, expected: str, reason: str | None = None) -> None:
        super().__init__(expected, reason)
        self.expected = expected
        self.reason = reason


def _problem(
    error: _CellError, *, source: str | None, row: int | None, column: str, value: object
) -> InputError:
    message = f"expected {error.expected}, got {value!r}"
    if error.reason:
        message += f" ({error.reason})"
    return InputError(message, source=source, row=row, column=column, value=value)


def _exact(value: object) -> Fraction | None:
    """An exact fraction for a number (not bool); ``None`` if not a number.

    Raises:
        _CellError: If the number is not finite or out of bounds.
    """
    try:
        return exact(value)
    except NumberError as err:
        raise _CellError("a number", err.reason) from None


def _whole(value: object) -> int | None:
    """``value`` as an int if it is a whole number (not bool), else ``None``."""
    exact = _exact(value)
    return exact.numerator if exact is not None and exact.denominator == 1 else None


def _text(value: object) -> str | None:
    """An identifier or attribute as NFC text, ``None`` when empty.

    Raises:
        _CellError: If the value is not text or a whole number.
    """
    if _missing(value):
        return None
    if isinstance(value, str):
        return _nfc(value) or None
    if isinstance(value, enum.Enum) and isinstance(value.value, str):
        return value.value
    exact = _exact(value)
    if exact is not None and exact.denominator == 1:
        return str(exact.numerator)
    raise _CellError("text")


def _year(value: object) -> int | None:
    """An assessment year, ``None`` when empty.

    Raises:
        _CellError: If the value is not a four-digit year.
    """
    expected = f"a year between {_FIRST_YEAR} and {_LAST_YEAR}, such as 2024"
    if _missing(value):
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if not _YEAR.match(text):
            raise _CellError(expected)
        year = int(text)
    else:
        exact = _exact(value)
        if exact is None or exact.denominator != 1:
            raise _CellError(expected)
        year = exact.numerator
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise _CellError(expected)
    return year


def _detect_decimal_comma(columns: Iterable[Sequence[object]]) -> bool:
    """Whether the text cells of numeric columns use a decimal comma.

    Each cell with a separator votes by its *last* separator: ``45,5`` and
    ``1.234,5`` vote comma, ``45.5`` and ``1,234.5`` vote point. The file uses
    a decimal comma when at least one cell votes comma and none votes point.
    """
    comma = False
    for cells in columns:
        strings = [c for c in cells if isinstance(c, str)]
        joined = "\x1f".join(strings)
        has_comma, has_point = "," in joined, "." in joined
        if has_point and not has_comma:
            return False
        if not has_comma:
            continue
        if not has_point:
            comma = True
            continue
        for cell in strings:
            if cell.rfind(",") < cell.rfind("."):
                return False
            if "," in cell:
                comma = True
    return comma


class _Values:
    """Values already read from texts, shared by columns of one kind, unit and factor.

    Each distinct text is parsed once; a cell then costs one dict lookup and
    the column is gathered with numpy. Values live in int lists indexed by
    slot (slot 0 is "not observed"), so the cache holds no per-value objects
    for the garbage collector to scan.
    """

    __slots__ = ("_den_array", "_num_array", "dens", "nums", "slots")

    def __init__(self) -> None:
        self.slots: dict[object, int] = {"": 0}
        self.nums: list[int] = [0]
        self.dens: list[int] = [1]
        self._num_array: IntArray = np.zeros(0, dtype=np.int64)
        self._den_array: IntArray = np.zeros(0, dtype=np.int64)

    def add(self, value: tuple[int, int]) -> int:
        """Store a value; return its slot."""
        self.nums.append(value[0])
        self.dens.append(value[1])
        return len(self.nums) - 1

    def gather(self, slots: list[int]) -> tuple[IntArray, IntArray, npt.NDArray[np.bool_]]:
        """Numerators, denominators and presence of the values in ``slots``."""
        done = len(self._num_array)
        if done < len(self.nums):
            self._num_array = _concat(self._num_array, _int_array(self.nums[done:]))
            self._den_array = _concat(self._den_array, _int_array(self.dens[done:]))
        index = np.array(slots, dtype=np.intp)
        return self._num_array[index], self._den_array[index], index != 0


class _ColumnReader:
    """Turns the cells of one indicator into exact values in its canonical unit."""

    def __init__(
        self,
        indicator: Indicator,
        *,
        column: str,
        source: str | None,
        decimal_comma: bool,
        unit_column: str | None = None,
    ) -> None:
        self.indicator = indicator
        self.unit_column = unit_column
        self.key = indicator.key
        self.kind = indicator.kind
        self.column = column
        self.source = source
        self.decimal_comma = decimal_comma
        self.canonical = indicator.unit or ("percent" if self.kind is IndicatorKind.RATIO else "")
        self._factors: dict[str, tuple[int, int] | _CellError] = {}
        self._separator = "," if decimal_comma else "."
        self.ratio = self.kind is IndicatorKind.RATIO
        self._upper = (0, 1)
        self._share = (1, 1)
        if self.ratio:
            # 100 percent and the dimensionless share, in the canonical unit.
            hundred = to_canonical(100, self.canonical, field=self.key, unit="percent")
            self._upper = (hundred.numerator, hundred.denominator)
            share = to_canonical(1, self.canonical, field=self.key, unit="dimensionless")
            self._share = (share.numerator, share.denominator)
        self._percent: tuple[int, int] | None = None
        if self.kind is not IndicatorKind.BOOLEAN:
            # If "85%" cannot be a value of this indicator, the slow path says why.
            with contextlib.suppress(_CellError):
                self._percent = self.factor("%")
        if self.kind is IndicatorKind.BOOLEAN:
            self.expected = _YES_NO_EXPECTED
        elif self.ratio:
            self.expected = (
                f"a share in {self.canonical} between 0 and 100 "
                "(85, 85% or counts such as 850/1000)"
            )
        else:
            self.expected = f"a non-negative number in {self.canonical or 'dimensionless'}"

    # -- units

    def factor(self, unit: str) -> tuple[int, int]:
        """The exact factor from ``unit`` to the canonical unit, parsed once per string.

        Raises:
            _CellError: If the unit is unknown or of another dimension.
        """
        found = self._factors.get(unit)
        if found is None:
            found = self._factors[unit] = self._compute_factor(_nfc(unit))
        if isinstance(found, _CellError):
            raise found
        return found

    def _compute_factor(self, unit: str) -> tuple[int, int] | _CellError:
        if not unit:
            return (1, 1)
        if self.kind is IndicatorKind.BOOLEAN:
            return _CellError("no unit for a yes/no indicator")
        expected = f"a unit convertible to {self.canonical}"
        try:
            parse_unit(unit)
            factor = to_canonical(1, self.canonical, field=self.key, unit=unit)
        except UnitMismatchError as err:  # a ValueError too: catch it first
            return _CellError(expected, err.reason)
        except ValueError:
            return _CellError(expected, f"unknown unit {unit!r}")
        return (factor.numerator, factor.denominator)

    # -- cells

    def read(
        self,
        cells: Sequence[object],
        rows: Sequence[int],
        *,
        default: tuple[int, int] = (1, 1),
        units: Sequence[object] | None = None,
        cache: _Values | None = None,
    ) -> tuple[IntArray, IntArray, npt.NDArray[np.bool_], list[InputError]]:
        """Parse ``cells`` (bare numbers in ``default`` factor, or per-cell ``units``).

        ``cache`` holds texts already read; readers with the same kind, unit
        and factor may share one (a file's percentages repeat across columns).

        Returns:
            Numerators, denominators, presence, and the problems found.
        """
        if units is not None:
            return self._read_with_units(cells, rows, units)
        if self.kind is IndicatorKind.BOOLEAN:
            return self._read_yes_no(cells, rows)
        return self._read_numbers(cells, rows, default, _Values() if cache is None else cache)

    def _read_with_units(
        self, cells: Sequence[object], rows: Sequence[int], units: Sequence[object]
    ) -> tuple[IntArray, IntArray, npt.NDArray[np.bool_], list[InputError]]:
        """A long file's values, read in groups of the same unit (parsed once per group)."""
        size = len(cells)
        num: IntArray = np.zeros(size, dtype=np.int64)
        den: IntArray = np.ones(size, dtype=np.int64)
        present = np.zeros(size, dtype=bool)
        problems: list[InputError] = []
        by_unit: dict[str, list[int]] = {}
        for index, unit in enumerate(units):
            by_unit.setdefault(unit if isinstance(unit, str) else "", []).append(index)
        for unit, indices in by_unit.items():
            try:
                factor = self.factor(unit)
            except _CellError as err:
                column = self.unit_column or self.column
                problems.extend(
                    _problem(err, source=self.source, row=rows[i], column=column, value=unit)
                    for i in indices
                )
                continue
            part_num, part_den, part_present, part_problems = self.read(
                [cells[i] for i in indices], [rows[i] for i in indices], default=factor
            )
            problems.extend(part_problems)
            num, den = _widen(num, part_num), _widen(den, part_den)
            num[indices], den[indices], present[indices] = part_num, part_den, part_present
        return num, den, present, problems

    def _read_yes_no(
        self, cells: Sequence[object], rows: Sequence[int]
    ) -> tuple[IntArray, IntArray, npt.NDArray[np.bool_], list[InputError]]:
        problems: list[InputError] = []
        # Most cells are one of a few spellings: one dict lookup each.
        get = _YES_NO_SLOTS.get
        try:
            slots = list(map(get, cells))
        except TypeError:  # an unhashable value from Python records
            slots = [get(cell) if type(cell) is str else None for cell in cells]
        for index in [i for i, slot in enumerate(slots) if slot is None]:
            try:
                answer = self._yes_no(cells[index])
            except _CellError as err:
                problems.append(self._problem(err, rows[index], cells[index]))
                answer = None
            slots[index] = 0 if answer is None else 1 if answer else 2
        answers = np.array(slots, dtype=np.int8)
        num = np.asarray(answers == 1).astype(np.int64)
        return num, np.ones(len(slots), dtype=np.int64), np.asarray(answers != 0), problems

    def _yes_no(self, cell: object) -> bool | None:
        if _missing(cell):
            return None
        if isinstance(cell, str):
            text = cell.strip()
            if not text:
                return None
            answer = _YES_NO.get(unicodedata.normalize("NFC", text).casefold())
            if answer is None:
                raise _CellError(self.expected)
            return answer
        if isinstance(cell, bool):
            return cell
        exact = _exact(cell)
        if exact in {0, 1}:
            return exact == 1
        raise _CellError(self.expected)

    def _read_numbers(
        self,
        cells: Sequence[object],
        rows: Sequence[int],
        factor: tuple[int, int],
        cache: _Values,
    ) -> tuple[IntArray, IntArray, npt.NDArray[np.bool_], list[InputError]]:
        # Column-wise: one dict lookup per cell; only texts not seen before are parsed.
        get = cache.slots.get
        try:
            found = list(map(get, cells))
        except TypeError:  # an unhashable value from Python records
            found = [get(cell) if type(cell) is str else None for cell in cells]
        problems: list[InputError] = []
        for index in [i for i, slot in enumerate(found) if slot is None]:
            cell = cells[index]
            try:
                value = self._cell(cell, factor)
            except _CellError as err:
                problems.append(self._problem(err, rows[index], cell))
                found[index] = 0
                continue
            found[index] = slot = 0 if value is None else cache.add(value)
            if type(cell) is str:
                cache.slots[cell] = slot
        slots: list[int] = found  # type: ignore[assignment]  # every None was replaced
        return (*cache.gather(slots), problems)

    def _cell(self, cell: object, factor: tuple[int, int]) -> tuple[int, int] | None:
        """One cell in the canonical unit, checked; ``None`` if empty (not observed).

        Raises:
            _CellError: If the cell is not a value of this indicator.
        """
        if _missing(cell):
            return None
        if type(cell) is str:
            text = cell.strip()
            if not text:
                return None
            if self.ratio and "/" in text:
                pair = self._fast_counts(text)
            elif text[-1] == "%":
                pair = self._fast_percent(text)
            else:
                pair = self._plain(text, factor)
            if pair is not None:
                return pair
        return self._canonical(cell, factor)

    def _plain(self, text: str, factor: tuple[int, int]) -> tuple[int, int] | None:
        """A plain, valid decimal (``85.37``) in the column's unit; else ``None``.

        The pair may not be in lowest terms; :func:`_column` reduces whole columns.
        """
        if len(text) > _FAST_LENGTH:
            return None
        point = text.find(self._separator)
        try:
            if point < 0:
                num, den = int(text), 1
            else:
                fraction = text[point + 1 :]
                if not fraction.isdigit() or len(fraction) >= len(_POWERS_OF_TEN):
                    return None
                num, den = int(text[:point] + fraction), _POWERS_OF_TEN[len(fraction)]
        except ValueError:
            return None
        num, den = num * factor[0], den * factor[1]
        if num < 0 or (self.ratio and num * self._upper[1] > self._upper[0] * den):
            return None
        return num, den

    def _fast_counts(self, text: str) -> tuple[int, int] | None:
        """Valid counts (``850/1000``) as a share; else ``None`` (the slow path says why)."""
        if len(text) > _FAST_LENGTH:
            return None
        top, _, bottom = text.partition("/")
        try:
            # int() allows the blanks around "850 / 1000" and rejects anything else.
            num, den = int(top), int(bottom)
        except ValueError:
            return None
        if num < 0 or den <= 0 or num > den:
            return None
        return num * self._share[0], den * self._share[1]

    def _fast_percent(self, text: str) -> tuple[int, int] | None:
        """A valid percentage (``85.5%``); else ``None`` (the slow path says why)."""
        if self._percent is None:
            return None
        return self._plain(text[:-1].rstrip(), self._percent)

    def _canonical(self, cell: object, factor: tuple[int, int]) -> tuple[int, int]:
        """Any cell, in the canonical unit, checked; ``factor`` converts a bare number.

        Raises:
            _CellError: If the cell is not a value of this indicator.
        """
        (num, den), (factor_num, factor_den) = self._magnitude(cell, factor)
        num, den = num * factor_num, den * factor_den
        if num < 0:
            raise _CellError(self.expected, "must not be negative")
        if self.ratio and num * self._upper[1] > self._upper[0] * den:
            raise _CellError(self.expected, "a share cannot exceed 100 percent")
        return num, den

    def _magnitude(
        self, cell: object, factor: tuple[int, int]
    ) -> tuple[tuple[int, int], tuple[int, int]]:
        """The magnitude of a cell and the factor that turns it into the canonical unit."""
        if isinstance(cell, str):
            return self._magnitude_text(cell.strip(), factor)
        if isinstance(cell, bool):
            raise _CellError(self.expected)
        if isinstance(cell, tuple):
            counts = cell if len(cell) == 2 else (None, None)
            return self._counts(*counts), (1, 1)
        exact = _exact(cell)
        if exact is not None:
            return (exact.numerator, exact.denominator), factor
        if hasattr(cell, "magnitude") and hasattr(cell, "units"):
            # A pint quantity, possibly from another registry: read it by name.
            exact = _exact(cell.magnitude)
            if exact is None:
                raise _CellError(self.expected, "not a finite number")
            return (exact.numerator, exact.denominator), self.factor(str(cell.units))
        raise _CellError(self.expected)

    def _magnitude_text(
        self, text: str, factor: tuple[int, int]
    ) -> tuple[tuple[int, int], tuple[int, int]]:
        if len(text) > 4 * MAX_DIGITS:
            raise _CellError(self.expected, f"too long: {BOUNDS}")
        counts = _COUNTS.match(text) if "/" in text else None
        if counts is not None:
            return self._counts(int(counts.group(1)), int(counts.group(2))), (1, 1)
        match = _NUMBER_AND_UNIT.match(text)
        if match is None:
            raise _CellError(self.expected, "not a number")
        number, unit = match.group(1), match.group(2).strip()
        pair = self._number(number)
        return pair, (self.factor(unit) if unit else factor)

    def _number(self, text: str) -> tuple[int, int]:
        """A decimal with separators as the file uses them, exactly."""
        try:
            value = parse_number(text, decimal_comma=self.decimal_comma)
        except NumberError as err:
            raise _CellError(self.expected, _separator_hint(err.reason)) from None
        return value.numerator, value.denominator

    def _counts(self, numerator: object, denominator: object) -> tuple[int, int]:
        """``numerator/denominator`` counts as a share, in the canonical unit."""
        expected = "counts 'numerator/denominator' with 0 ≤ numerator ≤ denominator"
        if not self.ratio:
            raise _CellError(self.expected, "counts are only for ratio indicators")
        top, bottom = _whole(numerator), _whole(denominator)
        if top is None or bottom is None:
            raise _CellError(expected, "two whole numbers")
        if bottom <= 0:
            raise _CellError(expected, "the denominator must be greater than 0")
        if top < 0:
            raise _CellError(expected, "counts must not be negative")
        if top > bottom:
            raise _CellError(expected, "the numerator exceeds the denominator")
        return top * self._share[0], bottom * self._share[1]

    def _problem(self, error: _CellError, row: int, value: object) -> InputError:
        return _problem(error, source=self.source, row=row, column=self.column, value=value)


def _separator_hint(reason: str) -> str:
    """The parser's reason, with the reader's option that fixes a separator mix-up."""
    if "decimal comma" in reason or "group thousands" in reason:
        return (
            "this file uses decimal commas; pass decimal_comma=False "
            "if ',' groups thousands (1,234.5)"
            if "more than one" in reason
            else f"this file uses decimal commas: {reason.removeprefix('with decimal commas, ')}"
        )
    if "decimal separator" in reason:
        return (
            "',' is not the decimal separator of this file; "
            "pass decimal_comma=True if it uses decimal commas"
        )
    return reason


# ---------------------------------------------------------------- columns


def _int_array(values: Sequence[int]) -> IntArray:
    """int64 when every value fits comfortably, else exact Python ints."""
    try:
        array = np.array(values, dtype=np.int64)
    except OverflowError:
        pass
    else:
        if not len(array) or int(np.abs(array).max()) < INT64_SAFE:
            return array
    exact = np.empty(len(values), dtype=object)
    exact[:] = list(values)
    return exact


def _concat(first: IntArray, second: IntArray) -> IntArray:
    if first.dtype == second.dtype:
        return np.concatenate([first, second])
    return np.concatenate([first.astype(object), second.astype(object)])


def _widen(target: IntArray, part: IntArray) -> IntArray:
    """``target``, as exact Python ints if ``part`` needs them."""
    if part.dtype == np.object_ and target.dtype != np.object_:
        return target.astype(object)
    return target


def _column(
    key: str, kind: IndicatorKind, num: IntArray, den: IntArray, present: npt.NDArray[np.bool_]
) -> Column:
    """A column in lowest terms (the readers leave ``85.50`` as 8550/100 until here)."""
    if kind is IndicatorKind.BOOLEAN:
        pass
    elif num.dtype == np.int64 and den.dtype == np.int64:
        common = np.gcd(num, den)
        num, den = num // common, den // common
    else:
        pairs = [Fraction(int(n), int(d)) for n, d in zip(num, den, strict=True)]
        num = _int_array([p.numerator for p in pairs])
        den = _int_array([p.denominator for p in pairs])
    return Column(key=key, kind=kind, num=num, den=den, present=present)


def _unknown_indicator(
    name: str, catalog: IndicatorCatalog, *, source: str | None, row: int | None, column: str
) -> UnknownIndicatorError:
    suggestion = catalog.suggest(name)
    message = f"unknown indicator {name!r}"
    if suggestion is not None:
        message += f" (did you mean {suggestion!r}?)"
    else:
        message += "; expected an indicator key or legal code of the rule sets in use"
    return UnknownIndicatorError(message, source=source, row=row, column=column, value=name)


def _resolve(catalog: IndicatorCatalog, name: str) -> Indicator | None:
    found = catalog.resolve(name)
    if found is None and name != name.casefold():
        found = catalog.resolve(name.casefold())
    return found


class _Group:
    """The values a long table gives for one indicator, with their output rows."""

    __slots__ = ("cells", "indicator", "rows", "targets", "units")

    def __init__(self, indicator: Indicator) -> None:
        self.indicator = indicator
        self.targets: list[int] = []
        self.cells: list[object] = []
        self.units: list[object] = []
        self.rows: list[int] = []

    def add(self, *, target: int, cell: object, unit: str, row: int) -> None:
        """One value for output row ``target``, read from source row ``row``."""
        self.targets.append(target)
        self.cells.append(cell)
        self.units.append(unit)
        self.rows.append(row)


class _Builder:
    """Checks and assembles one table into :class:`Observations`."""

    def __init__(
        self,
        table: Table,
        *,
        catalog: IndicatorCatalog,
        decimal_comma: bool | None,
        units: UnitsTable | None,
    ) -> None:
        self.table = table
        self.catalog = catalog
        self.decimal_comma = decimal_comma
        self.units = units
        self.source = table.source
        self.problems: list[InputError] = list(table.problems)

    def bad(self, message: str, *, row: int | None, column: str | None, value: object) -> None:
        self.problems.append(
            InputError(message, source=self.source, row=row, column=column, value=value)
        )

    def bad_cell(self, error: _CellError, *, row: int | None, column: str, value: object) -> None:
        self.problems.append(
            _problem(error, source=self.source, row=row, column=column, value=value)
        )

    # -- layout

    def build(self) -> Observations:
        folded = [name.casefold() for name in self.table.header]
        roles = [_ID_ALIASES.get(name) for name in folded]
        if _CODE not in roles or _PERIOD not in roles:
            found = ", ".join(repr(n) for n in self.table.header if n) or "none"
            raise DataError(
                "neither layout: expected the long layout's columns "
                f"{_LONG_EXPECTED}, or the wide layout's {_WIDE_EXPECTED}; found {found}",
                source=self.source,
            )
        if "indicator" in folded and "value" in folded:
            observations = self._long(folded)
        else:
            observations = self._wide(folded)
        if self.problems:
            problems = sorted(self.problems, key=lambda p: -1 if p.row is None else p.row)
            count = len(problems)
            where = f"{self.source}: " if self.source else ""
            raise InputErrors(
                f"{where}{count} problem{'s' if count != 1 else ''} in the observations", problems
            )
        return observations

    def _claim(self, seen: dict[str, str], role: str, name: str) -> bool:
        """Whether ``name`` is the first column for ``role``; reports a duplicate otherwise."""
        if role in seen:
            same = "" if role.casefold() == name.casefold() else f" (both mean {role!r})"
            self.bad(
                f"column {name!r} repeats column {seen[role]!r}{same}",
                row=self.table.header_row,
                column=name,
                value=name,
            )
            return False
        seen[role] = name
        return True

    def _empty_column(self, index: int) -> None:
        """An unnamed column: fine (and ignored) when empty, a problem otherwise."""
        cells = self.table.columns[index]
        if any(c is not None and (not isinstance(c, str) or c.strip()) for c in cells):
            self.bad(
                "a column without a name holds values",
                row=self.table.header_row,
                column=f"#{index + 1}",
                value=None,
            )

    def _ids(self, code_index: int, period_index: int) -> tuple[list[str], list[int]]:
        """The unit code and period of every row, reporting missing or bad ones."""
        codes: list[str] = []
        periods: list[int] = []
        code_name = self.table.header[code_index]
        period_name = self.table.header[period_index]
        years: dict[str, int | _CellError | None] = {}  # a file has few distinct periods
        for row, code_cell, period_cell in zip(
            self.table.rows,
            self.table.columns[code_index],
            self.table.columns[period_index],
            strict=True,
        ):
            code: str | None
            try:
                code = _text(code_cell)
            except _CellError:
                code = None
                self.bad_cell(_CellError("a unit code"), row=row, column=code_name, value=code_cell)
            else:
                if code is None:
                    self.bad("missing unit code", row=row, column=code_name, value=None)
            year: int | _CellError | None
            if type(period_cell) is str and period_cell in years:
                year = years[period_cell]
            else:
                try:
                    year = _year(period_cell)
                except _CellError as err:
                    year = err
                if type(period_cell) is str:
                    years[period_cell] = year
            if isinstance(year, _CellError):
                self.bad_cell(year, row=row, column=period_name, value=period_cell)
                year = None
            elif year is None:
                self.bad(
                    "missing period (the assessment year)", row=row, column=period_name, value=None
                )
            codes.append(code or "")
            periods.append(year or 0)
        return codes, periods

    def _detect(self, columns: Iterable[Sequence[object]]) -> bool:
        if self.decimal_comma is not None:
            return self.decimal_comma
        return _detect_decimal_comma(columns)

    # -- wide

    def _wide(self, folded: list[str]) -> Observations:
        table = self.table
        header_row = table.header_row
        seen: dict[str, str] = {}
        id_index: dict[str, int] = {}
        attribute_index: dict[str, int] = {}
        indicators: list[tuple[int, Indicator, str | None]] = []
        for index, (name, fold) in enumerate(zip(table.header, folded, strict=True)):
            if not name:
                self._empty_column(index)
                continue
            role = _ID_ALIASES.get(fold)
            if role is not None:
                if self._claim(seen, role, name):
                    id_index[role] = index
                continue
            if fold in ATTRIBUTES:
                if self._claim(seen, fold, name):
                    attribute_index[fold] = index
                continue
            bare, unit = name, None
            match = _HEADER_UNIT.match(name)
            if match is not None:
                bare, unit = match.group("name").strip(), match.group("unit").strip()
            indicator = _resolve(self.catalog, bare)
            if indicator is None:
                self.problems.append(
                    _unknown_indicator(
                        bare, self.catalog, source=self.source, row=header_row, column=name
                    )
                )
                continue
            if self._claim(seen, indicator.key, name):
                indicators.append((index, indicator, unit))

        codes, periods = self._ids(id_index[_CODE], id_index[_PERIOD])
        self._duplicates(codes, periods, table.header[id_index[_CODE]])

        comma = self._detect(
            table.columns[index]
            for index, indicator, _ in indicators
            if indicator.kind is not IndicatorKind.BOOLEAN
        )
        columns: dict[str, Column] = {}
        # Columns of the same kind, unit and factor share parsed texts ("85.5", "Đạt").
        caches: dict[tuple[IndicatorKind, str, tuple[int, int]], _Values] = {}
        for index, indicator, unit in indicators:
            name = table.header[index]
            reader = _ColumnReader(indicator, column=name, source=self.source, decimal_comma=comma)
            try:
                default = reader.factor(unit or "")
            except _CellError as err:
                # One problem for the header, not one per cell.
                self.bad_cell(err, row=header_row, column=name, value=unit)
                continue
            cache = caches.setdefault((indicator.kind, reader.canonical, default), _Values())
            num, den, present, problems = reader.read(
                table.columns[index], table.rows, default=default, cache=cache
            )
            self.problems.extend(problems)
            columns[indicator.key] = _column(indicator.key, indicator.kind, num, den, present)

        given: dict[str, list[str | None]] = {}
        for attribute, index in attribute_index.items():
            given[attribute] = self._attribute_cells(table.header[index], table.columns[index])
        return Observations(
            codes=codes,
            periods=periods,
            columns=columns,
            attributes=self._attributes(codes, given),
            source=self.source,
        )

    def _attribute_cells(self, name: str, cells: Sequence[object]) -> list[str | None]:
        values: list[str | None] = []
        for row, cell in zip(self.table.rows, cells, strict=True):
            try:
                values.append(_text(cell))
            except _CellError as err:
                self.bad_cell(err, row=row, column=name, value=cell)
                values.append(None)
        return values

    def _duplicates(self, codes: Sequence[str], periods: Sequence[int], column: str) -> None:
        keys = [f"{code}\x1f{period}" for code, period in zip(codes, periods, strict=True)]
        if len(set(keys)) == len(keys):
            return
        first: dict[tuple[str, int], int] = {}
        for row, code, period in zip(self.table.rows, codes, periods, strict=True):
            if not code or not period:
                continue
            earlier = first.setdefault((code, period), row)
            if earlier != row:
                self.bad(
                    f"unit {code!r} is listed twice for {period}: rows {earlier} and {row}",
                    row=row,
                    column=column,
                    value=code,
                )

    def _attributes(
        self, codes: Sequence[str], given: dict[str, list[str | None]]
    ) -> dict[str, list[str | None]]:
        """Attributes from the data, completed from the units table (the data win)."""
        out: dict[str, list[str | None]] = {}
        for attribute in ATTRIBUTES:
            values = given.get(attribute, [None] * len(codes))
            if self.units:
                values = [
                    value if value is not None else (self.units.get(code) or {}).get(attribute)
                    for code, value in zip(codes, values, strict=True)
                ]
            if any(v is not None for v in values):
                out[attribute] = values
        return out

    # -- long

    def _long_header(self, folded: list[str]) -> dict[str, int]:
        """The index of each known column of a long table; other columns are problems."""
        table = self.table
        seen: dict[str, str] = {}
        index_of: dict[str, int] = {}
        for index, (name, fold) in enumerate(zip(table.header, folded, strict=True)):
            if not name:
                self._empty_column(index)
                continue
            role = _ID_ALIASES.get(fold, fold)
            if role in {_CODE, _PERIOD, *_LONG_ONLY, *ATTRIBUTES}:
                if self._claim(seen, role, name):
                    index_of[role] = index
                continue
            self.bad(
                f"unknown column {name!r} in the long layout; expected {_LONG_EXPECTED} "
                f"and optionally {', '.join(ATTRIBUTES)}",
                row=table.header_row,
                column=name,
                value=name,
            )
        return index_of

    def _long_indicator(
        self,
        raw: object,
        row: int,
        column: str,
        cache: dict[str, tuple[Indicator | None, str, str]],
    ) -> tuple[Indicator, str] | None:
        """The indicator (and a unit in brackets) a long row names, or ``None`` if bad."""
        name = _nfc(raw) if isinstance(raw, str) else ""
        if not name:
            self.bad("missing indicator", row=row, column=column, value=raw)
            return None
        entry = cache.get(name)
        if entry is None:
            bare, unit = name, ""
            match = _HEADER_UNIT.match(name)
            if match is not None:
                bare, unit = match.group("name").strip(), match.group("unit").strip()
            entry = cache[name] = (_resolve(self.catalog, bare), bare, unit)
        found, bare, unit = entry
        if found is None:
            self.problems.append(
                _unknown_indicator(bare, self.catalog, source=self.source, row=row, column=column)
            )
            return None
        return found, unit

    def _long(self, folded: list[str]) -> Observations:
        table = self.table
        index_of = self._long_header(folded)
        codes, periods = self._ids(index_of[_CODE], index_of[_PERIOD])
        indicator_name = table.header[index_of["indicator"]]
        indicator_cells = table.columns[index_of["indicator"]]
        value_cells = table.columns[index_of["value"]]
        unit_cells = table.columns[index_of["unit"]] if "unit" in index_of else None

        out_index: dict[tuple[str, int], int] = {}
        first_row: dict[tuple[str, int, str], int] = {}
        cache: dict[str, tuple[Indicator | None, str, str]] = {}
        groups: dict[str, _Group] = {}
        row_out: list[int] = []
        for index, row in enumerate(table.rows):
            ident = (codes[index], periods[index])
            target = out_index.get(ident)
            if target is None and all(ident):
                target = out_index[ident] = len(out_index)
            row_out.append(-1 if target is None else target)
            named = self._long_indicator(indicator_cells[index], row, indicator_name, cache)
            if named is None or target is None:
                continue
            indicator, named_unit = named
            earlier = first_row.setdefault((*ident, indicator.key), row)
            if earlier != row:
                self.bad(
                    f"unit {ident[0]!r} has {indicator.key!r} twice for {ident[1]}: "
                    f"rows {earlier} and {row}",
                    row=row,
                    column=indicator_name,
                    value=indicator_cells[index],
                )
                continue
            unit = unit_cells[index] if unit_cells is not None else None
            groups.setdefault(indicator.key, _Group(indicator)).add(
                target=target,
                cell=value_cells[index],
                unit=unit if isinstance(unit, str) and unit.strip() else named_unit,
                row=row,
            )

        out_codes = [code for code, _ in out_index]
        given: dict[str, list[str | None]] = {}
        for attribute in ATTRIBUTES:
            if attribute in index_of:
                name = table.header[index_of[attribute]]
                values = self._attribute_cells(name, table.columns[index_of[attribute]])
                given[attribute] = self._merge_long(name, values, row_out, len(out_codes))
        return Observations(
            codes=out_codes,
            periods=[period for _, period in out_index],
            columns=self._long_columns(groups, index_of, len(out_codes)),
            attributes=self._attributes(out_codes, given),
            source=self.source,
        )

    def _long_columns(
        self, groups: Mapping[str, _Group], index_of: Mapping[str, int], size: int
    ) -> dict[str, Column]:
        """Parse each indicator's values and spread them over the output rows."""
        comma = self._detect(
            group.cells
            for group in groups.values()
            if group.indicator.kind is not IndicatorKind.BOOLEAN
        )
        value_name = self.table.header[index_of["value"]]
        unit_name = self.table.header[index_of["unit"]] if "unit" in index_of else None
        columns: dict[str, Column] = {}
        for key, group in groups.items():
            reader = _ColumnReader(
                group.indicator,
                column=value_name,
                source=self.source,
                decimal_comma=comma,
                unit_column=unit_name,
            )
            num, den, present, problems = reader.read(group.cells, group.rows, units=group.units)
            self.problems.extend(problems)
            all_num = _widen(np.zeros(size, dtype=np.int64), num)
            all_den = _widen(np.ones(size, dtype=np.int64), den)
            all_present = np.zeros(size, dtype=bool)
            targets = np.array(group.targets, dtype=np.intp)
            all_num[targets], all_den[targets], all_present[targets] = num, den, present
            columns[key] = _column(key, group.indicator.kind, all_num, all_den, all_present)
        return columns

    def _merge_long(
        self, name: str, values: list[str | None], row_out: list[int], n_out: int
    ) -> list[str | None]:
        """One attribute value per unit and period; different values in two rows are a problem."""
        merged: list[str | None] = [None] * n_out
        where: list[int] = [0] * n_out
        for row, value, target in zip(self.table.rows, values, row_out, strict=True):
            if value is None or target < 0:
                continue
            if merged[target] is None:
                merged[target], where[target] = value, row
            elif merged[target] != value:
                self.bad(
                    f"{name} is {merged[target]!r} in row {where[target]} "
                    f"but {value!r} here, for the same unit and period",
                    row=row,
                    column=name,
                    value=value,
                )
        return merged


# ---------------------------------------------------------------- public


def _units_table(units: str | os.PathLike[str] | UnitsTable | None) -> UnitsTable | None:
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
    table = read_table(file, source)
    return _Builder(
        table, catalog=catalog, decimal_comma=decimal_comma, units=_units_table(units)
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
    table = records_table(records, source=source)
    return _Builder(
        table, catalog=catalog, decimal_comma=decimal_comma, units=_units_table(units)
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
            text = _text(cell)
        except _CellError as err:
            column = table.header[index]
            problems.append(_problem(err, source=table.source, row=row, column=column, value=cell))
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
