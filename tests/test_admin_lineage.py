"""Lineage links of reforms, and counting the tiers predecessors reached."""

import pytest

from admin_trees import (
    REFORM,
    link,
)
from ntm_core import RuleLevel, Tier
from ntm_core.admin import (
    LineageLink,
    LineageShare,
    count_reached,
)


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
