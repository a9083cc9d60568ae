"""The year's results: what a province gained over the previous period.

Provincial reviews report *increases in the year*: Hà Tĩnh's notice of April
2022 on 2021 counts "02 huyện được Thủ tướng Chính phủ công nhận … 25 xã đạt
chuẩn nông thôn mới nâng cao, 01 xã đạt chuẩn nông thôn mới kiểu mẫu, 02 xã
đạt chuẩn nông thôn mới …, 236 Khu dân cư đạt chuẩn … có thêm 95 sản phẩm đạt
chuẩn". :func:`year_results` puts the same figures beside each other twice:

* **recognised** — units with a recognition decision *for* the year
  (*đạt chuẩn năm X*: the decision's ``assessment_year``, else the year of its
  date) that no earlier decision had put at the tier, counting only decisions
  dated on or before the report's date;
* **computed** — units that meet the tier's criteria in the report's period
  but did not in the previous period, each period judged by the rules in
  force on its own date (so 2021 under Decision 1980, 2022 under 318);
  not counted when missing data leave some unit's tier open in either period.

A figure that cannot be known is ``None`` with the reason, never zero.

.. versionadded:: 0.2.0
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

import attrs

from ntm_core._core.vocabulary import RuleLevel, Tier
from ntm_core.readiness._levels import LevelResult
from ntm_core.readiness._model import PlanTarget, ProvinceReadiness, Recognition

__all__ = ["YEAR_RESULTS_SCHEMA", "YearCount", "YearResults", "year_results"]

YEAR_RESULTS_SCHEMA = "ntm_core.year-results/1"
"""The ``schema`` value of :meth:`YearResults.to_dict`."""

# measure → (level, tier, English label, Vietnamese label); measure names are those of plan targets.
_UNIT_MEASURES: Mapping[str, tuple[RuleLevel, Tier, str, str]] = {
    "communes_standard": (
        RuleLevel.COMMUNE, Tier.STANDARD, "Communes at standard (NTM)", "Xã đạt chuẩn NTM"
    ),
    "communes_advanced": (
        RuleLevel.COMMUNE, Tier.ADVANCED, "Communes at advanced", "Xã đạt chuẩn NTM nâng cao"
    ),
    "communes_model": (
        RuleLevel.COMMUNE, Tier.MODEL, "Communes at model", "Xã đạt chuẩn NTM kiểu mẫu"
    ),
    "districts_standard": (
        RuleLevel.DISTRICT, Tier.STANDARD, "Districts at standard (NTM)", "Huyện đạt chuẩn NTM"
    ),
    "districts_advanced": (
        RuleLevel.DISTRICT, Tier.ADVANCED, "Districts at advanced", "Huyện đạt chuẩn NTM nâng cao"
    ),
    "towns_task_completed": (
        RuleLevel.TOWN,
        Tier.TASK_COMPLETED,
        "Towns and cities that completed the task",
        "Thị xã, thành phố hoàn thành nhiệm vụ xây dựng NTM",
    ),
}  # fmt: skip
_RESIDENTIAL = ("model_residential_areas", "Model residential areas", "Khu dân cư NTM kiểu mẫu")
_OCOP = ("ocop_certified", "OCOP products certified", "Sản phẩm OCOP được chứng nhận")


def _codes(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(values))


@attrs.frozen(kw_only=True)
class YearCount:
    """One line of the year's results: the increase of one measure.

    Attributes:
        measure: The measure's name, as plan targets name it (``"communes_advanced"``).
        label_en: English label.
        label_vi: Vietnamese label.
        recognised: Units newly recognised for the year (``None``: no decisions given).
        recognised_units: Their codes, sorted.
        computed: Units newly meeting the criteria (``None``: see ``computed_note``).
        computed_units: Their codes, sorted.
        computed_note: Why ``computed`` is ``None``, or ``None``.
        target: The plan target's minimum for the year, when one is given.

    .. versionadded:: 0.2.0
    """

    measure: str
    label_en: str
    label_vi: str
    recognised: int | None
    recognised_units: tuple[str, ...] = attrs.field(default=(), converter=_codes)
    computed: int | None = None
    computed_units: tuple[str, ...] = attrs.field(default=(), converter=_codes)
    computed_note: str | None = None
    target: int | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready data."""
        return {
            "measure": self.measure,
            "label_en": self.label_en,
            "label_vi": self.label_vi,
            "recognised": self.recognised,
            "recognised_units": list(self.recognised_units),
            "computed": self.computed,
            "computed_units": list(self.computed_units),
            "computed_note": self.computed_note,
            "target": self.target,
        }


def _counts(value: Iterable[YearCount]) -> tuple[YearCount, ...]:
    return tuple(value)


def _names(value: Mapping[str, str]) -> Mapping[str, str]:
    return dict(value)


@attrs.frozen(kw_only=True)
class YearResults:
    """A province's increases over the previous period, recognised and computed.

    Attributes:
        province: The province code.
        year: The period reported (the assessment year).
        previous: The period compared with (``year - 1``).
        on: The report's date; later decisions are not counted.
        counts: One :class:`YearCount` per measure.
        names: Unit code → name, for the units listed.

    >>> import datetime as dt
    >>> count = YearCount(measure="communes_model", label_en="Communes at model",
    ...                   label_vi="Xã đạt chuẩn NTM kiểu mẫu", recognised=1,
    ...                   recognised_units=["18628"], computed_note="no rule set")
    >>> results = YearResults(province="42", year=2021, previous=2020,
    ...                       on=dt.date(2021, 12, 31), counts=[count],
    ...                       names={"18628": "Xã Tượng Sơn"})
    >>> results.count("communes_model").recognised
    1
    >>> print(results.lines()[1])
      Communes at model: recognised +1 (Xã Tượng Sơn); computed: n/a (no rule set)

    .. versionadded:: 0.2.0
    """

    province: str
    year: int
    previous: int
    on: dt.date
    counts: tuple[YearCount, ...] = attrs.field(converter=_counts)
    names: Mapping[str, str] = attrs.field(factory=dict, converter=_names, repr=False)

    def count(self, measure: str) -> YearCount:
        """The line of ``measure``.

        Raises:
            KeyError: If the results have no such measure.
        """
        for item in self.counts:
            if item.measure == measure:
                return item
        known = ", ".join(c.measure for c in self.counts)
        msg = f"no measure {measure!r} in the year's results; expected one of {known}"
        raise KeyError(msg)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready data with ``"schema": "ntm_core.year-results/1"``."""
        return {
            "schema": YEAR_RESULTS_SCHEMA,
            "province": self.province,
            "year": self.year,
            "previous": self.previous,
            "on": self.on.isoformat(),
            "measures": [c.to_dict() for c in self.counts],
            "unit_names": {
                code: self.names[code]
                for c in self.counts
                for code in (*c.recognised_units, *c.computed_units)
                if code in self.names
            },
        }

    def _listed(self, codes: Sequence[str], limit: int = 5) -> str:
        if not codes or len(codes) > limit:
            return ""
        return " (" + ", ".join(self.names.get(c, c) for c in codes) + ")"

    def lines(self, *, lang: str = "en") -> list[str]:
        """The section as text lines (``lang`` ``"en"`` or ``"vi"``)."""
        vi = lang == "vi"
        if vi:
            head = f"Kết quả năm {self.year} (tăng so với năm {self.previous}):"
        else:
            head = f"Year's results {self.year} (increase over {self.previous}):"
        out = [head]
        words = ("công nhận", "tính theo tiêu chí", "chỉ tiêu") if vi else (
            "recognised", "computed", "target"
        )  # fmt: skip
        for item in self.counts:
            parts = []
            if item.recognised is not None:
                listed = self._listed(item.recognised_units)
                parts.append(f"{words[0]} +{item.recognised}{listed}")
            if item.computed is not None:
                parts.append(f"{words[1]} +{item.computed}{self._listed(item.computed_units)}")
            elif item.computed_note is not None:
                parts.append(f"{words[1]}: n/a ({item.computed_note})")
            if item.target is not None:
                parts.append(f"{words[2]} ≥{item.target}")
            label = item.label_vi if vi else item.label_en
            out.append(f"  {label}: {'; '.join(parts) or 'no data'}")
        return out


def _year_of(recognition: Recognition) -> int | None:
    if recognition.assessment_year is not None:
        return recognition.assessment_year
    return recognition.decision_date.year if recognition.decision_date is not None else None


def _recognised_by(
    recognitions: Iterable[Recognition], *, year: int, on: dt.date
) -> dict[str, Tier]:
    """Per unit: the highest tier recognised for ``year`` or earlier (decisions dated ≤ ``on``)."""
    best: dict[str, Tier] = {}
    for item in recognitions:
        when = _year_of(item)
        if when is None or when > year:
            continue
        if item.decision_date is not None and item.decision_date > on:
            continue
        held = best.get(item.unit)
        if held is None or item.tier.rank > held.rank:
            best[item.unit] = item.tier
    return best


def _at_least(result: LevelResult | None, tier: Tier) -> set[str] | None:
    """Codes certainly at ``tier`` or above, or ``None`` when no rule set decides the tier."""
    if result is None or result.batch is None or tier not in result.batch.ladder.tiers:
        return None
    return {c for c, ok in zip(result.codes, result.at_least(tier), strict=True) if ok}


def _open(result: LevelResult | None, tier: Tier) -> int:
    """How many units missing data could put at ``tier`` (an increase cannot be counted then)."""
    return 0 if result is None else int(result.maybe(tier).sum())


def year_results(
    report: ProvinceReadiness,
    previous: ProvinceReadiness | None = None,
    *,
    residential_areas: Sequence[Recognition] | None = None,
    ocop_certified: int | None = None,
    targets: Sequence[PlanTarget] = (),
) -> YearResults:
    """The year's results of ``report``: increases over the period before it.

    Args:
        report: The province's report for the year (its ``period``).
        previous: The same province's report for ``period - 1``, judged by the
            rules in force then (e.g. on the last day of that year). Without it
            the computed increases are ``None``.
        residential_areas: Recognition decisions of model residential areas
            (*khu dân cư NTM kiểu mẫu*) in the province; ``None`` when unknown.
        ocop_certified: OCOP products newly certified in the year, if known.
        targets: Plan targets; those of the year are shown beside their measure.

    Recognitions are read from ``report.recognitions``. A unit counts as
    recognised in the year when its highest tier recognised for that year or
    earlier is at least the tier, and its highest for the years before is not.

    .. versionadded:: 0.2.0
    """
    year = report.period
    on = report.on
    minimum = {t.measure.value: t.minimum for t in targets if t.year == year}
    recognitions = [r for r in report.recognitions if r.tier is not Tier.NOT_YET]
    now = _recognised_by(recognitions, year=year, on=on)
    before = _recognised_by(recognitions, year=year - 1, on=on)
    names = {u.code: u.name for result in report.levels.values() for u in result.units}
    counts = []
    for measure, (level, tier, label_en, label_vi) in _UNIT_MEASURES.items():
        result = report.levels.get(level)
        codes = result.codes if result is not None else ()
        if result is None or not codes:
            continue
        members = set(codes)
        recognised = None
        gained: set[str] = set()
        if recognitions:
            gained = {
                c
                for c, t in now.items()
                if c in members
                and t.rank >= tier.rank
                and (c not in before or before[c].rank < tier.rank)
            }
            recognised = len(gained)
        computed, note, newly = _computed(report, previous, level, tier)
        counts.append(
            YearCount(
                measure=measure,
                label_en=label_en,
                label_vi=label_vi,
                recognised=recognised,
                recognised_units=gained,
                computed=computed,
                computed_units=newly,
                computed_note=note,
                target=minimum.get(measure),
            )
        )
    measure, label_en, label_vi = _RESIDENTIAL
    if residential_areas is not None:
        areas = [
            r
            for r in residential_areas
            if r.tier is Tier.MODEL
            and _year_of(r) == year
            and (r.decision_date is None or r.decision_date <= on)
        ]
        counts.append(
            YearCount(
                measure=measure,
                label_en=label_en,
                label_vi=label_vi,
                recognised=len({r.unit for r in areas}),
                target=minimum.get(measure),
            )
        )
    measure, label_en, label_vi = _OCOP
    if ocop_certified is not None:
        counts.append(
            YearCount(
                measure=measure,
                label_en=label_en,
                label_vi=label_vi,
                recognised=ocop_certified,
                target=minimum.get(measure),
            )
        )
    return YearResults(
        province=report.province.code,
        year=year,
        previous=year - 1,
        on=on,
        counts=counts,
        names=names,
    )


def _computed(
    report: ProvinceReadiness, previous: ProvinceReadiness | None, level: RuleLevel, tier: Tier
) -> tuple[int | None, str | None, set[str]]:
    """Units meeting ``tier`` now and not in the previous period, or why that is unknown."""
    now = _at_least(report.levels.get(level), tier)
    if now is None:
        return None, _undecided(tier, report.on), set()
    if previous is None:
        return None, f"no data for {report.period - 1}", set()
    then = _at_least(previous.levels.get(level), tier)
    if then is None:
        return None, _undecided(tier, previous.on), set()
    open_ = _open(report.levels.get(level), tier) + _open(previous.levels.get(level), tier)
    if open_:
        return None, f"{open_} units' tiers are unknown: data missing", set()
    newly = now - then
    return len(newly), None, newly


def _undecided(tier: Tier, on: dt.date) -> str:
    """Why a tier is not computed: no ladder of the rules in force reaches it.

    A rule set for the tier may be in force and still not decide it, e.g.
    Decision 691's model communes on 2021-12-31: its rung stands on an
    advanced (*nâng cao*) set that no rule set gives for 2016–2020.
    """
    return f"the rules in force on {on.isoformat()} have no rung for {tier.label('en')}"
