"""The one exact-number parser and formatter, and the bounds on every number's size."""

import time
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ntm_core._core.numbers import (
    MAX_DIGITS,
    NumberError,
    decimal_text,
    exact,
    json_exact,
    json_number,
    number_text,
    parse_number,
)


@pytest.mark.parametrize(
    ("text", "comma", "expected"),
    [
        ("45", False, Fraction(45)),
        (" -45.5 ", False, Fraction(-91, 2)),
        ("1e3", False, Fraction(1000)),
        ("1,234.5", False, Fraction(2469, 2)),
        ("45,5", True, Fraction(91, 2)),
        ("1.234,5", True, Fraction(2469, 2)),
        ("850 / 1000", False, Fraction(17, 20)),
        ("1\u00a0000", False, Fraction(1000)),
    ],
)
def test_parse_number_reads_what_people_type(text, comma, expected):
    assert parse_number(text, decimal_comma=comma) == expected


@pytest.mark.parametrize(
    ("text", "comma", "reason"),
    [
        ("abc", False, "not a number"),
        ("1/0", False, "denominator"),
        ("1/x", False, "not a number"),
        ("45,5", False, "decimal separator"),
        ("1,2,3", True, "more than one decimal comma"),
        ("1.2,3", True, "group thousands"),
        ("NaN", False, "finite"),
        ("1e999999999", False, "out of range"),
        ("1e-999999", False, "out of range"),
        ("9" * 41, False, "out of range"),
        ("0." + "1" * 41, False, "too many digits"),
        ("9" * 5000, False, "too long"),
    ],
)
def test_parse_number_refuses_with_a_reason(text, comma, reason):
    with pytest.raises(NumberError, match=reason):
        parse_number(text, decimal_comma=comma)


def test_huge_exponents_are_refused_fast():
    start = time.perf_counter()
    for text in ("1e999999999", "1e-999999999", "9" * 4000, "1" + "0" * 4300):
        with pytest.raises(NumberError):
            parse_number(text)
    assert time.perf_counter() - start < 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3, Fraction(3)),
        (0.1, Fraction(1, 10)),
        (Decimal("2.50"), Fraction(5, 2)),
        (Fraction(1, 3), Fraction(1, 3)),
        (True, None),
        ("1", None),
    ],
)
def test_exact_reads_numbers_only(value, expected):
    assert exact(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        float("nan"),
        float("inf"),
        Decimal("Infinity"),
        10**40,
        Fraction(1, 10**40),
        Decimal("1e999999999"),
    ],
)
def test_exact_refuses_unbounded_values(value):
    with pytest.raises(NumberError):
        exact(value)


def test_formatters():
    assert decimal_text(Fraction(299, 10)) == "29.9"
    assert decimal_text(Fraction(-1, 8)) == "-0.125"
    assert decimal_text(Fraction(1, 3)) == "1/3"
    assert number_text(Fraction(7)) == "7"
    assert number_text(Fraction(1, 8)) == "0.125"
    assert number_text(Fraction(91, 2), places=1) == "45.5"
    assert number_text(Fraction(1, 3), significant=6) == "0.333333"
    assert number_text(Fraction(1, 2**20), significant=6) == "9.53674e-07"
    assert json_exact(Fraction(91, 2)) == "91/2"
    assert json_exact(True) is True
    assert json_exact(None) is None
    assert json_number(Fraction(4)) == 4
    assert json_number(Fraction(1, 4)) == 0.25


@given(st.fractions(max_denominator=10**6).filter(lambda f: abs(f) < 10**20))
def test_decimal_text_round_trips(value):
    text = decimal_text(value)
    assert Fraction(text) == value
    if "/" not in text and len(text.replace("-", "").replace(".", "")) <= MAX_DIGITS:
        assert parse_number(text) == value
