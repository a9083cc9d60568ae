"""The rule-set model: rule sets, criteria, indicators and thresholds.

Everything here is an immutable value. Rule files are parsed into these by
:mod:`ntm_core.rules._loader`; the :class:`~ntm_core.rules.Rulebook` holds them.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Iterable, Iterator, Mapping
from fractions import Fraction
from types import MappingProxyType
from typing import Any

import attrs

from ntm_core._core.numbers import json_exact
from ntm_core._core.vocabulary import Citation, CommuneGroup, Provenance, Region, RuleLevel, Tier
from ntm_core.rules import _views
from ntm_core.rules._conditions import AllOf, Check, Condition

__all__ = [
    "Aggregate",
    "Comparator",
    "Criterion",
    "Indicator",
    "IndicatorKind",
    "OcopPart",
    "OcopScheme",
    "OcopStarBand",
    "RegionOverride",
    "RelativeThreshold",
    "RevocationRule",
    "RulePurpose",
    "RuleSet",
    "Selection",
    "SelectorKind",
    "Threshold",
    "ThresholdOverride",
    "ruleset_to_dict",
    "threshold_to_dict",
]


def _thresholds(value: Iterable[Threshold]) -> tuple[Threshold, ...]:
    return tuple(value)


def _indicators(value: Iterable[Indicator]) -> tuple[Indicator, ...]:
    return tuple(value)


def _criteria(value: Iterable[Criterion]) -> tuple[Criterion, ...]:
    return tuple(value)


def _overrides(value: Iterable[RegionOverride]) -> tuple[RegionOverride, ...]:
    return tuple(value)


def _revocations(value: Iterable[RevocationRule]) -> tuple[RevocationRule, ...]:
    return tuple(value)


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _replacements(value: Iterable[ThresholdOverride]) -> tuple[ThresholdOverride, ...]:
    return tuple(value)


def _kinds(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


class Comparator(enum.Enum):
    """How an observed value is compared with its threshold.

    >>> Comparator.GE.holds(45, 45)
    True
    >>> Comparator.LE.margin(26, 25)  # stunting 26% against a ceiling of 25%
    Fraction(-1, 1)

    .. versionadded:: 0.1.0
    """

    GE = ">="
    LE = "<="
    GT = ">"
    LT = "<"
    EQ = "=="

    def holds(self, observed: Fraction | bool, threshold: Fraction | bool) -> bool:  # noqa: FBT001 - yes/no values compare with ==
        """Whether ``observed`` meets ``threshold`` under this comparator."""
        if self is Comparator.EQ:
            return observed == threshold
        if isinstance(observed, bool) or isinstance(threshold, bool):
            msg = f"{self.value} cannot compare yes/no values"
            raise TypeError(msg)
        if self is Comparator.GE:
            return observed >= threshold
        if self is Comparator.LE:
            return observed <= threshold
        if self is Comparator.GT:
            return observed > threshold
        return observed < threshold

    def margin(self, observed: Fraction, threshold: Fraction) -> Fraction:
        """The signed distance to the threshold in the indicator's unit.

        Positive (or zero) means room to spare, negative a shortfall: for ``>=``
        it is ``observed - threshold``; for ``<=`` it is ``threshold - observed``.
        """
        difference = Fraction(observed - threshold)
        if self in (Comparator.GE, Comparator.GT):
            return difference
        if self in (Comparator.LE, Comparator.LT):
            return -difference
        return -abs(difference)

    @property
    def improves_upward(self) -> bool | None:
        """True if larger values are better, False if smaller are, None for ``==``."""
        if self in (Comparator.GE, Comparator.GT):
            return True
        if self in (Comparator.LE, Comparator.LT):
            return False
        return None


class RulePurpose(enum.Enum):
    """What a rule set decides: a rung of a tier ladder, an OCOP rating, recognition, or targets.

    The values are the spelling of ``tier`` in a rule file for the last three
    (``tier = "rating"``, ``tier = "recognition"``, ``tier = "targets"``); every
    other rule set decides a tier. A ``TARGETS`` edition (Decision 263/QĐ-TTg's
    targets for 2025) decides nothing: reports compare a unit's shares with the
    thresholds of its region for a target year (the ``year`` selector).

    >>> RulePurpose("rating")
    <RulePurpose.RATING: 'rating'>

    .. versionadded:: 0.1.0
    """

    TIER = "tier"
    RATING = "rating"
    RECOGNITION = "recognition"
    TARGETS = "targets"
    """Programme targets by year (and region), compared with, never deciding, a tier.

    .. versionadded:: 0.3.0
    """


class SelectorKind(enum.Enum):
    """How the thresholds of a rule set vary between units.

    ``REGION``: by the 7 NTM regions (2016–2025 sets); ``GROUP``: by the 3 commune
    groups (2026–2030 set); ``NONE``: one level for every unit. The values are the
    ``selector`` spelling of a rule file.

    >>> SelectorKind("group")
    <SelectorKind.GROUP: 'group'>

    .. versionadded:: 0.1.0
    """

    REGION = "region"
    GROUP = "group"
    NONE = "none"


class IndicatorKind(enum.Enum):
    """What an indicator measures: a number, a ratio of counts, or yes/no.

    .. versionadded:: 0.1.0
    """

    NUMERIC = "numeric"
    RATIO = "ratio"
    BOOLEAN = "boolean"


@attrs.frozen(kw_only=True)
class Selection:
    """The attributes of a unit that pick its thresholds.

    Attributes:
        region: The unit's NTM region (2016–2025 sets).
        group: The unit's commune group (2026–2030 set).
        year: The assessment year.
        commune_kind: A special status such as ``"extremely_disadvantaged"``.

    .. versionadded:: 0.1.0
    """

    region: Region | None = None
    group: CommuneGroup | None = None
    year: int | None = None
    commune_kind: str | None = None


@attrs.frozen(kw_only=True)
class RelativeThreshold:
    """A threshold defined as a factor of another rule set's threshold.

    Decision 319/QĐ-TTg sets the model-commune income at 10% above the
    advanced-commune level in force at the same time: ``key =
    "vn.commune.advanced"``, ``indicator = "income_per_capita"``,
    ``factor = Fraction(11, 10)``.

    .. versionadded:: 0.1.0
    """

    key: str
    indicator: str
    factor: Fraction


@attrs.frozen(kw_only=True)
class Threshold:
    """One threshold value of an indicator and the selectors it applies to.

    A selector left ``None`` applies to every unit; when several thresholds
    match a unit, the most specific one (most selectors set) wins.

    Attributes:
        value: The value in the indicator's canonical unit (``True`` for yes/no
            indicators), or ``None`` for an unresolved relative threshold.
        relative_to: Set when the value is a factor of another rule set's threshold.
        region: The NTM region it applies to, or ``None`` for the general level.
        group: The commune group it applies to.
        year: The assessment year it applies to.
        commune_kind: The special commune kind it applies to.
        citation: Where the law says so.
        provenance: How sure we are of the value.
        source: Where the value was read (a web page, a provincial decision).
        note: Anything a reader must know.
        origin: The rule file (or threshold sheet) the value came from.

    .. versionadded:: 0.1.0
    """

    value: Fraction | bool | None
    citation: Citation
    provenance: Provenance
    relative_to: RelativeThreshold | None = None
    region: Region | None = None
    group: CommuneGroup | None = None
    year: int | None = None
    commune_kind: str | None = None
    source: str | None = None
    note: str | None = None
    origin: str | None = attrs.field(default=None, eq=False)
    selector_map: Mapping[str, str | int] = attrs.field(
        init=False, eq=False, hash=False, repr=False,
        default=attrs.Factory(lambda self: MappingProxyType(self.selectors()), takes_self=True),
    )  # fmt: skip

    @property
    def specificity(self) -> int:
        """How many selectors are set."""
        return sum(s is not None for s in (self.region, self.group, self.year, self.commune_kind))

    def selectors(self) -> dict[str, str | int]:
        """The selectors that are set, JSON-ready (``{"region": "BTB", "year": 2022}``)."""
        out: dict[str, str | int] = {}
        if self.region is not None:
            out["region"] = self.region.value
        if self.group is not None:
            out["group"] = self.group.value
        if self.year is not None:
            out["year"] = self.year
        if self.commune_kind is not None:
            out["commune_kind"] = self.commune_kind
        return out

    def same_selectors(self, other: Threshold) -> bool:
        """Whether both apply to exactly the same units."""
        return self.selectors() == other.selectors()

    def matches(self, selection: Selection) -> bool:
        """Whether the threshold applies to a unit with these attributes."""
        return (
            (self.region is None or self.region is selection.region)
            and (self.group is None or self.group is selection.group)
            and (self.year is None or self.year == selection.year)
            and (self.commune_kind is None or self.commune_kind == selection.commune_kind)
        )


_TRUSTED = (Provenance.VERIFIED, Provenance.SECONDARY)


@attrs.frozen(kw_only=True)
class ThresholdOverride:
    """A threshold that a threshold sheet replaced, or shadowed for some units.

    A sheet row replaces a threshold with the same selectors, and shadows a
    more general one (a ``BTB`` row beside a region-wide value decides every
    BTB commune). Either way the old value no longer decides those units, so
    every such row is recorded here, and reports list them.

    A sheet may replace a ``verified`` or ``secondary`` value, or put a less
    sure value in place of a surer one, only when the row says so in its
    ``override`` column (``explicit`` is then ``True``); otherwise reading the
    sheet fails.

    Attributes:
        edition: ``KEY@EDITION`` of the edition the row changes.
        indicator: The indicator key.
        old: The threshold that no longer decides (value, selectors, citation, provenance).
        new: The sheet's threshold.
        sheet: The threshold sheet's path.
        row: The row of the sheet (1-based, header included).
        explicit: Whether the row's ``override`` column asked for the replacement.

    .. versionadded:: 0.2.0
    """

    edition: str
    indicator: str
    old: Threshold
    new: Threshold
    sheet: str
    row: int
    explicit: bool

    @property
    def downgrade(self) -> bool:
        """Whether a verified or secondary value, or a surer one, gave way.

        >>> import datetime as dt
        >>> from ntm_core import Citation, Provenance
        >>> cite = Citation(number="318/QĐ-TTg", date=dt.date(2022, 3, 8))
        >>> old = Threshold(value=50, citation=cite, provenance=Provenance.SECONDARY)
        >>> new = Threshold(value=60, citation=cite, provenance=Provenance.ILLUSTRATIVE)
        >>> ThresholdOverride(edition="x@1", indicator="k", old=old, new=new,
        ...                   sheet="s.csv", row=2, explicit=True).downgrade
        True
        """
        order = list(Provenance)
        return self.old.provenance in _TRUSTED or order.index(self.new.provenance) > order.index(
            self.old.provenance
        )

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: edition, indicator, selectors, old and new threshold, sheet and row."""
        return {
            "edition": self.edition,
            "indicator": self.indicator,
            "selectors": self.new.selectors(),
            "old": threshold_to_dict(self.old),
            "new": threshold_to_dict(self.new),
            "sheet": self.sheet,
            "row": self.row,
            "explicit": self.explicit,
        }


def _aggregates(value: Iterable[Aggregate]) -> tuple[Aggregate, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Aggregate:
    """An indicator computed from the assessments of child units.

    ``of`` is the rule level of the children, ``tier`` the tier they must
    reach; the value is the share (percent) of children at that tier or above.
    ``also`` counts children of further levels, each at its own tier, in the
    same share (Decision 263/QĐ-TTg counts districts at standard and towns that
    completed the task as "district-level units"); only targets editions use it.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.3.0
       ``also``.
    """

    of: RuleLevel
    tier: Tier
    also: tuple[Aggregate, ...] = attrs.field(default=(), converter=_aggregates)

    def parts(self) -> tuple[tuple[RuleLevel, Tier], ...]:
        """Every ``(level, tier)`` the share counts, this one first."""
        return ((self.of, self.tier), *((a.of, a.tier) for a in self.also))


@attrs.frozen(kw_only=True)
class Indicator:
    """One measurable requirement (*chỉ tiêu*) of a criterion.

    Attributes:
        key: Stable snake_case key that survives renumbering (``income_per_capita``).
        code: The legal code in this edition (``"10"``, ``"17.10"``).
        name_vi: The Vietnamese name.
        name_en: The English name.
        kind: Numeric, ratio or yes/no.
        unit: The canonical unit (pint syntax), ``None`` for yes/no.
        comparator: How observations are compared with thresholds.
        thresholds: Every known threshold; may be empty when the value is unknown.
        aggregate: Set when the value is computed from child units.
        note: Anything a reader must know.

    .. versionadded:: 0.1.0
    """

    key: str
    code: str
    name_vi: str
    name_en: str
    kind: IndicatorKind
    unit: str | None
    comparator: Comparator
    thresholds: tuple[Threshold, ...] = attrs.field(default=(), converter=_thresholds)
    aggregate: Aggregate | None = None
    note: str | None = None

    def threshold_for(self, selection: Selection) -> Threshold | None:
        """The most specific threshold that applies to ``selection``, or ``None``.

        Ties between equally specific thresholds go to the one listed first.
        """
        best: Threshold | None = None
        for threshold in self.thresholds:
            if threshold.value is None or not threshold.matches(selection):
                continue
            if best is None or threshold.specificity > best.specificity:
                best = threshold
        return best


def _default_condition(indicators: Iterable[Indicator]) -> Condition:
    return AllOf(children=[Check(key=i.key) for i in indicators])


@attrs.frozen(kw_only=True)
class Criterion:
    """A criterion (*tiêu chí*): a legal code, names, indicators and a condition.

    .. versionadded:: 0.1.0
    """

    code: str
    name_vi: str
    name_en: str
    indicators: tuple[Indicator, ...] = attrs.field(converter=_indicators)
    condition: Condition = attrs.field(
        default=attrs.Factory(lambda self: _default_condition(self.indicators), takes_self=True)
    )
    group: str | None = None

    def indicator(self, key: str) -> Indicator:
        """The indicator with ``key``.

        Raises:
            KeyError: If the criterion has no such indicator.
        """
        for indicator in self.indicators:
            if indicator.key == key:
                return indicator
        raise KeyError(key)


@attrs.frozen(kw_only=True)
class RegionOverride:
    """Communes of these kinds are assessed at another region's level.

    Decision 318/QĐ-TTg, Article 1: extremely disadvantaged communes (and some
    others) use the level of the Northern Midlands and Mountains.

    .. versionadded:: 0.1.0
    """

    commune_kinds: frozenset[str] = attrs.field(converter=_kinds)
    region: Region
    citation: Citation
    provenance: Provenance


@attrs.frozen(kw_only=True)
class RevocationRule:
    """A band of unmet criteria in which a recognition is revoked (Decision 18/2022/QĐ-TTg).

    The rule fires when the share of criteria no longer met is at least
    ``min_share_not_met`` percent and below ``max_share_not_met`` (if set),
    and — if ``requires_one_of`` is not empty — one of those criteria is among
    the unmet ones. A rule on the unit's children instead sets
    ``min_share_children_revoked``: it fires when at least that percent of the
    unit's child units have had their recognition revoked (a district, when
    30% of its communes have).

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       ``min_share_children_revoked``; ``min_share_not_met`` may be ``None``.
    """

    level: RuleLevel
    min_share_not_met: Fraction | None
    max_share_not_met: Fraction | None
    requires_one_of: tuple[str, ...]
    citation: Citation
    provenance: Provenance
    note: str | None = None
    min_share_children_revoked: Fraction | None = None


@attrs.frozen(kw_only=True)
class OcopPart:
    """A part of the OCOP score sheet (A, B or C) and its maximum.

    .. versionadded:: 0.1.0
    """

    code: str
    name_vi: str
    name_en: str
    max: int
    citation: Citation
    provenance: Provenance


@attrs.frozen(kw_only=True)
class OcopStarBand:
    """A star band: the lowest total score that earns ``stars``, and who certifies it.

    .. versionadded:: 0.1.0
    """

    stars: int
    min_score: Fraction
    certified: bool
    certifier: str | None
    citation: Citation
    provenance: Provenance


def _groups(value: Mapping[str, tuple[str, str]]) -> Mapping[str, tuple[str, str]]:
    """Product groups as a read-only mapping of code to (Vietnamese, English) names."""
    return MappingProxyType({str(k): (str(v[0]), str(v[1])) for k, v in value.items()})


@attrs.frozen(kw_only=True)
class OcopScheme:
    """The OCOP score sheet of one edition: parts, star bands, validity, product groups.

    Attributes:
        groups: Product group code → (Vietnamese name, English name), read-only.

    .. versionadded:: 0.1.0
    """

    parts: tuple[OcopPart, ...]
    stars: tuple[OcopStarBand, ...]
    validity_months: int | None
    validity_citation: Citation | None
    validity_provenance: Provenance | None
    groups: Mapping[str, tuple[str, str]] = attrs.field(converter=_groups)

    def __reduce__(self) -> tuple[object, ...]:
        # A read-only mapping does not pickle: rebuild through the class with a dict.
        fields = {f.name: getattr(self, f.name) for f in attrs.fields(OcopScheme)}
        return (functools.partial(OcopScheme, **{**fields, "groups": dict(self.groups)}), ())


@attrs.frozen(kw_only=True, repr=False)
class RuleSet:
    """One edition of one rule set: an instrument, for one level and one tier.

    Attributes:
        key: Dotted, stable across editions (``vn.commune.standard``).
        edition: Unique per key (``2021-2025``, ``2021-2025+211``).
        period: The programme period (``2021-2025``); several editions may share it.
        valid_from: First day in force (inclusive).
        valid_to: First day no longer in force (exclusive), ``None`` if open.
        level: The level it grades.
        tier: The tier it decides, or ``None`` for rating and recognition rule sets.
        purpose: A :class:`RulePurpose`: ``TIER`` (decides a rung of a ladder),
            ``RATING`` (OCOP score sheet) or ``RECOGNITION`` (recognition
            conditions and revocation).
        title_vi: The instrument's Vietnamese title.
        title_en: An English rendering.
        selector: How thresholds vary: a :class:`SelectorKind`.
        instrument: The instrument it encodes.
        refines: ``KEY@EDITION`` of the edition it amends or tightens, for overlays.
        criteria: The criteria, in legal order.
        region_overrides: Communes assessed at another region's level.
        revocation: Revocation bands (recognition rule sets only).
        ocop: The score sheet (OCOP rating editions only).
        note: Anything a reader must know.
        source: The rule file it was read from.
        overlays: Threshold sheets layered onto it, in order.
        overrides: Thresholds those sheets replaced or shadowed (see
            :class:`ThresholdOverride`), in sheet order.

    .. versionadded:: 0.1.0
    """

    key: str
    edition: str
    period: str
    valid_from: dt.date
    valid_to: dt.date | None
    level: RuleLevel
    tier: Tier | None
    title_vi: str
    title_en: str
    selector: SelectorKind = attrs.field(validator=attrs.validators.instance_of(SelectorKind))
    instrument: Citation
    criteria: tuple[Criterion, ...] = attrs.field(default=(), converter=_criteria)
    refines: str | None = None
    purpose: RulePurpose = attrs.field(
        default=RulePurpose.TIER, validator=attrs.validators.instance_of(RulePurpose)
    )
    region_overrides: tuple[RegionOverride, ...] = attrs.field(default=(), converter=_overrides)
    revocation: tuple[RevocationRule, ...] = attrs.field(default=(), converter=_revocations)
    ocop: OcopScheme | None = None
    note: str | None = None
    source: str | None = attrs.field(default=None, eq=False)
    overlays: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    overrides: tuple[ThresholdOverride, ...] = attrs.field(
        default=(), converter=_replacements, eq=False
    )

    def __repr__(self) -> str:
        return _views.rule_set_repr(self)

    def _repr_html_(self) -> str:
        """Criteria (collapsible) → indicators → thresholds, with citations and provenance."""
        return _views.rule_set_html(self)

    def to_frame(self) -> Any:  # noqa: ANN401 - a pandas DataFrame; pandas is optional
        """One row per threshold, as a pandas DataFrame.

        Columns: ``rule_set``, ``criterion``, ``criterion_name``, ``indicator``
        (the stable key), ``indicator_code``, ``indicator_name``, ``kind``,
        ``unit``, ``comparator``, ``value`` (float or bool; empty when unknown),
        ``value_exact`` (the exact value as text, ``"91/2"``), the selectors
        ``region``, ``group``, ``year`` and ``commune_kind``, ``provenance``,
        ``citation`` and ``note``. An indicator without a threshold has one row
        with the value empty.

        Raises:
            MissingDependencyError: pandas is not installed (``pip install 'ntm-core[pandas]'``).

        .. versionadded:: 0.3.0
        """
        return _views.rule_set_frame(self)

    @functools.cached_property
    def fingerprint(self) -> str:
        """The SHA-256 of the edition's whole content (``sha256:…``); equal ones decide alike.

        Computed once per edition (editions are immutable): every ``assess()``
        and ``explain()`` keys its compiled plans by the fingerprints.

        .. versionadded:: 0.3.0
        """
        return _views.fingerprint(self)

    @property
    def id(self) -> str:
        """``KEY@EDITION``, the name used on the command line."""
        return f"{self.key}@{self.edition}"

    def in_force_on(self, on: dt.date) -> bool:
        """Whether the edition is in force on ``on`` (half-open interval)."""
        return self.valid_from <= on and (self.valid_to is None or on < self.valid_to)

    def validity_text(self) -> str:
        """``"2022-03-08 – 2024-03-01"`` (or ``"2026-02-15 –"`` when open)."""
        end = self.valid_to.isoformat() if self.valid_to else ""
        return f"{self.valid_from.isoformat()} – {end}".rstrip()

    def indicators(self) -> Iterator[tuple[Criterion, Indicator]]:
        """Every indicator with its criterion, in legal order."""
        for criterion in self.criteria:
            for indicator in criterion.indicators:
                yield criterion, indicator

    def indicator(self, key_or_code: str) -> Indicator:
        """The indicator with this key, or with this legal code.

        Raises:
            KeyError: If none matches.
        """
        by_code = None
        for _, indicator in self.indicators():
            if indicator.key == key_or_code:
                return indicator
            if indicator.code == key_or_code and by_code is None:
                by_code = indicator
        if by_code is not None:
            return by_code
        raise KeyError(key_or_code)

    def criterion(self, code: str) -> Criterion:
        """The criterion with this legal code.

        Raises:
            KeyError: If none matches.
        """
        for criterion in self.criteria:
            if criterion.code == code:
                return criterion
        raise KeyError(code)

    def effective_selection(self, selection: Selection) -> Selection:
        """Apply region overrides: an extremely disadvantaged commune uses the TDMNPB level."""
        if selection.commune_kind is None:
            return selection
        for override in self.region_overrides:
            if selection.commune_kind in override.commune_kinds:
                return attrs.evolve(selection, region=override.region)
        return selection

    def thresholds(self) -> Iterator[tuple[Indicator, Threshold]]:
        """Every threshold with its indicator."""
        for _, indicator in self.indicators():
            for threshold in indicator.thresholds:
                yield indicator, threshold

    def provenance_counts(self) -> dict[Provenance, int]:
        """How many thresholds of each provenance the edition has."""
        counts = dict.fromkeys(Provenance, 0)
        for _, threshold in self.thresholds():
            counts[threshold.provenance] += 1
        if self.ocop is not None:
            for part in self.ocop.parts:
                counts[part.provenance] += 1
            for band in self.ocop.stars:
                counts[band.provenance] += 1
        return counts

    def restricted_to(self, selection: Selection) -> RuleSet:
        """The same edition with, per indicator, only the threshold that applies.

        Without a year in ``selection``, the threshold that applies in each
        year the indicator names is kept (income levels rise year by year).
        """
        effective = self.effective_selection(selection)
        criteria = []
        for criterion in self.criteria:
            indicators = []
            for indicator in criterion.indicators:
                if effective.year is not None:
                    years: list[int | None] = [effective.year]
                else:
                    years = [
                        None,
                        *sorted({t.year for t in indicator.thresholds if t.year is not None}),
                    ]
                kept: list[Threshold] = []
                for year in years:
                    best = indicator.threshold_for(attrs.evolve(effective, year=year))
                    if best is not None and best not in kept:
                        kept.append(best)
                indicators.append(attrs.evolve(indicator, thresholds=kept))
            criteria.append(attrs.evolve(criterion, indicators=indicators))
        return attrs.evolve(self, criteria=criteria)


def threshold_to_dict(threshold: Threshold) -> dict[str, object]:
    """A threshold as the ``rules show --format json`` contract spells it.

    The value is exact text (``"45"``, ``"91/2"``), ``true`` for a yes/no
    threshold, or ``null`` when not yet known, as in assessment JSON.
    """
    out: dict[str, object] = {"value": json_exact(threshold.value)}
    out.update(threshold.selectors())
    out["citation"] = threshold.citation.to_dict()
    out["provenance"] = threshold.provenance.value
    if threshold.source:
        out["source"] = threshold.source
    if threshold.note:
        out["note"] = threshold.note
    return out


def ruleset_to_dict(edition: RuleSet) -> dict[str, object]:
    """An edition as the stable JSON contract of ``ntm rules show``.

    Top level ``key``, ``edition``, ``valid_from``, ``valid_to``,
    ``instrument``, ``criteria``; each criterion ``code``, ``name_vi``,
    ``name_en``, ``indicators``; each indicator ``key``, ``code``,
    ``name_vi``, ``name_en``, ``kind``, ``unit``, ``comparator``,
    ``thresholds``. Keys may be added; these are never renamed.
    """
    out: dict[str, object] = {
        "key": edition.key,
        "edition": edition.edition,
        "period": edition.period,
        "valid_from": edition.valid_from.isoformat(),
        "valid_to": edition.valid_to.isoformat() if edition.valid_to else None,
        "level": edition.level.value,
        "tier": edition.tier.value if edition.tier is not None else None,
        "purpose": edition.purpose.value,
        "title_vi": edition.title_vi,
        "title_en": edition.title_en,
        "instrument": edition.instrument.to_dict(),
        "refines": edition.refines,
        "overlays": list(edition.overlays),
        "overrides": [o.to_dict() for o in edition.overrides],
        "provenance_counts": {p.value: n for p, n in edition.provenance_counts().items()},
        "criteria": [
            {
                "code": c.code,
                "name_vi": c.name_vi,
                "name_en": c.name_en,
                "condition": c.condition.to_data(),
                "indicators": [
                    {
                        "key": i.key,
                        "code": i.code,
                        "name_vi": i.name_vi,
                        "name_en": i.name_en,
                        "kind": i.kind.value,
                        "unit": i.unit,
                        "comparator": i.comparator.value,
                        "thresholds": [threshold_to_dict(t) for t in i.thresholds],
                    }
                    for i in c.indicators
                ],
            }
            for c in edition.criteria
        ],
    }
    if edition.ocop is not None:
        out["ocop"] = _ocop_to_dict(edition.ocop)
    return out


def _ocop_to_dict(scheme: OcopScheme) -> dict[str, object]:
    """An OCOP score sheet for JSON."""
    parts = [
        {"code": p.code, "name_vi": p.name_vi, "name_en": p.name_en, "max": p.max}
        | {"citation": p.citation.to_dict(), "provenance": p.provenance.value}
        for p in scheme.parts
    ]
    stars: list[dict[str, object]] = [
        {
            "stars": s.stars,
            "min_score": json_exact(s.min_score),
            "certified": s.certified,
            "certifier": s.certifier,
            "citation": s.citation.to_dict(),
            "provenance": s.provenance.value,
        }
        for s in scheme.stars
    ]
    groups = [{"code": k, "name_vi": v[0], "name_en": v[1]} for k, v in scheme.groups.items()]
    return {
        "parts": parts,
        "stars": stars,
        "validity_months": scheme.validity_months,
        "groups": groups,
    }
