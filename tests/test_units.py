"""The unit registry and the boundary converter."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given

from ntm_core.exceptions import UnitMismatchError
from ntm_core.units import parse_unit, registry, to_canonical
from strategies import decimal_magnitudes

INCOME = "million_VND / person / year"


@pytest.mark.parametrize(
    ("value", "to", "unit", "expected"),
    [
        ("45 triệu đồng/người/năm", INCOME, None, Fraction(45)),
        ("45 triệu/người/năm", INCOME, None, Fraction(45)),
        ("45000000 đồng/người/năm", INCOME, None, Fraction(45)),
        ("0.045 tỷ đồng/người/năm", INCOME, None, Fraction(45)),
        ("45.5", INCOME, None, Fraction(91, 2)),
        (45, INCOME, "triệu đồng/người/năm", Fraction(45)),
        (45_000_000, INCOME, "VND/person/year", Fraction(45)),
        ("85%", "percent", None, Fraction(85)),
        ("85 phần trăm", "percent", None, Fraction(85)),
        (0.85, "percent", "dimensionless", Fraction(85)),
        ("4 m²/người", "m**2 / person", None, Fraction(4)),
        ("2 ha", "m**2", None, Fraction(20000)),
        ("1.5 km", "km", None, Fraction(3, 2)),
        ("12 hộ", "household", None, Fraction(12)),
        (Decimal("44.999999"), INCOME, None, Fraction(44999999, 1000000)),
        (0.1, "percent", None, Fraction(1, 10)),
    ],
)
def test_converts_to_exact_canonical_magnitudes(value, to, unit, expected):
    assert to_canonical(value, to, field="x", unit=unit) == expected


def test_one_vnd_below_a_threshold_stays_below():
    """The OpenFisca float32 bug: 1 VND under 70,000,000 must not round up."""
    value = to_canonical("69999999 đồng/người/năm", INCOME, field="income_per_capita")
    assert value < 70
    assert value == Fraction(69_999_999, 1_000_000)


def test_decimal_comma():
    assert to_canonical("45,5", INCOME, field="x", decimal_comma=True) == Fraction(91, 2)
    assert to_canonical("1.234,5", "km", field="x", decimal_comma=True) == Fraction(24_690, 20)


def test_comma_without_decimal_comma_is_rejected():
    with pytest.raises(UnitMismatchError, match="not the decimal separator"):
        to_canonical("45,5", INCOME, field="x")


def test_pint_quantities_are_accepted():
    q = registry().Quantity(45, "million_VND/person/year")
    assert to_canonical(q, INCOME, field="x") == 45


def test_quantities_from_a_foreign_registry_are_reread():
    import pint

    foreign = pint.UnitRegistry()
    assert to_canonical(foreign.Quantity(3, "km"), "m", field="x") == 3000


def test_wrong_dimension_names_field_value_and_expected_unit():
    with pytest.raises(UnitMismatchError) as info:
        to_canonical("45 km", INCOME, field="income_per_capita")
    err = info.value
    assert err.field == "income_per_capita"
    assert err.value == "45 km"
    assert err.expected == INCOME
    assert "income_per_capita: expected a value in million_VND / person / year, got '45 km'" in str(
        err
    )


def test_not_a_number_is_rejected_with_the_value():
    with pytest.raises(UnitMismatchError, match=r"households: .* got 'abc' \(not a number\)"):
        to_canonical("abc", "household", field="households")


def test_negative_count_is_rejected_where_a_count_is_expected():
    with pytest.raises(
        UnitMismatchError, match=r"expected a non-negative value in household, got '-1 household'"
    ):
        to_canonical("-1 household", "household", field="poor_households", nonnegative=True)


def test_negative_allowed_when_not_asked_otherwise():
    assert to_canonical("-1 household", "household", field="change") == -1


@pytest.mark.parametrize("value", [float("nan"), float("inf"), True, None, object(), "", "   "])
def test_non_numbers_are_rejected(value):
    with pytest.raises(UnitMismatchError):
        to_canonical(value, "percent", field="x")


def test_unknown_unit_in_the_value():
    with pytest.raises(UnitMismatchError, match="unknown unit 'bananas'"):
        to_canonical("3 bananas", "percent", field="x")


def test_unknown_declared_unit():
    with pytest.raises(UnitMismatchError, match="unknown declared unit"):
        to_canonical(3, "percent", field="x", unit="bananas")


def test_error_names_source_and_row():
    with pytest.raises(UnitMismatchError, match=r"^data.csv, row 7: x: "):
        to_canonical("abc", "percent", field="x", source="data.csv", row=7)


def test_parse_unit_reads_vietnamese():
    assert parse_unit("triệu đồng/người/năm") == parse_unit("million_VND/person/year")
    assert parse_unit("m²/người") == parse_unit("m**2/person")
    assert parse_unit("") == registry().dimensionless


def test_parse_unit_rejects_nonsense():
    with pytest.raises(ValueError, match="not a unit ntm_core knows"):
        parse_unit("triệu bananas ///")


@given(decimal_magnitudes(places=6))
def test_decimal_text_round_trips_exactly(value):
    assert to_canonical(str(value), "percent", field="x") == Fraction(value)


@given(decimal_magnitudes(max_value=10**6, places=3))
def test_vnd_and_million_vnd_agree_exactly(value):
    in_million = to_canonical(f"{value} triệu đồng/người/năm", INCOME, field="x")
    in_vnd = to_canonical(f"{value * 1_000_000} đồng/người/năm", INCOME, field="x")
    assert in_million == in_vnd == Fraction(value)


def test_huge_numbers_are_refused_within_a_second():
    import time

    start = time.perf_counter()
    for text in ("1e999999999", "1e999999", "9" * 5000):
        with pytest.raises(UnitMismatchError, match=r"out of range|too long|not a number"):
            to_canonical(text, "percent", field="x")
    assert time.perf_counter() - start < 1


@pytest.mark.parametrize("text", ["{", "m**2 / (person", "[", "(", "km]", "bananas"])
def test_a_malformed_unit_is_the_librarys_error(text):
    """Found by the rule-file fuzz: an unclosed bracket made pint's tokenizer raise TokenError."""
    from ntm_core.exceptions import InputError
    from ntm_core.units import parse_unit

    with pytest.raises(InputError, match="not a unit"):
        parse_unit(text)
