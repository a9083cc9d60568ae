"""The exception hierarchy: each error is also the matching builtin, pickles, and says where."""

import pickle

import pytest

from ntm_core.exceptions import (
    DataError,
    InputError,
    InputErrors,
    MissingDependencyError,
    NtmCoreError,
    OutputError,
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
    OutputError("the file exists; pass --force (force=True) to replace it", path="out.csv"),
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
        (OutputError, OSError),
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


# ---------------------------------------------------------------- InputErrors


def _group():
    return InputErrors(
        "data.csv: 2 problems",
        [InputError("bad", source="data.csv", row=2), DataError("empty", source="data.csv")],
    )


def test_input_errors_is_an_ntm_core_error_and_an_exception_group():
    group = _group()
    assert isinstance(group, NtmCoreError)
    assert isinstance(group, ExceptionGroup)
    assert group.message == "data.csv: 2 problems"
    assert [type(e) for e in group.exceptions] == [InputError, DataError]
    with pytest.raises(NtmCoreError):
        raise group


def test_input_errors_split_and_subgroup_keep_the_type():
    match, rest = _group().split(DataError)
    assert type(match) is InputErrors
    assert type(rest) is InputErrors
    assert [type(e) for e in match.exceptions] == [DataError]
    assert match.message == "data.csv: 2 problems"
    sub = _group().subgroup(lambda e: isinstance(e, (DataError, InputErrors)))
    assert type(sub) is InputErrors


def test_input_errors_except_star_sees_each_member():
    seen = []
    try:
        raise _group()
    except* DataError as found:
        seen.append(("data", len(found.exceptions)))
    except* InputError as found:
        seen.append(("input", len(found.exceptions)))
    assert seen == [("data", 1), ("input", 1)]


def test_input_errors_pickles_with_its_members():
    clone = pickle.loads(pickle.dumps(_group()))
    assert type(clone) is InputErrors
    assert clone.message == "data.csv: 2 problems"
    assert [str(e) for e in clone.exceptions] == ["data.csv, row 2: bad", "data.csv: empty"]


def test_input_errors_refuses_an_empty_or_non_exception_list():
    with pytest.raises(ValueError, match="non-empty"):
        InputErrors("nothing", [])
    with pytest.raises(ValueError, match="not an exception"):
        InputErrors("nothing", ["not an exception"])  # type: ignore[list-item]


def test_readers_raise_input_errors_that_except_ntm_core_error_catches(tmp_path):
    from ntm_core.engine import IndicatorCatalog
    from ntm_core.io import read_observations, read_units
    from ntm_core.rules import Rulebook
    from ntm_core.rules._loader import load_rule_file

    catalog = IndicatorCatalog.from_editions(
        [Rulebook.bundled().get("vn.commune.standard@2021-2025")]
    )
    data = tmp_path / "data.csv"
    data.write_text("unit_code,period,income_per_capita\n1,2024,-5\n2,20x4,3\n", encoding="utf-8")
    units = tmp_path / "units.csv"
    units.write_text("code,name\n1,A\n1,B\n", encoding="utf-8")
    rules = tmp_path / "rules.toml"
    rules.write_text("not = [valid toml", encoding="utf-8")
    for read in (
        lambda: read_observations(data, catalog=catalog),
        lambda: read_units(units),
        lambda: load_rule_file(rules),
    ):
        with pytest.raises(NtmCoreError) as caught:
            read()
        assert isinstance(caught.value, InputErrors)
        assert all(isinstance(e, NtmCoreError) for e in caught.value.exceptions)


def test_output_error_names_the_file():
    err = ERRORS[6]
    assert str(err) == "out.csv: the file exists; pass --force (force=True) to replace it"
    assert (err.path, err.filename) == ("out.csv", "out.csv")


class _BadRepr:
    def __repr__(self):
        raise RuntimeError("no repr")

    def __str__(self):
        raise RuntimeError("no str")


ODD = [None, 0, 1.5, float("nan"), b"\xff", ("a", 1), {"k": "v"}, "", "x" * 10_000, _BadRepr()]


def _odd_errors(odd):
    yield InputError(odd, source=odd, row=odd, column=odd, value=odd)
    yield DataError(odd, source=odd, row=odd, column=odd, value=odd)
    yield UnknownIndicatorError(odd, source=odd, row=odd, column=odd, value=odd)
    yield UnitMismatchError(field=odd, value=odd, expected=odd, reason=odd, source=odd, row=odd)
    yield RuleDefinitionError(odd, source=odd, path=odd, key=odd)
    yield RuleNotInForceError(odd, odd, (odd, odd))
    yield RuleNotInForceError(odd, odd)
    yield MissingDependencyError(module=odd, feature=odd, extra=odd)
    yield OutputError(odd, path=odd)
    yield InputErrors("1 problem", [InputError(odd, source=odd)])


@pytest.mark.parametrize("odd", ODD, ids=lambda o: type(o).__name__)
def test_str_and_repr_of_every_error_never_fail(odd):
    """Issue 14.7: an exception's own ``__str__`` must not fail, whatever it was given."""
    for err in _odd_errors(odd):
        assert isinstance(str(err), str)
        clone = pickle.loads(pickle.dumps(err)) if not isinstance(odd, _BadRepr) else err
        assert isinstance(str(clone), str)
