"""What administrative trees, snapshots and units look like: short reprs, HTML, a frame."""

from __future__ import annotations

import datetime as dt
import sys
from html.parser import HTMLParser

import pytest

from ntm_core.datasets import ha_tinh_tree
from ntm_core.exceptions import MissingDependencyError

ON = dt.date(2024, 12, 31)


class Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        if tag == "td":
            self.rows[-1].append("")

    def handle_data(self, data):
        self.text.append(data)
        if self.rows and self.rows[-1] and self.get_starttag_text() == "<td>":
            self.rows[-1][-1] += data


def test_reprs_are_short():
    tree = ha_tinh_tree()
    snapshot = tree.as_of(ON)
    assert len(repr(tree)) < 300
    assert len(repr(snapshot)) < 300
    assert all(len(repr(unit)) < 300 for unit in snapshot.units())


def test_snapshot_html_counts_levels_and_shows_the_first_units():
    snapshot = ha_tinh_tree().as_of(ON)
    cells = Cells()
    cells.feed(snapshot._repr_html_())
    rows = [r for r in cells.rows if r]
    levels = {u.level.value for u in snapshot.units()}
    counts = dict(rows[: len(levels)])
    assert counts["province"] == "1"
    assert counts["commune"] == "182"
    assert sum(map(int, counts.values())) == 230
    assert len(rows) == len(levels) + 20
    assert rows[len(levels)][:3] == ["42", "Tỉnh Hà Tĩnh", "province"]
    assert "… 210 more rows" in "".join(cells.text)


def test_snapshot_frame_has_one_row_per_unit():
    snapshot = ha_tinh_tree().as_of(ON)
    frame = snapshot.to_frame()
    assert len(frame) == len(snapshot) == 230
    assert list(frame.columns[:6]) == [
        "code",
        "name",
        "level",
        "parent_code",
        "valid_from",
        "valid_to",
    ]
    counts = frame["level"].value_counts().to_dict()
    assert counts["commune"] == 182
    assert counts["province"] == 1
    assert frame.set_index("code")["parent_code"].isna().sum() == 1  # the province


def test_snapshot_frame_without_pandas(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingDependencyError, match=r"ntm-core\[pandas\]"):
        ha_tinh_tree().as_of(ON).to_frame()
