"""The tree on one day: lookups, walking the tree, and the index arrays for roll-ups."""

import datetime as dt

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from admin_trees import (
    COMMUNE_LEVEL,
    DISTRICT_LEVEL,
    REFORM,
    START,
    make_small_tree,
    unit,
)
from ntm_core.admin import (
    AdminLevel,
    AdminSnapshot,
    AdminTree,
    UnknownUnitError,
)


@pytest.fixture(scope="module")
def small_tree():
    """The small tree of :func:`admin_trees.make_small_tree`."""
    return make_small_tree()


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


# ---------------------------------------------------------------- the indexes readiness walks


def test_ancestor_at_a_level_is_the_nearest_one_above(small_tree):
    snap = small_tree.as_of(dt.date(2024, 6, 1))
    assert snap.ancestor("22", level=DISTRICT_LEVEL).code == "2"
    assert snap.ancestor("22", level=AdminLevel.PROVINCE).code == "42"
    assert snap.ancestor("13", level={AdminLevel.DISTRICT, AdminLevel.PROVINCE}).code == "1"
    # a unit is not its own ancestor, and a root has none
    assert snap.ancestor("1", level=DISTRICT_LEVEL) is None
    assert snap.ancestor("42", level=AdminLevel.PROVINCE) is None
    assert snap.ancestor("11", level=AdminLevel.RESIDENTIAL_AREA) is None
    after = small_tree.as_of(REFORM)
    assert after.ancestor("11", level=DISTRICT_LEVEL) is None  # no district level any more
    with pytest.raises(UnknownUnitError, match="no unit '99'"):
        snap.ancestor("99", level=DISTRICT_LEVEL)
    with pytest.raises(TypeError, match="expected an AdminLevel"):
        snap.ancestor("11", level="district")


def test_rollup_index_points_into_the_list_of_parents(small_tree):
    snap = small_tree.as_of(dt.date(2024, 6, 1))
    communes = ["22", "11", "21", "13", "12"]
    # parents in any order; the result indexes that order
    assert snap.rollup_index(communes, into=["2", "1"]).tolist() == [0, 1, 0, 1, 1]
    assert snap.rollup_index(communes, into=["42"]).tolist() == [0] * 5
    # communes of district 2 have no ancestor among ["1"]: -1, left out of np.bincount
    only_one = snap.rollup_index(communes, into=["1"])
    assert only_one.tolist() == [-1, 0, -1, 0, 0]
    assert np.bincount(only_one[only_one >= 0], minlength=1).tolist() == [3]
    # a unit is not its own ancestor; levels may be skipped
    assert snap.rollup_index(["1", "42"], into=["1", "42"]).tolist() == [1, -1]
    assert snap.rollup_index("21", into=["42"]).tolist() == [0]
    assert snap.rollup_index([], into=["42"]).tolist() == []
    with pytest.raises(UnknownUnitError, match="1 codes are not units on 2024-06-01: 'x'"):
        snap.rollup_index(["11"], into=["x"])
    with pytest.raises(UnknownUnitError, match="'y'"):
        snap.rollup_index(["y"], into=["1"])


@given(flat_trees(), st.data())
def test_rollup_index_and_ancestor_agree_with_walking_up(case, data):
    tree, values = case
    snap = tree.as_of(dt.date(2024, 1, 1))
    into = data.draw(st.lists(st.sampled_from(snap.codes), unique=True, min_size=1))
    codes = list(snap.codes)
    found = snap.rollup_index(codes, into=into)
    for code, slot in zip(codes, found.tolist(), strict=True):
        above = [u.code for u in snap.ancestors(code) if u.code in into]
        assert slot == (into.index(above[0]) if above else -1)
    for code in values:
        district = snap.ancestor(code, level=AdminLevel.DISTRICT)
        assert district is not None
        assert district == snap.parent(code)


def test_every_array_a_snapshot_gives_out_is_read_only(small_tree):
    snap = small_tree.as_of(dt.date(2024, 6, 1))
    arrays = {
        "parent_index": snap.parent_index,
        "ancestor_index": snap.ancestor_index(level=AdminLevel.PROVINCE),
        "index_of": snap.index_of(["11", "12"]),
        "rollup_index": snap.rollup_index(["11", "12"], into=["1"]),
    }
    for name, array in arrays.items():
        assert not array.flags.writeable, name
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 5
    assert snap.parent_index.tolist() == [-1, 0, 0, 1, 1, 1, 2, 2]
    # a fresh answer is not a view of a cached one that a caller could have changed
    assert snap.ancestor_index(level=AdminLevel.PROVINCE).tolist() == [0] * 8


def test_a_snapshot_cannot_be_changed(small_tree):
    snap = small_tree.as_of(dt.date(2024, 6, 1))
    with pytest.raises(TypeError):
        snap["11"] = snap["12"]  # type: ignore[index]
    with pytest.raises(TypeError):
        del snap["11"]  # type: ignore[attr-defined]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        snap.on = REFORM  # type: ignore[misc]
    assert isinstance(snap.units(), tuple)
    assert isinstance(snap.codes, tuple)
    assert isinstance(snap.children("1"), tuple)
    assert isinstance(snap.descendants("1"), tuple)
    assert isinstance(snap.ancestors("11"), tuple)
