"""The dated administrative tree, lineage and carrying results, and the bundled Hà Tĩnh data.

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

import attrs
import pytest

from admin_trees import (
    COMMUNE_LEVEL,
    DISTRICT_LEVEL,
    JAN_2025,
    REFORM,
    START,
    level_counts,
    link,
    make_small_tree,
    unit,
)
from ntm_core import InputError, Tier
from ntm_core.admin import (
    AdminLevel,
    AdminSnapshot,
    AdminTree,
    CarriedResult,
    LineageShare,
    UnknownUnitError,
    count_reached,
)
from ntm_core.datasets import HA_TINH_DIR, ha_tinh_tree


@pytest.fixture(scope="module")
def small_tree():
    """The small tree of :func:`admin_trees.make_small_tree`."""
    return make_small_tree()


def test_validity_is_half_open_at_the_reform(small_tree):
    assert "1" in small_tree.as_of(REFORM - dt.timedelta(days=1))
    assert "1" not in small_tree.as_of(REFORM)
    assert small_tree.change_dates == (START, REFORM)
    assert small_tree.lineage_dates == (REFORM,)


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


def test_tree_repr_is_short(small_tree):
    assert repr(small_tree) == (
        "<AdminTree: 10 unit records, 6 lineage links; changes on 2020-01-01, 2025-07-01>"
    )
    assert repr(AdminTree.from_units([])) == (
        "<AdminTree: 0 unit records, 0 lineage links; changes on none>"
    )


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


@pytest.mark.parametrize(
    "home",
    [
        b"ntm_core.admin",  # admin.py, before admin became a package, and from now on
        b"ntm_core.admin._tree",  # the one private module the package first had
    ],
)
def test_pickles_naming_older_homes_of_the_rebuild_functions_still_load(small_tree, home):
    snap = small_tree.as_of(REFORM)
    record = unit("18073", "Phường Nam Hà", "ward", "436", end=REFORM, region="BTB")
    for value in (record, snap, small_tree):
        data = pickle.dumps(value, protocol=0)
        assert b"cntm_core.admin\n_rebuild_" in data  # the stable home, pickled by name
        older = data.replace(b"cntm_core.admin\n_rebuild_", b"c" + home + b"\n_rebuild_")
        assert pickle.loads(older) == value


def test_trees_and_links_cannot_be_changed(small_tree):
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        small_tree.units = ()  # type: ignore[misc]
    assert isinstance(small_tree.units, tuple)
    assert isinstance(small_tree.lineage, tuple)
    assert isinstance(small_tree.change_dates, tuple)
    assert isinstance(small_tree.successors("22", on=REFORM), tuple)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        small_tree.lineage[0].share = LineageShare.PART  # type: ignore[misc]
    carried = small_tree.carry({"11": 1}, on=REFORM)["11"][0]
    with pytest.raises(AttributeError):
        carried.value = 2  # type: ignore[misc]
