"""The exception hierarchy: each error is also the matching builtin, pickles, and says where."""

import pickle

import pytest

from ntm_core.exceptions import (
    DataError,
    InputError,
    NtmCoreError,
    RuleDefinitionError,
    RuleNotInForceError,
    UnitMismatchError,
    UnknownIndicatorError,
)

ERRORS = [
    InputError(
        "expected a percent between 0 and 100", source="data.csv", row=4, column="bhyt", value="120"
    ),
    DataError("the file is empty", source="empty.csv"),
    UnitMismatchError(
        field="income_per_capita", value="45 km", expected="million_VND / person / year"
    ),
    UnknownIndicatorError(
        "unknown indicator; did you mean 'income_per_capita'?", column="income_per_cap"
    ),
    RuleDefinitionError("unknown key 'vaule'", source="x.toml", path="criteria[0]", key="vaule"),
    RuleNotInForceError(
        "vn.commune.standard", "2015-01-01", ("2016-2020 (2016-12-01 – 2022-03-08)",)
    ),
]


@pytest.mark.parametrize("err", ERRORS, ids=lambda e: type(e).__name__)
def test_every_error_is_an_ntm_core_error_and_pickles(err):
    assert isinstance(err, NtmCoreError)
    clone = pickle.loads(pickle.dumps(err))
    assert type(clone) is type(err)
    assert str(clone) == str(err)


@pytest.mark.parametrize(
    ("cls", "builtin"),
    [
        (InputError, ValueError),
        (DataError, ValueError),
        (UnitMismatchError, ValueError),
        (UnknownIndicatorError, KeyError),
        (RuleDefinitionError, ValueError),
        (RuleNotInForceError, LookupError),
    ],
)
def test_errors_subclass_the_matching_builtin(cls, builtin):
    assert issubclass(cls, builtin)


def test_input_error_names_file_row_column_and_value():
    err = ERRORS[0]
    assert str(err) == "data.csv, row 4, column 'bhyt': expected a percent between 0 and 100"
    assert (err.source, err.row, err.column, err.value) == ("data.csv", 4, "bhyt", "120")


def test_unknown_indicator_message_is_not_a_repr_of_args():
    assert str(ERRORS[3]).startswith("column 'income_per_cap': unknown indicator")


def test_rule_definition_error_names_file_path_and_key():
    assert str(ERRORS[4]) == "x.toml, criteria[0], key 'vaule': unknown key 'vaule'"


def test_rule_not_in_force_lists_nearest_editions():
    text = str(ERRORS[5])
    assert "no edition of 'vn.commune.standard' is in force on 2015-01-01" in text
    assert "2016-2020" in text


def test_unit_mismatch_with_phrase_expectation():
    err = UnitMismatchError(
        field="households", value="-1 hộ", expected="a non-negative count", source="f.csv", row=3
    )
    assert str(err) == "f.csv, row 3: households: expected a non-negative count, got '-1 hộ'"
