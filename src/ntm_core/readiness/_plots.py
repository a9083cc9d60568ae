"""Plots of a readiness report, pandas-style: ``report.plot.conditions()``.

Each method draws on ``ax`` (a new figure's axes when ``None``) and returns
the matplotlib ``Axes``, so a plot can be placed in a figure of the user's
and restyled. Outcomes are told apart by hatching as well as colour.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, cast

from ntm_core._core.display import Lang, check_lang, mark_synthetic
from ntm_core._core.optional import require
from ntm_core._core.vocabulary import Outcome, Tier
from ntm_core.readiness._render import focus_rung

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ntm_core.readiness._model import ProvinceReadiness

__all__ = ["ReadinessPlots", "achieved_percent"]

_HATCH = {
    Outcome.MET: "",
    Outcome.NOT_MET: "//",
    Outcome.UNKNOWN: "..",
    Outcome.NOT_APPLICABLE: "xx",
}
_COLOUR = {
    Outcome.MET: "tab:green",
    Outcome.NOT_MET: "tab:red",
    Outcome.UNKNOWN: "tab:gray",
    Outcome.NOT_APPLICABLE: "lightgray",
}


def achieved_percent(observed: object, threshold: object) -> float:
    """What a condition achieves as a percent of what it requires (100 is exactly enough).

    A yes/no condition is 100 when it holds and 0 when it does not; an
    unknown value, or a zero or missing requirement, is 0.

    >>> achieved_percent(Fraction(39), Fraction(40))
    97.5
    >>> achieved_percent(True, True), achieved_percent(None, Fraction(40))
    (100.0, 0.0)
    """
    if isinstance(observed, bool) or isinstance(threshold, bool):
        return 100.0 if observed is True else 0.0
    if not isinstance(observed, int | Fraction) or not isinstance(threshold, int | Fraction):
        return 0.0
    if threshold == 0:
        return 0.0
    return float(Fraction(observed) * 100 / Fraction(threshold))


def _axes(ax: Axes | None, feature: str) -> Axes:
    if ax is not None:
        return ax
    pyplot = require("matplotlib.pyplot", feature=feature)
    _, new = pyplot.subplots()
    return cast("Axes", new)


class ReadinessPlots:
    """The plots of one report (``report.plot``).

    .. versionadded:: 0.1.0
    """

    def __init__(self, report: ProvinceReadiness) -> None:
        self._report = report

    def _label(self, axes: Axes, lang: Lang) -> None:
        if self._report.labels.synthetic:
            mark_synthetic(axes, lang=lang)

    def conditions(self, *, ax: Axes | None = None, lang: Lang = "en") -> Axes:
        """One bar per province condition: achieved as a percent of required (line at 100).

        Bars are coloured and hatched by outcome (met plain, not met ``//``,
        unknown ``..``, not applicable ``xx``).

        Returns:
            The matplotlib ``Axes``.
        """
        lang = check_lang(lang)
        axes = _axes(ax, "report.plot.conditions()")
        conditions = self._report.conditions
        heights = [achieved_percent(c.observed, c.threshold) for c in conditions]
        bars = axes.bar(
            [c.code for c in conditions],
            heights,
            color=[_COLOUR[c.outcome] for c in conditions],
            edgecolor="black",
        )
        for bar, c in zip(bars, conditions, strict=True):
            bar.set_hatch(_HATCH[c.outcome])
        axes.axhline(100, color="black", linestyle="--", linewidth=1)
        vi = lang == "vi"
        axes.set_xlabel("Điều kiện" if vi else "Condition")
        axes.set_ylabel("% so với yêu cầu" if vi else "% of required")
        axes.set_title(
            f"{self._report.province.name}: "
            + ("điều kiện của tỉnh" if vi else "province conditions")
        )
        self._label(axes, lang)
        return axes

    def tiers_by_district(self, *, ax: Axes | None = None, lang: Lang = "en") -> Axes:
        """Stacked bars per district: its communes by the tier they certainly reach.

        The segments are the communes exactly at each tier (not yet, standard,
        advanced, model) and those whose tier is unknown.

        Returns:
            The matplotlib ``Axes``.
        """
        lang = check_lang(lang)
        axes = _axes(ax, "report.plot.tiers_by_district()")
        counts = self._report.commune_counts
        names = {u.code: u.name for r in self._report.levels.values() for u in r.units}
        parents = list(range(len(counts.parents) - 1))  # without the total
        labels = [names.get(counts.parents[i], counts.parents[i]) for i in parents]
        bottom = [0] * len(parents)
        segments: list[tuple[str, list[int]]] = []
        for t, tier in enumerate(counts.tiers):
            above = counts.at_least[t + 1] if t + 1 < len(counts.tiers) else None
            exact = [
                int(counts.at_least[t][i]) - (int(above[i]) if above is not None else 0)
                for i in parents
            ]
            segments.append((tier.label(lang), exact))
        segments.append(
            ("chưa rõ" if lang == "vi" else "unknown", [int(counts.unknown[i]) for i in parents])
        )
        for label, values in segments:
            axes.bar(labels, values, bottom=bottom, label=label, edgecolor="black")
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        axes.legend()
        axes.set_ylabel("Số xã" if lang == "vi" else "Communes")
        axes.tick_params(axis="x", labelrotation=60)
        self._label(axes, lang)
        return axes

    def criteria(
        self, *, rung: int | None = None, ax: Axes | None = None, lang: Lang = "en"
    ) -> Axes:
        """Horizontal bars: how many communes fail each criterion of ``rung``.

        Args:
            rung: The commune rung (0 standard, 1 advanced…); by default the
                first rung some commune still fails.
            ax: The axes to draw on.
            lang: Criterion names in English or Vietnamese.

        Returns:
            The matplotlib ``Axes``.
        """
        lang = check_lang(lang)
        axes = _axes(ax, "report.plot.criteria()")
        chosen = focus_rung(self._report) if rung is None else rung
        ranking = self._report.criteria_ranking(chosen)
        names = [f"{r.code} {r.name_vi if lang == 'vi' else r.name_en}" for r in ranking]
        axes.barh(names, [r.not_met for r in ranking], color="tab:red", edgecolor="black")
        axes.invert_yaxis()  # most failed on top
        batch = self._report.communes.batch
        tier = batch.ladder.tiers[chosen] if batch is not None else Tier.STANDARD
        axes.set_xlabel("Số xã chưa đạt" if lang == "vi" else "Communes not meeting it")
        axes.set_title(tier.label(lang))
        self._label(axes, lang)
        return axes
