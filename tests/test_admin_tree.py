"""The dated administrative tree, lineage, roll-up arrays and the bundled Hà Tĩnh data.

Counts of Hà Tĩnh's units are those of the facts (``ntm-facts.md`` §9.2–9.3): 2020–2024, 13
district-level and 216 commune-level units (182 xã, 21 phường, 13 thị trấn); from 2025-01-01
(Resolution 1283/NQ-UBTVQH15) 12 and 209 (170 xã, 25 phường, 14 thị trấn); from 2025-07-01
(Resolution 1665/NQ-UBTVQH15) no district level and "69 đơn vị hành chính cấp xã (60 xã, 9 phường)".
The lineage expectations are rows of ``lineage-2025-07.csv`` (Appendix A of the facts).
"""

import collections
import copy
import datetime as dt
import pickle
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ntm_core import DataError, InputError, RuleLevel, Tier
from ntm_core.admin import (
    AdminLevel,
    AdminSnapshot,
    AdminTree,
    AdminUnit,
    CarriedResult,
    LineageLink,
    LineageShare,
    UnknownUnitError,
    count_reached,
    load_lineage_csv,
    load_units_csv,
)
from ntm_core.datasets import HA_TINH_DIR, ha_tinh_tree

DATA = Path(__file__).parent / "data" / "admin"
START = dt.date(2020, 1, 1)
JAN_2025 = dt.date(2025, 1, 1)
REFORM = dt.date(2025, 7, 1)
DISTRICT_LEVEL = AdminLevel.of_rank(1)
COMMUNE_LEVEL = AdminLevel.of_rank(2)


def unit(code, name, level, parent=None, *, start=START, end=None, **attributes):
    return AdminUnit(
        code=code, name=name, level=AdminLevel(level), parent_code=parent,
        valid_from=start, valid_to=end, attributes=attributes,
    )  # fmt: skip


def link(old, new, share="whole", default=True, on=REFORM):
    return LineageLink(
        old_code=old, new_code=new, share=LineageShare(share), default=default, on=on
    )


def level_counts(units):
    return collections.Counter(u.level.value for u in units)


# ---------------------------------------------------------------- a small hand-made tree


@pytest.fixture(scope="module")
def small_tree():
    """Province 42 with districts 1 (communes 11, 12, 13) and 2 (communes 21, 22) until the reform.

    On 2025-07-01 the districts go; 11, 12 and 13 become the new commune 11, 22 is split between
    11 (its default successor) and 21, and 21 takes the rest of 22 and all of 21.
    """
    units = [
        unit("42", "Tỉnh A", "province"),
        unit("1", "Huyện B", "district", "42", end=REFORM),
        unit("2", "Thị xã C", "town", "42", end=REFORM),
        unit("11", "Xã D", "commune", "1", end=REFORM),
        unit("12", "Xã E", "commune", "1", end=REFORM),
        unit("13", "Thị trấn F", "township", "1", end=REFORM),
        unit("21", "Phường G", "ward", "2", end=REFORM),
        unit("22", "Xã H", "commune", "2", end=REFORM),
        unit("11", "Xã D Mới", "commune", "42", start=REFORM),
        unit("21", "Phường G", "ward", "42", start=REFORM),
    ]
    lineage = [
        link("11", "11"),
        link("12", "11"),
        link("13", "11"),
        link("21", "21"),
        link("22", "11", "part", default=True),
        link("22", "21", "part", default=False),
    ]
    return AdminTree.from_units(units, lineage=lineage)


def test_snapshot_holds_the_units_of_the_day_in_a_stable_order(small_tree):
    before = small_tree.as_of(dt.date(2024, 6, 1))
    assert before.codes == ("42", "1", "2", "11", "12", "13", "21", "22")
    assert list(before) == list(before.codes)
    assert len(before) == 8
    assert "22" in before
    assert before["13"].name == "Thị trấn F"
    assert before.get("99") is None
    after = small_tree.as_of(dt.date(2025, 8, 1))
    assert after.codes == ("42", "11", "21")
    assert after["11"].name == "Xã D Mới"
    assert small_tree.as_of(dt.date(2019, 12, 31)).codes == ()


def test_validity_is_half_open_at_the_reform(small_tree):
    assert "1" in small_tree.as_of(REFORM - dt.timedelta(days=1))
    assert "1" not in small_tree.as_of(REFORM)
    assert small_tree.change_dates == (START, REFORM)
    assert small_tree.lineage_dates == (REFORM,)


def test_children_descendants_ancestors_and_parent(small_tree):
    snap = small_tree.as_of(dt.date(2024, 6, 1))
    assert [u.code for u in snap.children("1")] == ["11", "12", "13"]
    assert [u.code for u in snap.children("1", level=AdminLevel.COMMUNE)] == ["11", "12"]
    assert [u.code for u in snap.children("42")] == ["1", "2"]
    assert snap.children("11") == ()
    assert [u.code for u in snap.descendants("42")] == ["1", "2", "11", "12", "13", "21", "22"]
    assert [u.code for u in snap.descendants("42", level=COMMUNE_LEVEL)] == [
        "11", "12", "13", "21", "22",
    ]  # fmt: skip
    assert [u.code for u in snap.descendants("2", level=[AdminLevel.WARD])] == ["21"]
    assert [u.code for u in snap.ancestors("22")] == ["2", "42"]
    assert snap.ancestors("42") == ()
    assert snap.parent("22").code == "2"
    assert snap.parent("42") is None
    assert [u.code for u in snap.roots] == ["42"]
    assert [u.code for u in snap.units(level=AdminLevel.TOWN)] == ["2"]
    assert snap.units() == tuple(snap.values())


def test_unknown_codes_raise_a_key_error_that_names_the_code_and_the_day(small_tree):
    snap = small_tree.as_of(dt.date(2025, 8, 1))
    with pytest.raises(UnknownUnitError, match=r"no unit '12' on 2025-08-01") as info:
        snap.children("12")
    assert isinstance(info.value, KeyError)
    assert info.value.value == "12"
    with pytest.raises(KeyError):
        snap["1"]


def test_level_option_rejects_strings(small_tree):
    snap = small_tree.as_of(dt.date(2024, 6, 1))
    with pytest.raises(TypeError, match="expected an AdminLevel"):
        snap.units(level="commune")
    with pytest.raises(TypeError, match="expected AdminLevel values"):
        snap.units(level=["commune"])
    with pytest.raises(TypeError, match="expected an AdminLevel"):
        snap.units(level=3)


def test_snapshots_are_cached_values(small_tree):
    day = dt.date(2024, 6, 1)
    assert small_tree.as_of(day) is small_tree.as_of(day)
    assert small_tree.as_of(dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)) is small_tree.as_of(day)
    other = small_tree.as_of(dt.date(2024, 6, 2))
    assert other != small_tree.as_of(day)  # another day
    rebuilt = AdminSnapshot(on=day, units=reversed(small_tree.as_of(day).units()))
    assert rebuilt == small_tree.as_of(day)
    assert hash(rebuilt) == hash(small_tree.as_of(day))
    assert repr(rebuilt) == (
        "<AdminSnapshot on 2024-06-01: 8 units (1 province-level, 2 district-level, "
        "5 commune-level)>"
    )
    with pytest.raises(TypeError, match=r"expected a datetime\.date"):
        small_tree.as_of("2024-06-01")


def test_snapshot_built_directly_is_checked():
    with pytest.raises(ExceptionGroup) as info:
        AdminSnapshot(
            on=START,
            units=[unit("1", "A", "district", "42"), unit("1", "B", "district"),
                   unit("2", "C", "commune", "3"), unit("3", "D", "commune", "2")],
        )  # fmt: skip
    messages = [str(e) for e in info.value.exceptions]
    assert len(messages) == 3
    assert any("code '1' appears twice" in m for m in messages)
    assert any("parent '42' is not among the units" in m for m in messages)
    assert any("cycle of parents" in m for m in messages)


def test_tree_repr_is_short(small_tree):
    assert repr(small_tree) == (
        "<AdminTree: 10 unit records, 6 lineage links; changes on 2020-01-01, 2025-07-01>"
    )
    assert repr(AdminTree.from_units([])) == (
        "<AdminTree: 0 unit records, 0 lineage links; changes on none>"
    )


# ---------------------------------------------------------------- roll-up arrays


def test_parent_index_rolls_values_up_with_bincount(small_tree):
    snap = small_tree.as_of(dt.date(2024, 6, 1))
    parents = snap.parent_index
    assert parents.dtype == np.intp
    assert parents.tolist() == [-1, 0, 0, 1, 1, 1, 2, 2]
    assert not parents.flags.writeable
    communes = snap.index_of(["11", "12", "13", "21", "22"])
    values = np.array([19.0, 15.0, 10.0, 4.0, 18.0])
    # communes → districts → province, each one np.bincount
    per_district = np.bincount(parents[communes], weights=values, minlength=len(snap))
    assert per_district[snap.index_of(["1", "2"])].tolist() == [44.0, 22.0]
    districts = snap.index_of(["1", "2"])
    per_province = np.bincount(
        parents[districts], weights=per_district[districts], minlength=len(snap)
    )
    assert per_province[snap.index_of("42")].tolist() == [66.0]
    # counts: how many communes per district
    counts = np.bincount(parents[communes], minlength=len(snap))
    assert counts[districts].tolist() == [3, 2]


def test_ancestor_index_skips_levels(small_tree):
    snap = small_tree.as_of(dt.date(2024, 6, 1))
    to_province = snap.ancestor_index(level=AdminLevel.PROVINCE)
    assert to_province.tolist() == [0] * 8
    to_district = snap.ancestor_index(level=DISTRICT_LEVEL)
    assert to_district.tolist() == [-1, 1, 2, 1, 1, 1, 2, 2]
    communes = snap.index_of(["11", "12", "13", "21", "22"])
    per_province = np.bincount(to_province[communes], weights=np.ones(5), minlength=len(snap))
    assert per_province[0] == 5
    assert snap.ancestor_index(level=AdminLevel.RESIDENTIAL_AREA).tolist() == [-1] * 8


def test_index_of_lists_every_unknown_code(small_tree):
    snap = small_tree.as_of(dt.date(2024, 6, 1))
    assert snap.index_of([]).tolist() == []
    with pytest.raises(UnknownUnitError, match=r"2 codes are not units on 2024-06-01: 'x', 'y'"):
        snap.index_of(["11", "x", "y"])


@st.composite
def flat_trees(draw):
    """A province with random districts and communes, and a value per commune."""
    n_districts = draw(st.integers(1, 6))
    units = [unit("P", "Tỉnh", "province")]
    values = {}
    for d in range(n_districts):
        units.append(unit(f"D{d}", f"Huyện {d}", "district", "P"))
        for c in range(draw(st.integers(0, 5))):
            code = f"C{d}-{c}"
            units.append(unit(code, f"Xã {code}", "commune", f"D{d}"))
            values[code] = draw(st.integers(0, 19))
    return AdminTree.from_units(units), values


@given(flat_trees())
def test_bincount_roll_up_agrees_with_a_loop(case):
    tree, values = case
    snap = tree.as_of(dt.date(2024, 1, 1))
    idx = snap.index_of(list(values))
    sums = np.bincount(
        snap.parent_index[idx], weights=np.array(list(values.values()), dtype=float),
        minlength=len(snap),
    )  # fmt: skip
    for district in snap.units(level=AdminLevel.DISTRICT):
        expected = sum(values[u.code] for u in snap.children(district.code))
        assert sums[snap.index_of(district.code)[0]] == expected


# ---------------------------------------------------------------- lineage and carry


def test_successors_and_predecessors_on_the_small_tree(small_tree):
    assert [
        (lk.new_code, lk.share, lk.default) for lk in small_tree.successors("22", on=REFORM)
    ] == [
        ("11", LineageShare.PART, True),
        ("21", LineageShare.PART, False),
    ]
    assert [lk.old_code for lk in small_tree.predecessors("11", on=REFORM)] == [
        "11", "12", "13", "22",
    ]  # fmt: skip
    # districts disappear without successors; the province continues as itself
    assert small_tree.successors("1", on=REFORM) == ()
    assert small_tree.successors("42", on=REFORM) == (link("42", "42"),)
    assert small_tree.predecessors("42", on=REFORM) == (link("42", "42"),)


def test_carry_makes_the_new_commune_of_three_old_ones_two_of_which_were_at_standard(small_tree):
    tiers = {"11": Tier.STANDARD, "12": Tier.NOT_YET, "13": Tier.ADVANCED, "21": Tier.MODEL}
    carried = small_tree.carry(tiers, on=REFORM)
    assert list(carried) == ["11", "21"]
    assert carried["11"] == [
        CarriedResult("11", LineageShare.WHOLE, Tier.STANDARD),
        CarriedResult("12", LineageShare.WHOLE, Tier.NOT_YET),
        CarriedResult("13", LineageShare.WHOLE, Tier.ADVANCED),
    ]
    reached = count_reached(carried)
    assert reached["11"] == {Tier.STANDARD: 2, Tier.ADVANCED: 1, Tier.MODEL: 0}
    assert reached["21"] == {Tier.STANDARD: 1, Tier.ADVANCED: 1, Tier.MODEL: 1}
    old_code, share, value = carried["21"][0]
    assert (old_code, share, value) == ("21", LineageShare.WHOLE, Tier.MODEL)


def test_carry_gives_a_split_unit_result_to_each_part(small_tree):
    carried = small_tree.carry({"22": "standard", "1": "district result"}, on=REFORM)
    assert carried == {
        "11": [CarriedResult("22", LineageShare.PART, "standard")],
        "21": [CarriedResult("22", LineageShare.PART, "standard")],
    }  # the district's result has no successor and is not carried


def test_carry_rejects_codes_that_are_not_old_units(small_tree):
    with pytest.raises(UnknownUnitError, match=r"2 codes are not units on 2025-06-30") as info:
        small_tree.carry({"11": 1, "x": 2, "y": 3}, on=REFORM)
    assert info.value.value == ("x", "y")


def test_lineage_is_only_asked_for_on_a_recorded_reform_day(small_tree):
    with pytest.raises(InputError, match="no reform took effect on 2025-07-02"):
        small_tree.carry({"11": 1}, on=dt.date(2025, 7, 2))
    with pytest.raises(InputError, match="the tree changes on 2020-01-01 but no lineage"):
        small_tree.successors("11", on=START)
    with pytest.raises(UnknownUnitError, match="no unit '99' on 2025-06-30"):
        small_tree.successors("99", on=REFORM)
    with pytest.raises(UnknownUnitError, match="no unit '12' on 2025-07-01"):
        small_tree.predecessors("12", on=REFORM)


def test_count_reached_with_unknown_tiers_and_another_ladder():
    carried = {
        "T": [("1", LineageShare.WHOLE, Tier.TASK_COMPLETED), ("2", LineageShare.WHOLE, None)],
        "U": [],
    }
    ladder = Tier.ladder(RuleLevel.PROVINCE)
    assert count_reached(carried, ladder=ladder) == {
        "T": {Tier.TASK_COMPLETED: 1},
        "U": {Tier.TASK_COMPLETED: 0},
    }


# ---------------------------------------------------------------- construction errors


def test_every_structural_problem_is_reported_at_once():
    units = [
        unit("42", "Tỉnh A", "province", end=JAN_2025),
        # parent ends before the child: missing from 2025-01-01 on
        unit("1", "Huyện B", "district", "42"),
        # parent never exists
        unit("2", "Huyện C", "district", "99"),
        # the same code twice at once
        unit("11", "Xã D", "commune", "1", end=REFORM),
        unit("11", "Xã D bis", "commune", "1", start=JAN_2025),
        # a cycle
        unit("31", "Xã E", "commune", "32"),
        unit("32", "Xã F", "commune", "31"),
    ]
    with pytest.raises(ExceptionGroup) as info:
        AdminTree.from_units(units)
    group = info.value
    assert all(isinstance(e, InputError) for e in group.exceptions)
    messages = sorted(str(e) for e in group.exceptions)
    assert "inconsistent administrative tree (4 problems)" in str(group)
    assert messages == sorted([
        (
            "column 'code': code '11' has overlapping records: 'Xã D' (2020-01-01 – 2025-06-30) "
            "and 'Xã D bis' (2025-01-01 – …)"
        ),
        (
            "column 'parent_code': unit '1' (Huyện B, 2020-01-01 – …): parent '42' does not "
            "exist on 2025-01-01 – …"
        ),
        "column 'parent_code': unit '2' (Huyện C, 2020-01-01 – …): parent '99' is not a unit",
        "column 'parent_code': cycle of parents on 2020-01-01 – …: '31' → '32' → '31'",
    ])  # fmt: skip


def test_lineage_problems_are_reported_at_once():
    units = [
        unit("1", "Xã A", "commune", end=REFORM),
        unit("2", "Xã B", "commune", end=REFORM),
        unit("3", "Xã C", "commune", end=REFORM),
        unit("4", "Xã D", "commune", start=REFORM),
        unit("5", "Xã E", "commune", start=REFORM),
    ]
    lineage = [
        link("9", "4"),  # old unit unknown
        link("1", "8"),  # new unit unknown
        link("2", "4", "part", default=True),  # two defaults
        link("2", "5", "part", default=True),
        link("3", "4", "whole"),  # whole, yet split
        link("3", "5", "part", default=False),
        link("3", "5", "part", default=False),  # and linked twice to 5
    ]
    with pytest.raises(ExceptionGroup) as info:
        AdminTree.from_units(units, lineage=lineage)
    messages = [str(e) for e in info.value.exceptions]
    assert len(messages) == 5
    assert any("old unit '9' does not exist on 2025-06-30" in m for m in messages)
    assert any("new unit '8' does not exist on 2025-07-01" in m for m in messages)
    assert any("old unit '2' has 2 default successors" in m for m in messages)
    assert any("old unit '3' has 3 successors, so every link must be 'part'" in m for m in messages)
    assert any("old unit '3' is linked twice to the same unit" in m for m in messages)


def test_tree_accepts_only_units_and_links():
    with pytest.raises(TypeError, match="units: expected AdminUnit values"):
        AdminTree.from_units([{"code": "1"}])
    with pytest.raises(TypeError, match="lineage: expected LineageLink values"):
        AdminTree.from_units([], lineage=[("1", "2")])


def test_lineage_link_values():
    assert LineageShare.from_text("Một phần") is LineageShare.PART
    assert LineageShare.from_text("WHOLE") is LineageShare.WHOLE
    with pytest.raises(ValueError, match="unknown share 'half'; expected one of whole, part"):
        LineageShare.from_text("half")
    with pytest.raises(ValueError, match="old_code: a unit code is needed"):
        LineageLink(old_code=" ", new_code="1", on=REFORM)
    row = {"old_code": "1", "new_code": "2", "share": "part", "default": "no", "on": "2025-07-01"}
    assert LineageLink.from_mapping(row) == link("1", "2", "part", default=False)
    assert LineageLink.from_mapping({**row, "default": True}).default is True
    with pytest.raises(ValueError, match="share: missing"):
        LineageLink.from_mapping({"old_code": "1", "new_code": "2"}, on=REFORM)


def test_trees_and_snapshots_pickle_and_copy(small_tree):
    record = unit("18073", "Phường Nam Hà", "ward", "436", end=REFORM, region="BTB")
    assert pickle.loads(pickle.dumps(record)) == record
    assert pickle.loads(pickle.dumps(record)).attributes["region"] == "BTB"
    again = pickle.loads(pickle.dumps(small_tree))
    assert again == small_tree
    assert again.as_of(dt.date(2024, 6, 1)).codes == small_tree.as_of(dt.date(2024, 6, 1)).codes
    snap = small_tree.as_of(REFORM)
    assert pickle.loads(pickle.dumps(snap)) == snap
    assert copy.deepcopy(snap) == snap


def test_unknown_unit_error_pickles():
    err = UnknownUnitError("no unit 'x' on 2025-01-01", column="code", value="x")
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is UnknownUnitError
    assert str(again) == str(err) == "column 'code': no unit 'x' on 2025-01-01"


# ---------------------------------------------------------------- CSV readers


def test_nested_file_with_districts_makes_provinces_districts_and_communes():
    units = load_units_csv(DATA / "nested-districts.csv", valid_from=JAN_2025, valid_to=REFORM)
    by_code = {u.code: u for u in units}
    assert [u.code for u in units[:3]] == ["01", "31", "42"]
    assert by_code["01"].level is AdminLevel.PROVINCE
    assert by_code["01"].name == "Thành phố Hà Nội"
    assert by_code["001"].level is AdminLevel.URBAN_DISTRICT
    assert by_code["436"].level is AdminLevel.CITY
    assert by_code["439"].level is AdminLevel.DISTRICT
    # the island district is kept; its empty commune row makes no unit
    assert by_code["318"].name == "Huyện Bạch Long Vĩ"
    assert "" not in by_code
    assert by_code["18073"].parent_code == "436"
    assert dict(by_code["18073"].attributes) == {"lat": "18.33395", "lon": "105.90541"}
    assert dict(by_code["18133"].attributes) == {}
    assert all(u.valid_from == JAN_2025 and u.valid_to == REFORM for u in units)
    tree = AdminTree.from_units(units)
    snap = tree.as_of(dt.date(2025, 3, 1))
    assert snap.children("318") == ()
    assert [u.code for u in snap.descendants("42", level=COMMUNE_LEVEL)] == ["18073", "18133"]


def test_nested_file_without_districts_puts_units_under_the_province():
    units = load_units_csv(DATA / "nested-provinces.csv", valid_from=REFORM)
    assert [(u.code, u.parent_code) for u in units] == [
        ("42", None), ("18073", "42"), ("18100", "42"),
    ]  # fmt: skip
    assert units[1].attributes["area_km2"] == "28.23"


def test_flat_file_keeps_its_own_dates():
    units = load_units_csv(DATA / "flat.csv", valid_from=JAN_2025, valid_to=REFORM)
    assert [u.valid_from for u in units] == [START, None, START]
    # the file has no valid_to column: the keyword applies
    assert {u.valid_to for u in units} == {REFORM}
    assert units[0].attributes["region"] == "BTB"
    assert "region" not in units[2].attributes


def test_bad_rows_are_all_reported_with_their_row_numbers():
    with pytest.raises(ExceptionGroup) as info:
        load_units_csv(DATA / "bad-rows.csv")
    messages = [str(e) for e in info.value.exceptions]
    assert messages == [
        f"{DATA / 'bad-rows.csv'}, row 3: an administrative unit needs a code",
        (
            f"{DATA / 'bad-rows.csv'}, row 4: unknown administrative level 'village hall'; "
            "expected one of province, city, town, district, urban_district, commune, ward, "
            "township, special_zone, residential_area"
        ),
    ]


def test_bad_commune_rows_of_a_nested_file_are_reported():
    with pytest.raises(ExceptionGroup) as info:
        load_units_csv(DATA / "nested-bad.csv")
    (error,) = info.value.exceptions
    assert (error.row, error.source) == (2, str(DATA / "nested-bad.csv"))
    assert "unknown administrative level 'borough'" in str(error)


def test_a_parent_spelt_two_ways_is_an_error():
    with pytest.raises(ExceptionGroup) as info:
        load_units_csv(DATA / "conflicting-parent.csv")
    (error,) = info.value.exceptions
    assert error.row == 3
    assert "unit '42' is 'Tỉnh Hà Tinh' (province) here but 'Tỉnh Hà Tĩnh'" in str(error)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.csv", "empty file: no header row"),
        ("missing-name.csv", "missing columns 'name'"),
        ("latin1.csv", "not UTF-8"),
        ("missing-level.csv", "missing columns 'level'"),
    ],
)
def test_unreadable_files_raise_data_error(name, message):
    with pytest.raises(DataError, match=message) as info:
        load_units_csv(DATA / name)
    assert info.value.source == str(DATA / name)


def test_lineage_csv_takes_its_date_from_the_keyword():
    links = load_lineage_csv(DATA / "lineage.csv", on=REFORM)
    assert links == (
        link("11", "11"),
        link("12", "11"),
        link("13", "11", "part", default=True),
        link("13", "21", "part", default=False),
    )
    with pytest.raises(DataError, match="missing columns 'on'"):
        load_lineage_csv(DATA / "lineage.csv")


def test_bad_lineage_rows_are_all_reported():
    with pytest.raises(ExceptionGroup) as info:
        load_lineage_csv(DATA / "bad-lineage.csv")
    messages = [str(e).split(": ", 1)[1] for e in info.value.exceptions]
    assert messages == [
        "unknown share 'all'; expected one of whole, part",
        "default: a 'part' link needs default yes or no",
        "default: expected yes or no, got 'maybe'",
        "on: the date of the reform is missing (no 'on' value and no on= given)",
    ]
    with pytest.raises(DataError, match="missing columns 'old_code'"):
        load_lineage_csv(DATA / "flat.csv", on=REFORM)


# ---------------------------------------------------------------- the bundled Hà Tĩnh data


@pytest.fixture(scope="module")
def ha_tinh():
    return ha_tinh_tree()


def test_bundled_tree_is_built_once():
    assert ha_tinh_tree() is ha_tinh_tree()
    assert (HA_TINH_DIR / "README.md").exists()


def test_ha_tinh_2020_to_2024_has_13_districts_and_216_communes(ha_tinh):
    snap = ha_tinh.as_of(dt.date(2024, 6, 1))
    assert [u.code for u in snap.roots] == ["42"]
    assert len(snap.children("42")) == 13
    assert level_counts(snap.children("42")) == {"district": 10, "town": 2, "city": 1}
    communes = snap.descendants("42", level=COMMUNE_LEVEL)
    assert len(communes) == 216
    assert level_counts(communes) == {"commune": 182, "ward": 21, "township": 13}
    assert len(snap.children("448")) == 12  # Lộc Hà, 11 xã + 1 thị trấn
    assert ha_tinh.as_of(START).units() == ha_tinh.as_of(dt.date(2024, 12, 31)).units()


def test_ha_tinh_from_2025_01_01_has_12_districts_and_209_communes(ha_tinh):
    snap = ha_tinh.as_of(dt.date(2025, 3, 1))
    assert len(snap.descendants("42", level=DISTRICT_LEVEL)) == 12
    communes = snap.descendants("42", level=COMMUNE_LEVEL)
    assert len(communes) == 209
    assert level_counts(communes) == {"commune": 170, "ward": 25, "township": 14}
    assert "448" not in snap  # Lộc Hà merged into Thạch Hà
    for gone in ("18070", "18076", "18193", "18205", "18214", "18472", "18535"):
        assert gone not in snap
    assert len(snap.children("436")) == 27  # the city of Hà Tĩnh, expanded
    assert ha_tinh.as_of(dt.date(2025, 6, 30)).units() == ha_tinh.as_of(JAN_2025).units()


def test_ha_tinh_from_2025_07_01_has_69_units_directly_under_the_province(ha_tinh):
    snap = ha_tinh.as_of(dt.date(2025, 8, 1))
    children = snap.children("42")
    assert len(children) == 69
    assert level_counts(children) == {"commune": 60, "ward": 9}
    assert snap.descendants("42", level=DISTRICT_LEVEL) == ()
    assert len(snap) == 70
    assert ha_tinh.as_of(REFORM).units() == ha_tinh.as_of(dt.date(2030, 1, 1)).units()


def test_ha_tinh_records_are_one_per_form(ha_tinh):
    records = collections.defaultdict(list)
    for record in ha_tinh.units:
        records[record.code].append(record)
    # the province never changes: one record
    (province,) = records["42"]
    assert (province.valid_from, province.valid_to) == (START, None)
    # Phường Nam Hà is unchanged until 2025-07-01, then becomes Phường Thành Sen under 42
    assert [(r.name, r.parent_code, r.valid_from, r.valid_to) for r in records["18073"]] == [
        ("Phường Nam Hà", "436", START, REFORM),
        ("Phường Thành Sen", "42", REFORM, None),
    ]
    # renamed on 2025-01-01: a new record that day
    assert [(r.name, r.valid_to) for r in records["18077"]] == [
        ("Phường Nguyễn Du", JAN_2025),
        ("Phường Bắc Hà", REFORM),
    ]
    # a xã that became a phường on 2025-01-01
    assert [r.level for r in records["18088"]] == [AdminLevel.COMMUNE, AdminLevel.WARD]
    assert all(r.attributes["region"] == "BTB" for r in ha_tinh.units)
    assert len(ha_tinh.units) == len({(r.code, r.valid_from) for r in ha_tinh.units})


def test_ha_tinh_january_2025_step_has_no_lineage(ha_tinh):
    assert ha_tinh.change_dates == (START, JAN_2025, REFORM)
    assert ha_tinh.lineage_dates == (REFORM,)
    with pytest.raises(InputError, match="the tree changes on 2025-01-01 but no lineage"):
        ha_tinh.carry({"18073": Tier.STANDARD}, on=JAN_2025)


def test_dai_nai_is_split_between_thanh_sen_and_ha_huy_tap(ha_tinh):
    """18082 Phường Đại Nài → part of 18073 Thành Sen [default], part of 18652 Hà Huy Tập."""
    links = ha_tinh.successors("18082", on=REFORM)
    assert [(lk.new_code, lk.share, lk.default) for lk in links] == [
        ("18073", LineageShare.PART, True),
        ("18652", LineageShare.PART, False),
    ]
    after = ha_tinh.as_of(REFORM)
    assert after["18073"].name == "Phường Thành Sen"
    assert after["18652"].name == "Phường Hà Huy Tập"
    assert [(lk.old_code, lk.share) for lk in ha_tinh.predecessors("18652", on=REFORM)] == [
        ("18082", LineageShare.PART),
        ("18643", LineageShare.WHOLE),
        ("18652", LineageShare.WHOLE),
    ]


def test_ky_loi_is_split_across_vung_ang_hoanh_son_and_song_tri(ha_tinh):
    """18796 Xã Kỳ Lợi → part of Vũng Áng [default], Hoành Sơn, Sông Trí."""
    after = ha_tinh.as_of(REFORM)
    links = ha_tinh.successors("18796", on=REFORM)
    assert {(after[lk.new_code].name, lk.default) for lk in links} == {
        ("Phường Vũng Áng", True),
        ("Phường Hoành Sơn", False),
        ("Phường Sông Trí", False),
    }
    assert all(lk.share is LineageShare.PART for lk in links)


def test_tran_phu_is_made_of_four_whole_old_units(ha_tinh):
    """18100 Phường Trần Phú ← Thạch Trung, Thạch Hạ, Đồng Môn, Hộ Độ (all whole)."""
    links = ha_tinh.predecessors("18100", on=REFORM)
    before = ha_tinh.as_of(REFORM - dt.timedelta(days=1))
    assert [(lk.old_code, before[lk.old_code].name) for lk in links] == [
        ("18088", "Phường Thạch Trung"),
        ("18100", "Phường Thạch Hạ"),
        ("18103", "Phường Đồng Môn"),
        ("18598", "Xã Hộ Độ"),
    ]
    assert all(lk.share is LineageShare.WHOLE and lk.default for lk in links)


def test_every_old_commune_reaches_the_new_tree(ha_tinh):
    before = ha_tinh.as_of(REFORM - dt.timedelta(days=1))
    old = before.descendants("42", level=COMMUNE_LEVEL)
    assert len(old) == 209
    for record in old:
        links = ha_tinh.successors(record.code, on=REFORM)
        assert sum(lk.default for lk in links) == 1
    carried = ha_tinh.carry({u.code: Tier.STANDARD for u in old}, on=REFORM)
    assert len(carried) == 69
    assert sum(len(v) for v in carried.values()) == 212
    reached = count_reached(carried)
    assert reached["18073"][Tier.STANDARD] == 9
    # districts end on 2025-07-01 with no successor
    assert all(ha_tinh.successors(d.code, on=REFORM) == () for d in before.children("42"))


def test_unit_dates_may_be_datetimes():
    row = {
        "code": "1",
        "name": "Xã A",
        "level": "commune",
        "valid_from": dt.datetime(2025, 7, 1, tzinfo=dt.UTC),
    }
    assert AdminUnit.from_mapping(row).valid_from == REFORM
    assert (
        LineageLink(old_code="1", new_code="2", on=dt.datetime(2025, 7, 1, tzinfo=dt.UTC)).on
        == REFORM
    )
