"""The rule-set model: closed vocabularies are enums, and values cannot be changed."""

import json
import pickle
from pathlib import Path

import attrs
import pytest

from ntm_core.rules import (
    OcopScheme,
    Rulebook,
    RulePurpose,
    RuleSet,
    SelectorKind,
    ruleset_to_dict,
)

DATA = Path(__file__).parent / "data" / "rules"


@pytest.fixture(scope="module")
def book():
    return Rulebook.bundled()


def _ocop_editions(book):
    return [edition for edition in book if edition.ocop is not None]


def test_purpose_and_selector_are_enums_spelt_as_in_the_rule_files(book):
    editions = list(book)
    assert all(isinstance(e.purpose, RulePurpose) for e in editions)
    assert all(isinstance(e.selector, SelectorKind) for e in editions)
    standard = book.get("vn.commune.standard@2021-2025")
    assert standard.purpose is RulePurpose.TIER
    assert standard.selector is SelectorKind.REGION
    assert standard.selector != "region"  # an enum never equals its spelling
    assert {e.purpose for e in _ocop_editions(book)} == {RulePurpose.RATING}
    recognition = Rulebook.from_paths([DATA / "recognition.toml"])
    assert {e.purpose for e in recognition} == {RulePurpose.RECOGNITION}
    assert [m.value for m in RulePurpose] == ["tier", "rating", "recognition", "targets"]
    targets = book.get("vn.province.targets@2021-2025")
    assert targets.purpose is RulePurpose.TARGETS
    assert targets.tier is None
    assert [m.value for m in SelectorKind] == ["region", "group", "none"]


def test_rule_set_json_keeps_the_text_spelling(book):
    edition = book.get("vn.commune.standard@2021-2025")
    data = ruleset_to_dict(edition)
    assert data["purpose"] == "tier"
    assert json.loads(json.dumps(data))["purpose"] == "tier"
    rating = _ocop_editions(book)[0]
    assert ruleset_to_dict(rating)["purpose"] == "rating"


def test_rule_sets_take_only_the_enums(book):
    edition = book.get("vn.commune.standard@2021-2025")
    with pytest.raises(TypeError, match="selector"):
        attrs.evolve(edition, selector="region")
    with pytest.raises(TypeError, match="purpose"):
        attrs.evolve(edition, purpose="tier")
    assert attrs.evolve(edition, selector=SelectorKind.NONE).selector is SelectorKind.NONE


def test_ocop_groups_are_read_only_and_the_scheme_still_pickles(book):
    scheme = _ocop_editions(book)[0].ocop
    assert isinstance(scheme, OcopScheme)
    code = next(iter(scheme.groups))
    with pytest.raises(TypeError):
        scheme.groups[code] = ("x", "y")  # type: ignore[index]
    with pytest.raises(TypeError):
        del scheme.groups[code]  # type: ignore[attr-defined]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        scheme.groups = {}  # type: ignore[misc]
    again = pickle.loads(pickle.dumps(scheme))
    assert again == scheme
    assert dict(again.groups) == dict(scheme.groups)
    with pytest.raises(TypeError):
        again.groups[code] = ("x", "y")  # type: ignore[index]


def test_ocop_groups_are_copied_so_the_callers_dict_cannot_reach_in(book):
    scheme = _ocop_editions(book)[0].ocop
    groups = {"1.1": ("Rau", "Vegetables")}
    copy = attrs.evolve(scheme, groups=groups)
    groups["1.1"] = ("changed", "changed")
    assert copy.groups["1.1"] == ("Rau", "Vegetables")


def test_a_rule_set_is_frozen(book):
    edition = book.get("vn.commune.standard@2021-2025")
    assert isinstance(edition, RuleSet)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        edition.purpose = RulePurpose.RATING  # type: ignore[misc]
    assert isinstance(edition.criteria, tuple)
