"""The readiness report and its records: recognitions, plan targets and their progress."""

from __future__ import annotations

import datetime as dt
import enum
import os
import types
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ntm_core._core.accessor import Accessor
from ntm_core._core.display import Lang, check_lang
from ntm_core._core.tables import write_bytes
from ntm_core._core.vocabulary import Citation, Outcome, RuleLevel, Tier
from ntm_core._core.workbook import workbook_bytes
from ntm_core.admin import AdminUnit
from ntm_core.engine import Assessment
from ntm_core.readiness import _display, _gaps, _render, _sheets
from ntm_core.readiness._conditions import ConditionStatus
from ntm_core.readiness._gaps import ClosestUnit, CriterionFailures
from ntm_core.readiness._labels import ReportLabels
from ntm_core.readiness._levels import LevelResult
from ntm_core.readiness._plots import ReadinessPlots
from ntm_core.readiness._rollup import TierCounts, band_labels
from ntm_core.readiness._targets import ProgramTargets

if TYPE_CHECKING:
    from ntm_core.readiness._year import YearResults

__all__ = [
    "PlanTarget",
    "PlanTargetProgress",
    "ProvinceReadiness",
    "ProvincesReadiness",
    "Recognition",
    "TargetMeasure",
]


@attrs.frozen(kw_only=True)
class Recognition:
    """A recognition decision: a legal act, distinct from meeting the criteria.

    Attributes:
        unit: The unit's code.
        tier: The tier recognised.
        decision: The decision's number (``"525/QĐ-TTg"``).
        decision_date: The decision's date.
        assessment_year: The year the decision recognises (*đạt chuẩn năm X*),
            which may precede the decision date.

    .. versionadded:: 0.1.0
    """

    unit: str
    tier: Tier
    decision: str
    decision_date: dt.date | None
    assessment_year: int | None


class TargetMeasure(enum.Enum):
    """What a plan target counts: units of a level newly reaching a tier in the year.

    >>> TargetMeasure.from_text("communes_advanced").tier
    <Tier.ADVANCED: 'advanced'>

    .. versionadded:: 0.1.0
    """

    COMMUNES_STANDARD = "communes_standard"
    COMMUNES_ADVANCED = "communes_advanced"
    COMMUNES_MODEL = "communes_model"
    DISTRICTS_STANDARD = "districts_standard"
    DISTRICTS_ADVANCED = "districts_advanced"
    MODEL_RESIDENTIAL_AREAS = "model_residential_areas"
    PROVINCE_TASK_COMPLETED = "province_task_completed"

    @property
    def level(self) -> RuleLevel:
        """The level of the units counted."""
        return _MEASURES[self][0]

    @property
    def tier(self) -> Tier:
        """The tier they reach."""
        return _MEASURES[self][1]

    @classmethod
    def from_text(cls, text: str) -> TargetMeasure:
        """Parse a measure's name (``"communes_standard"``).

        Raises:
            ValueError: If the text names no measure; the message lists the known ones.
        """
        try:
            return cls(text.strip())
        except ValueError:
            known = ", ".join(m.value for m in cls)
            msg = f"unknown target measure {text!r}; expected one of {known}"
            raise ValueError(msg) from None


_MEASURES = {
    TargetMeasure.COMMUNES_STANDARD: (RuleLevel.COMMUNE, Tier.STANDARD),
    TargetMeasure.COMMUNES_ADVANCED: (RuleLevel.COMMUNE, Tier.ADVANCED),
    TargetMeasure.COMMUNES_MODEL: (RuleLevel.COMMUNE, Tier.MODEL),
    TargetMeasure.DISTRICTS_STANDARD: (RuleLevel.DISTRICT, Tier.STANDARD),
    TargetMeasure.DISTRICTS_ADVANCED: (RuleLevel.DISTRICT, Tier.ADVANCED),
    TargetMeasure.MODEL_RESIDENTIAL_AREAS: (RuleLevel.RESIDENTIAL_AREA, Tier.MODEL),
    TargetMeasure.PROVINCE_TASK_COMPLETED: (RuleLevel.PROVINCE, Tier.TASK_COMPLETED),
}


def _measure(value: TargetMeasure | str) -> TargetMeasure:
    return value if isinstance(value, TargetMeasure) else TargetMeasure.from_text(value)


@attrs.frozen(kw_only=True)
class PlanTarget:
    """A plan target: at least ``minimum`` units newly reaching ``measure`` in ``year``.

    ``measure`` may be given by name (``"communes_standard"``); an unknown name
    raises :class:`ValueError` listing the known measures.

    .. versionadded:: 0.1.0
    """

    year: int
    measure: TargetMeasure = attrs.field(converter=_measure)
    minimum: int
    label_vi: str
    label_en: str
    citation: Citation | None = None


@attrs.frozen(kw_only=True)
class PlanTargetProgress:
    """A plan target beside the actual result, when the data can tell it.

    .. versionadded:: 0.1.0
    """

    target: PlanTarget
    actual: int | None
    met: bool | None


def _conditions(value: Iterable[ConditionStatus]) -> tuple[ConditionStatus, ...]:
    return tuple(value)


def _recognitions(value: Iterable[Recognition]) -> tuple[Recognition, ...]:
    return tuple(value)


def _progress(value: Iterable[PlanTargetProgress]) -> tuple[PlanTargetProgress, ...]:
    return tuple(value)


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _read_only_levels(value: Mapping[RuleLevel, LevelResult]) -> Mapping[RuleLevel, LevelResult]:
    return types.MappingProxyType(dict(value))


@attrs.frozen(kw_only=True, eq=False)
class ProvinceReadiness:
    """The readiness report of a province for a target year.

    ``levels`` is a read-only mapping; ``labels`` says whether the values are
    synthetic and which thresholds are illustrative or overridden by a sheet;
    ``program_targets`` compares the province's shares with its region's
    programme targets for the target year (Decision 263/QĐ-TTg, 2025).

    Read it as text (:meth:`to_text`), Markdown, HTML, JSON-ready data
    (:meth:`to_dict`), a workbook (:meth:`to_excel`) or pandas DataFrames
    (:meth:`to_frame`); plot it with ``report.plot.conditions()``,
    ``report.plot.tiers_by_district()`` and ``report.plot.criteria()``
    (:class:`~ntm_core.readiness.ReadinessPlots`). Every renderer writes English
    (``lang="en"``) or Vietnamese (``lang="vi"``).

    .. versionadded:: 0.1.0
    """

    plot = Accessor(ReadinessPlots)
    """The plots of the report (:class:`~ntm_core.readiness.ReadinessPlots`)."""

    province: AdminUnit
    on: dt.date
    target_year: int | None
    period: int
    levels: Mapping[RuleLevel, LevelResult] = attrs.field(converter=_read_only_levels)
    province_assessment: Assessment | None
    conditions: tuple[ConditionStatus, ...] = attrs.field(converter=_conditions)
    commune_counts: TierCounts
    district_counts: TierCounts
    recognitions: tuple[Recognition, ...] = attrs.field(converter=_recognitions)
    targets: tuple[PlanTargetProgress, ...] = attrs.field(converter=_progress)
    rules: tuple[str, ...] = attrs.field(converter=_strings)
    rules_hash: str
    labels: ReportLabels = attrs.field(factory=ReportLabels)
    conditions_on: dt.date | None = None
    """The day whose province conditions judged the province, when :attr:`target_year`
    chose others than those in force on :attr:`on` (``--target 2030`` → 51/2025's).

    .. versionadded:: 0.3.0
    """
    program_targets: ProgramTargets | None = None
    """The programme targets of :attr:`target_year` (263/QĐ-TTg for 2025) beside the
    province's shares, or ``None`` (no target year, or none encoded for it).

    .. versionadded:: 0.3.0
    """

    @property
    def communes(self) -> LevelResult:
        """Commune results."""
        return self.levels[RuleLevel.COMMUNE]

    def outcome_note(self) -> str | None:
        """What the province's outcome means when some conditions are not applicable.

        A condition over zero units (no districts left after the 2025 reform)
        is neither met nor failed: the rules in force cannot decide the tier on
        that tree, so the report says so rather than count it as met.
        """
        idle = [c for c in self.conditions if c.outcome is Outcome.NOT_APPLICABLE]
        if not idle:
            return None
        codes = ", ".join(c.code for c in idle)
        return (
            f"{len(idle)} condition(s) not applicable ({codes}): they count units that do not "
            f"exist on {self.on.isoformat()}, so they are not counted as met and the province's "
            "tier cannot be decided from them"
        )

    def blocking(self) -> dict[str, list[AdminUnit]]:
        """Units that keep the province from its target.

        Districts not at standard, towns without *task completed*, communes not at standard.
        """
        return _gaps.blocking(self.levels)

    def criteria_ranking(self, rung: int = 0) -> list[CriterionFailures]:
        """Commune criteria of ``rung`` ranked by how many communes fail them."""
        return _gaps.criteria_ranking(self.communes, rung)

    def closest(self, tier: Tier = Tier.STANDARD, limit: int = 10) -> list[ClosestUnit]:
        """Communes not yet at ``tier`` closest to it: fewest criteria missing, smallest shortfall.

        The relative shortfall adds, over the failing numeric checks, the
        absolute margin divided by the threshold.
        """
        return _gaps.closest(self.communes, tier, limit)

    def recognised_status(self) -> list[tuple[AdminUnit, Tier | None, Recognition | None]]:
        """Per district-level unit and commune: the tier it surely meets, its latest recognition."""
        latest: dict[str, Recognition] = {}
        for item in sorted(self.recognitions, key=lambda r: r.decision_date or dt.date.min):
            latest[item.unit] = item
        out = []
        for level in (RuleLevel.DISTRICT, RuleLevel.TOWN, RuleLevel.COMMUNE):
            result = self.levels.get(level)
            if result is None:
                continue
            certain = (
                result.batch.tiers_at_least()
                if result.batch is not None
                else [None] * len(result.units)
            )
            for unit, tier in zip(result.units, certain, strict=True):
                out.append((unit, tier, latest.get(unit.code)))
        return out

    def meets_but_not_recognised(self) -> list[tuple[AdminUnit, Tier]]:
        """Units whose computed tier is above their recognised one.

        Only levels with at least one recognition on record are compared: where
        no decisions were given, there is nothing to compare with.
        """
        recorded = {r.unit for r in self.recognitions}
        levels_with_records = {
            level
            for level, result in self.levels.items()
            if any(u.code in recorded for u in result.units)
        }
        allowed = {u.code for level in levels_with_records for u in self.levels[level].units}
        out: list[tuple[AdminUnit, Tier]] = []
        for unit, tier, recognition in self.recognised_status():
            if unit.code not in allowed:
                continue
            if tier is None or tier is Tier.NOT_YET:
                continue
            recognised = recognition.tier if recognition is not None else Tier.NOT_YET
            try:
                above = tier > recognised
            except TypeError:
                above = False
            if above:
                out.append((unit, tier))
        return out

    def provenance_summary(self) -> dict[str, int]:
        """How many decisions (per level) depended on unverified or illustrative thresholds."""
        return {
            level.value: int(result.provisional.sum())
            for level, result in self.levels.items()
            if result.batch is not None
        }

    def band_labels(self) -> tuple[str, ...]:
        """Labels of the criteria-met bands used in the commune counts."""
        return band_labels(self.commune_counts.criteria_total)

    def __repr__(self) -> str:
        return _display.readiness_repr(self)

    def _repr_html_(self) -> str:
        return _display.readiness_repr_html(self)

    def to_text(
        self,
        *,
        lang: Lang = "en",
        ocop_lines: Sequence[str] | None = None,
        year: YearResults | None = None,
    ) -> str:
        """A one-screen summary, in the manner of an official report's summary section.

        Args:
            lang: ``"en"`` or ``"vi"``.
            ocop_lines: Lines of an OCOP section to include
                (:func:`ntm_core.ocop.render_ocop_section`).
            year: The year's results (:func:`~ntm_core.readiness.year_results`), shown last.

        .. versionadded:: 0.1.0
        """
        lang = check_lang(lang)
        return _render.readiness_text(self, ocop_lines=ocop_lines, lang=lang, year=year)

    def to_markdown(
        self,
        *,
        lang: Lang = "en",
        ocop: Mapping[str, Any] | None = None,
        year: YearResults | None = None,
    ) -> str:
        """The whole report as Markdown.

        Args:
            lang: ``"en"`` or ``"vi"``.
            ocop: An OCOP section (:func:`ntm_core.ocop.ocop_section`) to include.
            year: The year's results (:func:`~ntm_core.readiness.year_results`), shown last.

        .. versionadded:: 0.1.0
        """
        return _render.readiness_markdown(self, ocop=ocop, lang=check_lang(lang), year=year)

    def to_html(
        self,
        *,
        lang: Lang = "en",
        ocop: Mapping[str, Any] | None = None,
        year: YearResults | None = None,
    ) -> str:
        """The whole report as a standalone HTML page (arguments as :meth:`to_markdown`).

        .. versionadded:: 0.1.0
        """
        return _render.readiness_html(self, ocop=ocop, lang=check_lang(lang), year=year)

    def to_dict(
        self, *, ocop: Mapping[str, Any] | None = None, year: YearResults | None = None
    ) -> dict[str, Any]:
        """The whole report as JSON-ready data (schema ``ntm_core.readiness/1``).

        With ``ocop`` the data gain ``"ocop"``, with ``year`` ``"year_results"``.

        .. versionadded:: 0.1.0
        """
        return _render.readiness_to_dict(self, ocop=ocop, year=year)

    def to_excel(
        self,
        path: str | os.PathLike[str],
        *,
        lang: Lang = "en",
        force: bool = False,
        year: YearResults | None = None,
    ) -> Path | None:
        """Write the report as an Excel workbook, one sheet per section.

        The sheets: conditions, communes by district, units by level, closest
        units, criteria ranking, plan targets, the year's results (with
        ``year``), and the labels and notes (synthetic values, illustrative and
        overridden thresholds, rules). Headers are in ``lang`` and frozen;
        numbers are stored as numbers.

        Raises:
            OutputError: ``path`` exists and ``force`` is false, or cannot be written.
            MissingDependencyError: openpyxl is not installed.

        .. versionadded:: 0.1.0
        """
        lang = check_lang(lang)
        data = workbook_bytes(
            _sheets.sheets(self, lang=lang, year=year), feature="ProvinceReadiness.to_excel()"
        )
        return write_bytes(path, data, force=force)

    def to_frame(self) -> dict[str, Any]:
        """The report's tables as pandas DataFrames, one each, named.

        Keys: ``conditions`` (one row per province condition), ``communes``
        (per district and a ``total`` row: communes at least at each tier),
        ``levels`` (every unit assessed: level, code, name, tier, provisional),
        ``closest`` (communes closest to each tier), ``criteria`` (commune
        criteria by how many communes fail them) and ``targets``.

        Raises:
            MissingDependencyError: pandas is not installed.

        .. versionadded:: 0.1.0
        """
        return _sheets.frames(self)


def _read_only_reports(
    value: Mapping[str, ProvinceReadiness],
) -> Mapping[str, ProvinceReadiness]:
    return types.MappingProxyType(dict(value))


@attrs.frozen(kw_only=True, eq=False)
class ProvincesReadiness:
    """Readiness reports for several provinces, assessed in one pass.

    Attributes:
        reports: Province code → its report (a read-only mapping).

    .. versionadded:: 0.1.0
    """

    reports: Mapping[str, ProvinceReadiness] = attrs.field(converter=_read_only_reports)

    def __repr__(self) -> str:
        return _display.reports_repr(self)

    def to_dict(self) -> dict[str, Any]:
        """Province code → :meth:`ProvinceReadiness.to_dict`.

        .. versionadded:: 0.1.0
        """
        return {code: report.to_dict() for code, report in self.reports.items()}

    def to_frame(self) -> dict[str, Any]:
        """The frames of :meth:`ProvinceReadiness.to_frame`, every province's rows in one each.

        Each frame gains a first column ``province`` (the province code).

        Raises:
            MissingDependencyError: pandas is not installed.

        .. versionadded:: 0.1.0
        """
        return _sheets.combined_frames(self.reports)

    def _repr_html_(self) -> str:
        return _display.reports_repr_html(self)
