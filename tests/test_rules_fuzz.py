"""Fuzz the readers of rule data: threshold sheets and rule files (issue 14, item 1 and the fuzz suite).

Whatever the bytes, reading ends in a result or in the library's own error with a location
(file, and row/column for sheets or table path for rule files), never in another exception,
and within a bounded time.
"""

import string
import time
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ntm_core.exceptions import InputError, NtmCoreError, RuleDefinitionError
from ntm_core.rules import SHEET_COLUMNS, Rulebook

DATA = Path(__file__).parent / "data"
BOOK = Rulebook.from_paths([DATA / "rules" / "minimal.toml"])
MINIMAL = (DATA / "rules" / "minimal.toml").read_text(encoding="utf-8")
SECONDS = 2.0

CELLS = st.one_of(
    st.sampled_from(
        [
            "", "test.commune.standard@2021-2025", "income_per_capita", "stunting_under5",
            "coop_effective", "BTB", "ĐBSH", "Atlantis", "2022", "99999999999", "45", "46,5",
            "-1", "150", "1e999999999", "=1+1", "true", "Đạt", "verified", "illustrative",
            "318/QĐ-TTg", "2022-03-08", "yes", "no", ">=", "<=", "percent", "km",
            "million VND/person/year", "\x00", '"', "\n",
        ]
    ),
    st.text(string.printable, max_size=12),
)  # fmt: skip


def _sheet_text(header, rows):
    def cell(text):
        return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text

    return "\n".join(",".join(cell(c) for c in row) for row in [header, *rows]) + "\n"


def _assert_located(errors, path):
    for error in errors:
        assert isinstance(error, NtmCoreError), repr(error)
        assert error.source == str(path), repr(error)
        if isinstance(error, InputError) and not error.message.startswith("the "):
            assert error.row is not None, repr(error)
        str(error)


def _outcome(call, path):
    start = time.perf_counter()
    try:
        call()
    except ExceptionGroup as group:
        _assert_located(group.exceptions, path)
    except NtmCoreError as error:
        _assert_located([error], path)
    assert time.perf_counter() - start < SECONDS


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    header=st.lists(st.sampled_from([*SHEET_COLUMNS, "vlaue", ""]), min_size=1, max_size=12),
    rows=st.lists(st.lists(CELLS, max_size=14), max_size=5),
)
def test_any_sheet_reads_cleanly_or_fails_with_a_location(tmp_path, header, rows):
    path = tmp_path / "sheet.csv"
    path.write_text(_sheet_text(header, rows), encoding="utf-8")
    _outcome(lambda: BOOK.with_thresholds(path), path)


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_any_bytes_as_a_sheet(tmp_path, data):
    path = tmp_path / "bytes.csv"
    path.write_bytes(data)
    _outcome(lambda: BOOK.with_thresholds(path), path)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    edits=st.lists(
        st.tuples(st.integers(min_value=0, max_value=len(MINIMAL) - 1), CELLS), max_size=4
    )
)
def test_any_edit_of_a_rule_file_loads_or_fails_with_a_location(tmp_path, edits):
    text = MINIMAL
    for position, insert in edits:
        text = text[:position] + insert + text[position + 1 :]
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    start = time.perf_counter()
    try:
        Rulebook.from_paths([path])
    except ExceptionGroup as group:
        for error in group.exceptions:
            assert isinstance(error, RuleDefinitionError), repr(error)
            assert error.source == str(path)
            str(error)
    assert time.perf_counter() - start < SECONDS


def test_the_fuzzed_rule_file_is_valid_to_begin_with():
    assert tomllib.loads(MINIMAL)["schema"] == "ntm_core.rules/1"
    assert len(Rulebook.from_paths([DATA / "rules" / "minimal.toml"])) == 1


@pytest.mark.parametrize("value", ["1e999999999", "9" * 5000, "1" + "0" * 40])
def test_huge_numbers_in_a_sheet_are_refused_quickly(tmp_path, value):
    path = tmp_path / "huge.csv"
    path.write_text(
        "ruleset,indicator,region,value,citation_number,provenance\n"
        f"test.commune.standard@2021-2025,stunting_under5,ĐBSH,{value},318/QĐ-TTg,verified\n",
        encoding="utf-8",
    )
    start = time.perf_counter()
    with pytest.raises(ExceptionGroup) as info:
        BOOK.with_thresholds(path)
    assert time.perf_counter() - start < SECONDS
    [error] = info.value.exceptions
    assert (error.row, error.column) == (2, "value")
