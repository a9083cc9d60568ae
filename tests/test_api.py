"""The one-import API (issue 11): ``ntm.sample()``, read, assess, explain, readiness, OCOP."""

import datetime as dt
import io
import json
from fractions import Fraction
from html.parser import HTMLParser

import attrs
import numpy as np
import pandas as pd
import pytest

import ntm_core as ntm
from ntm_core._core.dates import as_date
from ntm_core.cli import main
from ntm_core.datasets import HA_TINH_DIR, OCOP_SAMPLE_PRODUCTS
from ntm_core.engine import IndicatorCatalog
from ntm_core.exceptions import InputError, InputErrors
from ntm_core.io import observations_from_frame
from ntm_core.readiness._render import readiness_to_dict

ON = "2024-12-31"
SAMPLE_CSV = HA_TINH_DIR / "sample-observations.csv"


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def _parse(html):
    parser = _Tags()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def s():
    return ntm.sample()


# ---------------------------------------------------------------- issue 11 "Done when"


def test_done_when_snippet_runs(s):
    """The issue's snippet, line by line (plot and Excel lines are apireport's)."""
    assert s.synthetic is True
    res = ntm.assess(s, on="2024-12-31")
    assert len(res.observations) == 182  # the sample's communes of 2024 (no district rows)
    assert set(res.observations.periods) == {2024}
    if hasattr(res, "to_frame"):  # apiengine builds BatchResult.to_frame
        df = res.to_frame()
        assert len(df) == 182
        assert "tier" in df.columns
    obs = ntm.read_observations(pd.read_csv(SAMPLE_CSV))
    assert len(obs) == len(s.observations)
    report = ntm.readiness(s, on="2024-12-31", target=2025)
    assert isinstance(report, ntm.ProvinceReadiness)
    assert report.target_year == 2025


def test_readiness_of_the_sample_is_what_the_cli_prints(s):
    """Same numbers as ``ntm readiness --province 42 --on 2024-12-31 --target 2025``."""
    out = io.StringIO()
    argv = ["readiness", "--province", "42", "--on", ON, "--target", "2025", "--format", "json"]
    assert main(argv, out=out) == 0
    printed = json.loads(out.getvalue())
    report = readiness_to_dict(ntm.readiness(s, on=ON, target=2025))
    assert {k: v for k, v in report.items() if k != "ocop"} == {
        key: printed[key] for key in report if key != "ocop"
    }


def test_readiness_from_observations_and_a_province(s):
    """Observations of every level plus the province code: the bundled tree for Hà Tĩnh."""
    report = ntm.readiness(
        s.observations, on=dt.date(2024, 12, 31), province="42", rulebook=s.rulebook
    )
    sampled = ntm.readiness(s, on=ON)
    assert report.commune_counts.at_least.tolist() == sampled.commune_counts.at_least.tolist()
    assert report.labels.synthetic is False
    tree_report = ntm.readiness(
        s.observations, on=ON, province="42", tree=s.tree, rulebook=s.rulebook
    )
    assert tree_report.commune_counts.at_least.tolist() == sampled.commune_counts.at_least.tolist()


def test_readiness_needs_a_province_and_a_tree(s):
    with pytest.raises(InputError, match="province="):
        ntm.readiness(s.observations, on=ON)
    with pytest.raises(InputError, match="tree="):
        ntm.readiness(s.observations, on=ON, province="01")


# ---------------------------------------------------------------- the sample


def test_sample_is_one_frozen_value_that_says_synthetic(s):
    assert s is ntm.sample()
    assert (s.province, s.scope) == ("42", "ha-tinh")
    assert s.periods[-1] == 2024
    assert len(s.recognitions) > 0
    assert len(s.targets) > 0
    assert len(s.ocop_products) > 0
    assert len(s.ocop_targets) > 0
    assert s.tree.as_of(dt.date(2024, 6, 1))["42"].name == "Tỉnh Hà Tĩnh"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        s.synthetic = False
    text = repr(s)
    assert len(text) < 300
    assert "SYNTHETIC" in text
    parsed = _parse(s._repr_html_())
    assert "table" in parsed.tags
    assert "SYNTHETIC" in "".join(parsed.text)


def test_sample_observations_name_the_level_of_every_unit(s):
    levels = set(s.observations.attributes["level"])
    assert {"commune", "district", "province"} <= levels
    row = s.observations.row_of("42", 2024)
    assert s.observations.attribute("name", row) == "Tỉnh Hà Tĩnh"


def test_sample_rules_are_layered_with_the_illustrative_sheet(s):
    assert s.rulebook.content_hash() != ntm.Rulebook.bundled().content_hash()


# ---------------------------------------------------------------- assess and explain


def test_assess_takes_dates_as_text_or_date_and_levels_as_text(s):
    by_text = ntm.assess(s, on=ON, level="district")
    by_date = ntm.assess(s, on=dt.date(2024, 12, 31), level=ntm.RuleLevel.DISTRICT)
    assert len(by_text.observations) == len(by_date.observations) == 10
    assert by_text.tiers() == by_date.tiers()


def test_assess_period_defaults_to_the_latest_not_after_on(s):
    assert set(ntm.assess(s, on="2022-06-30").observations.periods) == {2022}
    assert set(ntm.assess(s, on="2022-06-30", period=2021).observations.periods) == {2021}
    with pytest.raises(InputError, match="no observations for period 2019"):
        ntm.assess(s, on=ON, period=2019)


def test_assess_reads_what_read_observations_reads(s):
    frame = pd.read_csv(SAMPLE_CSV)
    from_frame = ntm.assess(frame, on=ON, rulebook=s.rulebook, scope="ha-tinh")
    from_file = ntm.assess(str(SAMPLE_CSV), on=ON, rulebook=s.rulebook, scope="ha-tinh")
    assert from_frame.tiers() == from_file.tiers()
    # The sample's file names each unit's level: only communes are graded.
    assert len(from_frame.observations) == 182


def test_assess_refuses_bad_levels_and_dates(s):
    with pytest.raises(InputError, match="level="):
        ntm.assess(s, on=ON, level="hamlet")
    with pytest.raises(InputError, match="on="):
        ntm.assess(s, on="31/12/2024")


def test_explain_one_unit(s):
    assessment = ntm.explain(s, "18088", on=ON)
    assert (assessment.unit, assessment.period) == ("18088", 2024)
    same = ntm.assess(s, on=ON).explain("18088")
    assert assessment.tier == same.tier
    with pytest.raises(KeyError):
        ntm.explain(s, "99999", on=ON)


# ---------------------------------------------------------------- OCOP


def test_rate_ocop_from_a_sample_a_file_or_mappings(s):
    from_sample = ntm.rate_ocop(s)
    from_file = ntm.rate_ocop(OCOP_SAMPLE_PRODUCTS)
    assert from_sample.stars.tolist() == from_file.stars.tolist()
    one = ntm.rate_ocop(
        [
            {
                "code": "SYN-1",
                "name": "Cam",
                "commune_code": "18241",
                "group": "1",
                "score_a": "33",
                "score_b": "20",
                "score_c": "38",
                "evaluated_on": "2022-03-31",
            }
        ]
    )
    assert one.stars.tolist() == [4]
    with pytest.raises(InputError, match="OCOP products"):
        ntm.rate_ocop(42)  # type: ignore[arg-type]


def test_ocop_portfolio_counts_by_district_for_the_sample(s):
    portfolio = ntm.ocop_portfolio(s, on=ON)
    assert portfolio.on == dt.date(2024, 12, 31)
    plain = ntm.ocop_portfolio(s.ocop_products, on=ON)
    assert plain.on == portfolio.on


# ---------------------------------------------------------------- read_observations


def test_read_observations_from_a_read_csv_frame_equals_the_file():
    frame = pd.read_csv(SAMPLE_CSV)
    assert frame.isna().to_numpy().any()  # blanks are NaN: the case that failed 18,020 times
    from_frame = ntm.read_observations(frame)
    from_file = ntm.read_observations(SAMPLE_CSV)
    from_records = ntm.read_observations(frame.to_dict("records"))
    assert from_frame.codes == from_file.codes == from_records.codes
    for key, column in from_file.columns.items():
        for other in (from_frame, from_records):
            assert (other.columns[key].present == column.present).all(), key
            assert [other.value(key, i) for i in range(len(column))] == [
                from_file.value(key, i) for i in range(len(column))
            ], key


def test_read_observations_refuses_what_it_cannot_read():
    with pytest.raises(InputError, match="expected a file path"):
        ntm.read_observations(3.5)


def _catalog():
    return IndicatorCatalog.from_editions(ntm.Rulebook.bundled())


def test_frame_numeric_dtypes_become_exact_scaled_integers():
    frame = pd.DataFrame(
        {
            "unit_code": [18073, 18076, 18079],
            "period": [2024, 2024, 2024],
            "income_per_capita [đồng/người/năm]": [45_000_001, 50_000_000, 0],
            "health_insurance_coverage": [85.5, np.nan, 0.1],
            "commune_plan_approved": pd.array([True, None, False], dtype="boolean"),
            "households_electricity_share": pd.array([99, None, 100], dtype="Int64"),
            "commune_roads_paved_share": pd.array([1.0, 0.0, None], dtype="Float64"),
        }
    )
    obs = ntm.read_observations(frame)
    assert obs.codes == ("18073", "18076", "18079")
    assert obs.value("income_per_capita", 0) == Fraction(45_000_001, 1_000_000)
    assert obs.value("health_insurance_coverage", 0) == Fraction(171, 2)
    assert obs.value("health_insurance_coverage", 1) is None
    assert obs.value("health_insurance_coverage", 2) == Fraction(
        1, 10
    )  # the decimal, not the float
    assert [obs.value("commune_plan_approved", i) for i in range(3)] == [True, None, False]
    assert obs.value("households_electricity_share", 1) is None
    assert obs.value("commune_roads_paved_share", 2) is None
    assert obs.columns["health_insurance_coverage"].scale == 10


def test_frame_text_columns_read_like_files():
    frame = pd.DataFrame(
        {
            "code": ["18073", "18076", " 18079 "],
            "year": ["2024", "2024", "2024"],
            "income_per_capita": ["45,5", "1.234,5", None],
            "health_insurance_coverage": ["85%", "850/1000", ""],
            "commune_plan_approved": ["Đạt", "không đạt", None],
            "name": ["Xã A", None, "Xã C"],
        }
    )
    obs = ntm.read_observations(frame)
    assert obs.codes[2] == "18079"
    assert obs.value("income_per_capita", 0) == Fraction(91, 2)
    assert obs.value("income_per_capita", 1) == Fraction(24690, 20)
    assert obs.value("health_insurance_coverage", 1) == Fraction(85)
    assert obs.value("health_insurance_coverage", 2) is None
    assert [obs.value("commune_plan_approved", i) for i in range(3)] == [True, False, None]
    assert obs.attributes["name"] == ("Xã A", None, "Xã C")


def test_frame_floats_that_need_many_digits_stay_exact():
    frame = pd.DataFrame(
        {"unit_code": ["1", "2"], "period": [2024, 2024], "income_per_capita": [0.1 + 0.2, 45.0]}
    )
    obs = observations_from_frame(frame, catalog=_catalog())
    assert obs.value("income_per_capita", 0) == Fraction("0.30000000000000004")
    assert obs.value("income_per_capita", 1) == 45


def test_frame_bad_cells_are_named_by_row_and_column():
    frame = pd.DataFrame(
        {
            "unit_code": ["1", "2", "3", None],
            "period": [2024, 2024, 2024, 2024],
            "health_insurance_coverage": [101.0, -1.0, np.inf, 50.0],
            "commune_plan_approved": [1, 2, 0, 1],
            "income_per_capita": ["45", "lots", "lots", "1"],
            "electricity_system_standard": [True, False, True, True],
            "households_electricity_share": [-5, 50, 101, 7],
        }
    )
    with pytest.raises(InputErrors) as caught:
        ntm.read_observations(frame)
    found = {(e.row, e.column) for e in caught.value.exceptions}
    assert {
        (1, "health_insurance_coverage"),
        (2, "health_insurance_coverage"),
        (3, "health_insurance_coverage"),
        (2, "commune_plan_approved"),
        (2, "income_per_capita"),
        (3, "income_per_capita"),
        (4, "unit_code"),
        (1, "households_electricity_share"),
        (3, "households_electricity_share"),
    } <= found
    messages = " ".join(str(e) for e in caught.value.exceptions)
    assert "cannot exceed 100 percent" in messages
    assert "must not be negative" in messages
    assert "'lots'" in messages


def test_frame_layout_problems():
    catalog = _catalog()
    frame = pd.DataFrame(
        {
            "unit_code": ["1", "1"],
            "period": ["2024", "24"],
            "income_per_capita [furlongs]": [1, 2],
            "incme_per_capita": [1, 2],
            "electricity_system_standard": [True, True],
        }
    )
    with pytest.raises(InputErrors) as caught:
        observations_from_frame(frame, catalog=catalog, source="frame")
    messages = [str(e) for e in caught.value.exceptions]
    assert any("did you mean 'income_per_capita'" in m for m in messages)
    assert any("furlongs" in m for m in messages)
    assert any("row 2" in m and "year" in m for m in messages)
    duplicate = pd.DataFrame(
        {"unit_code": ["1", "1"], "period": [2024, 2024], "income_per_capita": [1, 2]}
    )
    with pytest.raises(InputErrors, match="1 problem"):
        observations_from_frame(duplicate, catalog=catalog)
    twice = pd.DataFrame(
        [[1, 2024, 1, 2]], columns=["unit_code", "period", "income_per_capita", "10"]
    )
    with pytest.raises(InputErrors, match="1 problem"):
        observations_from_frame(twice, catalog=catalog)
    with pytest.raises(ntm.DataError, match="column names must be text"):
        observations_from_frame(pd.DataFrame({0: [1]}), catalog=catalog)


def test_frame_in_the_long_layout_and_with_units():
    frame = pd.DataFrame(
        {
            "unit_code": ["18073", "18073", "18076"],
            "period": [2024, 2024, 2024],
            "indicator": ["income_per_capita", "health_insurance_coverage", "income_per_capita"],
            "value": [45.5, np.nan, "50"],
            "unit": [None, None, "triệu đồng/người/năm"],
        }
    )
    obs = ntm.read_observations(frame, units={"18073": {"name": "Xã A", "region": "BTB"}})
    assert obs.value("income_per_capita", 0) == Fraction(91, 2)
    assert obs.value("health_insurance_coverage", 0) is None
    assert obs.value("income_per_capita", 1) == 50
    assert obs.attributes["name"] == ("Xã A", None)
    with pytest.raises(ntm.DataError, match="neither layout"):
        ntm.read_observations(pd.DataFrame({"x": [1]}))


def test_frame_wide_with_units_fills_attributes():
    frame = pd.DataFrame({"unit_code": [18073], "period": [2024.0], "income_per_capita": [45]})
    obs = ntm.read_observations(frame, units={"18073": {"region": "BTB"}})
    assert obs.attributes["region"] == ("BTB",)
    assert obs.periods == (2024,)


def test_arrow_tables_read_like_frames():
    pa = pytest.importorskip("pyarrow")
    table = pa.table(
        {
            "unit_code": ["18073", "18076"],
            "period": pa.array([2024, 2024], type=pa.int32()),
            "income_per_capita": pa.array([45.5, None]),
            "households_electricity_share": pa.array([99, None], type=pa.int64()),
            "commune_plan_approved": pa.array([True, None]),
            "health_insurance_coverage": pa.array(["85%", None]),
        }
    )
    obs = ntm.read_observations(table)
    assert obs.value("income_per_capita", 0) == Fraction(91, 2)
    assert obs.value("income_per_capita", 1) is None
    assert obs.value("households_electricity_share", 0) == 99
    assert [obs.value("commune_plan_approved", i) for i in range(2)] == [True, None]
    assert obs.value("health_insurance_coverage", 0) == 85


def test_records_with_nan_and_pd_na_are_missing():
    obs = ntm.read_observations(
        [
            {"unit_code": "1", "period": 2024, "income_per_capita": float("nan"), "name": pd.NA},
            {"unit_code": "2", "period": 2024.0, "income_per_capita": pd.NA, "name": "Xã B"},
            {"unit_code": "3", "period": 2024, "income_per_capita": np.float64(5), "name": None},
        ]
    )
    assert [obs.value("income_per_capita", i) for i in range(3)] == [None, None, 5]
    assert obs.attributes["name"] == (None, "Xã B", None)


# ---------------------------------------------------------------- dates


def test_dates_are_dates_or_iso_text():
    assert as_date("2024-12-31") == dt.date(2024, 12, 31)
    assert as_date(dt.datetime(2024, 12, 31)) == dt.date(2024, 12, 31)  # noqa: DTZ001
    assert as_date(pd.Timestamp("2024-12-31")) == dt.date(2024, 12, 31)
    with pytest.raises(InputError, match="time of day"):
        as_date(dt.datetime(2024, 12, 31, 8))  # noqa: DTZ001
    for bad in ("20241231", "2024-13-01", 2024, None):
        with pytest.raises(InputError, match="on="):
            as_date(bad)
