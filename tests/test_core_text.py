"""The one text helper: NFC, folding, and enum parsing for every closed vocabulary."""

import datetime as dt
import enum
import unicodedata

import pytest

from ntm_core._core.text import fold, nfc, optional_nfc, parse_member
from ntm_core._core.vocabulary import Citation, CommuneGroup, Region, RuleLevel, Tier
from ntm_core.admin import AdminLevel, LineageShare
from ntm_core.exceptions import InputError


class Colour(enum.Enum):
    RED = "red"
    DARK_BLUE = "dark_blue"


def test_nfc_and_optional_nfc_strip_and_compose():
    decomposed = unicodedata.normalize("NFD", " Đạt ")
    assert nfc(decomposed) == "Đạt"
    assert optional_nfc("  ") is None
    assert optional_nfc(None) is None


def test_fold_drops_case_diacritics_and_separators():
    assert fold("Đồng-Bằng sông") == "dong_bang_song"


def test_parse_member_by_value_alias_name_and_prefix():
    assert parse_member(Colour, "Dark Blue") is Colour.DARK_BLUE
    assert parse_member(Colour, "đỏ", {"do": Colour.RED}) is Colour.RED
    assert parse_member(Colour, "RED", names=("name",)) is Colour.RED
    assert parse_member(Colour, "colour-red", prefixes=("colour_",)) is Colour.RED


@pytest.mark.parametrize("bad", [None, 3, "green"])
def test_parse_member_refuses_with_the_choices(bad):
    with pytest.raises(ValueError, match="red, dark_blue"):
        parse_member(Colour, bad, what="colour")


def test_vocabularies_use_the_helper():
    assert Region.from_text("Đồng bằng sông Hồng") is Region.DBSH
    assert CommuneGroup.from_text(2) is CommuneGroup.GROUP_2
    assert CommuneGroup.from_text("Nhóm 3") is CommuneGroup.GROUP_3


def test_citation_from_mapping_round_trips_to_dict():
    citation = Citation(number="318/QĐ-TTg", date=dt.date(2022, 3, 8), annex="I", item="10")
    assert Citation.from_mapping(citation.to_dict()) == citation
    assert Citation.from_mapping({"number": "1", "date": dt.date(2020, 1, 1)}).date == dt.date(
        2020, 1, 1
    )
    assert Citation.from_mapping({"number": "1", "date": ""}).date is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "2022-03-08"}, "needs an instrument number"),
        ({"number": "1", "date": "8/3/2022"}, "ISO date"),
        ({"number": "1", "date": 2022}, "expected a date"),
        ({"number": "1", "page": "4"}, "unknown citation field"),
    ],
)
def test_citation_from_mapping_refuses_bad_fields(data, message):
    with pytest.raises(ValueError, match=message):
        Citation.from_mapping(data)


@pytest.mark.parametrize("cls", [Region, CommuneGroup, Tier, RuleLevel, AdminLevel, LineageShare])
@pytest.mark.parametrize("value", [None, 3.5, b"BTB", ["BTB"]])
def test_from_text_of_a_non_text_is_the_librarys_error(cls, value):
    """Issue 14.7: ``from_text(None)`` raised AttributeError from deep inside."""
    if cls is CommuneGroup and value == 3.5:
        value = None
    with pytest.raises(InputError, match=r": expected text naming one of ") as info:
        cls.from_text(value)
    assert isinstance(info.value, ValueError)
    assert info.value.value == value


def test_an_unknown_word_is_the_librarys_error_too():
    with pytest.raises(InputError, match="unknown NTM region 'Mars'; expected one of"):
        Region.from_text("Mars")
