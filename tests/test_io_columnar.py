"""The columnar CSV path (pyarrow) reads exactly what the row-wise path reads.

Issue 10, item 3: a large CSV file is read column-wise, each distinct text
once, plain decimals without Python per text. Nothing may change for the
user: the same observations, and the same problems (file, row, column, value,
message) in the same order. These tests put every file through both paths,
:func:`~ntm_core._core.tables.arrow_csv_table` and
:func:`~ntm_core._core.tables.csv_table`, and compare.
"""

from fractions import Fraction

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from io_support import LONG, WIDE, bundled_catalog, content
from ntm_core._core.tables import (
    COLUMNAR_BYTES,
    ArrowColumn,
    arrow_csv_table,
    csv_table,
    decode,
    read_table,
)
from ntm_core.engine._observations import Column, float_scaled
from ntm_core.exceptions import NtmCoreError
from ntm_core.io._builder import TableBuilder
from ntm_core.io._columns import ColumnReader, distinct_column, exact_column
from ntm_core.io._records import uniform_records_table
from ntm_core.rules import IndicatorKind

CATALOG = bundled_catalog()
SOURCE = "data.csv"


def outcome(table, *, decimal_comma=None):
    """Observations' content, or the problems as (message, source, row, column, value)."""
    try:
        observations = TableBuilder(
            table, catalog=CATALOG, decimal_comma=decimal_comma, units=None
        ).build()
    except ExceptionGroup as group:
        return "problems", [
            (e.message, e.source, e.row, e.column, e.value) for e in group.exceptions
        ]
    except NtmCoreError as error:
        return "error", str(error)
    columns = {
        key: (column.scale, None if column.scaled is None else column.scaled.dtype.str)
        for key, column in observations.columns.items()
    }
    return "observations", (content(observations), observations.codes, columns)


def both(data, *, decimal_comma=None):
    """The outcome of each path; the columnar one must take the file."""
    columnar = arrow_csv_table(data, SOURCE)
    assert columnar is not None, "the columnar path refused the file"
    assert all(isinstance(column, ArrowColumn) for column in columnar.columns)
    rowwise = csv_table(decode(data, SOURCE), SOURCE)
    return outcome(columnar, decimal_comma=decimal_comma), outcome(
        rowwise, decimal_comma=decimal_comma
    )


BAD_WIDE = (
    "unit_code,period,name,stunting_under5,health_insurance_coverage,commune_plan_approved\n"
    "1,2024,Xã A,12.5,101,Đạt\n"
    "1,2024,Xã A,-3,85%,maybe\n"
    ",20x4,Xã B,abc,850/1000,x\n"
    "2,,Xã C,1e999,50 %,\n"
    "3,2024, Xã  D ,12.5,abc,Không đạt\n"
    "4,2024,Xã E,1 triệu,1/0,có\n"
)


@pytest.mark.parametrize(
    "text",
    [
        WIDE,
        LONG,
        BAD_WIDE,
        "unit_code,period,stunting_under5\n1,2024,12.5\n2,2024,\n3,2024, 7 \n",
        (
            "unit_code;period;stunting_under5;health_insurance_coverage\n"
            "1;2024;12,5;85,5%\n2;2024;1.234,5;99\n"
        ),
        "unit_code\tperiod\tstunting_under5\n1\t2024\t12,5\n",
        "\ufeffunit_code,period,stunting_under5\r\n1,2024,12\r\n2,2024,13\r\n",
        (
            '"unit_code","period","name","stunting_under5"\n'
            '1,2024,"Xã A, ""mới""",12\n2,2024,"Xã\nB",13\n'
        ),
        "Unit_Code,Year,STUNTING_UNDER5,stunting_under5\n1,2024,1,2\n",
        "unit_code,period,stunting_under5,nonsense\n1,2024,1,2\n",
        "unit_code,period,income_per_capita [đồng/người/năm]\n1,2024,45000001\n2,2024,45.5\n",
        "unit_code,period,income_per_capita [furlongs]\n1,2024,45\n",
        "unit_code,period,stunting_under5\n1,2024,1\n1,2024,2\n",
        "unit_code,period,stunting_under5,\n1,2024,1,\n2,2024,2,\n",
        "code,year,name,region,15.3\n1,2024,Xã A,BTB,12\n2,2023,Xã B,,13\n",
    ],
)
def test_files_read_the_same_by_both_paths(text):
    columnar, rowwise = both(text.encode())
    assert columnar == rowwise


def test_decimal_comma_given_or_found_reads_the_same():
    data = b"unit_code,period,stunting_under5\n1,2024,12\n2,2024,13\n"
    for comma in (None, True, False):
        columnar, rowwise = both(data, decimal_comma=comma)
        assert columnar == rowwise


@pytest.mark.parametrize(
    "data",
    [
        b"a,b\n,\n1,2\n",  # a line of separators only: skipped, but counted
        b"a,b\n\n1,2\n",  # a blank line
        b"a,b\n1,2\n\n",
        b"a,b\n1,2,3\n",  # another width
        b"a,b\n1\n",
        b"a,b\n1,\xff\n",  # not UTF-8
        b"\xff,b\n1,2\n",  # a header that is not UTF-8
        b"a,b\n1,2\r3,4\n",  # a bare carriage return
        b"a,b\n1,'=1+1\n",  # a neutralised formula
        b"'=a,b\n1,2\n",
        b"a\n1\n",  # one column
        b"a,b\n",  # no data rows
        b"",
    ],
)
def test_files_the_columnar_path_leaves_to_the_row_wise_one(data):
    assert arrow_csv_table(data, SOURCE) is None


def test_large_files_take_the_columnar_path_and_read_the_same(tmp_path):
    lines = ["unit_code,period,name,stunting_under5,commune_plan_approved"]
    rng = np.random.default_rng(7)
    rows = 0
    while sum(map(len, lines)) < COLUMNAR_BYTES + 1000:
        lines.append(f"X{rows},2024,Xã {rows},{rng.integers(0, 10**4) / 100},Đạt")
        rows += 1
    lines[5] = "X4,2024,Xã 4,oops,Đạt"
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = read_table(path, str(path), columnar=True)
    assert isinstance(table.columns[0], ArrowColumn)
    assert len(table.columns[0]) == rows
    rowwise = read_table(path, str(path))
    assert not isinstance(rowwise.columns[0], ArrowColumn)
    kind, found = outcome(table)
    assert (kind, found) == outcome(rowwise)
    assert found == [
        (
            (
                "expected a share in percent between 0 and 100 (85, 85% or counts such as "
                "850/1000), got 'oops' (not a number)"
            ),
            str(path),
            6,
            "stunting_under5",
            "oops",
        )
    ]


def test_an_arrow_column_is_a_sequence_of_its_cells():
    table = arrow_csv_table(b"a,b\nx,1\ny,2\nx,3\n", SOURCE)
    column = table.columns[0]
    assert len(column) == 3
    assert list(column) == ["x", "y", "x"]
    assert column[2] == "x"
    assert column[1:] == ["y", "x"]
    assert column.distinct()[column.position("y")] == "y"
    assert column.position("z") == -1


# ---------------------------------------------------------------- properties

CELLS = st.sampled_from(
    [
        "", " ", "0", "12", "12.5", "12,5", "1.234,5", "1,234.5", "85%", "85.5 %", "850/1000",
        "3/0", "-1", "+2", "1e3", "101", "100.0", "99.999999999999999", "007", "12.", ".5",
        "Đạt", "Không đạt", "x", "có", "yes", "maybe", "45 triệu", "1e999", "abc", "NaN",
    ]
)  # fmt: skip
COLUMNS = st.sampled_from(
    [
        "stunting_under5",
        "health_insurance_coverage",
        "commune_plan_approved",
        "income_per_capita [đồng/người/năm]",
        "green_land_per_person",
    ]
)
FAST = settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(
    names=st.lists(COLUMNS, min_size=1, max_size=4),
    rows=st.lists(st.tuples(st.sampled_from(["1", "2", "3", ""]), CELLS, CELLS, CELLS, CELLS),
                  min_size=1, max_size=12),
    delimiter=st.sampled_from([",", ";"]),
)  # fmt: skip
def test_any_wide_file_reads_the_same_by_both_paths(names, rows, delimiter):
    header = delimiter.join(["unit_code", "period", *names])
    lines = [header]
    for code, *cells in rows:
        quoted = [f'"{cell}"' if delimiter in cell else cell for cell in cells[: len(names)]]
        lines.append(delimiter.join([code, "2024", *quoted]))
    data = ("\n".join(lines) + "\n").encode()
    columnar = arrow_csv_table(data, SOURCE)
    if columnar is None:  # e.g. a line of separators only
        return
    assert outcome(columnar) == outcome(csv_table(decode(data, SOURCE), SOURCE))


@FAST
@given(st.text(alphabet="ab1,;\"\n\r '\t\u00e1", max_size=40))
def test_any_text_the_columnar_path_takes_gives_csv_tables_table(text):
    data = text.encode()
    columnar = arrow_csv_table(data, SOURCE)
    if columnar is None:
        return
    rowwise = csv_table(decode(data, SOURCE), SOURCE)
    assert columnar.header == rowwise.header
    assert [list(c) for c in columnar.columns] == [list(c) for c in rowwise.columns]
    assert columnar.rows == rowwise.rows
    assert not rowwise.problems


def _reader(key, comma=False):
    indicator = CATALOG.indicators[key]
    return ColumnReader(indicator, column=key, source=SOURCE, decimal_comma=comma)


DECIMALS = st.one_of(
    st.from_regex(r"\A[0-9]{1,20}([.,][0-9]{1,20})?\Z"),
    st.decimals(min_value=0, max_value=10**19, allow_nan=False, places=4).map(str),
    CELLS,
)


@FAST
@given(
    texts=st.lists(DECIMALS, min_size=1, max_size=30),
    key=st.sampled_from(["stunting_under5", "income_per_capita", "green_land_per_person"]),
    comma=st.booleans(),
    unit=st.sampled_from(["", "đồng/người/năm", "%"]),
)
def test_plain_texts_agree_with_the_one_parser(texts, key, comma, unit):
    """Every text the column-wise path accepts has the value the cell reader gives it."""
    reader = _reader(key, comma)
    try:
        factor = reader.factor(unit)
    except Exception:  # noqa: BLE001 - a unit this indicator cannot take
        return
    num, den, fast = reader.plain_texts(pa.array(texts, pa.string()), factor)
    for text, n, d, taken in zip(texts, num.tolist(), den.tolist(), fast.tolist(), strict=True):
        if taken:
            assert reader._cell(text, factor) == (n, d), text


def test_plain_texts_at_the_edges():
    reader = _reader("stunting_under5")
    texts = ["100", "100.0", "100.000000000000001", "99.99", "0", "0.0", "1" * 18, "1" * 19]
    num, den, fast = reader.plain_texts(pa.array(texts), (1, 1))
    # 100 percent is the largest share; 18 digits is the longest text taken.
    assert fast.tolist() == [True, True, False, True, True, True, False, False]
    assert (num[1], den[1]) == (1000, 10)
    wide = _reader("green_land_per_person")
    texts = ["1" * 18, "1" * 19, "1" * 9 + "." + "1" * 9, "1" * 10 + "." + "1" * 9, "1.", ".1"]
    num, den, fast = wide.plain_texts(pa.array(texts), (1, 1))
    assert fast.tolist() == [True, False, True, False, False, False]
    assert (num[2], den[2]) == (int("1" * 18), 10**9)
    # A factor that would take a value out of int64 leaves it to the careful path.
    num, den, fast = wide.plain_texts(pa.array(["1" * 12, "1" * 14, "1.5"]), (10**6, 1))
    assert fast.tolist() == [True, False, True]
    assert (num[0], den[0]) == (int("1" * 12) * 10**6, 1)


@FAST
@given(
    values=st.lists(
        st.tuples(st.integers(0, 10**6), st.sampled_from([1, 2, 10, 100, 3, 10**6])),
        min_size=1,
        max_size=8,
    ),
    codes=st.lists(st.integers(0, 7), min_size=1, max_size=20),
    absent=st.sets(st.integers(0, 7)),
    kind=st.sampled_from([IndicatorKind.NUMERIC, IndicatorKind.RATIO]),
)
def test_distinct_column_is_exact_column_of_the_rows(values, codes, absent, kind):
    codes = np.asarray([c % len(values) for c in codes], dtype=np.intp)
    num = np.asarray([n for n, _ in values], dtype=np.int64)
    den = np.asarray([d for _, d in values], dtype=np.int64)
    present = np.asarray([i not in absent for i in range(len(values))])
    used = present & (np.bincount(codes, minlength=len(values)) > 0)
    fast = distinct_column("k", kind, num=num, den=den, present=used, codes=codes)
    slow = exact_column("k", kind, num[codes], den[codes], present[codes])
    assert _column(fast) == _column(slow)


def _column(column: Column):
    scaled = None if column.scaled is None else column.scaled.tolist()
    values = [column.value(i) for i in range(len(column.present))]
    return column.scale, scaled, values


def test_distinct_column_keeps_exact_fractions_when_no_denominator_fits():
    num = np.asarray([1, 1], dtype=np.int64)
    den = np.asarray([2**61 - 1, 2**61 - 3], dtype=np.int64)
    codes = np.asarray([0, 1, 1], dtype=np.intp)
    column = distinct_column(
        "k", IndicatorKind.NUMERIC, num=num, den=den, present=np.ones(2, bool), codes=codes
    )
    assert column.scaled is None
    assert column.value(2) == Fraction(1, 2**61 - 3)


# ---------------------------------------------------------------- records


def general_outcome(records):
    """The outcome of the general path: records_table and the column reader one by one."""
    from ntm_core._core.tables import records_table

    table = records_table(list(records), source="records")
    builder = TableBuilder(table, catalog=CATALOG, decimal_comma=None, units=None)
    builder.types = lambda cells: {object}  # no column-wise shortcut: every cell one by one
    try:
        observations = builder.build()
    except ExceptionGroup as group:
        return "problems", [
            (e.message, e.source, e.row, e.column, e.value) for e in group.exceptions
        ]
    return "observations", _content(observations)


def fast_outcome(records):
    table = uniform_records_table(list(records), source="records")
    assert table is not None
    try:
        observations = TableBuilder(table, catalog=CATALOG, decimal_comma=None, units=None).build()
    except ExceptionGroup as group:
        return "problems", [
            (e.message, e.source, e.row, e.column, e.value) for e in group.exceptions
        ]
    return "observations", _content(observations)


def _content(observations):
    columns = {
        key: (column.scale, None if column.scaled is None else column.scaled.tolist())
        for key, column in observations.columns.items()
    }
    return content(observations), observations.codes, columns


NUMBERS = st.one_of(
    st.none(),
    st.integers(-5, 10**6),
    st.integers(2**53 - 2, 2**64),
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.floats(0, 100).map(lambda x: round(x, 2)),
    st.sampled_from([0.1 + 0.2, 1e15, 1e-7, 99.99, 100.0, 100.00000000000001, -0.0]),
)
ANSWERS = st.one_of(st.none(), st.booleans())


@FAST
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(["1", "2", "3", "4", "5"]), NUMBERS, NUMBERS, NUMBERS, ANSWERS),
        min_size=1,
        max_size=10,
    ),
    period=st.sampled_from([2024, 1800, 2**63]),
)
def test_records_read_column_wise_as_one_by_one(rows, period):
    records = [
        {
            "unit_code": code,
            "period": period,
            "stunting_under5": share,
            "green_land_per_person": amount,
            "income_per_capita": income,
            "commune_plan_approved": answer,
        }
        for code, share, amount, income, answer in rows
    ]
    assert fast_outcome(records) == general_outcome(records)


def test_uniform_records_only():
    assert uniform_records_table([], source=None) is None
    assert uniform_records_table([{"unit_code": "1"}], source=None) is None
    assert uniform_records_table([{"a": 1, "b": 2}, {"a": 1, "c": 2}], source=None) is None
    assert uniform_records_table([{"a": 1, "b": 2}, {"a": 1}], source=None) is None
    assert uniform_records_table([{"a": 1, 2: 2}], source=None) is None
    assert uniform_records_table([{"a": 1, "b": 2}, [1, 2]], source=None) is None
    table = uniform_records_table([{"a": 1, "b": [1, 2]}, {"b": None, "a": 2}], source=None)
    assert table.header == ["a", "b"]
    assert [list(c) for c in table.columns] == [[1, 2], [(1, 2), None]]
    assert table.rows == [1, 2]


@settings(max_examples=500)
@given(
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.decimals(0, 10**15, places=3).map(float),
        st.integers(0, 10**6).map(lambda n: n / 100),
    )
)
def test_float_scaled_is_the_shortest_decimal(x):
    """Found exactly when repr(x) is m/10**k with |m| < 10**15, k <= 15; then it is that."""
    num, den, found = float_scaled(np.asarray([x]))
    if not np.isfinite(x):
        assert not found[0]
        return
    exact = Fraction(repr(x))
    fits = any((exact * 10**k).denominator == 1 and abs(exact * 10**k) < 10**15 for k in range(16))
    assert found[0] == fits
    if fits:
        assert Fraction(int(num[0]), int(den[0])) == exact


def test_float_scaled_edges():
    values = np.asarray([0.1, 0.1 + 0.2, 85.5, 1e15 - 1, 1e15, 1e-15, 1e-16, -2.5, np.nan])
    num, den, found = float_scaled(values)
    assert found.tolist() == [True, False, True, True, False, True, False, True, False]
    assert (num[0], den[0]) == (1, 10)
    assert (num[7], den[7]) == (-25, 10)


def test_a_file_is_scanned_in_blocks(tmp_path):
    from ntm_core._core.tables import _scan

    path = tmp_path / "w.csv"
    path.write_bytes(b'\xef\xbb\xbfab,c\r\n"1",2222\r\n')
    assert _scan(path, size=9) == (b"ab,c\r", True)  # the CR LF across two blocks is a pair
    path.write_bytes(b"ab,c\r\n1,2\r3,4\n")
    assert _scan(path, size=9) is None  # a bare CR
    path.write_bytes(b"abcdefgh,c\n1,2\n")
    assert _scan(path, size=4) is None  # a first line longer than a block
    assert _scan(tmp_path / "missing.csv") is None
    assert arrow_csv_table(tmp_path / "missing.csv", SOURCE) is None


def test_large_files_the_columnar_path_refuses_are_read_row_wise(tmp_path):
    lines = ["unit_code,period,stunting_under5"]
    lines += [f"X{i},2024,{i % 100}" for i in range(COLUMNAR_BYTES // 10)]
    lines[3] = ",,"  # a line of separators only: skipped, still counted
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = read_table(path, str(path), columnar=True)
    assert not isinstance(table.columns[0], ArrowColumn)
    assert table.rows[:3] == [2, 3, 5]


@pytest.mark.parametrize(
    "values",
    [
        [10**400, 1.5],  # beyond floats: the whole column one by one
        ["85%", 1.5],  # text among numbers
        [True, 1.5],  # a bool is not a number
        [99999999999999.9, 1e-15, None],  # no common denominator in int64: exact fractions
        [float("nan"), None, 2**60],
    ],
)
def test_records_numbers_numpy_cannot_take(values):
    records = [
        {"unit_code": str(i), "period": 2024, "green_land_per_person": value}
        for i, value in enumerate(values)
    ]
    assert fast_outcome(records) == general_outcome(records)


def test_arrow_numpy_refuses_nulls():
    from ntm_core._core.tables import arrow_numpy

    assert arrow_numpy(pa.array([1, 2], pa.int64())).tolist() == [1, 2]
    with pytest.raises(ValueError, match="nulls"):
        arrow_numpy(pa.array([1, None], pa.int64()))


def test_a_period_beyond_int64_is_a_problem_as_one_by_one():
    records = [{"unit_code": "18073", "period": 2**63}]  # found by the readers' fuzz
    kind, found = fast_outcome(records)
    assert (kind, found) == general_outcome(records)
    assert kind == "problems"


def test_a_factor_beyond_int64_leaves_every_value_to_the_careful_path():
    reader = _reader("green_land_per_person")
    num, den, fast = reader.plain_texts(pa.array(["1", "2.5"]), (10**400, 1))
    assert not fast.any()
    assert (num.tolist(), den.tolist()) == ([0, 0], [1, 1])
