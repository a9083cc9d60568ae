"""From tables to observations (io._builder): the long and wide layouts, ids, attributes, row errors.

Every problem of the input is raised at once (an ``ExceptionGroup`` of
``InputError``); nothing is returned partially.
"""

from decimal import Decimal
from fractions import Fraction

import pytest

from io_support import EXPECTED, LONG, WIDE, bundled_catalog, content, only_problem, problems, write
from ntm_core.exceptions import DataError, InputError, UnknownIndicatorError
from ntm_core.io import observations_from_records, read_observations
from ntm_core.units import registry


@pytest.fixture(scope="module")
def catalog():
    return bundled_catalog()


def test_wide_csv_reads_exact_canonical_values(tmp_path, catalog):
    observations = read_observations(write(tmp_path, "wide.csv", WIDE), catalog=catalog)
    assert observations.codes == ("18073", "18074")
    assert observations.periods == (2024, 2024)
    assert {k: v for k, (v, _) in content(observations).items()} == EXPECTED
    assert observations.attributes["name"] == ("Phường Nam Hà", "Xã Thạch Hạ")
    assert observations.attributes["region"] == ("BTB", "BTB")
    assert observations.source == str(tmp_path / "wide.csv")


def test_long_csv_reads_the_same_values(tmp_path, catalog):
    observations = read_observations(write(tmp_path, "long.csv", LONG), catalog=catalog)
    assert observations.codes == ("18073", "18074")
    assert {k: v for k, (v, _) in content(observations).items()} == EXPECTED


def test_aliases_code_and_year_and_case_of_id_columns(tmp_path, catalog):
    path = write(tmp_path, "w.csv", "Code,YEAR,Stunting_Under5\n18073,2024,10\n")
    observations = read_observations(path, catalog=catalog)
    assert observations.codes == ("18073",)
    assert observations.value("stunting_under5", 0) == 10


def test_attribute_only_file_has_no_columns(tmp_path, catalog):
    observations = read_observations(
        write(tmp_path, "w.csv", "unit_code,period,name\n18073,2024,A\n"), catalog=catalog
    )
    assert dict(observations.columns) == {}
    assert observations.attributes["name"] == ("A",)


def test_legal_code_columns_map_to_stable_keys(tmp_path, catalog):
    """Decision 318/QĐ-TTg numbers indicator 15.3 'stunting of children under 5'."""
    assert catalog.codes["15.3"] == "stunting_under5"
    assert catalog.codes["10"] == "income_per_capita"
    path = write(tmp_path, "w.csv", "unit_code,period,15.3,10,17.10\n18073,2024,20,45,80\n")
    observations = read_observations(path, catalog=catalog)
    assert set(observations.columns) == {
        "stunting_under5",
        "income_per_capita",
        "households_waste_sorting_share",
    }
    assert observations.value("stunting_under5", 0) == 20
    assert observations.value("households_waste_sorting_share", 0) == 80


def test_a_key_and_its_code_in_one_file_are_one_column_twice(tmp_path, catalog):
    path = write(tmp_path, "w.csv", "unit_code,period,stunting_under5,15.3\n18073,2024,20,21\n")
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    (message,) = problems(excinfo)
    assert message == (
        f"{path}, row 1, column '15.3': column '15.3' repeats column 'stunting_under5' "
        "(both mean 'stunting_under5')"
    )


def test_an_unknown_indicator_column_suggests_a_key(tmp_path, catalog):
    path = write(tmp_path, "w.csv", "unit_code,period,income_per_capta\n1,2024,45\n")
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    error = only_problem(excinfo)
    assert isinstance(error, UnknownIndicatorError)
    assert isinstance(error, InputError)
    assert isinstance(error, KeyError)
    assert str(error) == (
        f"{path}, row 1, column 'income_per_capta': unknown indicator 'income_per_capta' "
        "(did you mean 'income_per_capita'?)"
    )


def test_an_unknown_column_without_a_close_key(tmp_path, catalog):
    path = write(tmp_path, "w.csv", "unit_code,period,zzz\n1,2024,45\n")
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    assert "unknown indicator 'zzz'; expected an indicator key or legal code" in str(
        only_problem(excinfo)
    )


def test_a_unit_listed_twice_for_one_period_names_both_rows(tmp_path, catalog):
    text = "unit_code,period,stunting_under5\n1,2024,10\n2,2024,11\n1,2025,12\n1,2024,13\n"
    path = write(tmp_path, "w.csv", text)
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    assert problems(excinfo) == [
        f"{path}, row 5, column 'unit_code': unit '1' is listed twice for 2024: rows 2 and 5"
    ]


def test_several_periods_of_one_unit_are_fine(tmp_path, catalog):
    text = "unit_code,period,stunting_under5\n1,2024,10\n1,2025,12\n"
    observations = read_observations(write(tmp_path, "w.csv", text), catalog=catalog)
    assert observations.for_period(2025).value("stunting_under5", 0) == 12


def test_missing_unit_code_and_period(tmp_path, catalog):
    path = write(tmp_path, "w.csv", "unit_code,period,stunting_under5\n,2024,10\n1,,10\n")
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    assert problems(excinfo) == [
        f"{path}, row 2, column 'unit_code': missing unit code",
        f"{path}, row 3, column 'period': missing period (the assessment year)",
    ]


def test_every_problem_is_collected_and_nothing_is_returned(tmp_path, catalog):
    text = (
        "unit_code,period,income_per_capita,15.3,commune_plan_approved,bogus\n"
        "1,2024,abc,120,maybe,1\n"
        "1,2024,45 km,850/100,x,\n"
        ",20x4,1,1,1,\n"
        "3,2024,45,12,Đạt,\n"
    )
    path = write(tmp_path, "bad.csv", text)
    result = None
    with pytest.raises(ExceptionGroup) as excinfo:
        result = read_observations(path, catalog=catalog)
    assert result is None
    assert str(excinfo.value).startswith(f"{path}: 9 problems in the observations")
    assert all(isinstance(e, InputError) for e in excinfo.value.exceptions)
    where = [(e.row, e.column) for e in excinfo.value.exceptions]
    assert where == [
        (1, "bogus"),
        (2, "income_per_capita"),
        (2, "15.3"),
        (2, "commune_plan_approved"),
        (3, "unit_code"),
        (3, "income_per_capita"),
        (3, "15.3"),
        (4, "unit_code"),
        (4, "period"),
    ]


def test_a_file_in_neither_layout_says_which_columns_were_expected(tmp_path, catalog):
    path = write(tmp_path, "w.csv", "commune,score\nA,1\n")
    with pytest.raises(DataError) as excinfo:
        read_observations(path, catalog=catalog)
    assert str(excinfo.value) == (
        f"{path}: neither layout: expected the long layout's columns "
        "unit_code, period, indicator, value[, unit][, source], or the wide layout's "
        "unit_code (or code), period (or year) and one column per indicator; "
        "found 'commune', 'score'"
    )


def test_long_layout_errors_name_the_right_column(tmp_path, catalog):
    text = (
        "unit_code,period,indicator,value,unit\n"
        "1,2024,income_per_capita,45,km\n"
        "1,2024,stunting_under5,12,\n"
        "1,2024,15.3,13,\n"
        "1,2024,income_per_capta,45,\n"
        "1,2024,,45,\n"
        "1,2024,health_insurance_coverage,101,\n"
        "1,2024,commune_plan_approved,Đạt,ha\n"
    )
    path = write(tmp_path, "long.csv", text)
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    assert problems(excinfo) == [
        (
            f"{path}, row 2, column 'unit': expected a unit convertible to million_VND / person / "
            "year, got 'km' (kilometer cannot be converted to million_VND / person / year)"
        ),
        (
            f"{path}, row 4, column 'indicator': unit '1' has 'stunting_under5' twice for 2024: "
            "rows 3 and 4"
        ),
        (
            f"{path}, row 5, column 'indicator': unknown indicator 'income_per_capta' "
            "(did you mean 'income_per_capita'?)"
        ),
        f"{path}, row 6, column 'indicator': missing indicator",
        (
            f"{path}, row 7, column 'value': expected a share in percent between 0 and 100 "
            "(85, 85% or counts such as 850/1000), got '101' (a share cannot exceed 100 percent)"
        ),
        f"{path}, row 8, column 'unit': expected no unit for a yes/no indicator, got 'ha'",
    ]
    assert isinstance(excinfo.value.exceptions[2], UnknownIndicatorError)


def test_long_layout_rejects_unknown_columns(tmp_path, catalog):
    path = write(tmp_path, "long.csv", "unit_code,period,indicator,value,note\n1,2024,15.3,12,x\n")
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    (message,) = problems(excinfo)
    assert message.startswith(f"{path}, row 1, column 'note': unknown column 'note' in the long")


def test_long_layout_attributes_must_agree_per_unit(tmp_path, catalog):
    text = (
        "unit_code,period,indicator,value,name\n"
        "1,2024,15.3,12,Xã A\n"
        "1,2024,15.1,90,\n"
        "2,2024,15.3,12,Xã B\n"
        "2,2024,15.1,90,Xã C\n"
    )
    path = write(tmp_path, "long.csv", text)
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    assert problems(excinfo) == [
        (
            f"{path}, row 5, column 'name': name is 'Xã B' in row 4 but 'Xã C' here, "
            "for the same unit and period"
        )
    ]
    text = text.replace("Xã C", "Xã B")
    observations = read_observations(write(tmp_path, "long.csv", text), catalog=catalog)
    assert observations.attributes["name"] == ("Xã A", "Xã B")


def test_records_accept_python_values(catalog):
    ureg = registry()
    records = [
        {
            "unit_code": "1",
            "period": 2024,
            "income_per_capita": ureg.Quantity(45_000_001, "VND / person / year"),
            "health_insurance_coverage": (850, 1000),
            "stunting_under5": Decimal("12.5"),
            "green_land_per_person": 0.1,
            "disaster_prevention_score": Fraction(1, 3),
            "commune_plan_approved": True,
            "1.2": "không đạt",
            "region": "BTB",
        },
        {"unit_code": 2, "period": "2024", "income_per_capita": "45,5"},
    ]
    observations = observations_from_records(records, catalog=catalog)
    assert observations.codes == ("1", "2")
    assert observations.source is None
    assert observations.value("income_per_capita", 0) == Fraction(45_000_001, 10**6)
    assert observations.value("health_insurance_coverage", 0) == 85
    assert observations.value("stunting_under5", 0) == Fraction(25, 2)
    assert observations.value("green_land_per_person", 0) == Fraction(1, 10)
    assert observations.value("disaster_prevention_score", 0) == Fraction(1, 3)
    assert observations.value("commune_plan_approved", 0) is True
    assert observations.value("plan_management_rules_issued", 0) is False
    assert observations.value("income_per_capita", 1) == Fraction(91, 2)
    assert observations.attributes["region"] == ("BTB", None)


def test_records_errors_count_records_from_one(catalog):
    """A float NaN is a blank (pandas writes one for an empty cell), not an error (issue 11)."""
    records = [
        {"unit_code": "1", "period": 2024, "15.1": 50},
        {"unit_code": "2", "period": 2024, "15.1": (11, 10), "1.1": 2, "10": True},
        {"unit_code": "3", "period": 2024, "15.1": float("nan"), "10": object()},
        {"unit_code": 4.5, "period": 2024.5, "name": 1.5},
    ]
    with pytest.raises(ExceptionGroup) as excinfo:
        observations_from_records(records, catalog=catalog, source="survey")
    assert str(excinfo.value).startswith("survey: 7 problems in the observations")
    assert [(e.row, e.column) for e in excinfo.value.exceptions] == [
        (2, "15.1"),
        (2, "1.1"),
        (2, "10"),
        (3, "10"),
        (4, "unit_code"),
        (4, "period"),
        (4, "name"),
    ]
    assert problems(excinfo)[0].startswith("survey, row 2, column '15.1': expected counts")


def test_records_key_errors(catalog):
    with pytest.raises(ExceptionGroup) as excinfo:
        observations_from_records(
            [{"unit_code": "1", "period": 2024, 3: "x", "stunting": 1}], catalog=catalog
        )
    assert problems(excinfo) == [
        "column 'stunting': unknown indicator 'stunting' (did you mean 'stunting_under5'?)",
        "row 1: column names must be text, got 3",
    ]


def test_no_records_is_a_data_error(catalog):
    with pytest.raises(DataError, match="no observations"):
        observations_from_records([], catalog=catalog)


def test_duplicate_id_and_attribute_columns(tmp_path, catalog):
    path = write(tmp_path, "w.csv", "unit_code,code,period,name,Name\n1,1,2024,A,B\n")
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    assert problems(excinfo) == [
        (
            f"{path}, row 1, column 'code': column 'code' repeats column 'unit_code' "
            "(both mean 'unit_code')"
        ),
        f"{path}, row 1, column 'Name': column 'Name' repeats column 'name'",
    ]


def test_long_layout_edges(tmp_path, catalog):
    huge = str(2**70)
    text = (
        "unit_code,period,indicator,value,unit,unit,\n"
        f"1,2024,income_per_capita [đồng/người/năm],{huge},,,\n"
        '1,2024,15.3,"12,5",,,\n'
        '2,2024,green_land_per_person,"4,5 m²/người",,,\n'
    )
    path = write(tmp_path, "long.csv", text)
    with pytest.raises(ExceptionGroup) as excinfo:
        read_observations(path, catalog=catalog)
    assert problems(excinfo) == [
        f"{path}, row 1, column 'unit': column 'unit' repeats column 'unit'"
    ]
    observations = read_observations(
        write(tmp_path, "long.csv", text.replace(",unit,\n", ",\n", 1).replace(",,,\n", ",,\n")),
        catalog=catalog,
    )
    assert observations.value("income_per_capita", 0) == Fraction(2**70, 10**6)
    assert observations.value("stunting_under5", 0) == Fraction(25, 2)
    assert observations.value("green_land_per_person", 1) == Fraction(9, 2)
    assert observations.value("income_per_capita", 1) is None


def test_records_with_odd_python_values(catalog):
    from ntm_core import Region

    ureg = registry()
    records = [
        {"unit_code": "1", "period": 2024, "region": Region.BTB, "15.1": {"x": 1}, "1.1": {}},
        {"unit_code": "2", "period": 2024, "15.1": (1.5, 2), "10": Decimal("NaN")},
        {"unit_code": "3", "period": 2024, "10": ureg.Quantity(float("inf"), "million_VND")},
        {"unit_code": "4", "period": 2024, "1.1": None, "15.1": None},
    ]
    with pytest.raises(ExceptionGroup) as excinfo:
        observations_from_records(records, catalog=catalog)
    assert [(e.row, e.column) for e in excinfo.value.exceptions] == [
        (1, "15.1"),
        (1, "1.1"),
        (2, "15.1"),
        (2, "10"),
        (3, "10"),
    ]
    assert "(two whole numbers)" in problems(excinfo)[2]
    assert "(not a finite number)" in problems(excinfo)[4]
    good = observations_from_records([records[0] | {"15.1": 5, "1.1": 1}], catalog=catalog)
    assert good.attributes["region"] == (Region.BTB.value,)
    assert good.value("commune_plan_approved", 0) is True
