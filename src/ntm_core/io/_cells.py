"""One cell of a table: an exact number, a yes/no answer, a year, an identifier.

The readers call these for cells they cannot read on a fast path. Each either
returns the value (``None`` for an empty cell: not observed, never zero) or
raises :class:`CellError` saying what was expected and why not; the column
reader turns that into an :class:`~ntm_core.exceptions.InputError` naming the
file, row and column. Numbers go through the one bounded parser
(:mod:`ntm_core._core.numbers`).
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable, Sequence
from fractions import Fraction

import numpy as np

from ntm_core._core.numbers import NumberError, exact
from ntm_core._core.text import nfc
from ntm_core.exceptions import InputError

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "YES_NO_EXPECTED",
    "YES_NO_SLOTS",
    "CellError",
    "cell_problem",
    "detect_decimal_comma",
    "exact_cell",
    "missing",
    "separator_hint",
    "text_value",
    "whole",
    "year_value",
    "yes_no",
]

# Years outside this range are typing errors, not assessment periods.
FIRST_YEAR, LAST_YEAR = 1900, 2100

_YES = ("đạt", "dat", "x", "có", "co", "yes", "true", "1")
_NO = ("không đạt", "khong dat", "chưa đạt", "chua dat", "không", "khong", "no", "false", "0")
YES_NO_EXPECTED = "yes or no (Đạt/Không đạt, có/không, x, yes/no, true/false, 1/0)"


def _yes_no_table() -> dict[str, bool]:
    """Yes/no words, casefolded NFC, plus the spellings people usually type."""
    table: dict[str, bool] = {}
    for words, meaning in ((_YES, True), (_NO, False)):
        for word in words:
            for variant in (word, word.upper(), word.capitalize(), word.title()):
                table[unicodedata.normalize("NFC", variant)] = meaning
    return table


_YES_NO = _yes_no_table()
YES_NO_SLOTS: dict[object, int] = {"": 0}
"""Slot per spelling for the column-wise reader: 0 empty, 1 yes, 2 no."""
YES_NO_SLOTS.update((word, 1 if yes else 2) for word, yes in _YES_NO.items())

_YEAR = re.compile(r"^\d{4}$")


def missing(value: object) -> bool:
    """``None``, a float NaN (pandas writes one for a blank), ``pd.NA`` or ``NaT``: not observed."""
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    return type(value).__name__ in {"NAType", "NaTType"}


class CellError(Exception):
    """A cell cannot be read: what was expected and why not."""

    def __init__(self, expected: str, reason: str | None = None) -> None:
        super().__init__(expected, reason)
        self.expected = expected
        self.reason = reason


def cell_problem(
    error: CellError, *, source: str | None, row: int | None, column: str, value: object
) -> InputError:
    """The user's error for a cell: what was expected, what was got, and where."""
    message = f"expected {error.expected}, got {value!r}"
    if error.reason:
        message += f" ({error.reason})"
    return InputError(message, source=source, row=row, column=column, value=value)


def exact_cell(value: object) -> Fraction | None:
    """An exact fraction for a number (not bool); ``None`` if not a number.

    Raises:
        CellError: If the number is not finite or out of bounds.
    """
    try:
        return exact(value)
    except NumberError as err:
        raise CellError("a number", err.reason) from None


def whole(value: object) -> int | None:
    """``value`` as an int if it is a whole number (not bool), else ``None``."""
    exact = exact_cell(value)
    return exact.numerator if exact is not None and exact.denominator == 1 else None


def text_value(value: object) -> str | None:
    """An identifier or attribute as NFC text, ``None`` when empty.

    Raises:
        CellError: If the value is not text or a whole number.
    """
    if missing(value):
        return None
    if isinstance(value, str):
        return nfc(value) or None
    if isinstance(value, enum.Enum) and isinstance(value.value, str):
        return value.value
    exact = exact_cell(value)
    if exact is not None and exact.denominator == 1:
        return str(exact.numerator)
    raise CellError("text")


def year_value(value: object) -> int | None:
    """An assessment year, ``None`` when empty.

    Raises:
        CellError: If the value is not a four-digit year.
    """
    expected = f"a year between {FIRST_YEAR} and {LAST_YEAR}, such as 2024"
    if missing(value):
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if not _YEAR.match(text):
            raise CellError(expected)
        year = int(text)
    else:
        exact = exact_cell(value)
        if exact is None or exact.denominator != 1:
            raise CellError(expected)
        year = exact.numerator
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CellError(expected)
    return year


def detect_decimal_comma(columns: Iterable[Sequence[object]]) -> bool:
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


def separator_hint(reason: str) -> str:
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


def yes_no(cell: object) -> bool | None:
    """A yes/no cell: ``True``, ``False``, or ``None`` when empty.

    Raises:
        CellError: If the cell is not a yes/no word, a bool, 0 or 1.
    """
    if missing(cell):
        return None
    if isinstance(cell, str):
        text = cell.strip()
        if not text:
            return None
        answer = _YES_NO.get(unicodedata.normalize("NFC", text).casefold())
        if answer is None:
            raise CellError(YES_NO_EXPECTED)
        return answer
    if isinstance(cell, bool):
        return cell
    exact = exact_cell(cell)
    if exact in {0, 1}:
        return exact == 1
    raise CellError(YES_NO_EXPECTED)
