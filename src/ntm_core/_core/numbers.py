"""Exact numbers: one parser for what people type, one formatter for text and JSON.

Every number the library accepts passes through here, so the bounds hold
everywhere: at most :data:`MAX_DIGITS` digits and a decimal exponent within
± :data:`MAX_EXPONENT`. Beyond them a value is a typing error, and refusing
it early keeps ``1e999999999`` from building a billion-digit integer.

>>> parse_number("1.234,5", decimal_comma=True)
Fraction(2469, 2)
>>> parse_number("850/1000")
Fraction(17, 20)
>>> decimal_text(Fraction(299, 10)), decimal_text(Fraction(1, 3))
('29.9', '1/3')
"""

from __future__ import annotations

import math
import numbers
import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

__all__ = [
    "INT64_SAFE",
    "MAX_DIGITS",
    "MAX_EXPONENT",
    "NumberError",
    "decimal_text",
    "exact",
    "json_exact",
    "json_number",
    "number_text",
    "parse_number",
]

MAX_DIGITS = 40
"""The most digits a number may have (integer and fraction parts together)."""
MAX_EXPONENT = 30
"""The largest decimal exponent (in absolute value) of a number's leading digit."""
INT64_SAFE = 2**62
"""Integers below this stay in int64 arrays: a sum or difference of two cannot overflow."""
BOUNDS = f"at most {MAX_DIGITS} digits, magnitudes from 1e-{MAX_EXPONENT} to 1e{MAX_EXPONENT}"
"""The bounds, in words, for error messages."""

_MAX_TEXT = 4 * MAX_DIGITS
_COUNTS = re.compile(r"^([-+]?\d+)\s*/\s*([-+]?\d+)$")
_POINT_GROUPED = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?:[eE][-+]?\d+)?$")
_COMMA_GROUPED = re.compile(r"^[-+]?\d{1,3}(?:\.\d{3})+(?:,\d+)?(?:[eE][-+]?\d+)?$")


class NumberError(ValueError):
    """A text or value is not a number the library accepts; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _bounded_decimal(number: Decimal) -> Fraction:
    if not number.is_finite():
        raise NumberError("not a finite number")
    if number and abs(number.adjusted()) > MAX_EXPONENT:
        raise NumberError(f"out of range: {BOUNDS}")
    if len(number.as_tuple().digits) > MAX_DIGITS:
        raise NumberError(f"too many digits: {BOUNDS}")
    return Fraction(number)


_INT_LIMIT = 10 ** (MAX_EXPONENT + 1)


def _bounded_int(value: int) -> int:
    if not -_INT_LIMIT < value < _INT_LIMIT:
        raise NumberError(f"out of range: {BOUNDS}")
    return value


def exact(value: object) -> Fraction | None:
    """An exact fraction for a number (not ``bool``); ``None`` if ``value`` is not a number.

    ``float`` is read by its shortest decimal (``0.1`` is ``1/10``).

    Raises:
        NumberError: If the number is not finite or is out of bounds.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Fraction(_bounded_int(value))
    if isinstance(value, numbers.Rational):
        num, den = _bounded_int(int(value.numerator)), _bounded_int(int(value.denominator))
        return Fraction(num, den)
    if isinstance(value, Decimal):
        return _bounded_decimal(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            raise NumberError("not a finite number")
        return _bounded_decimal(Decimal(repr(number)))
    return None


def parse_number(text: str, *, decimal_comma: bool = False, grouping: bool = True) -> Fraction:
    """Parse a number as people type it, exactly.

    Accepted: ``45``, ``-45.5``, ``1e3``, ``45,5`` and ``1.234,5`` when
    ``decimal_comma``, ``1,234.5`` otherwise (thousands groups only with
    ``grouping``), and counts ``850/1000``. Blanks and no-break spaces are
    ignored. A percent sign is the caller's business (it is a unit).

    Raises:
        NumberError: If the text is not such a number, or is out of bounds.
    """
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if len(cleaned) > _MAX_TEXT:
        raise NumberError(f"too long: {BOUNDS}")
    if "/" in cleaned:
        counts = _COUNTS.match(cleaned)
        if counts is None:
            raise NumberError("not a number")
        top, bottom = exact(int(counts.group(1))), exact(int(counts.group(2)))
        if not bottom:
            raise NumberError("the denominator must not be 0")
        return top / bottom  # type: ignore[operator]  # both are Fractions
    if decimal_comma:
        if cleaned.count(",") > 1:
            raise NumberError("more than one decimal comma")
        if "." in cleaned:
            if not grouping or not _COMMA_GROUPED.match(cleaned):
                raise NumberError("with decimal commas, '.' may only group thousands (1.234,5)")
            cleaned = cleaned.replace(".", "")
        cleaned = cleaned.replace(",", ".")
    elif "," in cleaned:
        if not grouping or not _POINT_GROUPED.match(cleaned):
            raise NumberError("',' is not the decimal separator here")
        cleaned = cleaned.replace(",", "")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise NumberError("not a number") from None
    return _bounded_decimal(number)


def decimal_text(value: Fraction) -> str:
    """Exact text: ``"29.9"``, ``"30"``, or ``"1/3"`` when no decimal is exact.

    >>> decimal_text(Fraction(-1, 8)), decimal_text(Fraction(30))
    ('-0.125', '30')
    """
    if value.denominator == 1:
        return str(value.numerator)
    rest = value.denominator
    for prime in (2, 5):
        while rest % prime == 0:
            rest //= prime
    if rest != 1:
        return f"{value.numerator}/{value.denominator}"
    places = 0
    while (value * 10**places).denominator != 1:
        places += 1
    scaled = abs(value.numerator * 10**places // value.denominator)
    digits = str(scaled).rjust(places + 1, "0")
    sign = "-" if value < 0 else ""
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def number_text(
    value: Fraction, *, significant: int | None = None, places: int | None = None
) -> str:
    """A number for people to read.

    Whole numbers are written in full. Otherwise, with ``places``, a fixed
    number of decimals; with ``significant``, the exact decimal when it has at
    most 12 decimals, else that many significant digits; with neither, the
    exact :func:`decimal_text`.

    >>> number_text(Fraction(91, 2), places=1), number_text(Fraction(1, 3), significant=6)
    ('45.5', '0.333333')
    """
    if value.denominator == 1:
        return str(value.numerator)
    if places is not None:
        return f"{float(value):.{places}f}"
    text = decimal_text(value)
    if significant is None:
        return text
    if "/" not in text and len(text.partition(".")[2]) <= 12:
        return text
    return f"{float(value):.{significant}g}"


def json_exact(value: Fraction | bool | None) -> str | bool | None:  # noqa: FBT001 - a converter
    """An exact value for JSON: ``"45"``, ``"91/2"`` (text, never a float), ``true``, ``null``."""
    if value is None or isinstance(value, bool):
        return value
    return str(value)


def json_number(value: Fraction) -> int | float:
    """A score for JSON documents whose schema says number: an int when whole, else a float.

    Kept for the OCOP JSON contract; new outputs use :func:`json_exact`.
    """
    if value.denominator == 1:
        return value.numerator
    return value.numerator / value.denominator
