"""What rule sets and rulebooks look like: short reprs, HTML, DataFrames, fingerprints."""

from __future__ import annotations

import sys
from html.parser import HTMLParser

import pytest

from ntm_core.datasets import HA_TINH_DIR
from ntm_core.exceptions import MissingDependencyError
from ntm_core.rules import Rulebook

BUNDLED = Rulebook.bundled()
BOOK = BUNDLED.with_thresholds(HA_TINH_DIR / "sample-thresholds.csv")
EDITION = "vn.commune.standard@2021-2025+211"


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.cells: list[str] = []
        self._cell = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._cell = tag in {"td", "th"}
        if self._cell:
            self.cells.append("")

    def handle_endtag(self, tag):
        self._cell = False

    def handle_data(self, data):
        if self._cell:
            self.cells[-1] += data


def parse(fragment):
    tags = Tags()
    tags.feed(fragment)
    return tags


def test_rulebook_repr_is_short():
    text = repr(BOOK)
    assert len(text) < 300
    assert (
        text
        == f"<Rulebook editions={len(BOOK)} keys={len(BOOK.keys())} scopes=ha-tinh,vn,vn-special overlays=1>"
    )


def test_rule_set_repr_is_short_and_names_the_edition():
    edition = BOOK.get(EDITION)
    text = repr(edition)
    assert len(text) < 300
    assert text.startswith(f"<RuleSet id={EDITION} level=commune tier=standard")
    assert "criteria=19" in text
    assert all(len(repr(e)) < 300 for e in BOOK)


def test_fingerprint_tells_a_filled_sheet_from_the_bundled_edition():
    bundled, filled = BUNDLED.get(EDITION), BOOK.get(EDITION)
    assert bundled.fingerprint != filled.fingerprint
    assert bundled.fingerprint == Rulebook.bundled().get(EDITION).fingerprint
    assert repr(bundled) != repr(filled)


def test_rulebook_html_lists_every_edition_with_provenance_counts():
    tags = parse(BOOK._repr_html_())
    assert tags.tags.count("tr") == len(BOOK) + 1
    assert "illustrative" in tags.cells
    assert EDITION in tags.cells


def test_rule_set_html_is_criteria_then_thresholds_with_citations():
    edition = BOOK.get(EDITION)
    tags = parse(edition._repr_html_())
    assert tags.tags.count("details") == len(edition.criteria)
    assert "income_per_capita" not in tags.cells  # codes and names, not keys
    assert any(c.startswith("318/QĐ-TTg") for c in tags.cells)
    assert any(c.endswith("*") for c in tags.cells)  # unverified or illustrative thresholds


def test_rule_set_frame_has_one_row_per_threshold():
    edition = BOOK.get(EDITION)
    frame = edition.to_frame()
    thresholds = sum(max(1, len(i.thresholds)) for _, i in edition.indicators())
    assert len(frame) == thresholds
    assert list(frame.columns[:4]) == ["rule_set", "criterion", "criterion_name", "indicator"]
    income = frame[frame["indicator"] == "income_per_capita"]
    assert set(income["unit"]) == {"million_VND / person / year"}
    assert income["value"].notna().any()
    assert (income["value_exact"].dropna().map(lambda s: isinstance(s, str))).all()


def test_rulebook_frame_has_one_row_per_edition():
    frame = BOOK.to_frame()
    assert len(frame) == len(BOOK)
    row = frame.set_index("id").loc[EDITION]
    counts = BOOK.get(EDITION).provenance_counts()
    assert row["thresholds"] == sum(counts.values())
    assert row["level"] == "commune"


def test_frames_without_pandas_say_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingDependencyError, match=r"ntm-core\[pandas\]"):
        BOOK.to_frame()
    with pytest.raises(MissingDependencyError, match=r"ntm-core\[pandas\]"):
        BOOK.get(EDITION).to_frame()
