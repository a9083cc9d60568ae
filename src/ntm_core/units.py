"""The one unit registry of ntm_core, and the converter used at every boundary.

Indicators have a canonical unit (``million_VND / person / year``,
``percent``, ``m**2 / person``…). Values arrive as people write them —
``"45 triệu đồng/người/năm"``, ``"85%"``, a bare number in a column whose
header declares the unit, or a :mod:`pint` quantity — and are turned once,
at the boundary, into an exact magnitude in the canonical unit. Inside the
engine only magnitudes travel; units come back in explanations.

Units the registry knows beyond pint's defaults, with their Vietnamese spellings:

============================  ==========================================
unit                          Vietnamese spellings
============================  ==========================================
``VND``                       ``đồng``, ``dong``, ``₫``
``million_VND``               ``triệu đồng``, ``triệu``
``billion_VND``               ``tỷ đồng``, ``tỉ đồng``, ``tỷ``
``person``                    ``người``, ``nhân khẩu``
``household``                 ``hộ``
``year``                      ``năm``
``percent``                   ``%``, ``phần trăm``
``m**2``, ``km``, ``ha``      ``m²``, ``km``, ``ha``
============================  ==========================================

>>> from ntm_core.units import to_canonical
>>> to_canonical("45 triệu đồng/người/năm", "million_VND / person / year", field="income")
Fraction(45, 1)
>>> to_canonical("45000001 đồng/người/năm", "million_VND / person / year", field="income")
Fraction(45000001, 1000000)
>>> to_canonical("85%", "percent", field="health_insurance_coverage")
Fraction(85, 1)
>>> to_canonical(4.5, "m**2 / person", field="green_land", unit="m²/người")
Fraction(9, 2)

The registry is created on first use, so ``import ntm_core`` stays fast.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from ntm_core._core.numbers import NumberError, exact, parse_number
from ntm_core.exceptions import InputError, UnitMismatchError

if TYPE_CHECKING:
    import pint

__all__ = ["parse_unit", "registry", "to_canonical"]

_DEFINITIONS = (
    "VND = [currency] = đồng = dong = ₫",
    "million_VND = 1000000 * VND = triệu_đồng = trieu_dong",
    "billion_VND = 1000000000 * VND = tỷ_đồng = tỉ_đồng = ty_dong",
    "person = [population] = người = nguoi = nhân_khẩu",
    "household = [household] = hộ = ho",
    "@alias year = năm = nam",
    "@alias percent = phần_trăm",
)

# Multi-word Vietnamese spellings become single tokens before pint sees them;
# longest first so "triệu đồng" wins over "đồng".
_PHRASES = (
    ("triệu đồng", "triệu_đồng"),
    ("tỷ đồng", "tỷ_đồng"),
    ("tỉ đồng", "tỉ_đồng"),
    ("nhân khẩu", "nhân_khẩu"),
    ("phần trăm", "phần_trăm"),
)
_BARE_SCALES = {"triệu": "triệu_đồng", "tỷ": "tỷ_đồng", "tỉ": "tỉ_đồng"}
_SUPERSCRIPTS = str.maketrans({"²": "**2", "³": "**3"})
_MAX_TEXT = 1000  # longer text is no number with a unit
_NUMBER = re.compile(r"^\s*([-+]?[\d.,\s]*\d(?:[eE][-+]?\d+)?)\s*(.*)$", re.DOTALL)


@functools.cache
def registry() -> pint.UnitRegistry:  # type: ignore[type-arg]
    """The library's single :class:`pint.UnitRegistry`, created on first call.

    Use it to build quantities for ntm_core (``registry().Quantity(45,
    "million_VND/person/year")``); quantities from another registry are
    re-read through this one by their magnitude and unit name.
    """
    import pint  # pint takes ~0.3 s to import: load it on first use

    ureg: pint.UnitRegistry = pint.UnitRegistry(  # type: ignore[type-arg]
        cache_folder=None, autoconvert_offset_to_baseunit=False
    )
    for line in _DEFINITIONS:
        ureg.define(line)
    return ureg


def _normalise_unit_text(text: str) -> str:
    """Rewrite Vietnamese and typographic spellings into pint syntax."""
    out = text.strip().translate(_SUPERSCRIPTS).replace("%", " percent ")
    out = out.replace("·", "*")
    for phrase, token in _PHRASES:
        out = out.replace(phrase, token)
    # a bare scale word ("45 triệu/người/năm") means that many đồng
    tokens = re.split(r"(\W+)", out)
    return "".join(_BARE_SCALES.get(t, t) for t in tokens)


@functools.lru_cache(maxsize=512)
def parse_unit(text: str) -> pint.Unit:
    """Parse a unit written in English or Vietnamese into a registry unit.

    >>> str(parse_unit("triệu đồng/người/năm"))
    'million_VND / person / year'

    Raises:
        InputError: If the text is not a unit the registry knows (a :class:`ValueError` too).
    """
    import tokenize

    import pint  # pint takes ~0.3 s to import: load it on first use

    ureg = registry()
    normalised = _normalise_unit_text(text)
    if not normalised:
        return ureg.dimensionless
    try:
        return ureg.parse_units(normalised)
    # pint's parser signals some malformed input with AssertionError, TypeError or
    # the tokenizer's TokenError (an unclosed bracket) from deep inside; all of them
    # mean "not a unit" to our caller.
    except (
        pint.errors.PintError,
        tokenize.TokenError,
        AssertionError,
        AttributeError,
        IndexError,
        KeyError,
        TypeError,
        SyntaxError,
        ValueError,
    ):
        msg = f"{text!r} is not a unit ntm_core knows"
        raise InputError(msg, column="unit", value=text) from None


def _factor(from_unit: pint.Unit, to_unit: pint.Unit) -> Fraction:
    """The exact factor that turns a magnitude in ``from_unit`` into ``to_unit``."""
    ureg = registry()
    factor = ureg.Quantity(1.0, from_unit).to(to_unit).magnitude
    # Our factors are decimal (10**k); repr recovers them exactly from the float.
    return Fraction(Decimal(repr(float(factor))))


def to_canonical(
    value: object,
    to: str,
    *,
    field: str,
    unit: str | None = None,
    nonnegative: bool = False,
    decimal_comma: bool = False,
    source: str | None = None,
    row: int | None = None,
) -> Fraction:
    """Convert a value to an exact magnitude in the canonical unit ``to``.

    Args:
        value: A number, a string with or without a unit (``"45 triệu
            đồng/người/năm"``, ``"85%"``), or a pint quantity.
        to: The canonical unit, e.g. ``"million_VND / person / year"``.
        field: The indicator or column the value is for; named in errors.
        unit: The unit a bare number is in (e.g. from a column header);
            defaults to ``to``.
        nonnegative: Reject negative values (counts, shares, money).
        decimal_comma: Read ``"45,5"`` as 45.5 (and ``.`` as a thousands separator).
        source: The file the value came from, named in errors.
        row: The 1-based row in ``source``, named in errors.

    Returns:
        The magnitude as a :class:`~fractions.Fraction`, exact for every
        decimal input.

    Raises:
        UnitMismatchError: If the value cannot be read, has a unit of another
            dimension, or is negative where ``nonnegative`` is set.
    """

    def fail(reason: str | None = None, expected: str = to) -> UnitMismatchError:
        return UnitMismatchError(
            field=field, value=value, expected=expected, reason=reason, source=source, row=row
        )

    target = parse_unit(to)
    magnitude, unit_text = _split_value(value, decimal_comma=decimal_comma)
    if magnitude is None:
        raise fail(unit_text)
    if unit_text:
        source_unit, what = unit_text, "unknown unit"
    else:
        source_unit, what = (unit, "unknown declared unit") if unit is not None else (to, "")
    try:
        given = parse_unit(source_unit)
    except ValueError:
        raise fail(f"{what} {source_unit.strip()!r}") from None
    if given.dimensionality != target.dimensionality:
        raise fail(f"{given} cannot be converted to {target}")
    if given != target:
        magnitude *= _factor(given, target)
    if nonnegative and magnitude < 0:
        raise fail("must not be negative", expected=f"a non-negative value in {to}")
    return magnitude


def _split_value(value: object, *, decimal_comma: bool) -> tuple[Fraction | None, str]:
    """Split a value into an exact magnitude and the unit written with it.

    Returns ``(magnitude, unit_text)``; the unit text is empty for a bare
    number. When the value cannot be read, returns ``(None, reason)``; numbers
    beyond the bounds of :mod:`ntm_core._core.numbers` are refused at once.
    """
    try:
        magnitude = exact(value)
        if magnitude is not None:
            return magnitude, ""
        if isinstance(value, str):
            match = _NUMBER.match(value) if len(value) <= _MAX_TEXT else None
            if match is None:
                return None, "not a number"
            number = parse_number(
                match.group(1), decimal_comma=decimal_comma, grouping=decimal_comma
            )
            return number, match.group(2).strip()
        if hasattr(value, "magnitude") and hasattr(value, "units"):
            # A pint quantity, possibly from another registry: re-read it through ours.
            magnitude = exact(value.magnitude)
            if magnitude is not None:
                return magnitude, str(value.units)
    except NumberError as err:
        return None, err.reason
    return None, "not a finite number"
