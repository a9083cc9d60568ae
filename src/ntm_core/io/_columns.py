"""The column reader: the cells of one indicator as exact values in its canonical unit.

Work is done column by column: a column's unit (from the header, or each
distinct string of a long file's ``unit`` column) is parsed by pint once and
turned into an exact integer factor. Each distinct cell text is parsed once
per file (a plain decimal by splitting its digits, anything else through the
one bounded parser, never ``float``); a repeated text costs a dict lookup.
Values land in int64 arrays, or Python-int object arrays when they could
overflow.
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from ntm_core._core.numbers import BOUNDS, INT64_SAFE, MAX_DIGITS, NumberError, parse_number
from ntm_core._core.tables import ArrowColumn, arrow_mask, arrow_numpy
from ntm_core._core.text import nfc
from ntm_core.engine._observations import Column, float_scaled
from ntm_core.exceptions import InputError, UnitMismatchError
from ntm_core.io._cells import (
    YES_NO_EXPECTED,
    YES_NO_SLOTS,
    CellError,
    cell_problem,
    exact_cell,
    missing,
    separator_hint,
    whole,
    yes_no,
)
from ntm_core.rules._model import Indicator, IndicatorKind
from ntm_core.units import parse_unit, to_canonical

__all__ = ["ColumnReader", "IntArray", "ParsedValues", "exact_column", "int_array", "widen"]

IntArray = npt.NDArray[np.int64] | npt.NDArray[np.object_]
"""Numerators or denominators: int64, or exact Python ints when int64 could overflow."""

# Longer cells go to the careful parser, which bounds every number's size.
_FAST_LENGTH = MAX_DIGITS
# Columns with this many distinct texts read their plain decimals column-wise.
_VECTOR_TEXTS = 256
# A plain decimal of at most 18 digits (below 10**18, so an int64), as four shapes.
_PLAIN = (
    r"^[0-9]{1,18}$|^[0-9]{1,15}[.][0-9]{1,3}$|^[0-9]{1,9}[.][0-9]{1,9}$|^[0-9]{1,3}[.][0-9]{1,15}$"
)
# A product estimated in floats below 2**61 is below 2**62 exactly: int64 with room.
_VECTOR_BOUND = float(2**61)
_POWERS_OF_TEN = tuple(10**k for k in range(31))
_COUNTS = re.compile(r"^([-+]?\d+)\s*/\s*([-+]?\d+)$")
_NUMBER_AND_UNIT = re.compile(r"^([-+]?[\d.,]*\d(?:[eE][-+]?\d+)?)\s*(.*)$", re.DOTALL)


class ParsedValues:
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
            self._num_array = _concat(self._num_array, int_array(self.nums[done:]))
            self._den_array = _concat(self._den_array, int_array(self.dens[done:]))
        index = np.array(slots, dtype=np.intp)
        return self._num_array[index], self._den_array[index], index != 0


class ColumnReader:
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
        self._factors: dict[str, tuple[int, int] | CellError] = {}
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
            with contextlib.suppress(CellError):
                self._percent = self.factor("%")
        if self.kind is IndicatorKind.BOOLEAN:
            self.expected = YES_NO_EXPECTED
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
            CellError: If the unit is unknown or of another dimension.
        """
        found = self._factors.get(unit)
        if found is None:
            found = self._factors[unit] = self._compute_factor(nfc(unit))
        if isinstance(found, CellError):
            raise found
        return found

    def _compute_factor(self, unit: str) -> tuple[int, int] | CellError:
        if not unit:
            return (1, 1)
        if self.kind is IndicatorKind.BOOLEAN:
            return CellError("no unit for a yes/no indicator")
        expected = f"a unit convertible to {self.canonical}"
        try:
            parse_unit(unit)
            factor = to_canonical(1, self.canonical, field=self.key, unit=unit)
        except UnitMismatchError as err:  # a ValueError too: catch it first
            return CellError(expected, err.reason)
        except ValueError:
            return CellError(expected, f"unknown unit {unit!r}")
        return (factor.numerator, factor.denominator)

    # -- cells

    def read(
        self,
        cells: Sequence[object],
        rows: Sequence[int],
        *,
        default: tuple[int, int] = (1, 1),
        units: Sequence[object] | None = None,
        cache: ParsedValues | None = None,
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
        return self._read_numbers(cells, rows, default, ParsedValues() if cache is None else cache)

    def read_column(
        self,
        cells: ArrowColumn,
        rows: Sequence[int],
        *,
        default: tuple[int, int] = (1, 1),
        cache: ParsedValues | None = None,
    ) -> tuple[Column, list[InputError]]:
        """The column of a CSV file read by pyarrow: each distinct text read once.

        The same values and problems as :meth:`read` of the cells, followed by
        :func:`exact_column`; the common denominator is found among the
        distinct values, and plain decimals are read without Python per text
        (:meth:`plain_texts`).
        """
        import pyarrow.compute as pc

        codes = cells.codes()
        size = len(cells.dictionary)
        if self.kind is IndicatorKind.BOOLEAN or size < _VECTOR_TEXTS:
            num, den, present, found = self.read(
                cells.distinct(), range(size), default=default, cache=cache
            )
        else:
            num, den, fast = self.plain_texts(cells.dictionary, default)
            rest = np.flatnonzero(~fast)
            present = fast.copy()
            texts = pc.filter(cells.dictionary, arrow_mask(~fast)).to_pylist()
            part_num, part_den, part_present, found = self.read(
                texts, rest.tolist(), default=default, cache=cache
            )
            num, den = widen(num, part_num), widen(den, part_den)
            num[rest], den[rest], present[rest] = part_num, part_den, part_present
        problems: list[InputError] = []
        for problem in found:  # a bad distinct text: one problem per row that has it
            assert problem.row is not None  # noqa: S101 - positions were given
            problems.extend(
                InputError(problem.message, source=self.source, row=rows[index],
                           column=self.column, value=problem.value)
                for index in np.flatnonzero(codes == problem.row).tolist()
            )  # fmt: skip
        problems.sort(key=lambda problem: problem.row or 0)
        # Only texts some row holds count (the header's text is among them, in no row).
        used = present & (np.bincount(codes, minlength=size) > 0)
        column = distinct_column(self.key, self.kind, num=num, den=den, present=used, codes=codes)
        return column, problems

    def plain_texts(
        self,
        texts: Any,  # noqa: ANN401 - a pyarrow array; pyarrow is imported lazily
        factor: tuple[int, int],
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
        """Plain decimals among ``texts`` (a pyarrow string array), read column-wise.

        A text of ASCII digits with at most one decimal separator inside
        (``85``, ``85.37``; ``85,37`` with a decimal comma), at most 18 digits
        in all (:data:`_PLAIN`), is read as :meth:`_plain` reads it: the digits
        without the separator over ``10**decimals``, times the unit's factor.
        Integer arithmetic only, so nothing is rounded; a value whose
        numerator or denominator could leave int64, or a share above 100
        percent, and any other text (``85%``, ``850/1000``, ``1e3``, ``-5``,
        blanks) are left for :meth:`read` (``fast`` False).

        Returns:
            Numerators, denominators (1 where not fast) and ``fast``.
        """
        import pyarrow as pa
        import pyarrow.compute as pc

        # Compute functions with options only: a pyarrow scalar made from Python imports pandas.
        pattern = _PLAIN.replace("[.]", f"[{self._separator}]")
        matched = pc.match_substring_regex(texts, pattern)
        accepted = arrow_numpy(matched)
        digits = pc.replace_substring(pc.filter(texts, matched), self._separator, "")
        num = np.zeros(len(texts), dtype=np.int64)
        num[accepted] = arrow_numpy(pc.cast(digits, pa.int64()))
        point = arrow_numpy(pc.find_substring(texts, self._separator)).astype(np.int64)
        places = np.where(point < 0, 0, arrow_numpy(pc.binary_length(texts)) - point - 1)
        den = np.asarray(_POWERS_OF_TEN[:19], dtype=np.int64)[np.where(accepted, places, 0)]
        return self._checked(num, den, accepted, factor)

    def _checked(
        self,
        num: npt.NDArray[np.int64],
        den: npt.NDArray[np.int64],
        accepted: npt.NDArray[np.bool_],
        factor: tuple[int, int],
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
        """Magnitudes times the unit's factor, checked as :meth:`_canonical` checks them.

        ``accepted`` is narrowed to the values that are not negative, not a
        share above 100 percent, and whose products provably stay in int64
        (the others are left to the careful path, which says what is wrong).
        """
        factor_num, factor_den = factor
        if max(factor_num, factor_den, *self._upper) >= INT64_SAFE:  # no product fits
            return np.zeros_like(num), np.ones_like(den), np.zeros_like(accepted)
        # Products are estimated in floats first; only those far inside int64 are made.
        accepted = accepted & (num >= 0)
        accepted &= (np.abs(num) * float(factor_num) < _VECTOR_BOUND) & (
            den * float(factor_den) < _VECTOR_BOUND
        )
        num = np.where(accepted, num, 0) * factor_num
        den = np.where(accepted, den, 1) * factor_den
        if self.ratio:
            top, bottom = self._upper
            accepted &= (num * float(bottom) < _VECTOR_BOUND) & (den * float(top) < _VECTOR_BOUND)
            safe_num, safe_den = np.where(accepted, num, 0), np.where(accepted, den, 1)
            accepted &= safe_num * bottom <= top * safe_den
        return np.where(accepted, num, 0), np.where(accepted, den, 1), accepted

    def read_typed(
        self,
        cells: Sequence[object],
        rows: Sequence[int],
        *,
        default: tuple[int, int] = (1, 1),
        types: set[type] | None = None,
    ) -> tuple[Column, list[InputError]] | None:
        """A column of Python numbers (``int``, ``float``) or ``bool``, read with numpy.

        The same column and problems as :meth:`read` and :func:`exact_column`:
        floats are read by their shortest decimal (:func:`float_scaled`), and
        every value numpy cannot take (too large, too many digits, negative,
        a share above 100 percent) is read one by one by :meth:`read`.
        ``None`` (and NaN) is not observed. Any other column returns ``None``.
        ``types`` are the types of the cells, if known.
        """
        kinds_all = set(map(type, cells)) if types is None else types
        kinds = kinds_all - {type(None)}
        if self.kind is IndicatorKind.BOOLEAN:
            if not kinds <= {bool}:
                return None
            answers = np.array(cells, dtype=np.float64)  # bools or None: 1, 0 or NaN
            present = ~np.isnan(answers)
            yes = answers == 1
            return Column.from_scaled(self.key, self.kind, yes, scale=1, present=present), []
        if not kinds <= {int, float}:
            return None
        try:  # ints, floats or None (NaN): numpy reads each as a float
            values = np.array(cells, dtype=np.float64)
        except OverflowError:  # an int beyond floats: the careful path
            return None
        present = ~np.isnan(values)
        num, den, found = float_scaled(values)
        num, den, accepted = self._checked(num, den, found, default)
        rest = np.flatnonzero(present & ~accepted)
        problems: list[InputError] = []
        all_num: IntArray = num
        all_den: IntArray = den
        # The denominators are 10**k times the factor's: which k occur, without sorting.
        places = np.rint(np.log10(den[accepted] // default[1])).astype(np.intp)
        dens = {10**k * default[1] for k in np.flatnonzero(np.bincount(places)).tolist()}
        if len(rest):
            part_num, part_den, part_present, problems = self._read_numbers(
                [cells[i] for i in rest.tolist()], [rows[i] for i in rest.tolist()],
                default, ParsedValues(),
            )  # fmt: skip
            all_num, all_den = widen(all_num, part_num), widen(all_den, part_den)
            all_num[rest], all_den[rest], present[rest] = part_num, part_den, part_present
            dens.update(int(d) for d in part_den[part_present])
        return scaled_column(self.key, self.kind, all_num, all_den, present, dens), problems

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
            except CellError as err:
                column = self.unit_column or self.column
                problems.extend(
                    cell_problem(err, source=self.source, row=rows[i], column=column, value=unit)
                    for i in indices
                )
                continue
            part_num, part_den, part_present, part_problems = self.read(
                [cells[i] for i in indices], [rows[i] for i in indices], default=factor
            )
            problems.extend(part_problems)
            num, den = widen(num, part_num), widen(den, part_den)
            num[indices], den[indices], present[indices] = part_num, part_den, part_present
        return num, den, present, problems

    def _read_yes_no(
        self, cells: Sequence[object], rows: Sequence[int]
    ) -> tuple[IntArray, IntArray, npt.NDArray[np.bool_], list[InputError]]:
        problems: list[InputError] = []
        # Most cells are one of a few spellings: one dict lookup each.
        get = YES_NO_SLOTS.get
        try:
            slots = list(map(get, cells))
        except TypeError:  # an unhashable value from Python records
            slots = [get(cell) if type(cell) is str else None for cell in cells]
        for index in [i for i, slot in enumerate(slots) if slot is None]:
            try:
                answer = yes_no(cells[index])
            except CellError as err:
                problems.append(self._problem(err, rows[index], cells[index]))
                answer = None
            slots[index] = 0 if answer is None else 1 if answer else 2
        answers = np.array(slots, dtype=np.int8)
        num = np.asarray(answers == 1).astype(np.int64)
        return num, np.ones(len(slots), dtype=np.int64), np.asarray(answers != 0), problems

    def _read_numbers(
        self,
        cells: Sequence[object],
        rows: Sequence[int],
        factor: tuple[int, int],
        cache: ParsedValues,
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
            except CellError as err:
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
            CellError: If the cell is not a value of this indicator.
        """
        if missing(cell):
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

        The pair may not be in lowest terms; :func:`exact_column` reduces whole columns.
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
            CellError: If the cell is not a value of this indicator.
        """
        (num, den), (factor_num, factor_den) = self._magnitude(cell, factor)
        num, den = num * factor_num, den * factor_den
        if num < 0:
            raise CellError(self.expected, "must not be negative")
        if self.ratio and num * self._upper[1] > self._upper[0] * den:
            raise CellError(self.expected, "a share cannot exceed 100 percent")
        return num, den

    def _magnitude(
        self, cell: object, factor: tuple[int, int]
    ) -> tuple[tuple[int, int], tuple[int, int]]:
        """The magnitude of a cell and the factor that turns it into the canonical unit."""
        if isinstance(cell, str):
            return self._magnitude_text(cell.strip(), factor)
        if isinstance(cell, bool):
            raise CellError(self.expected)
        if isinstance(cell, tuple):
            counts = cell if len(cell) == 2 else (None, None)
            return self._counts(*counts), (1, 1)
        exact = exact_cell(cell)
        if exact is not None:
            return (exact.numerator, exact.denominator), factor
        if hasattr(cell, "magnitude") and hasattr(cell, "units"):
            # A pint quantity, possibly from another registry: read it by name.
            exact = exact_cell(cell.magnitude)
            if exact is None:
                raise CellError(self.expected, "not a finite number")
            return (exact.numerator, exact.denominator), self.factor(str(cell.units))
        raise CellError(self.expected)

    def _magnitude_text(
        self, text: str, factor: tuple[int, int]
    ) -> tuple[tuple[int, int], tuple[int, int]]:
        if len(text) > 4 * MAX_DIGITS:
            raise CellError(self.expected, f"too long: {BOUNDS}")
        counts = _COUNTS.match(text) if "/" in text else None
        if counts is not None:
            return self._counts(int(counts.group(1)), int(counts.group(2))), (1, 1)
        match = _NUMBER_AND_UNIT.match(text)
        if match is None:
            raise CellError(self.expected, "not a number")
        number, unit = match.group(1), match.group(2).strip()
        pair = self._number(number)
        return pair, (self.factor(unit) if unit else factor)

    def _number(self, text: str) -> tuple[int, int]:
        """A decimal with separators as the file uses them, exactly."""
        try:
            value = parse_number(text, decimal_comma=self.decimal_comma)
        except NumberError as err:
            raise CellError(self.expected, separator_hint(err.reason)) from None
        return value.numerator, value.denominator

    def _counts(self, numerator: object, denominator: object) -> tuple[int, int]:
        """``numerator/denominator`` counts as a share, in the canonical unit."""
        expected = "counts 'numerator/denominator' with 0 ≤ numerator ≤ denominator"
        if not self.ratio:
            raise CellError(self.expected, "counts are only for ratio indicators")
        top, bottom = whole(numerator), whole(denominator)
        if top is None or bottom is None:
            raise CellError(expected, "two whole numbers")
        if bottom <= 0:
            raise CellError(expected, "the denominator must be greater than 0")
        if top < 0:
            raise CellError(expected, "counts must not be negative")
        if top > bottom:
            raise CellError(expected, "the numerator exceeds the denominator")
        return top * self._share[0], bottom * self._share[1]

    def _problem(self, error: CellError, row: int, value: object) -> InputError:
        return cell_problem(error, source=self.source, row=row, column=self.column, value=value)


def int_array(values: Sequence[int]) -> IntArray:
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


def distinct_column(
    key: str,
    kind: IndicatorKind,
    *,
    num: IntArray,
    den: IntArray,
    present: npt.NDArray[np.bool_],
    codes: npt.NDArray[np.intp] | npt.NDArray[np.int32],
) -> Column:
    """:func:`exact_column` of ``num[codes]``, ``den[codes]``, ``present[codes]``, faster.

    The rows hold distinct values (their positions are ``codes``), so the
    common denominator is found among the distinct values.

    ``present`` must be False for values no row holds.
    """
    if kind is IndicatorKind.BOOLEAN:
        return Column.from_scaled(key, kind, num[codes], scale=1, present=present[codes])
    if num.dtype == np.int64 and den.dtype == np.int64:
        common = np.gcd(num, den)
        num, den = num // common, den // common
        # The least common multiple of the denominators in use, as exact_column's Column finds it.
        scale = 1
        for value in np.unique(den[present]).tolist():
            scale = scale * value // math.gcd(scale, value)
            if scale >= INT64_SAFE:
                break
        else:
            factor = np.where(present, scale // den, 0)
            if not (np.abs(num) > (INT64_SAFE - 1) // np.maximum(factor, 1)).any():
                return Column.from_scaled(
                    key, kind, (num * factor)[codes], scale=scale, present=present[codes]
                )
    return exact_column(key, kind, num[codes], den[codes], present[codes])


def scaled_column(  # noqa: PLR0917 - the arrays of a column, and its denominators
    key: str,
    kind: IndicatorKind,
    num: IntArray,
    den: IntArray,
    present: npt.NDArray[np.bool_],
    dens: Iterable[int],
) -> Column:
    """:func:`exact_column`, faster, given every denominator of a present value (``dens``).

    ``dens`` is usually a few powers of ten.
    The common denominator of the reduced values is ``D / gcd(D, s_1, ..., s_n)``
    for any common multiple ``D`` of the denominators and ``s_i = num_i * D / den_i``
    (it divides ``D``, and every reduced denominator divides it), which is what
    :class:`~ntm_core.engine.Column` finds value by value.
    """
    if num.dtype == np.int64 and den.dtype == np.int64:
        common = 1
        for value in dens:
            common = common * value // math.gcd(common, value)
        if common < INT64_SAFE:
            factor = np.where(present, common // np.where(present, den, 1), 0)
            estimate = np.abs(num) * factor.astype(np.float64)
            if not (estimate >= float(2**61)).any():
                scaled = num * factor
                divisor = math.gcd(common, int(np.gcd.reduce(scaled)) if len(scaled) else 0)
                return Column.from_scaled(
                    key, kind, scaled // divisor, scale=common // divisor, present=present
                )
    return exact_column(key, kind, num, den, present)


def widen(target: IntArray, part: IntArray) -> IntArray:
    """``target``, as exact Python ints if ``part`` needs them."""
    if part.dtype == np.object_ and target.dtype != np.object_:
        return target.astype(object)
    return target


def exact_column(
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
        num = int_array([p.numerator for p in pairs])
        den = int_array([p.denominator for p in pairs])
    return Column(key=key, kind=kind, num=num, den=den, present=present)
