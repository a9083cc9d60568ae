"""Outcomes (Kleene logic), tiers, regions, commune groups, provenance and citations."""

import datetime as dt
import itertools

import attrs
import pytest
from hypothesis import given

from ntm_core import Citation, CommuneGroup, Outcome, Provenance, Region, RuleLevel, Tier
from strategies import outcomes

M, N, U, NA = Outcome.MET, Outcome.NOT_MET, Outcome.UNKNOWN, Outcome.NOT_APPLICABLE


# Kleene's strong three-valued truth tables (Kleene 1952), with N/A as the neutral element.
AND_TABLE = {
    (M, M): M, (M, N): N, (M, U): U,
    (N, M): N, (N, N): N, (N, U): N,
    (U, M): U, (U, N): N, (U, U): U,
}  # fmt: skip
OR_TABLE = {
    (M, M): M, (M, N): M, (M, U): M,
    (N, M): M, (N, N): N, (N, U): U,
    (U, M): M, (U, N): U, (U, U): U,
}  # fmt: skip


@pytest.mark.parametrize(("pair", "expected"), AND_TABLE.items())
def test_and_follows_kleene(pair, expected):
    assert (pair[0] & pair[1]) is expected


@pytest.mark.parametrize(("pair", "expected"), OR_TABLE.items())
def test_or_follows_kleene(pair, expected):
    assert (pair[0] | pair[1]) is expected


@given(outcomes())
def test_not_applicable_is_neutral(outcome):
    assert (outcome & NA) is outcome
    assert (NA | outcome) is outcome


@given(outcomes(), outcomes(), outcomes())
def test_and_or_are_associative_and_commutative(a, b, c):
    assert ((a & b) & c) is (a & (b & c))
    assert ((a | b) | c) is (a | (b | c))
    assert (a & b) is (b & a)
    assert (a | b) is (b | a)


@given(outcomes(), outcomes())
def test_de_morgan(a, b):
    assert ~(a & b) is (~a | ~b)


def test_all_of_and_any_of():
    assert Outcome.all_of([]) is NA
    assert Outcome.all_of([M, M, U]) is U
    assert Outcome.all_of([M, U, N]) is N
    assert Outcome.any_of([N, U]) is U
    assert Outcome.any_of([N, M, U]) is M


def test_from_bool():
    assert Outcome.from_bool(True) is M
    assert Outcome.from_bool(False) is N
    assert Outcome.from_bool(None) is U


def test_from_bool_accepts_numpy_bools():
    import numpy as np

    assert Outcome.from_bool(np.bool_(True)) is M
    assert Outcome.from_bool(np.array([False])[0]) is N


@pytest.mark.parametrize("value", [float("nan"), "no", "yes", "", 0, 1, 1.0, [], object()])
def test_from_bool_refuses_anything_but_a_bool(value):
    """Issue 14.7: ``from_bool(float("nan"))`` and ``from_bool("no")`` returned MET."""
    from ntm_core.exceptions import InputError

    with pytest.raises(InputError, match=r"Outcome.from_bool: expected True, False or None"):
        Outcome.from_bool(value)


def test_outcome_has_no_truth_value():
    with pytest.raises(TypeError, match="no truth value"):
        bool(Outcome.MET)


def test_outcome_does_not_combine_with_bool():
    with pytest.raises(TypeError):
        Outcome.MET & True


def test_enums_never_equal_their_spelling():
    assert Outcome.MET != "met"
    assert Tier.STANDARD != "standard"
    assert Region.BTB != "BTB"
    assert CommuneGroup.GROUP_1 != 1


def test_commune_ladder_is_ordered():
    ladder = Tier.ladder(RuleLevel.COMMUNE)
    assert ladder == (Tier.NOT_YET, Tier.STANDARD, Tier.ADVANCED, Tier.MODEL)
    for low, high in itertools.pairwise(ladder):
        assert low < high
        assert high > low
        assert low <= high
        assert high >= low


def test_tiers_of_different_ladders_do_not_compare():
    with pytest.raises(TypeError, match="different ladders"):
        _ = Tier.STANDARD < Tier.TASK_COMPLETED
    assert Tier.NOT_YET < Tier.TASK_COMPLETED


def test_tier_does_not_compare_with_int():
    with pytest.raises(TypeError):
        _ = Tier.STANDARD < 2


@pytest.mark.parametrize(
    ("text", "tier"),
    [("standard", Tier.STANDARD), ("đạt chuẩn", Tier.STANDARD), ("Nâng cao", Tier.ADVANCED),
     ("kiểu mẫu", Tier.MODEL), ("hoàn thành nhiệm vụ", Tier.TASK_COMPLETED),
     ("not_yet", Tier.NOT_YET)],
)  # fmt: skip
def test_tier_from_text(text, tier):
    assert Tier.from_text(text) is tier


def test_tier_labels():
    assert Tier.MODEL.label("en") == "model"
    assert Tier.MODEL.label("vi") == "đạt chuẩn NTM kiểu mẫu"


def test_unknown_tier_lists_choices():
    with pytest.raises(ValueError, match="unknown tier 'gold'; expected one of not_yet, standard"):
        Tier.from_text("gold")


def test_there_are_seven_regions_with_names():
    assert len(Region) == 7
    assert [r.abbreviation for r in Region] == [
        "TDMNPB",
        "ĐBSH",
        "BTB",
        "DHNTB",
        "TN",
        "ĐNB",
        "ĐBSCL",
    ]
    assert Region.DBSCL.name_vi == "Đồng bằng sông Cửu Long"


@pytest.mark.parametrize(
    "text", ["ĐBSCL", "DBSCL", "dbscl", "Đồng bằng sông Cửu Long", "Mekong River Delta"]
)
def test_region_from_text(text):
    assert Region.from_text(text) is Region.DBSCL


def test_unknown_region():
    with pytest.raises(ValueError, match="unknown NTM region 'Mars'"):
        Region.from_text("Mars")


@pytest.mark.parametrize("text", ["2", 2, "group 2", "Nhóm 2", "nhom_2"])
def test_commune_group_from_text(text):
    assert CommuneGroup.from_text(text) is CommuneGroup.GROUP_2


def test_commune_group_rejects_four():
    with pytest.raises(ValueError, match="expected one of 1, 2, 3"):
        CommuneGroup.from_text("4")
    assert "urban" in CommuneGroup.GROUP_1.description


def test_rule_level_from_text():
    assert RuleLevel.from_text("huyện") is RuleLevel.DISTRICT
    assert RuleLevel.from_text("town") is RuleLevel.TOWN
    with pytest.raises(ValueError, match="unknown level"):
        RuleLevel.from_text("galaxy")


def test_provenance_order_and_reliability():
    assert sorted(Provenance, reverse=True)[0] is Provenance.ILLUSTRATIVE
    assert Provenance.SECONDARY.reliable
    assert not Provenance.ILLUSTRATIVE.reliable


def test_citation_renders_and_serialises():
    c = Citation(number=" 318/QĐ-TTg ", date=dt.date(2022, 3, 8), annex="I", item="10", url="")
    assert c.number == "318/QĐ-TTg"
    assert c.url is None
    assert c.to_dict() == {"number": "318/QĐ-TTg", "date": "2022-03-08", "annex": "I", "item": "10"}
    assert str(Citation(number="18/2022/QĐ-TTg")) == "18/2022/QĐ-TTg"


def test_citation_needs_a_number():
    with pytest.raises(ValueError, match="instrument number"):
        Citation(number="  ")


def test_citation_is_immutable_and_hashable():
    c = Citation(number="319/QĐ-TTg")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        c.number = "x"  # type: ignore[misc]
    assert hash(c) == hash(Citation(number="319/QĐ-TTg"))
