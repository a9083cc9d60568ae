"""Administrative levels: their Vietnamese names, ranks and the NTM levels that grade them."""

from ntm_core import RuleLevel
from ntm_core.admin import (
    AdminLevel,
)


def test_levels_map_to_rule_levels_and_ranks():
    assert AdminLevel.CITY.rule_level is RuleLevel.TOWN
    assert AdminLevel.TOWNSHIP.rule_level is None
    assert AdminLevel.PROVINCE.rank < AdminLevel.DISTRICT.rank < AdminLevel.COMMUNE.rank
    assert AdminLevel.TOWNSHIP.name_vi == "thị trấn"
    assert AdminLevel.from_text("thôn") is AdminLevel.RESIDENTIAL_AREA
