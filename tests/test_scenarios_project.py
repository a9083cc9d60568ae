"""The deterministic projection (``project``) and ``ntm project`` without draws."""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ntm_core._core.vocabulary import Outcome, RuleLevel
from ntm_core.cli import main
from ntm_core.datasets import HA_TINH_DIR, ha_tinh_tree
from ntm_core.engine import CODES, IndicatorCatalog, Observations
from ntm_core.exceptions import InputError, MissingDependencyError, OutputError
from ntm_core.io import read_observations
from ntm_core.readiness import assess_province
from ntm_core.rules import Rulebook
from ntm_core.scenarios import Projection, project
from ntm_core.scenarios._project import _attainment, _province_attainment


@functools.cache
def _book() -> Rulebook:
    return Rulebook.bundled().with_thresholds(HA_TINH_DIR / "sample-thresholds.csv")


@functools.cache
def _obs() -> Observations:
    catalog = IndicatorCatalog.from_editions(list(_book()))
    return read_observations(HA_TINH_DIR / "sample-observations.csv", catalog=catalog)


@functools.cache
def _projection(to: int = 2026) -> Projection:
    return project(
        _obs(),
        province="42",
        on="2024-12-31",
        to=to,
        tree=ha_tinh_tree(),
        rulebook=_book(),
        scope="ha-tinh",
        synthetic=True,
    )


def test_the_base_year_is_decided_as_the_readiness_report_decides_it() -> None:
    result = _projection()
    assert result.years == (2024, 2025, 2026)
    assert result.base == 2024
    report = assess_province(
        _obs(),
        tree=ha_tinh_tree(),
        province="42",
        on=dt.date(2024, 12, 31),
        rulebook=_book(),
        scope="ha-tinh",
    )
    communes = report.levels[RuleLevel.COMMUNE]
    expected = [t.value if t is not None else "none" for t in communes.tiers()]
    rows = [i for i, u in enumerate(result.units) if u[2] is RuleLevel.COMMUNE]
    assert [result.units[i][0] for i in rows] == list(communes.codes)
    assert [result.tiers[0][i] for i in rows] == expected
    province = report.levels[RuleLevel.PROVINCE].batch
    assert province is not None
    outcomes = province.criterion_outcomes[0]
    by_code = {code: outcome for outcome, code in CODES.items()}
    decided = [
        (result.outcomes[0][i], by_code[int(outcomes[code][0])])
        for i, (code, *_rest) in enumerate(result.conditions)
        if code in outcomes
    ]
    assert len(decided) == 8
    assert all(mine is theirs for mine, theirs in decided)
    assert result.at_least("standard")[2024] == 182


def test_conditions_not_in_force_are_none_and_the_unknown_years_say_so() -> None:
    result = _projection()
    codes = [c[0] for c in result.conditions]
    iii = codes.index("III")
    assert result.outcomes[0][iii] is None  # not in force in 2024
    assert result.outcomes[2][iii] is Outcome.UNKNOWN  # Annex III: content unknown
    assert all(o is None for o in result.outcomes[2][:8])  # 1-8 are not in the 2026 rules
    assert result.province_attainment.year is None
    assert "unknown in 2026" in result.province_attainment.reason
    assert "2026" in result.province_attainment.reason_vi
    short = _projection(2025)
    assert short.province_attainment.reason == "not completed by 2025 on the trend"


def test_attainment_of_a_path() -> None:
    unit = ("x", "X", RuleLevel.COMMUNE)
    years = (2024, 2025, 2026)
    found = _attainment(unit, ["none", "none", "advanced"], years, 2026)
    assert (found.year, found.tier, found.reason) == (2026, "standard", "")
    assert _attainment(unit, ["none", "none", "none"], years, 2026).reason == (
        "not reached by 2026 on the trend"
    )
    unknown = _attainment(unit, ["none", "unknown", "unknown"], years, 2026)
    assert unknown.year is None
    assert unknown.reason.startswith("unknown in 2025, 2026")
    province = ("42", "P", RuleLevel.PROVINCE)
    done = _province_attainment(province, [False, True, False], [False] * 3, years, 2026)
    assert done.year == 2025
    assert done.to_dict()["reason"] is None


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []

    def handle_data(self, data: str) -> None:
        self.cells.append(data)


def test_renderers(tmp_path: Path) -> None:
    result = _projection()
    assert len(repr(result)) < 300
    assert "units=196" in repr(result)
    text = result.to_text()
    assert "2024 (base)" in text
    assert "SYNTHETIC" in text
    assert "A trend is not a forecast" in text
    row = next(line for line in text.splitlines() if line.startswith("2026"))
    assert "? unknown" in row
    assert "—" in row
    assert "✗ not met" not in row  # not in force is never "not met"
    assert "dự phóng" in result.to_text(lang="vi")
    assert "| 2025 |" in result.to_markdown()
    parser = _Text()
    parser.feed(result._repr_html_())
    assert "2024 (base)" in parser.cells
    assert "✓ met" in parser.cells
    data = json.loads(json.dumps(result.to_dict()))
    assert data["schema"] == "ntm_core.projection/1"
    assert len(data["units"]) == 195
    assert data["years"][2]["conditions"][0]["status"] == "not_in_force"
    frames = result.to_frame()
    assert set(frames) == {"tiers", "conditions", "attainment"}
    assert len(frames["tiers"]) == 196
    assert list(frames["tiers"].columns[-3:]) == ["2024", "2025", "2026"]
    target = tmp_path / "p.xlsx"
    result.to_excel(target)
    assert target.stat().st_size > 0
    with pytest.raises(OutputError):
        result.to_excel(target)
    with pytest.raises(InputError):
        result.to_text(lang="fr")


def test_to_frame_without_pandas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingDependencyError, match="pip install"):
        _projection().to_frame()


def test_on_must_be_a_date() -> None:
    with pytest.raises(InputError, match="on="):
        project(_obs(), province="42", on="31/12/2024", to=2026, tree=ha_tinh_tree())


def test_cli_without_draws_prints_the_projection() -> None:
    args = ["project", "--on", "2024-12-31", "--to", "2025"]
    out = io.StringIO()
    assert main(args, out=out) == 0
    assert "projection on the trend 2024–2025" in out.getvalue()
    again = io.StringIO()
    assert main([*args, "--draws", "0"], out=again) == 0
    assert again.getvalue() == out.getvalue()
    js = io.StringIO()
    assert main([*args, "--format", "json"], out=js) == 0
    assert json.loads(js.getvalue())["base"] == 2024
    err = io.StringIO()
    assert main([*args, "--draws", "-1"], out=err) != 0
