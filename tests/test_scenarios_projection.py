"""Trends and the renderers of a Monte Carlo result (bundled sample, small draws)."""

from __future__ import annotations

import datetime as dt
import functools
from fractions import Fraction
from html.parser import HTMLParser

import numpy as np
import pytest

from ntm_core._core.vocabulary import Tier
from ntm_core.engine import Column, Observations
from ntm_core.exceptions import InputError, OutputError
from ntm_core.rules import IndicatorKind
from ntm_core.scenarios import MonteCarloResult, fit_trend


def _obs() -> Observations:
    income = [Fraction(40), Fraction(42), Fraction(44), Fraction(50), None, Fraction(52)]
    share = [Fraction(90), Fraction(95), Fraction(99), Fraction(10), Fraction(10), Fraction(10)]
    flag = [False, True, True, True, True, False]
    return Observations(
        codes=["a", "a", "a", "b", "b", "b"],
        periods=[2021, 2022, 2023, 2021, 2022, 2023],
        columns={
            "income_per_capita": Column.from_values(
                "income_per_capita", IndicatorKind.NUMERIC, income
            ),
            "clean_water_share": Column.from_values(
                "clean_water_share", IndicatorKind.RATIO, share
            ),
            "flag": Column.from_values("flag", IndicatorKind.BOOLEAN, flag),
        },
    )


def test_theil_sen_slope_anchor_and_bounds() -> None:
    trend = fit_trend(_obs())
    assert "Trend units=2" in repr(trend)
    inc = trend.keys.index("income_per_capita")
    share = trend.keys.index("clean_water_share")
    flag = trend.keys.index("flag")
    assert trend.slope[0, inc] == pytest.approx(2 * trend.scales[inc])
    assert trend.slope[1, inc] == pytest.approx(1 * trend.scales[inc])  # one pair: 2021→2023
    projected = trend.project(2026)
    assert projected[0, inc] == 50 * trend.scales[inc]  # 44 + 3 × 2
    assert projected[0, share] == 100 * trend.scales[share]  # a ratio stays within 0–100
    assert bool(projected[0, flag]) is True  # once turned yes, never back: stays yes
    assert bool(projected[1, flag]) is False  # b turned no in one of its two steps
    with pytest.raises(InputError):
        trend.project(2023)
    with pytest.raises(InputError):
        fit_trend(_obs().for_period(2021))


@functools.cache
def _result() -> MonteCarloResult:
    from ntm_core._core.vocabulary import RuleLevel
    from ntm_core.datasets import HA_TINH_DIR, ha_tinh_tree
    from ntm_core.engine import IndicatorCatalog, Ladder
    from ntm_core.exceptions import RuleNotInForceError
    from ntm_core.io import read_observations
    from ntm_core.rules import Rulebook
    from ntm_core.scenarios import simulate

    book = Rulebook.bundled().with_thresholds(HA_TINH_DIR / "sample-thresholds.csv")
    editions = []
    for level in (RuleLevel.COMMUNE, RuleLevel.DISTRICT, RuleLevel.TOWN, RuleLevel.PROVINCE):
        try:
            ladder = Ladder.for_level(book, level=level, on=dt.date(2024, 12, 31), scope="ha-tinh")
        except RuleNotInForceError:
            continue
        editions.extend(ladder.rungs)
    obs = read_observations(
        HA_TINH_DIR / "sample-observations.csv",
        catalog=IndicatorCatalog.from_editions([*editions, *book]),
    )
    return simulate(
        obs,
        province="42",
        on=dt.date(2024, 12, 31),
        to=2026,
        draws=8,
        seed=1,
        tree=ha_tinh_tree(),
        rulebook=book,
        scope="ha-tinh",
        progress=False,
        synthetic=True,
    )


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []

    def handle_data(self, data: str) -> None:
        self.cells.append(data)


def test_renderers_say_what_was_drawn() -> None:
    result = _result()
    text = result.to_text()
    assert "8 draws, seed 1" in text
    assert "SYNTHETIC" in text
    assert "GIẢ LẬP" in result.to_text(lang="vi")
    assert "| 2025 |" in result.to_markdown()
    parser = _Cells()
    parser.feed(result._repr_html_())
    assert "2026" in parser.cells
    first = result.probability(2025)
    assert first is not None
    assert 0.0 <= first <= 1.0
    assert 0.0 <= (result.probability_in(2025) or 0.0) <= 1.0
    code = result.conditions[0][0]
    assert 0.0 <= (result.condition_probability(code, 2025) or 0.0) <= 1.0
    with pytest.raises(KeyError):
        result.condition_probability("no such")
    with pytest.raises(InputError):
        result.probability(2040)
    p = result.unit_probability(result.communes[0], Tier.STANDARD)
    assert p * result.draws == int(result.reach_by[-1, 0, 0])


def test_frames_workbook_and_plots(tmp_path: object) -> None:
    import matplotlib as mpl

    mpl.use("Agg")
    result = _result()
    frames = result.to_frame()
    assert list(frames["years"]["year"]) == [2025, 2026]
    assert len(frames["communes"]) == len(result.communes)
    from pathlib import Path

    target = Path(str(tmp_path)) / "p.xlsx"
    result.to_excel(target)
    assert target.stat().st_size > 0
    with pytest.raises(OutputError):
        result.to_excel(target)
    ax = result.plot.probability()
    heights = [bar.get_height() for bar in ax.patches]
    assert heights[0] == result.probability(2025)
    assert np.isnan(heights[1])  # 2026: unknown, no bar (not a bar of 0)
    assert "unknown" in ax.get_xticklabels()[1].get_text()
    code = next(c[0] for c in result.conditions if not np.isnan(result.values[:, 0, 0]).all())
    fan = result.plot.fan(code)
    assert fan.get_title().startswith(code)


def test_conditions_not_in_force_or_of_unknown_content_are_never_zero_percent() -> None:
    result = _result()
    codes = [c[0] for c in result.conditions]
    # the 2021-2025 conditions 1-8, then Annex III of the 2026-2030 rules (content unknown)
    assert codes[:8] == [str(i) for i in range(1, 9)]
    assert "III" in codes
    assert result.in_force[0].tolist() == [c != "III" for c in codes]
    assert result.in_force[1].tolist() == [c == "III" for c in codes]
    assert result.condition_probability("1", 2026) is None  # not in the 2026 rules
    assert result.condition_probability("III", 2026) is None  # content unknown
    assert result.condition_probability("III", 2025) is None  # not yet in force
    assert result.probability(2026) is None
    assert result.probability_in(2026) is None
    data = result.to_dict()
    year = data["years"][1]  # type: ignore[index]
    status = {c["code"]: c["status"] for c in year["conditions"]}
    assert status["1"] == "not_in_force"
    assert status["III"] == "unknown"
    assert year["province"]["probability_completed_by"] is None
    assert {c["probability_met"] for c in year["conditions"]} == {None}
    assert data["conditions"] == {"III": None}  # only the last year's conditions
    rows = result.to_text().splitlines()
    row = next(r for r in rows if r.startswith("2026"))
    assert "0.0%" not in row
    assert "unknown" in row
    assert "—" in row
    assert "chưa rõ" in result.to_text(lang="vi")
    assert "None of these is counted as 0%" in result.to_markdown()
    frame = result.to_frame()["years"]
    assert frame["province"].isna().tolist() == [False, True]
