"""Fuzzing every reader: hostile files end in a clean result or the library's error, quickly.

Issue 14: whatever a file holds, a reader returns a value or raises an
:class:`~ntm_core.exceptions.NtmCoreError` (an :class:`InputErrors` group, or one
of its members) whose message names the file; never another exception, and never
more than :data:`BOUND` seconds for one file. Inputs mix the columns and values each
reader expects with the hostile ones the hostile-user trial used (huge exponents,
formulas, truncated rows, odd encodings, junk).

The number of examples follows the hypothesis profile (``tests/conftest.py``):
a few hundred in CI, ``HYPOTHESIS_PROFILE=long`` for a thorough run.
"""

import contextlib
import datetime as dt
import io
import json
import signal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from io_support import bundled_catalog
from ntm_core.admin import load_units_csv
from ntm_core.exceptions import InputErrors, NtmCoreError
from ntm_core.io import read_observations, read_units
from ntm_core.ocop import COLUMNS as PRODUCT_COLUMNS
from ntm_core.ocop import REQUIRED_COLUMNS as PRODUCT_REQUIRED
from ntm_core.ocop import read_products
from ntm_core.rules import SHEET_COLUMNS, Rulebook

BOUND = 5.0
"""Seconds one file may take (the trial found files that ran for ten minutes)."""

FUZZ = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
CATALOG = bundled_catalog()
BOOK = Rulebook.bundled()
MINIMAL_RULES = (Path(__file__).parent / "data" / "rules" / "minimal.toml").read_text("utf-8")


class _TooSlowError(Exception):
    pass


@contextlib.contextmanager
def _bounded(seconds):
    """Fail (rather than hang) when the block runs longer than ``seconds``."""

    def alarm(signum, frame):
        raise _TooSlowError(f"a reader took more than {seconds} s on one file")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check_reader(read, path):
    """``read(path)`` returns, or raises the library's error naming ``path``."""
    error: NtmCoreError | None = None
    try:
        with _bounded(BOUND):
            read(path)
    except NtmCoreError as err:
        error = err
    # Anything else (and _TooSlowError) propagates: hypothesis reports and shrinks it.
    if isinstance(error, InputErrors):
        assert error.exceptions
        for problem in error.exceptions:
            assert isinstance(problem, NtmCoreError), repr(problem)
            assert path.name in str(problem), str(problem)
    elif error is not None:
        assert path.name in str(error), str(error)


# ---------------------------------------------------------------- hostile pieces

HOSTILE_NUMBERS = [
    "1e999999999", "1e999999", "-1e-999999", "9" * 400, "0." + "0" * 300 + "1", "NaN", "nan",
    "Infinity", "-inf", "1e30", "1e-30", "1e31", "-0", "+5", "1,234.5", "1.234,5", "45,5",
    "1,2,3", "1..2", "٣", "１２", "½", "0x10", "1_000", "850/1000", "1/0", "5/3", "-1/2",
    "85%", "150%", "%", "45 triệu đồng/người/năm", "45 bananas", "45 km", "1e3 m**2",
]  # fmt: skip
HOSTILE_TEXT = [
    "", " ", "=HYPERLINK(\"http://x\")", "+cmd", "@SUM(A1)", "'=x", "\t", "\r", "\n", '"', '""',
    "Đạt", "Không đạt", "không", "x", "yes", "true", "1", "0", "None", "null", "[]", "{}",
    "Xã Thạch Hạ", "Xa\u0303", "\u200b", "\ufeff", "\x00", "\x1f", "🙂", "a" * 300,
    "2024", "24", "2024-06-15", "15/06/24", "31/02/2024", "0000-00-00", "9999-12-31",
]  # fmt: skip


def _printable(max_size=12):
    return st.text(st.characters(exclude_categories=["Cs"]), max_size=max_size)


def cells(known=()):
    """A cell: mostly a word the reader expects here, else hostile values or any short text."""
    hostile = st.one_of(
        st.sampled_from(HOSTILE_NUMBERS), st.sampled_from(HOSTILE_TEXT), _printable()
    )
    if not known:
        return hostile
    return st.one_of(st.sampled_from(known), st.sampled_from(known), hostile)


@st.composite
def tables(draw, required, columns, values, *, max_rows=6):
    """The columns a reader needs and others (sometimes damaged), and rows of cells.

    Rows are mostly as wide as the header; some are cut short or too long.
    """
    header = list(required) + draw(
        st.lists(st.sampled_from(columns) | st.sampled_from(columns) | cells(), max_size=5)
    )
    if draw(st.integers(0, 7)) == 0:
        header[draw(st.integers(0, len(header) - 1))] = draw(cells())
    header = draw(st.permutations(header)) if draw(st.booleans()) else header
    rows = []
    for _ in range(draw(st.integers(1, max_rows))):
        row = [draw(cells(values.get(name, values[""]))) for name in header]
        change = draw(st.sampled_from([0] * 8 + [-1, 1]))
        rows.append(row[:change] if change < 0 else row + [draw(cells())] * change)
    return header, rows


def csv_bytes(header, rows, draw_style):
    delimiter, quote_all, encoding, newline = draw_style
    buffer = io.StringIO()
    import csv

    writer = csv.writer(
        buffer,
        delimiter=delimiter,
        lineterminator=newline,
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
    )
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")


CSV_STYLES = st.tuples(
    st.sampled_from([",", ";", "\t"]),
    st.booleans(),
    st.sampled_from(["utf-8"] * 8 + ["utf-8-sig", "utf-16", "latin-1"]),
    st.sampled_from(["\n", "\r\n", "\r"]),
)


@st.composite
def csv_files(draw, required, columns, values):
    """CSV bytes of a hostile table; now and then junk, or a table cut off anywhere."""
    kind = draw(st.sampled_from(["table"] * 8 + ["junk", "cut"]))
    if kind == "junk":
        return draw(st.binary(max_size=200))
    header, rows = draw(tables(required, columns, values))
    data = csv_bytes(header, rows, draw(CSV_STYLES))
    if kind == "cut":
        data = data[: draw(st.integers(0, len(data)))]
    return data


def write_file(directory, name, data):
    path = directory / name
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


# ---------------------------------------------------------------- observations

OBS_COLUMNS = [
    "unit_code", "code", "period", "year", "name", "region", "group", "commune_kind",
    "parent_code", "level", "indicator", "value", "unit", "source", "income_per_capita",
    "income_per_capita [đồng/người/năm]", "income_per_capita [bananas]", "15.3", "1.1",
    "health_insurance_coverage", "commune_plan_approved", "green_land_per_person", "17.10",
    "income_per_cap", "UNIT_CODE",
]  # fmt: skip
_NUMBERS = ["45", "12.5", "12,5", "85%", "850/1000", "0", "100", "45 triệu đồng/người/năm"]
_YES_NO = ["Đạt", "không đạt", "x", "yes", "0", "1"]
OBS_VALUES = {
    "": _NUMBERS + _YES_NO,
    "unit_code": ["18073", "18074", "1"],
    "code": ["18073", "18074"],
    "period": ["2024", "2023"],
    "year": ["2024"],
    "region": ["BTB", "TDMNPB", "bananas"],
    "group": ["1", "3"],
    "indicator": ["income_per_capita", "15.3", "1.1", "commune_plan_approved", "nope"],
    "value": _NUMBERS + _YES_NO,
    "unit": ["", "%", "triệu đồng/người/năm", "đồng/người/năm", "km"],
    "commune_plan_approved": _YES_NO,
    "1.1": _YES_NO,
}


@FUZZ
@given(data=csv_files(["unit_code", "period"], OBS_COLUMNS, OBS_VALUES))
def test_observations_csv(folder, data):
    path = write_file(folder, "obs.csv", data)
    check_reader(lambda p: read_observations(p, catalog=CATALOG), path)


JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**50), max_value=10**50),
    st.floats(allow_nan=False, allow_infinity=False),
    cells(OBS_VALUES[""]),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(cells(OBS_COLUMNS), inner, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def json_files(draw):
    """Records in either layout (values as text or JSON numbers), any JSON, or broken text."""
    kind = draw(st.sampled_from(["records"] * 4 + ["wrapped", "any", "text"]))
    if kind == "text":
        return draw(
            st.sampled_from(
                ['{"a": 1e999999999}', "[1e999999]", "[" * 5000, '{"a": NaN}', '[{"a":1,"a":2}]']
            )
            | _printable(40)
        ).encode("utf-8")
    if kind == "any":
        return json.dumps(draw(JSON_VALUES)).encode("utf-8")
    header, rows = draw(tables(["unit_code", "period"], OBS_COLUMNS, OBS_VALUES))
    records = [
        {name: draw(st.just(cell) | JSON_SCALARS) for name, cell in zip(header, row, strict=False)}
        for row in rows
    ]
    document = records if kind == "records" else {"observations": records}
    return json.dumps(document, ensure_ascii=draw(st.booleans())).encode("utf-8")


@FUZZ
@given(data=json_files())
def test_observations_json(folder, data):
    path = write_file(folder, "obs.json", data)
    check_reader(lambda p: read_observations(p, catalog=CATALOG), path)


XLSX_CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=dt.date(1900, 3, 1)),
    cells(OBS_VALUES[""]).map(lambda t: "".join(c for c in t if c.isprintable() or c in "\t\n")),
)


@FUZZ
@given(
    header=st.lists(st.sampled_from(OBS_COLUMNS) | XLSX_CELLS, min_size=1, max_size=6),
    rows=st.lists(st.lists(XLSX_CELLS, max_size=7), max_size=5),
)
def test_observations_xlsx(folder, header, rows):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [header, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    path = write_file(folder, "obs.xlsx", buffer.getvalue())
    check_reader(lambda p: read_observations(p, catalog=CATALOG), path)


@FUZZ
@given(data=st.binary(max_size=300))
def test_observations_xlsx_junk(folder, data):
    path = write_file(folder, "junk.xlsx", b"PK\x03\x04" + data)
    check_reader(lambda p: read_observations(p, catalog=CATALOG), path)


# ---------------------------------------------------------------- unit lists

UNIT_COLUMNS = [
    "code", "unit_code", "name", "level", "parent_code", "district_code", "province_code",
    "region", "group", "commune_kind", "valid_from", "valid_to", "type", "lat",
]  # fmt: skip
UNIT_VALUES = {
    "": ["Hà Tĩnh", "BTB", "1", "x"],
    "code": ["42", "436", "18073", "18074", "18073"],
    "unit_code": ["42", "18073"],
    "name": ["Hà Tĩnh", "Xã Thạch Hạ", "Phường Nam Hà"],
    "level": ["commune", "ward", "district", "province", "town", "xã", "phường", "huyện"],
    "parent_code": ["42", "436", "", "18073"],
    "district_code": ["436"],
    "province_code": ["42"],
    "valid_from": ["2025-01-01", "2020-01-01", "01/01/2025"],
    "valid_to": ["2025-07-01", "2020-01-01", ""],
    "region": ["BTB"],
}


@FUZZ
@given(data=csv_files(["code", "name", "level"], UNIT_COLUMNS, UNIT_VALUES))
def test_admin_unit_lists(folder, data):
    path = write_file(folder, "units.csv", data)
    check_reader(lambda p: load_units_csv(p, valid_from=dt.date(2025, 1, 1)), path)


@FUZZ
@given(data=csv_files(["code", "name", "level"], UNIT_COLUMNS, UNIT_VALUES))
def test_io_unit_lists(folder, data):
    path = write_file(folder, "units.csv", data)
    check_reader(read_units, path)


# ---------------------------------------------------------------- threshold sheets

SHEET_VALUES = {
    "": ["", "x", "45"],
    "ruleset": ["vn.commune.standard@2021-2025", "vn.commune.advanced@2021-2025", "vn.nope@1"],
    "indicator": ["income_per_capita", "health_insurance_coverage", "commune_plan_approved"],
    "value": ["45", "44", "150", "85%", "Đạt", "44,5", "-1", ""],
    "unit": ["", "triệu đồng/người/năm", "percent", "%", "km"],
    "comparator": [">=", "<=", "==", "'=="],
    "region": ["", "BTB", "TDMNPB"],
    "group": ["", "1", "3"],
    "year": ["", "2024"],
    "commune_kind": ["", "extremely_disadvantaged"],
    "citation_number": ["318/QĐ-TTg", ""],
    "citation_date": ["2022-03-08", "", "08/03/2022"],
    "provenance": ["verified", "secondary", "unverified", "illustrative", "maybe"],
}


@FUZZ
@given(
    data=csv_files(
        ["ruleset", "indicator", "value", "citation_number", "provenance"],
        list(SHEET_COLUMNS),
        SHEET_VALUES,
    )
)
def test_threshold_sheets(folder, data):
    path = write_file(folder, "sheet.csv", data)
    check_reader(BOOK.with_thresholds, path)


# ---------------------------------------------------------------- OCOP products

_SCORES = ["30", "29,9", "1/3", "20", "101", "-1", "0"]
_DATES = ["2021-06-15", "15/06/2021", "15/06/24", "2019-01-01", "2025-03-01"]
PRODUCT_VALUES = {
    "": ["", "x"],
    "code": ["P-1", "p-1", "P-2"],
    "name": ["Trà xanh", "Mật ong"],
    "producer": ["HTX Hòa Bình", ""],
    "producer_kind": ["cooperative", "household", "nope", ""],
    "commune_code": ["18196", "18073"],
    "group": ["1", "2", "6", "9"],
    "subgroup": ["chế biến", ""],
    "score_a": _SCORES,
    "score_b": _SCORES,
    "score_c": _SCORES,
    "evaluated_on": _DATES,
    "certified_level": ["province", "central", "district", ""],
    "decision": ["12/QĐ-UBND", ""],
    "decision_date": [*_DATES, ""],
    "central_recognition": ["yes", "no", ""],
}


@FUZZ
@given(data=csv_files(list(PRODUCT_REQUIRED), list(PRODUCT_COLUMNS), PRODUCT_VALUES))
def test_ocop_products(folder, data):
    path = write_file(folder, "products.csv", data)
    check_reader(read_products, path)


# ---------------------------------------------------------------- rule files

TOML_PIECES = [
    'key = "x"', "value = 1e999999999", "value = 9" + "9" * 400, "value = nan", "value = -45",
    'value = "91/2"', 'comparator = "!="', 'kind = "numeric"', 'unit = "bananas"',
    'unit = "percent"', "valid_from = 2030-01-01", "valid_to = 2000-01-01", "[[criteria]]",
    "[[criteria.indicators]]", "[[criteria.indicators.thresholds]]", 'provenance = "maybe"',
    "[ruleset]", 'schema = "ntm_core.rules/2"', "x = [", '"', "= 1", 'region = "MARS"',
]  # fmt: skip


@st.composite
def rule_files(draw):
    """The minimal rule file with lines dropped, duplicated or replaced, or junk."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=200))
    lines = MINIMAL_RULES.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "duplicate", "replace", "insert", "edit"]))
        if action == "drop":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "replace":
            lines[index] = draw(st.sampled_from(TOML_PIECES))
        elif action == "insert":
            lines.insert(index, draw(st.sampled_from(TOML_PIECES)))
        else:
            key, _, _ = lines[index].partition("=")
            value = draw(st.sampled_from(HOSTILE_NUMBERS) | _printable())
            lines[index] = f"{key.strip() or 'x'} = {json.dumps(value)}"
        if not lines:
            break
    return "\n".join(lines).encode("utf-8")


@FUZZ
@given(data=rule_files())
def test_rule_files(folder, data):
    path = write_file(folder, "rules.toml", data)
    check_reader(lambda p: Rulebook.from_paths([p]), path)


# ---------------------------------------------------------------- the harness itself


def test_the_bound_stops_a_hanging_reader(tmp_path):
    path = write_file(tmp_path, "x.csv", b"")

    def hang(_):
        while True:
            pass

    with pytest.raises(_TooSlowError), _bounded(0.2):
        hang(path)


def test_an_error_without_the_file_name_fails_the_check(tmp_path):
    from ntm_core.exceptions import InputError

    path = write_file(tmp_path, "x.csv", b"")

    def unlocated(_):
        raise InputErrors("1 problem", [InputError("bad", row=2)])

    with pytest.raises(AssertionError):
        check_reader(unlocated, path)
    with pytest.raises(KeyError):
        check_reader(lambda _: {}["x"], path)
